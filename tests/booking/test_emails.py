"""What the patient's booking e-mails say (issue 22): the right day, every change, a good .ics."""

import datetime
import zoneinfo
from datetime import UTC

import icalendar
import pytest
import vobject
from django.urls import reverse
from django.utils import timezone

from booking import selectors, services
from booking.models import Booking, BookingEmailKind
from outbox.models import OutboundEmail
from pages.models import SiteSettings
from tests.booking.factories import BookingFactory, StaffFactory, weekday_windows

pytestmark = pytest.mark.django_db
CHICAGO = zoneinfo.ZoneInfo("America/Chicago")


def event_of(email):
    calendar = icalendar.Calendar.from_ical(email.calendar_file)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


@pytest.fixture
def staff():
    user = StaffFactory()
    weekday_windows(user, start=datetime.time(0, 0), end=datetime.time(23, 0), days=range(7))
    return user


@pytest.fixture
def token(patient_request):
    invitation = services.booking_invitation_get_or_create(consultation_request=patient_request)
    return services.booking_link_token(invitation=invitation)


# --- Reminders name the day by the clinic's date -------------------------------------------------


@pytest.mark.parametrize(
    ("now", "start", "phrase"),
    [
        # 21:16 on 3 Feb in Chicago is already 4 Feb in UTC; 22:00 is still today.
        ((2026, 2, 3, 21, 16), (2026, 2, 3, 22, 0), "today at 10:00 PM"),
        ((2026, 2, 3, 21, 16), (2026, 2, 4, 9, 0), "tomorrow at 9:00 AM"),
        ((2026, 2, 3, 8, 0), (2026, 2, 5, 9, 30), "on Thursday 5 February at 9:30 AM"),
    ],
)
def test_the_day_is_named_by_the_clinics_local_date(now, start, phrase):
    now = datetime.datetime(*now, tzinfo=CHICAGO).astimezone(UTC)
    start = datetime.datetime(*start, tzinfo=CHICAGO).astimezone(UTC)
    assert services.booking_day_phrase(start=start, now=now) == phrase


def test_a_reminder_queued_at_2116_for_a_2200_slot_says_today(patient_request, phone):
    start = datetime.datetime(2026, 2, 3, 22, 0, tzinfo=CHICAGO)
    BookingFactory(
        consultation_request=patient_request,
        consultation_type=phone,
        start=start,
        status=Booking.Status.CONFIRMED,
        confirmed_at=start - datetime.timedelta(days=2),
    )
    now = datetime.datetime(2026, 2, 3, 21, 16, tzinfo=CHICAGO)
    assert services.booking_reminders_queue(now=now) == 1
    reminder = OutboundEmail.objects.get(kind=BookingEmailKind.REMINDER)
    assert reminder.subject.startswith("Reminder: your consultation today (")
    assert "today at 10:00 PM" in reminder.body
    assert "tomorrow" not in reminder.subject + reminder.body


# --- The staff's Move page says whether the patient was told -------------------------------------


@pytest.mark.parametrize(
    ("confirm", "message"),
    [
        (True, "the patient has been sent the new time and calendar file"),
        (False, "the patient is told when you confirm it"),
    ],
)
def test_staff_move_message_says_whether_the_patient_was_told(
    admin_client, admin_user, staff, phone, patient_request, confirm, message
):
    slots = selectors.available_slots(consultation_type=phone)
    booking = services.booking_request_create(
        consultation_request=patient_request,
        consultation_type=phone,
        staff_id=staff.pk,
        start=slots[0].start,
    )
    if confirm:
        services.booking_confirm(booking=booking, by=admin_user)
    response = admin_client.post(
        reverse("admin:booking_booking_move", args=[booking.pk]),
        {"slot": slots[5].value},
        follow=True,
    )
    assert message in response.content.decode()
    # A confirmed booking's move sends a second confirmation (the new time); a requested one none.
    patient_mails = OutboundEmail.objects.filter(kind=BookingEmailKind.CONFIRMED).count()
    assert patient_mails == (2 if confirm else 0)


# --- The patient's own move and cancel are acknowledged, with the calendar file -----------------


def confirmed_booking_at_first_slot(staff, consultation_type, consultation_request, *, by):
    """A booking at the first free slot, confirmed by staff; returns the slots offered."""
    slots = selectors.available_slots(consultation_type=consultation_type)
    booking = services.booking_request_create(
        consultation_request=consultation_request,
        consultation_type=consultation_type,
        staff_id=staff.pk,
        start=slots[0].start,
    )
    services.booking_confirm(booking=booking, by=by)
    return slots


def test_patient_move_is_acknowledged_with_an_ics_one_sequence_higher(
    client, admin_user, staff, phone, patient_request, token
):
    slots = confirmed_booking_at_first_slot(staff, phone, patient_request, by=admin_user)
    confirmation = OutboundEmail.objects.get(kind=BookingEmailKind.CONFIRMED)
    _calendar, confirmed_event = event_of(confirmation)

    response = client.post(reverse("booking:pick", args=[token]), {"slot": slots[5].value})
    assert response.status_code == 302

    (received,) = OutboundEmail.objects.filter(kind=BookingEmailKind.MOVE_RECEIVED)
    assert received.recipients == ["zoe.q@example.org"]
    assert "Quintanilla" not in received.subject + received.body
    calendar, event = event_of(received)
    assert calendar["METHOD"] == "REQUEST"
    assert event["UID"] == confirmed_event["UID"]
    assert int(event["SEQUENCE"]) == int(confirmed_event["SEQUENCE"]) + 1
    assert event.decoded("DTSTART") == slots[5].start
    assert event["STATUS"] == "TENTATIVE"


def test_patient_cancel_is_acknowledged_with_a_cancel_ics(
    client, staff, phone, patient_request, token
):
    slots = selectors.available_slots(consultation_type=phone)
    client.post(reverse("booking:pick", args=[token]), {"slot": slots[0].value})
    booking = Booking.objects.get()
    response = client.post(reverse("booking:cancel", args=[token]))
    assert response.status_code == 302
    (cancelled,) = OutboundEmail.objects.filter(kind=BookingEmailKind.CANCELLED)
    assert cancelled.recipients == ["zoe.q@example.org"]
    calendar, event = event_of(cancelled)
    assert calendar["METHOD"] == "CANCEL"
    assert str(event["UID"]).startswith(str(booking.public_id))
    assert int(event["SEQUENCE"]) == booking.sequence + 1


# --- The calendar file's organizer ----------------------------------------------------------------


def test_ics_organizer_is_the_clinics_email_else_the_sending_address(settings, patient_request):
    booking = BookingFactory(
        consultation_request=patient_request, start=timezone.now() + datetime.timedelta(days=3)
    )
    settings.DEFAULT_FROM_EMAIL = "Clinic <no-reply@clinic.example>"
    site = SiteSettings.get_solo()
    site.email = ""
    site.save()
    _calendar, event = event_of_file(services.booking_calendar_file(booking=booking))
    assert str(event["ORGANIZER"]) == "mailto:no-reply@clinic.example"
    site.email = "hello@clinic.example"
    site.save()
    _calendar, event = event_of_file(services.booking_calendar_file(booking=booking))
    assert str(event["ORGANIZER"]) == "mailto:hello@clinic.example"
    assert event["ORGANIZER"].params["CN"] == site.clinic_name


def event_of_file(text):
    calendar = icalendar.Calendar.from_ical(text)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


# --- A second, independent parser ----------------------------------------------------------------
# icalendar writes the files and reads them in the tests above; vobject reads them as another
# calendar program would: the confirmation, the patient's move and the cancellation of a booking.


def read_with_vobject(email):
    text = email.calendar_file
    calendar = vobject.readOne(text.decode() if isinstance(text, bytes) else text)
    (event,) = calendar.vevent_list
    return calendar, event


def test_confirmation_move_and_cancellation_parse_as_one_event_with_rising_sequence(
    client, admin_user, staff, phone, patient_request, token
):
    site = SiteSettings.get_solo()
    site.email = "hello@clinic.example"
    site.save()
    slots = confirmed_booking_at_first_slot(staff, phone, patient_request, by=admin_user)
    assert (
        client.post(reverse("booking:pick", args=[token]), {"slot": slots[5].value}).status_code
        == 302
    )
    assert client.post(reverse("booking:cancel", args=[token])).status_code == 302

    confirmed = read_with_vobject(OutboundEmail.objects.get(kind=BookingEmailKind.CONFIRMED))
    moved = read_with_vobject(OutboundEmail.objects.get(kind=BookingEmailKind.MOVE_RECEIVED))
    cancelled = read_with_vobject(OutboundEmail.objects.get(kind=BookingEmailKind.CANCELLED))

    methods = [calendar.method.value for calendar, _event in (confirmed, moved, cancelled)]
    assert methods == ["REQUEST", "REQUEST", "CANCEL"]
    for _calendar, event in (confirmed, moved, cancelled):
        assert event.organizer.value == "mailto:hello@clinic.example"
        assert event.organizer.params["CN"] == [site.clinic_name]
    uids = {event.uid.value for _calendar, event in (confirmed, moved, cancelled)}
    assert len(uids) == 1  # one event in the patient's calendar, updated, then cancelled
    sequences = [int(event.sequence.value) for _calendar, event in (confirmed, moved, cancelled)]
    assert sequences == [sequences[0], sequences[0] + 1, sequences[0] + 2]
    assert confirmed[1].dtstart.value == slots[0].start
    assert moved[1].dtstart.value == slots[5].start
    assert cancelled[1].dtstart.value == slots[5].start
