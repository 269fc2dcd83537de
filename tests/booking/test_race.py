"""Twenty patients press "Book this time" for the same slot at once (PostgreSQL only).

Each thread has its own database connection and its own HTTP client, as separate app
processes would. Exactly one wins; every other one gets the "just taken" message with the
time they chose repeated to them, and no error page.
"""

import datetime
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from booking import selectors, services
from booking.models import Booking
from tests.booking.concurrency import run_together
from tests.booking.factories import ConsultationTypeFactory, StaffFactory, weekday_windows
from tests.consultations.factories import ConsultationRequestFactory

THREADS = 20

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs concurrent writers with row locks: PostgreSQL only (CI runs it there); "
        "SQLite's race is tests/booking/test_race_sqlite.py, its trigger in test_models.py",
    ),
]


def test_twenty_concurrent_patients_one_slot_exactly_one_wins():
    staff = StaffFactory()
    weekday_windows(staff, start=datetime.time(0, 0), end=datetime.time(23, 0), days=range(7))
    phone = ConsultationTypeFactory()
    slot = selectors.available_slots(consultation_type=phone)[0]
    urls = []
    for _ in range(THREADS):
        invitation = services.booking_invitation_get_or_create(
            consultation_request=ConsultationRequestFactory()
        )
        token = services.booking_link_token(invitation=invitation)
        urls.append(reverse("booking:pick", args=[token]))

    barrier = threading.Barrier(THREADS)
    responses = [None] * THREADS
    errors = []

    def patient(index):
        try:
            client = Client(raise_request_exception=True)
            barrier.wait(timeout=30)
            responses[index] = client.post(urls[index], {"slot": slot.value})
        except Exception as exc:  # recorded, so the test fails with the cause
            errors.append(repr(exc))
        finally:
            connection.close()

    run_together(THREADS, patient)

    assert errors == []
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [302] + [409] * (THREADS - 1)
    assert Booking.objects.active().filter(staff=staff, start=slot.start).count() == 1
    local = slot.local_start
    for response in responses:
        if response.status_code == 409:
            page = response.content.decode()
            assert "That time was just taken, please pick another." in page
            chosen = f"{local:%A}, {local:%B} {local.day}, {local.year}"
            assert chosen in page  # their choice, repeated
