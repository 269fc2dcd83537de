"""The request's lifecycle with its booking (issue 22): one table, one service, both directions.

Booking → request: the booking engine sends `booking.signals.booking_changed`; the request
follows LIFECYCLE. Request → booking: closing (one by one, in bulk, or the retention purge)
cancels the live booking and tells the patient.
"""

import datetime

import icalendar
import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from booking import selectors
from booking import services as booking_services
from booking.models import Booking, BookingEmailKind
from consultations.models import ConsultationNote, ConsultationRequest
from consultations.services import (
    LIFECYCLE,
    STAFF_EVENTS,
    TRANSITIONS,
    Event,
    WorkflowError,
    consultation_request_reopen,
    consultation_request_transition,
)
from outbox.models import OutboundEmail
from tests.booking.factories import ConsultationTypeFactory, StaffFactory, weekday_windows

from .factories import ConsultationRequestFactory

Status = ConsultationRequest.Status
Outcome = ConsultationRequest.Outcome
pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    user = StaffFactory()
    weekday_windows(user, start=datetime.time(0, 0), end=datetime.time(23, 0), days=range(7))
    return user


@pytest.fixture
def patient_request():
    return ConsultationRequestFactory(email="zoe.q@example.org", full_name="Zoë Quintanilla")


@pytest.fixture
def booked(staff, patient_request):
    """The patient picked the first free time (a requested booking)."""
    phone = ConsultationTypeFactory()
    slot = selectors.available_slots(consultation_type=phone)[0]
    return booking_services.booking_request_create(
        consultation_request=patient_request,
        consultation_type=phone,
        staff_id=staff.pk,
        start=slot.start,
    )


@pytest.fixture
def confirmed(booked, admin_user, patient_request):
    booking = booking_services.booking_confirm(booking=booked, by=admin_user)
    patient_request.refresh_from_db()  # the confirmation moved it on (version 1)
    return booking


def status_of(consultation_request):
    consultation_request.refresh_from_db()
    return consultation_request.status


def queue_reminder(booking):
    queued = booking_services.booking_reminders_queue(
        now=booking.start - datetime.timedelta(hours=2)
    )
    assert queued == 1
    return OutboundEmail.objects.get(kind=BookingEmailKind.REMINDER)


def calendar_of(email):
    calendar = icalendar.Calendar.from_ical(email.calendar_file)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


# --- The table ---------------------------------------------------------------------------------


def test_the_lifecycle_table_names_every_status_and_only_known_events():
    assert set(LIFECYCLE) == set(Status.values)
    for events in LIFECYCLE.values():
        assert set(events) <= set(Event.values)
        assert set(events.values()) <= set(Status.values)
    # The status form offers exactly the staff steps of the table.
    for status, events in LIFECYCLE.items():
        assert set(TRANSITIONS[status]) == {to for e, to in events.items() if e in STAFF_EVENTS}
    assert LIFECYCLE[Status.SCHEDULED][Event.BOOKING_CANCELLED] == Status.CONTACTED
    assert Event.BOOKING_CANCELLED not in LIFECYCLE[Status.CLOSED]


# --- Booking → request -------------------------------------------------------------------------


def test_staff_confirming_the_booking_schedules_the_request_over_http(
    admin_client, booked, patient_request
):
    response = admin_client.post(
        reverse("admin:booking_booking_changelist"),
        {"action": "confirm_selected", "_selected_action": [booked.pk]},
    )
    assert response.status_code == 302
    assert status_of(patient_request) == Status.SCHEDULED
    assert patient_request.version == 1
    entry = AuditEntry.objects.get(reference=patient_request.reference, action="transitioned")
    assert entry.detail == ("New → Consultation scheduled (automatic: booking confirmed by staff)")


def test_a_patient_pick_alone_leaves_the_status_alone(booked, patient_request):
    assert status_of(patient_request) == Status.NEW


def test_patient_cancelling_sends_a_scheduled_request_back_to_contacted(
    client, confirmed, patient_request
):
    invitation = booking_services.booking_invitation_get_or_create(
        consultation_request=patient_request
    )
    token = booking_services.booking_link_token(invitation=invitation)
    response = client.post(reverse("booking:cancel", args=[token]))
    assert response.status_code in (200, 302)
    confirmed.refresh_from_db()
    assert confirmed.status == Booking.Status.CANCELLED
    assert status_of(patient_request) == Status.CONTACTED
    entry = AuditEntry.objects.filter(action="transitioned").latest("pk")
    assert entry.detail == (
        "Consultation scheduled → Contacted (automatic: booking cancelled by the patient)"
    )
    assert entry.actor is None


def test_staff_cancelling_the_booking_sends_the_request_back_to_contacted(
    confirmed, patient_request, admin_user
):
    booking_services.booking_cancel(booking=confirmed, by=admin_user)
    assert status_of(patient_request) == Status.CONTACTED


def test_a_stale_status_form_after_a_booking_change_is_refused(
    confirmed, patient_request, coordinator
):
    # The coordinator's page was drawn at version 0, before the confirmation moved it on.
    with pytest.raises(WorkflowError):
        consultation_request_transition(
            request=patient_request,
            to=Status.CLOSED,
            outcome=Outcome.DECLINED,
            by=coordinator,
            expected_version=0,
        )


# --- Request → booking -------------------------------------------------------------------------


def test_closing_over_http_cancels_the_booking_withdraws_the_reminder_and_tells_the_patient(
    client, otp_login, coordinator, confirmed, patient_request
):
    reminder = queue_reminder(confirmed)
    otp_login(client, coordinator)
    response = client.post(
        reverse("admin:consultations_consultationrequest_transition", args=[patient_request.pk]),
        {"to": "closed", "outcome": "declined", "version": str(patient_request.version)},
    )
    assert response.status_code == 302
    assert status_of(patient_request) == Status.CLOSED
    confirmed.refresh_from_db()
    assert (confirmed.status, confirmed.cancelled_by) == ("cancelled", "staff")
    assert not OutboundEmail.objects.filter(pk=reminder.pk).exists()
    (cancellation,) = OutboundEmail.objects.filter(kind=BookingEmailKind.CANCELLED)
    assert cancellation.recipients == ["zoe.q@example.org"]
    assert "Quintanilla" not in cancellation.subject + cancellation.body
    assert "pick another time" not in cancellation.body  # the request is closed
    calendar, event = calendar_of(cancellation)
    assert calendar["METHOD"] == "CANCEL"
    assert event["STATUS"] == "CANCELLED"
    confirmation = OutboundEmail.objects.get(kind=BookingEmailKind.CONFIRMED)
    assert int(event["SEQUENCE"]) == int(calendar_of(confirmation)[1]["SEQUENCE"]) + 1
    assert str(event["UID"]).startswith(str(confirmed.public_id))
    # Still closed: the cancellation did not send the request back to "Contacted".
    assert (
        AuditEntry.objects.filter(
            reference=patient_request.reference, detail__contains="automatic"
        ).count()
        == 1
    )  # the confirmation only


@pytest.mark.parametrize("action", ["mark_spam", "close_as_duplicate"])
def test_bulk_closing_cancels_live_bookings(admin_client, confirmed, patient_request, action):
    response = admin_client.post(
        reverse("admin:consultations_consultationrequest_changelist"),
        {"action": action, "_selected_action": [patient_request.pk], "index": "0"},
    )
    assert response.status_code == 302
    assert status_of(patient_request) == Status.CLOSED
    confirmed.refresh_from_db()
    assert confirmed.status == Booking.Status.CANCELLED
    assert OutboundEmail.objects.filter(kind=BookingEmailKind.CANCELLED).count() == 1


def test_purging_a_request_with_a_live_booking_cancels_it_and_keeps_only_the_notice(
    confirmed, patient_request
):
    reminder = queue_reminder(confirmed)
    # A request closed before closing cancelled bookings: closed, its booking still live.
    long_ago = timezone.now() - datetime.timedelta(days=400)
    ConsultationRequest.objects.filter(pk=patient_request.pk).update(
        status=Status.CLOSED, outcome=Outcome.DECLINED, closed_at=long_ago
    )
    call_command("purge_consultation_requests", "--older-than", "30", verbosity=0)

    patient_request.refresh_from_db()
    assert patient_request.anonymised_at is not None and not patient_request.email
    confirmed.refresh_from_db()
    assert confirmed.status == Booking.Status.CANCELLED
    assert not OutboundEmail.objects.filter(pk=reminder.pk).exists()
    (notice,) = OutboundEmail.objects.all()
    assert notice.kind == BookingEmailKind.CANCELLED
    assert calendar_of(notice)[0]["METHOD"] == "CANCEL"
    assert AuditEntry.objects.filter(
        reference=patient_request.reference, detail="booking cancelled by the clinic's system"
    ).exists()


# --- Reopening ---------------------------------------------------------------------------------


def closed_request():
    request = ConsultationRequestFactory()
    ConsultationRequest.objects.filter(pk=request.pk).update(
        status=Status.CLOSED, outcome=Outcome.NO_RESPONSE, closed_at=timezone.now()
    )
    request.refresh_from_db()
    return request


def test_a_coordinator_reopens_a_closed_request_over_http_with_a_reason(
    client, otp_login, coordinator
):
    request = closed_request()
    otp_login(client, coordinator)
    page = client.get(reverse("admin:consultations_consultationrequest_change", args=[request.pk]))
    assert "Why reopen it" in page.content.decode()
    response = client.post(
        reverse("admin:consultations_consultationrequest_reopen", args=[request.pk]),
        {"reason": "She called back after all", "version": str(request.version)},
        follow=True,
    )
    assert "is reopened" in response.content.decode()
    request.refresh_from_db()
    assert (request.status, request.outcome, request.closed_at) == (Status.IN_REVIEW, "", None)
    entry = AuditEntry.objects.get(reference=request.reference, action="transitioned")
    assert (entry.actor, entry.detail) == (coordinator, "Closed → In review (reopened)")
    note = ConsultationNote.objects.get(consultation_request=request)
    assert note.text == "Reopened: She called back after all"
    assert "She called" not in entry.detail


def test_reopening_needs_a_reason_the_permission_and_a_closed_request(coordinator, clinician):
    request = closed_request()
    with pytest.raises(WorkflowError, match="Say why"):
        consultation_request_reopen(request=request, by=coordinator, reason="  ")
    with pytest.raises(PermissionDenied):
        consultation_request_reopen(request=request, by=clinician, reason="why not")
    open_request = ConsultationRequestFactory()
    with pytest.raises(WorkflowError, match="only a closed request"):
        consultation_request_reopen(request=open_request, by=coordinator, reason="x")
    assert (
        Group.objects.get(name="Intake coordinator")
        .permissions.filter(codename="reopen_consultationrequest")
        .exists()
    )


def test_a_purged_request_cannot_be_reopened(coordinator):
    request = closed_request()
    ConsultationRequest.objects.filter(pk=request.pk).update(anonymised_at=timezone.now())
    with pytest.raises(WorkflowError, match="retention purge"):
        consultation_request_reopen(request=request, by=coordinator, reason="x")
