"""The .ics files read by a second, independent parser (vobject), as calendar programs other
than the one icalendar models would: the confirmation, the patient's move and the cancellation
of one booking, as the patient receives them."""

import datetime

import pytest
import vobject
from django.urls import reverse

from booking import selectors, services
from booking.models import BookingEmailKind
from outbox.models import OutboundEmail
from pages.models import SiteSettings
from tests.booking.factories import StaffFactory, weekday_windows

pytestmark = pytest.mark.django_db


def read(email):
    text = email.calendar_file
    calendar = vobject.readOne(text.decode() if isinstance(text, bytes) else text)
    (event,) = calendar.vevent_list
    return calendar, event


def test_confirmation_move_and_cancellation_parse_as_one_event_with_rising_sequence(
    client, admin_user, phone, patient_request
):
    staff = StaffFactory()
    weekday_windows(staff, start=datetime.time(0, 0), end=datetime.time(23, 0), days=range(7))
    site = SiteSettings.get_solo()
    site.email = "hello@clinic.example"
    site.save()
    invitation = services.booking_invitation_get_or_create(consultation_request=patient_request)
    token = services.booking_link_token(invitation=invitation)
    slots = selectors.available_slots(consultation_type=phone)
    booking = services.booking_request_create(
        consultation_request=patient_request,
        consultation_type=phone,
        staff_id=staff.pk,
        start=slots[0].start,
    )
    services.booking_confirm(booking=booking, by=admin_user)
    assert (
        client.post(reverse("booking:pick", args=[token]), {"slot": slots[5].value}).status_code
        == 302
    )
    assert client.post(reverse("booking:cancel", args=[token])).status_code == 302

    confirmed = read(OutboundEmail.objects.get(kind=BookingEmailKind.CONFIRMED))
    moved = read(OutboundEmail.objects.get(kind=BookingEmailKind.MOVE_RECEIVED))
    cancelled = read(OutboundEmail.objects.get(kind=BookingEmailKind.CANCELLED))

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
