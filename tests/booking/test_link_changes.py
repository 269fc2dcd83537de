"""One booking link makes a few changes an hour (issue 21, point 7).

Each pick, move, cancellation or call-me request through a patient's link alerts staff; past
BOOKING_LINK_CHANGES_PER_HOUR the link is refused (429) before anything is written, with the
patient's booking, their choice and the clinic's phone number still on the page.
"""

import datetime
from unittest import mock

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import dateformat, timezone

from booking import selectors, services
from booking.models import Booking, BookingEmailKind
from outbox.models import OutboundEmail
from pages.models import SiteSettings
from tests.booking.factories import StaffFactory, weekday_windows
from tests.consultations.factories import ConsultationRequestFactory

pytestmark = pytest.mark.django_db

LIMIT = 3
CLINIC_PHONE = "(512) 555-0142"
TOO_MANY = "You have changed your booking several times in a short while"


@pytest.fixture(autouse=True)
def _limit_and_phone(settings):
    settings.BOOKING_LINK_CHANGES_PER_HOUR = LIMIT
    site = SiteSettings.get_solo()
    site.phone = CLINIC_PHONE
    site.save()


@pytest.fixture
def staff():
    user = StaffFactory()
    weekday_windows(user, start=datetime.time(8, 0), end=datetime.time(18, 0), days=range(7))
    return user


def _link(consultation_request):
    invitation = services.booking_invitation_get_or_create(
        consultation_request=consultation_request
    )
    return invitation, services.booking_link_token(invitation=invitation)


@pytest.fixture
def link(patient_request):
    return _link(patient_request)


@pytest.fixture
def pick_url(link):
    return reverse("booking:pick", args=[link[1]])


def _alerts():
    return OutboundEmail.objects.filter(kind=BookingEmailKind.STAFF_ALERT).count()


def _free(phone):
    return selectors.available_slots(consultation_type=phone)


def test_six_posts_change_the_booking_at_most_the_limit_and_the_rest_are_told_why(
    client, staff, phone, pick_url, patient_request
):
    slots = _free(phone)[:6]

    responses = [client.post(pick_url, {"slot": slot.value}) for slot in slots]

    assert [r.status_code for r in responses] == [302] * LIMIT + [429] * (6 - LIMIT)
    assert _alerts() == LIMIT
    booking = Booking.objects.get(consultation_request=patient_request)
    assert booking.start == slots[LIMIT - 1].start  # the last change that was allowed
    assert booking.sequence == LIMIT - 1  # one pick, then moves

    refused = responses[-1]
    page = BeautifulSoup(refused.content, "html.parser")
    assert TOO_MANY in page.select_one("#slot-error").text  # beside the times
    assert TOO_MANY in page.select_one("#error-summary").text
    assert CLINIC_PHONE in page.select_one("#slot-error").text
    (summary,) = [p for p in page.select(".confirmation-panel") if p.find("h2")]
    current = dateformat.format(slots[LIMIT - 1].local_start, "l, F j, Y, g:i A")
    assert "Your consultation" in summary.text and current in summary.text  # what they still have
    assert page.select_one(f'input[value="{slots[-1].value}"]').has_attr("checked")  # kept
    assert patient_request.reference not in refused.content.decode()


def test_cancelling_and_asking_to_be_called_count_too(client, staff, phone, link, pick_url):
    invitation, token = link
    first, second = _free(phone)[0], _free(phone)[4]
    cancel_url = reverse("booking:cancel", args=[token])
    assert client.post(pick_url, {"slot": first.value}).status_code == 302
    assert client.post(cancel_url).status_code == 302
    assert client.post(pick_url, {"action": "callback"}).status_code == 302
    assert client.post(pick_url, {"slot": second.value}).status_code == 429

    invitation.callback_requested_at = None
    invitation.save(update_fields=["callback_requested_at"])
    response = client.post(pick_url, {"action": "callback"})
    assert response.status_code == 429
    page = BeautifulSoup(response.content, "html.parser")
    assert TOO_MANY in page.select_one("#callback-error").text
    assert not page.select("#slot-error")  # no "choose a time" error for a call-me request
    invitation.refresh_from_db()
    assert invitation.callback_requested_at is None
    assert _alerts() == LIMIT


def test_a_refused_cancellation_keeps_the_booking_and_shows_it(
    client, staff, phone, link, pick_url
):
    invitation, token = link
    slots = _free(phone)
    for slot in slots[:LIMIT]:
        client.post(pick_url, {"slot": slot.value})

    response = client.post(reverse("booking:cancel", args=[token]))

    assert response.status_code == 429
    page = response.content.decode()
    assert TOO_MANY in page and CLINIC_PHONE in page
    assert "Your consultation" in page  # the booking they still have
    assert Booking.objects.get().status == Booking.Status.REQUESTED


def test_a_change_a_booking_rule_refuses_is_not_counted(client, staff, phone, pick_url):
    taken = _free(phone)[0]
    Booking.objects.create(
        consultation_request=ConsultationRequestFactory(),
        staff=staff,
        consultation_type=phone,
        start=taken.start,
        end=taken.end,
    )
    for _ in range(LIMIT):
        assert client.post(pick_url, {"slot": taken.value}).status_code == 409

    free = _free(phone)
    for slot in free[:LIMIT]:
        assert client.post(pick_url, {"slot": slot.value}).status_code == 302


def test_another_link_is_unaffected(client, staff, phone, pick_url):
    for slot in _free(phone)[:LIMIT]:
        client.post(pick_url, {"slot": slot.value})
    assert client.post(pick_url, {"slot": _free(phone)[5].value}).status_code == 429

    _, other_token = _link(ConsultationRequestFactory())
    other_url = reverse("booking:pick", args=[other_token])
    assert client.post(other_url, {"slot": _free(phone)[6].value}).status_code == 302


def test_the_link_works_again_the_next_hour(client, staff, phone, pick_url, patient_request):
    for slot in _free(phone)[:LIMIT]:
        client.post(pick_url, {"slot": slot.value})
    assert client.post(pick_url, {"slot": _free(phone)[5].value}).status_code == 429

    an_hour_on = timezone.now() + datetime.timedelta(hours=1)
    with mock.patch("django.utils.timezone.now", return_value=an_hour_on):
        later = _free(phone)[5]
        assert client.post(pick_url, {"slot": later.value}).status_code == 302

    assert Booking.objects.get(consultation_request=patient_request).start == later.start
    assert _alerts() == LIMIT + 1


def test_the_counter_key_names_neither_the_patient_nor_the_link(link, patient_request):
    invitation, token = link
    now = timezone.now()

    key = services.booking_link_changes_key(invitation=invitation, now=now)

    for secret in (invitation.key.hex, str(invitation.key), token, patient_request.reference):
        assert secret not in key
    assert key != services.booking_link_changes_key(
        invitation=invitation, now=now + datetime.timedelta(hours=1)
    )
