"""The patient's booking pages: signed links, radio buttons by day, clear messages, no PHI."""

import datetime
import html
from datetime import UTC
from unittest import mock

import pytest
from bs4 import BeautifulSoup
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from booking import selectors, services
from booking.models import Booking, BookingSettings
from consultations.models import ConsultationRequest
from tests.booking.factories import (
    BookingFactory,
    ConsultationTypeFactory,
    StaffFactory,
    weekday_windows,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    user = StaffFactory()
    weekday_windows(user, start=datetime.time(8, 0), end=datetime.time(18, 0), days=range(7))
    return user


@pytest.fixture
def token(patient_request):
    invitation = services.booking_invitation_get_or_create(consultation_request=patient_request)
    return services.booking_link_token(invitation=invitation)


@pytest.fixture
def pick_url(token):
    return reverse("booking:pick", args=[token])


def free_slots(phone):
    return selectors.available_slots(consultation_type=phone)


def test_times_are_radio_buttons_grouped_by_day_with_no_phi(client, staff, phone, pick_url):
    response = client.get(pick_url)
    assert response.status_code == 200
    page = response.content.decode()
    soup = BeautifulSoup(page, "html.parser")
    fieldsets = soup.select("form fieldset")
    assert len(fieldsets) >= 28  # one per day over the 30-day horizon
    first = fieldsets[0]
    assert first.legend.get_text(strip=True)
    radios = first.select("input[type=radio][name=slot]")
    assert radios and all(soup.find("label", attrs={"for": r["id"]}) for r in radios)
    assert radios[0]["value"] == free_slots(phone)[0].value
    assert "Quintanilla" not in page and "zoe.q" not in page
    assert "<script" not in page and 'style="' not in page
    assert "Please call me to arrange a time" in page


def test_picking_a_time_books_it_and_redirects_to_a_summary(client, staff, phone, pick_url):
    slot = free_slots(phone)[3]
    response = client.post(pick_url, {"slot": slot.value})
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert (booking.start, booking.status) == (slot.start, Booking.Status.REQUESTED)
    page = client.get(pick_url).content.decode()
    assert "we have your chosen time" in page
    assert "Requested: we will confirm this time by e-mail" in page
    assert "Choose a different time" in page


def test_no_choice_and_junk_get_a_message_and_the_list(client, staff, phone, pick_url):
    response = client.post(pick_url, {})
    assert response.status_code == 400
    assert "Please choose a time, or ask us to call you instead." in response.content.decode()
    response = client.post(pick_url, {"slot": "<script>alert(1)</script>"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Please choose one of the times listed." in page
    assert "<script>alert" not in page
    assert 'name="slot"' in page  # the free times are still there
    assert not Booking.objects.exists()


@pytest.mark.parametrize(
    ("when", "message"),
    [
        ("past", "That time has already passed"),
        ("notice", "We need at least 24 hours' notice"),
        ("horizon", "We book up to 30 days ahead"),
        ("outside", "That time is not one we offer"),
        ("taken", "That time was just taken, please pick another."),
    ],
)
def test_a_time_that_cannot_be_had_gets_its_reason_and_the_free_times(
    client, staff, phone, pick_url, when, message
):
    now = timezone.now().replace(second=0, microsecond=0)
    first = free_slots(phone)[0]
    start = {
        "past": now - datetime.timedelta(hours=3),
        "notice": now + datetime.timedelta(hours=2),
        "horizon": now + datetime.timedelta(days=40),
        "outside": first.start + datetime.timedelta(minutes=7),
        "taken": first.start,
    }[when]
    if when == "taken":
        BookingFactory(staff=staff, consultation_type=phone, start=first.start)
    value = f"{staff.pk}-{start.astimezone(UTC):%Y%m%dT%H%MZ}"
    response = client.post(pick_url, {"slot": value})
    page = html.unescape(response.content.decode())
    assert response.status_code == 409
    assert message in page
    assert "You chose" in page
    assert 'name="slot"' in page
    assert Booking.objects.count() == (1 if when == "taken" else 0)


def test_tampered_link_gets_a_page_explaining_how_to_get_a_new_one(client, token):
    response = client.get(reverse("booking:pick", args=[token[:-3] + "abc"]))
    assert response.status_code == 404
    page = response.content.decode()
    assert "How to get a new link" in page
    assert "TKW-" not in page


def test_expired_link_says_so(client, patient_request, settings):
    invitation = services.booking_invitation_get_or_create(consultation_request=patient_request)
    old = timezone.now() - datetime.timedelta(days=settings.BOOKING_LINK_MAX_AGE_DAYS + 1)
    with mock.patch.object(
        signing.TimestampSigner,
        "timestamp",
        return_value=signing.b62_encode(int(old.timestamp())),
    ):
        stale = services.booking_link_token(invitation=invitation)
    response = client.get(reverse("booking:cancel", args=[stale]))
    assert response.status_code == 410
    assert "This booking link has expired" in response.content.decode()
    assert patient_request.reference not in response.content.decode()


def test_please_call_me_is_recorded(client, staff, phone, pick_url, patient_request):
    response = client.post(pick_url, {"action": "callback"})
    assert response.status_code == 302
    patient_request.booking_invitation.refresh_from_db()
    assert patient_request.booking_invitation.callback_requested_at is not None
    assert "we will call you to arrange a time" in client.get(pick_url).content.decode()


def test_several_types_ask_first_how_to_talk(client, staff, phone, pick_url):
    ConsultationTypeFactory(
        slug="video", name="Video call (60 minutes)", mode="video", duration_minutes=60
    )
    page = client.get(pick_url).content.decode()
    assert "How would you like to talk with us?" in page and 'name="slot"' not in page
    page = client.get(pick_url, {"type": "nonsense"}).content.decode()
    assert "Please choose one of the ways listed." in page
    page = client.get(pick_url, {"type": "video"}).content.decode()
    assert "Video call (60 minutes)" in page and 'name="slot"' in page


def test_patient_moves_and_cancels_through_the_links(client, staff, phone, token, pick_url):
    first, second = free_slots(phone)[0], free_slots(phone)[5]
    client.post(pick_url, {"slot": first.value})
    response = client.post(pick_url, {"slot": second.value})
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert booking.start == second.start
    cancel_url = reverse("booking:cancel", args=[token])
    assert "Cancel my consultation" in client.get(cancel_url).content.decode()
    response = client.post(cancel_url)
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert second.value in client.get(pick_url).content.decode()  # free again


def test_too_close_to_change_online_says_call_us(client, staff, phone, token, patient_request):
    soon = timezone.now() + datetime.timedelta(hours=3)
    booking = BookingFactory(
        consultation_request=patient_request, staff=staff, consultation_type=phone, start=soon
    )
    cancel_url = reverse("booking:cancel", args=[token])
    assert "too soon to cancel online" in client.get(cancel_url).content.decode()
    assert client.post(cancel_url).status_code == 409
    booking.refresh_from_db()
    assert booking.is_active
    page = client.get(reverse("booking:pick", args=[token])).content.decode()
    assert "can no longer be changed online" in page


def test_closed_request_cannot_book(client, staff, phone, pick_url, patient_request):
    ConsultationRequest.objects.filter(pk=patient_request.pk).update(
        status="closed", closed_at=timezone.now(), outcome="spam"
    )
    assert "This request is closed" in client.get(pick_url).content.decode()
    assert client.post(pick_url, {"slot": free_slots(phone)[0].value}).status_code == 200
    assert not Booking.objects.exists()


def test_no_times_offered_says_so(client, phone, pick_url):
    rules = BookingSettings.get_solo()
    page = client.get(pick_url).content.decode()
    assert f"no free times to book online in the next {rules.horizon_days} days" in page


def test_confirmation_page_links_to_the_booking_page(client, patient_request):
    session = client.session
    session["consultations:reference"] = patient_request.reference
    session.save()
    soup = BeautifulSoup(client.get(reverse("consultations:request_done")).content, "html.parser")
    link = soup.find("a", string="Choose a consultation time")
    assert link["href"].startswith("/consultation/booking/")
    assert patient_request.reference not in link["href"]
    assert client.get(link["href"]).status_code == 200
