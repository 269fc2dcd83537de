"""What the outbox keeps at rest."""

import pytest
from django.db import connection

from outbox.models import OutboundEmail
from outbox.services import outbound_email_queue

pytestmark = pytest.mark.django_db

LINK = "https://clinic.example/consultation/booking/eyJrIjoiYWJjIn0:1vAbCd:S1gnature/"


def test_a_queued_mail_keeps_no_working_link_in_plain_text():
    email = outbound_email_queue(
        kind="patient_ack",
        recipients=["zoe.q@example.org"],
        subject="We received your consultation request (TKW-0000-0000)",
        body=f"Pick a time: {LINK}",
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT body, recipients FROM consultations_outboundemail")
        ((body, recipients),) = cursor.fetchall()
    assert "S1gnature" not in body and "booking" not in body
    assert "zoe.q" not in recipients
    assert OutboundEmail.objects.get(pk=email.pk).body == f"Pick a time: {LINK}"
