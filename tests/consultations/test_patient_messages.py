"""Writing to the patient from the request page: the clinic's templates or free text, through
the outbox, each message shown with its delivery state and written to the audit trail."""

import datetime
import logging

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from consultations import services
from consultations.admin_forms import NO_HEALTH_DETAILS_WARNING
from consultations.models import ConsultationRequest, PatientMessage, PatientMessageTemplate
from outbox.models import OutboundEmail
from outbox.services import outbound_email_send_due

from .factories import ConsultationRequestFactory

pytestmark = pytest.mark.django_db
SMTP_DOWN = "tests.consultations.mail_backends.SMTPDownBackend"
NAME = "Quillon Vexmoor"


def change_url(request):
    return reverse("admin:consultations_consultationrequest_change", args=[request.pk])


def message_url(request):
    return reverse("admin:consultations_consultationrequest_message", args=[request.pk])


def template(name):
    return PatientMessageTemplate.objects.get(name=name)


@pytest.fixture
def patient():
    return ConsultationRequestFactory(full_name=NAME, email="quillon@example.org")


@pytest.fixture
def coordinator_client(client, coordinator, otp_login):
    return otp_login(client, coordinator)


def send(client, request, name, text=""):
    return client.post(message_url(request), {"template": template(name).pk, "text": text})


def messages_table(client, request):
    response = client.get(change_url(request))
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser").select_one("#patient-messages")


def test_seeded_templates_are_the_clinics_four_messages():
    assert list(PatientMessageTemplate.objects.values_list("name", "staff_write_text")) == [
        ("We tried to call you", False),
        ("Please pick a time", False),
        ("Your request is closed", False),
        ("Free text", True),
    ]


def test_a_template_message_goes_through_the_outbox_with_nothing_about_the_patient_but_the_reference(
    coordinator_client, coordinator, patient
):
    response = send(coordinator_client, patient, "We tried to call you")

    assert response.status_code == 302
    email = OutboundEmail.objects.get(kind="patient_message")
    assert email.recipients == ["quillon@example.org"]
    assert email.subject == f"A message about your consultation request ({patient.reference})"
    assert "We tried to call you" in email.body and patient.reference in email.body
    assert NAME.split()[1] not in email.body and "quillon" not in email.body
    assert email.regarding == f"consultations.consultationrequest:{patient.pk}"
    message = PatientMessage.objects.get()
    assert (message.what, message.sent_by, message.outbound_email) == (
        "We tried to call you",
        coordinator,
        email,
    )


def test_each_message_is_written_to_the_audit_trail_without_its_words(
    coordinator_client, coordinator, patient
):
    send(coordinator_client, patient, "Free text", "Call us on Tuesday about your appointment")

    entry = AuditEntry.objects.get(action=AuditEntry.Action.MESSAGED)

    assert (entry.actor, entry.reference, entry.detail) == (
        coordinator,
        patient.reference,
        "message “Free text”",
    )


def test_please_pick_a_time_carries_the_patients_working_booking_link(
    coordinator_client, client, patient
):
    send(coordinator_client, patient, "Please pick a time")

    body = OutboundEmail.objects.get(kind="patient_message").body
    link = next(word for word in body.split() if "/consultation/booking/" in word)

    client.logout()
    assert client.get(link).status_code == 200


def test_sent_message_is_listed_on_the_request_as_queued_then_sent(coordinator_client, patient):
    send(coordinator_client, patient, "Your request is closed")
    row = messages_table(coordinator_client, patient).select_one("tbody tr")
    assert "Your request is closed" in row.get_text()
    assert row.select_one(".delivery-pending").get_text(strip=True) == "queued"

    outbound_email_send_due()

    cell = messages_table(coordinator_client, patient).select_one("tbody tr .delivery-sent")
    assert cell.get_text(strip=True).startswith("sent")


def test_a_message_the_outbox_gave_up_on_shows_failed_after_its_attempts(
    coordinator_client, patient, settings
):
    send(coordinator_client, patient, "We tried to call you")
    settings.EMAIL_BACKEND = SMTP_DOWN
    settings.OUTBOX_MAX_ATTEMPTS = 3
    later = timezone.now()
    for _ in range(3):
        later += datetime.timedelta(days=1)  # past any back-off
        outbound_email_send_due(now=later)

    cell = messages_table(coordinator_client, patient).select_one("tbody tr .delivery-failed")

    assert cell.get_text(strip=True) == "failed after 3 attempts (ConnectionRefusedError)"


def test_dashboard_shows_the_oldest_unsent_mail_and_the_failed_count(
    coordinator_client, patient, settings
):
    send(coordinator_client, patient, "We tried to call you")
    OutboundEmail.objects.update(created_at=timezone.now() - datetime.timedelta(hours=3))
    ConsultationRequestFactory()
    settings.EMAIL_BACKEND = SMTP_DOWN
    settings.OUTBOX_MAX_ATTEMPTS = 1
    outbound_email_send_due()
    send(coordinator_client, patient, "Your request is closed")
    OutboundEmail.objects.filter(status="pending").update(
        created_at=timezone.now() - datetime.timedelta(hours=2)
    )

    response = coordinator_client.get(reverse("admin:index"))

    health = BeautifulSoup(response.content, "html.parser").select_one("#outbox-health")
    rows = {row.th.get_text(strip=True): row.td.get_text(strip=True) for row in health.select("tr")}
    assert rows["Waiting to be sent"] == "1 (oldest queued 2\xa0hours ago)"
    assert rows["Failed (given up after repeated tries)"] == "1"


def test_free_text_form_warns_in_words_against_health_details(coordinator_client, patient):
    response = coordinator_client.get(change_url(patient))

    form = BeautifulSoup(response.content, "html.parser").select_one(
        f"form[action='{message_url(patient)}']"
    )
    assert "write nothing about the patient's health" in NO_HEALTH_DETAILS_WARNING
    assert NO_HEALTH_DETAILS_WARNING in form.get_text(" ", strip=True)


def test_free_text_is_sent_as_typed_and_never_logged(coordinator_client, patient, caplog):
    words = "Please bring your parking ticket to reception."
    with caplog.at_level(logging.DEBUG):
        response = send(coordinator_client, patient, "Free text", words)

    assert response.status_code == 302
    assert words in OutboundEmail.objects.get(kind="patient_message").body
    assert "parking ticket" not in caplog.text


def test_free_text_without_words_is_refused_and_nothing_is_sent(coordinator_client, patient):
    response = send(coordinator_client, patient, "Free text", "   ")

    assert response.status_code == 200  # the page again, with the message beside the form
    assert not OutboundEmail.objects.filter(kind="patient_message").exists()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.MESSAGED).exists()


def test_a_refused_message_keeps_the_words_typed(coordinator_client, patient):
    typed = "We could not reach you on Tuesday; the clinic is open until six."
    response = send(coordinator_client, patient, "We tried to call you", typed)

    assert response.status_code == 200
    form = BeautifulSoup(response.content, "html.parser").select_one(
        f'form[action="{message_url(patient)}"]'
    )
    assert form.select_one("textarea[name=text]").get_text().strip() == typed
    assert not PatientMessage.objects.exists()


def test_words_typed_for_a_fixed_template_are_not_sent(coordinator, patient):
    with pytest.raises(ValidationError) as refused:
        services.patient_message_send(
            request=patient, template=template("We tried to call you"), by=coordinator, text="Hi"
        )

    assert refused.value.code == "text_not_used"
    assert not PatientMessage.objects.exists()


def test_staff_who_may_not_message_patients_are_refused_and_the_refusal_is_audited(
    client, clinician, otp_login, patient
):
    otp_login(client, clinician)
    assert messages_table(client, patient) is None  # nothing sent, no form either
    assert "Send message" not in client.get(change_url(patient)).text

    response = send(client, patient, "We tried to call you")

    assert response.status_code == 403
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.DENIED, actor=clinician, reference=patient.reference
    ).exists()
    assert not OutboundEmail.objects.filter(kind="patient_message").exists()


def test_a_request_the_retention_purge_anonymised_cannot_be_written_to(coordinator, patient):
    ConsultationRequest.objects.filter(pk=patient.pk).update(email="")
    patient.refresh_from_db()

    with pytest.raises(ValidationError) as refused:
        services.patient_message_send(
            request=patient, template=template("We tried to call you"), by=coordinator
        )

    assert refused.value.code == "no_address"


def test_a_template_may_use_only_the_known_placeholders():
    bad = PatientMessageTemplate(name="Bad", body="Dear {full_name}, your {reference}")

    with pytest.raises(ValidationError) as refused:
        bad.full_clean()

    assert "{full_name}" in str(refused.value)


def test_templates_are_kept_in_the_admin_by_the_coordinator(coordinator_client):
    changelist = reverse("admin:consultations_patientmessagetemplate_changelist")
    response = coordinator_client.get(changelist)

    assert response.status_code == 200
    assert "We tried to call you" in response.text
