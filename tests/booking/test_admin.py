"""Staff see bookings by day/week and staff member, and change them only through the services."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from booking import selectors, services
from booking.models import Booking, BookingEmailKind
from outbox.models import OutboundEmail
from tests.booking.factories import BookingFactory, StaffFactory, weekday_windows
from tests.consultations.factories import ConsultationRequestFactory

pytestmark = pytest.mark.django_db
CHANGELIST = "admin:booking_booking_changelist"


@pytest.fixture
def staff():
    user = StaffFactory()
    weekday_windows(user, start=datetime.time(0, 0), end=datetime.time(23, 0), days=range(7))
    return user


@pytest.fixture
def requested(staff, phone, patient_request):
    slot = selectors.available_slots(consultation_type=phone)[0]
    return services.booking_request_create(
        consultation_request=patient_request,
        consultation_type=phone,
        staff_id=staff.pk,
        start=slot.start,
    )


def test_list_shows_bookings_from_today_on_without_phi(admin_client, requested):
    past = BookingFactory(start=timezone.now() - datetime.timedelta(days=3))
    page = admin_client.get(reverse(CHANGELIST)).content.decode()
    assert requested.consultation_request.reference in page
    assert past.consultation_request.reference not in page
    assert "Quintanilla" not in page
    page = admin_client.get(reverse(CHANGELIST), {"when": "past"}).content.decode()
    assert past.consultation_request.reference in page


def test_day_and_week_filters_and_staff_filter(admin_client, requested, staff):
    other = BookingFactory(start=timezone.now() + datetime.timedelta(minutes=30))
    today = admin_client.get(reverse(CHANGELIST), {"when": "today"}).content.decode()
    week = admin_client.get(reverse(CHANGELIST), {"when": "all"}).content.decode()
    assert other.consultation_request.reference in today
    assert requested.consultation_request.reference in week
    mine = admin_client.get(reverse(CHANGELIST), {"when": "all", "staff__id__exact": staff.pk})
    assert other.consultation_request.reference not in mine.content.decode()


def test_confirm_and_cancel_actions_go_through_the_services(admin_client, requested):
    url = reverse(CHANGELIST)
    admin_client.post(url, {"action": "confirm_selected", "_selected_action": [requested.pk]})
    requested.refresh_from_db()
    assert requested.status == Booking.Status.CONFIRMED
    assert OutboundEmail.objects.filter(kind=BookingEmailKind.CONFIRMED).count() == 1
    response = admin_client.post(
        url, {"action": "confirm_selected", "_selected_action": [requested.pk]}, follow=True
    )
    assert "Only a requested booking can be confirmed." in response.content.decode()
    admin_client.post(url, {"action": "cancel_selected", "_selected_action": [requested.pk]})
    requested.refresh_from_db()
    assert (requested.status, requested.cancelled_by) == ("cancelled", "staff")


def test_move_page_moves_to_a_free_time_and_refuses_a_taken_one(
    admin_client, requested, staff, phone
):
    url = reverse("admin:booking_booking_move", args=[requested.pk])
    page = admin_client.get(url).content.decode()
    free = selectors.available_slots(consultation_type=phone, exclude_booking=requested)
    assert free[2].value in page
    taken = BookingFactory(staff=staff, consultation_type=phone, start=free[2].start)
    response = admin_client.post(url, {"slot": free[2].value})
    assert "That time was just taken, please pick another." in response.content.decode()
    requested.refresh_from_db()
    assert requested.start != taken.start
    response = admin_client.post(url, {"slot": free[4].value})
    assert response.status_code == 302
    requested.refresh_from_db()
    assert requested.start == free[4].start


def test_staff_book_for_a_patient_by_reference(admin_client, staff, phone):
    patient = ConsultationRequestFactory()
    slot = selectors.available_slots(consultation_type=phone, apply_notice=False)[0]
    url = reverse("admin:booking_booking_book")
    response = admin_client.post(url, {"reference": "TKW-0000-0000", "slot": slot.value})
    assert "No request has this reference." in response.content.decode()
    response = admin_client.post(
        url, {"reference": patient.reference.lower(), "slot": slot.value, "confirm": "on"}
    )
    assert response.status_code == 302
    booking = Booking.objects.get(consultation_request=patient)
    assert (booking.status, booking.start) == (Booking.Status.CONFIRMED, slot.start)


def test_admin_index_lists_todays_consultations(admin_client):
    booking = BookingFactory(start=timezone.now() + datetime.timedelta(minutes=5))
    if timezone.localtime(booking.start).date() != timezone.localdate():
        pytest.skip("five minutes before midnight in Chicago: tomorrow's booking")
    page = admin_client.get(reverse("admin:index")).content.decode()
    assert "Today's consultations" in page
    assert booking.consultation_request.reference in page


def test_staff_without_booking_permissions_cannot_open_or_change_bookings(
    client, otp_login, requested
):
    clerk = StaffFactory(username="clerk")
    otp_login(client, clerk)
    assert client.get(reverse(CHANGELIST)).status_code == 403
    move = reverse("admin:booking_booking_move", args=[requested.pk])
    assert client.post(move, {"slot": "x"}).status_code == 403
    assert "Today's consultations" not in client.get(reverse("admin:index")).content.decode()
    clerk.user_permissions.add(Permission.objects.get(codename="view_booking"))
    assert client.get(reverse(CHANGELIST)).status_code == 200
    assert client.get(move).status_code == 403


def test_coordinators_change_bookings_clinicians_only_see_them(
    requested, coordinator, clinician, otp_login
):
    from django.test import Client

    move = reverse("admin:booking_booking_move", args=[requested.pk])
    coordinator_client = otp_login(Client(), coordinator)
    assert coordinator_client.get(reverse(CHANGELIST)).status_code == 200
    assert coordinator_client.get(move).status_code == 200
    clinician_client = otp_login(Client(), clinician)
    assert clinician_client.get(reverse(CHANGELIST)).status_code == 200
    assert clinician_client.get(move).status_code == 403
    assert clinician_client.get(reverse("admin:booking_availability_add")).status_code == 200
