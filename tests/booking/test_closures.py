"""Clinic closures (holidays) block every calendar: nothing offered, staff refused in words."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from booking import selectors, services
from booking.models import Booking, ClinicClosure
from tests.booking.factories import StaffFactory, weekday_windows
from tests.consultations.factories import ConsultationRequestFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_staff():
    staff = [StaffFactory(), StaffFactory()]
    for person in staff:
        weekday_windows(person, start=datetime.time(8, 0), end=datetime.time(18, 0), days=range(7))
    return staff


def _clinic_day(days_ahead):
    return timezone.localdate() + datetime.timedelta(days=days_ahead)


def _slots_on(day, consultation_type):
    return [
        slot
        for slot in selectors.available_slots(
            consultation_type=consultation_type, apply_notice=False
        )
        if slot.local_start.date() == day
    ]


def test_a_closure_leaves_no_slot_for_any_staff_member_on_its_days(two_staff, phone):
    closed, open_day = _clinic_day(5), _clinic_day(7)
    ClinicClosure.objects.create(label="Christmas Day", first_day=closed, last_day=_clinic_day(6))

    assert _slots_on(closed, phone) == []
    assert _slots_on(_clinic_day(6), phone) == []
    assert {slot.staff_id for slot in _slots_on(open_day, phone)} == {s.pk for s in two_staff}


def test_the_patients_pick_page_offers_no_time_on_a_closed_day(
    client, two_staff, phone, patient_request
):
    closed = _clinic_day(5)
    ClinicClosure.objects.create(label="Christmas Day", first_day=closed, last_day=closed)
    invitation = services.booking_invitation_get_or_create(consultation_request=patient_request)
    url = reverse("booking:pick", args=[services.booking_link_token(invitation=invitation)])

    page = client.get(url).content.decode()

    offered_days = {
        slot.local_start.date() for slot in selectors.available_slots(consultation_type=phone)
    }
    assert closed not in offered_days
    assert _clinic_day(6) in offered_days
    assert f'value="{two_staff[0].pk}-{closed:%Y%m%d}' not in page
    assert f'value="{two_staff[0].pk}-{_clinic_day(6):%Y%m%d}' in page


def test_staff_booking_on_a_closed_day_is_refused_with_the_closures_name(
    admin_client, two_staff, phone
):
    closed = _clinic_day(5)
    ClinicClosure.objects.create(label="Christmas Day", first_day=closed, last_day=closed)
    start = timezone.make_aware(datetime.datetime.combine(closed, datetime.time(10, 0)))
    slot_value = f"{two_staff[0].pk}-{start.astimezone(datetime.UTC):%Y%m%dT%H%MZ}"
    patient = ConsultationRequestFactory()

    response = admin_client.post(
        reverse("admin:booking_booking_book"), {"reference": patient.reference, "slot": slot_value}
    )

    assert response.status_code == 200
    assert (
        "The clinic is closed that day (Christmas Day), so no consultation can be booked then."
        in response.content.decode()
    )
    assert not Booking.objects.exists()


def test_moving_a_booking_onto_a_closed_day_is_refused_and_keeps_the_old_time(
    two_staff, phone, admin_user
):
    day = _clinic_day(4)
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))
    booking = services.booking_request_create(
        consultation_request=ConsultationRequestFactory(),
        consultation_type=phone,
        staff_id=two_staff[0].pk,
        start=start,
        by=admin_user,
    )
    closed = _clinic_day(5)
    ClinicClosure.objects.create(label="Staff training day", first_day=closed, last_day=closed)

    with pytest.raises(services.SlotUnavailable) as refused:
        services.booking_reschedule(
            booking=booking, start=start + datetime.timedelta(days=1), by=admin_user
        )

    assert refused.value.code == "closed"
    assert "Staff training day" in refused.value.message
    booking.refresh_from_db()
    assert booking.start == start


def test_a_coordinator_adds_a_closure_and_a_backwards_range_is_refused_in_words(
    client, otp_login, coordinator
):
    otp_login(client, coordinator)
    url = reverse("admin:booking_clinicclosure_add")

    response = client.post(
        url, {"label": "Christmas", "first_day": "2031-12-26", "last_day": "2031-12-25"}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "The last day must be the same as the first day or after it." in page
    assert "clinic_closure_last_day_not_before_first" not in page
    response = client.post(
        url, {"label": "Christmas", "first_day": "2031-12-25", "last_day": "2031-12-26"}
    )
    assert response.status_code == 302
    assert ClinicClosure.objects.get().label == "Christmas"


def test_a_clinician_cannot_add_a_closure(client, otp_login, clinician):
    otp_login(client, clinician)

    response = client.post(
        reverse("admin:booking_clinicclosure_add"),
        {"label": "Day off", "first_day": "2031-12-25", "last_day": "2031-12-25"},
    )

    assert response.status_code == 403
    assert not ClinicClosure.objects.exists()


@pytest.mark.parametrize(
    ("role", "list_status", "add_status"),
    [
        ("Intake coordinator", 200, 200),
        ("Clinician", 403, 403),
        ("Content editor", 403, 403),
        (None, 403, 403),
    ],
)
def test_who_may_keep_the_clinics_closures(
    client, otp_login, make_staff, role, list_status, add_status
):
    otp_login(client, make_staff("someone", role))

    assert client.get(reverse("admin:booking_clinicclosure_changelist")).status_code == list_status
    assert client.get(reverse("admin:booking_clinicclosure_add")).status_code == add_status
