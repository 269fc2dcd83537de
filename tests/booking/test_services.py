"""Booking services: request, confirm, move, cancel, callback, reminders, calendar files, links."""

import datetime
from datetime import UTC
from unittest import mock

import icalendar
import pytest
from django.core import mail, signing
from django.core.management import call_command

from booking import selectors, services
from booking.models import Booking, BookingEmailKind, BookingSettings
from consultations.models import ConsultationRequest
from outbox.models import OutboundEmail
from outbox.services import outbound_email_send_due
from tests.booking.factories import (
    ConsultationTypeFactory,
    StaffFactory,
    weekday_windows,
)
from tests.consultations.factories import ConsultationRequestFactory

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 2, 2, 15, 0, tzinfo=UTC)  # Monday 9:00 Chicago
WED_NINE = datetime.datetime(2026, 2, 4, 15, 0, tzinfo=UTC)  # Wednesday 9:00 Chicago
WED_940 = WED_NINE + datetime.timedelta(minutes=40)


@pytest.fixture
def staff():
    user = StaffFactory()
    weekday_windows(user)
    return user


def book(patient_request, staff, phone, start=WED_NINE, **kwargs):
    return services.booking_request_create(
        consultation_request=patient_request,
        consultation_type=phone,
        staff_id=staff.pk,
        start=start,
        now=kwargs.pop("now", NOW),
        **kwargs,
    )


def emails(kind):
    return list(OutboundEmail.objects.filter(kind=kind))


def test_patient_pick_holds_the_time_and_alerts_staff_without_phi(patient_request, staff, phone):
    booking = book(patient_request, staff, phone)
    assert booking.status == Booking.Status.REQUESTED
    assert (booking.start, booking.end) == (WED_NINE, WED_NINE + datetime.timedelta(minutes=30))
    (alert,) = emails(BookingEmailKind.STAFF_ALERT)
    assert patient_request.reference in alert.subject
    assert "Quintanilla" not in alert.subject + alert.body
    assert "zoe.q" not in alert.body
    # The held time is no longer offered to anyone.
    offered = selectors.available_slots(consultation_type=phone, now=NOW)
    assert WED_NINE not in [slot.start for slot in offered]


@pytest.mark.parametrize(
    ("start", "code"),
    [
        (NOW - datetime.timedelta(days=1), "past"),
        (NOW + datetime.timedelta(hours=2), "notice"),  # Monday 11:00, inside 24 h
        (NOW + datetime.timedelta(days=45), "horizon"),
        (WED_NINE + datetime.timedelta(minutes=5), "unavailable"),  # off the slot grid
        (datetime.datetime(2026, 2, 7, 15, 0, tzinfo=UTC), "unavailable"),  # Saturday
    ],
)
def test_times_that_cannot_be_booked_are_refused_with_the_reason(
    patient_request, staff, phone, start, code
):
    with pytest.raises(services.SlotUnavailable) as excinfo:
        book(patient_request, staff, phone, start=start)
    assert excinfo.value.code == code
    assert excinfo.value.message
    assert not Booking.objects.exists()


def test_a_taken_time_is_refused_as_just_taken(patient_request, staff, phone):
    book(ConsultationRequestFactory(), staff, phone)
    with pytest.raises(services.SlotUnavailable) as excinfo:
        book(patient_request, staff, phone)
    assert excinfo.value.code == "taken"
    assert excinfo.value.message == "That time was just taken, please pick another."


def test_staff_can_book_inside_the_notice_period_and_confirm_at_once(patient_request, staff, phone):
    monday_1100 = NOW + datetime.timedelta(hours=2)  # a patient would need 24 h notice
    admin = StaffFactory(username="intake")
    booking = book(patient_request, staff, phone, start=monday_1100, by=admin, confirm=True)
    assert booking.status == Booking.Status.CONFIRMED
    assert len(emails(BookingEmailKind.CONFIRMED)) == 1


def test_a_request_cannot_hold_two_times(patient_request, staff, phone):
    book(patient_request, staff, phone)
    with pytest.raises(services.BookingError) as excinfo:
        book(patient_request, staff, phone, start=WED_940)
    assert excinfo.value.code == "already_booked"


def test_a_closed_request_cannot_book(patient_request, staff, phone):
    ConsultationRequest.objects.filter(pk=patient_request.pk).update(
        status=ConsultationRequest.Status.CLOSED, closed_at=NOW, outcome="spam"
    )
    patient_request.refresh_from_db()
    with pytest.raises(services.BookingError) as excinfo:
        book(patient_request, staff, phone)
    assert excinfo.value.code == "request_closed"


def test_confirming_mails_a_phi_free_calendar_file_with_links(patient_request, staff, phone):
    booking = book(patient_request, staff, phone)
    services.booking_confirm(booking=booking, by=staff, now=NOW)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    (confirmation,) = emails(BookingEmailKind.CONFIRMED)
    assert confirmation.recipients == ["zoe.q@example.org"]
    assert "/consultation/booking/" in confirmation.body
    assert "/cancel/" in confirmation.body
    assert "Wednesday, February 4, 2026, 9:00 AM" in confirmation.body
    calendar = icalendar.Calendar.from_ical(confirmation.calendar_file)
    (event,) = calendar.walk("VEVENT")
    assert calendar["METHOD"] == "REQUEST"
    assert event.decoded("dtstart") == WED_NINE
    assert event.decoded("dtend") == WED_NINE + datetime.timedelta(minutes=30)
    assert str(event["uid"]).startswith(str(booking.public_id))
    assert "We will call you" in str(event["description"])
    for text in (confirmation.subject, confirmation.body, confirmation.calendar_file):
        assert "Quintanilla" not in text
        assert "zoe.q" not in text


def test_the_worker_sends_the_calendar_file_as_an_attachment(patient_request, staff, phone):
    booking = book(patient_request, staff, phone)
    services.booking_confirm(booking=booking, by=staff, now=NOW)
    outbound_email_send_due()
    (message,) = [m for m in mail.outbox if m.to == ["zoe.q@example.org"]]
    (name, content, mimetype) = message.attachments[0]
    assert (name, mimetype) == ("consultation.ics", "text/calendar")
    assert "BEGIN:VEVENT" in content


def test_in_person_calendar_file_carries_the_clinic_address(patient_request, staff):
    from pages.models import SiteSettings

    site = SiteSettings.get_solo()
    site.street_address, site.locality = "100 Congress Ave", "Austin"
    site.save()
    visit = ConsultationTypeFactory(slug="visit", name="Visit", mode="in_person")
    booking = book(patient_request, staff, visit)
    calendar = services.booking_calendar_file(booking=booking)
    assert "100 Congress Ave" in calendar


def test_only_requested_bookings_can_be_confirmed(patient_request, staff, phone):
    booking = book(patient_request, staff, phone)
    services.booking_confirm(booking=booking, by=staff, now=NOW)
    with pytest.raises(services.BookingError):
        services.booking_confirm(booking=booking, by=staff, now=NOW)


def test_moving_into_a_taken_time_is_refused_and_the_old_booking_kept(
    patient_request, staff, phone
):
    booking = book(patient_request, staff, phone)
    book(ConsultationRequestFactory(), staff, phone, start=WED_940)
    with pytest.raises(services.SlotUnavailable) as excinfo:
        services.booking_reschedule(booking=booking, start=WED_940, now=NOW)
    assert excinfo.value.code == "taken"
    booking.refresh_from_db()
    assert (booking.start, booking.status) == (WED_NINE, Booking.Status.REQUESTED)


def test_patient_move_makes_a_confirmed_booking_a_request_again(patient_request, staff, phone):
    booking = services.booking_confirm(
        booking=book(patient_request, staff, phone), by=staff, now=NOW
    )
    moved = services.booking_reschedule(booking=booking, start=WED_940, now=NOW)
    assert (moved.start, moved.status, moved.sequence) == (
        WED_940,
        Booking.Status.REQUESTED,
        2,
    )  # confirmed (1), moved (2)
    # The old time is free again at once.
    offered = [s.start for s in selectors.available_slots(consultation_type=phone, now=NOW)]
    assert WED_NINE in offered


def test_staff_move_stays_confirmed_and_sends_the_updated_calendar_file(
    patient_request, staff, phone
):
    booking = services.booking_confirm(
        booking=book(patient_request, staff, phone), by=staff, now=NOW
    )
    moved = services.booking_reschedule(booking=booking, start=WED_940, by=staff, now=NOW)
    assert moved.status == Booking.Status.CONFIRMED
    latest = OutboundEmail.objects.filter(kind=BookingEmailKind.CONFIRMED).last()
    (event,) = icalendar.Calendar.from_ical(latest.calendar_file).walk("VEVENT")
    assert event.decoded("dtstart") == WED_940
    assert int(event["sequence"]) == 2  # confirmed (1), moved (2)


def test_patient_cannot_change_inside_the_change_notice(patient_request, staff, phone):
    booking = book(patient_request, staff, phone)
    late = WED_NINE - datetime.timedelta(hours=3)
    for change in (
        lambda: services.booking_cancel(booking=booking, now=late),
        lambda: services.booking_reschedule(booking=booking, start=WED_940, now=late),
    ):
        with pytest.raises(services.BookingError) as excinfo:
            change()
        assert excinfo.value.code == "too_late"
    # Staff still can.
    assert services.booking_cancel(booking=booking, by=staff, now=late).status == "cancelled"


def test_cancelling_frees_the_time_at_once_and_tells_the_patient(patient_request, staff, phone):
    booking = services.booking_confirm(
        booking=book(patient_request, staff, phone), by=staff, now=NOW
    )
    cancelled = services.booking_cancel(booking=booking, now=NOW)
    assert (cancelled.status, cancelled.cancelled_by) == ("cancelled", "patient")
    (notice,) = emails(BookingEmailKind.CANCELLED)
    assert icalendar.Calendar.from_ical(notice.calendar_file)["METHOD"] == "CANCEL"
    other = book(ConsultationRequestFactory(), staff, phone)
    assert other.start == WED_NINE
    with pytest.raises(services.BookingError):
        services.booking_cancel(booking=booking, now=NOW)


def test_callback_request_is_recorded_once_and_alerts_staff(patient_request):
    invitation = services.booking_invitation_get_or_create(consultation_request=patient_request)
    services.booking_callback_request(invitation=invitation)
    services.booking_callback_request(invitation=invitation)
    invitation.refresh_from_db()
    assert invitation.callback_requested_at is not None
    assert len(emails(BookingEmailKind.STAFF_ALERT)) == 1


def test_reminders_are_queued_once_for_confirmed_bookings_a_day_ahead(
    patient_request, staff, phone
):
    confirmed = services.booking_confirm(
        booking=book(patient_request, staff, phone), by=staff, now=NOW
    )
    book(ConsultationRequestFactory(), staff, phone, start=WED_940)  # only requested
    too_early = WED_NINE - datetime.timedelta(hours=30)
    assert services.booking_reminders_queue(now=too_early) == 0
    day_before = WED_NINE - datetime.timedelta(hours=20)
    assert services.booking_reminders_queue(now=day_before) == 1
    assert services.booking_reminders_queue(now=day_before) == 0
    (reminder,) = emails(BookingEmailKind.REMINDER)
    assert "Quintanilla" not in reminder.body
    assert patient_request.reference in reminder.subject
    # Moving it clears the mark: the new time gets its own reminder.
    services.booking_reschedule(
        booking=confirmed, start=WED_NINE + datetime.timedelta(hours=2), by=staff, now=NOW
    )
    assert services.booking_reminders_queue(now=day_before) == 1


def test_queue_booking_reminders_command_reports_what_it_did(patient_request, staff, phone, capsys):
    with mock.patch("booking.services.timezone.now", return_value=NOW):
        call_command("queue_booking_reminders")
    assert "queued 0 reminders" in capsys.readouterr().out


def test_link_round_trips_and_rejects_tampering_and_age(patient_request, settings):
    invitation = services.booking_invitation_get_or_create(consultation_request=patient_request)
    token = services.booking_link_token(invitation=invitation)
    assert services.booking_invitation_from_token(token) == invitation
    assert patient_request.reference not in token
    with pytest.raises(services.BookingLinkInvalid) as excinfo:
        services.booking_invitation_from_token(token[:-2] + "xx")
    assert not excinfo.value.expired
    old = datetime.datetime.now(UTC) - datetime.timedelta(
        days=settings.BOOKING_LINK_MAX_AGE_DAYS + 1
    )
    with mock.patch.object(
        signing.TimestampSigner, "timestamp", return_value=signing.b62_encode(int(old.timestamp()))
    ):
        stale = services.booking_link_token(invitation=invitation)
    with pytest.raises(services.BookingLinkInvalid) as excinfo:
        services.booking_invitation_from_token(stale)
    assert excinfo.value.expired


def test_rules_come_from_booking_settings(patient_request, staff, phone):
    rules = BookingSettings.get_solo()
    rules.minimum_notice_hours = 72
    rules.save()
    with pytest.raises(services.SlotUnavailable) as excinfo:
        book(patient_request, staff, phone)  # 48 h ahead
    assert "72 hours" in excinfo.value.message


def test_no_mail_is_queued_for_a_request_whose_answers_were_purged(patient_request, staff, phone):
    booking = book(patient_request, staff, phone)
    ConsultationRequest.objects.filter(pk=patient_request.pk).update(email=None)
    booking.consultation_request.refresh_from_db()
    services.booking_confirm(booking=booking, by=staff, now=NOW)
    assert not emails(BookingEmailKind.CONFIRMED)
