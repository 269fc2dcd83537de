"""Every booking change and every staff look at a booking leaves an audit entry (no PHI)."""

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from booking import selectors, services
from tests.booking.factories import StaffFactory, weekday_windows

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked(phone, patient_request):
    staff = StaffFactory()
    weekday_windows(staff, days=range(7))
    slot = selectors.available_slots(consultation_type=phone)[0]
    return services.booking_request_create(
        consultation_request=patient_request,
        consultation_type=phone,
        staff_id=staff.pk,
        start=slot.start,
    )


def entries(action):
    return list(AuditEntry.objects.filter(action=action).order_by("pk"))


def test_each_change_is_recorded_with_who_and_the_reference(booked, admin_user, phone):
    services.booking_confirm(booking=booked, by=admin_user)
    later = selectors.available_slots(consultation_type=phone)[3]
    services.booking_reschedule(booking=booked, start=later.start, staff_id=later.staff_id)
    services.booking_cancel(booking=booked, by=admin_user)
    changes = entries(AuditEntry.Action.BOOKING_CHANGED)
    assert [(e.actor, e.detail) for e in changes] == [
        (None, "booking requested by the patient"),
        (admin_user, "booking confirmed"),
        (None, "booking moved by the patient"),
        (admin_user, "booking cancelled"),
    ]
    reference = booked.consultation_request.reference
    assert {e.reference for e in changes} == {reference}
    for entry in changes:
        assert "Quintanilla" not in entry.detail


def test_a_refused_change_leaves_no_entry(booked, admin_user):
    services.booking_confirm(booking=booked, by=admin_user)
    before = AuditEntry.objects.count()
    with pytest.raises(services.BookingError):
        services.booking_confirm(booking=booked, by=admin_user)
    assert AuditEntry.objects.count() == before


def test_each_look_at_a_booking_in_the_admin_is_recorded(admin_client, admin_user, booked):
    change = reverse("admin:booking_booking_change", args=[booked.pk])
    move = reverse("admin:booking_booking_move", args=[booked.pk])
    for url in (change, change, move):
        assert admin_client.get(url).status_code == 200
    views = entries(AuditEntry.Action.BOOKING_VIEWED)
    assert len(views) == 3
    assert {(e.actor, e.reference) for e in views} == {
        (admin_user, booked.consultation_request.reference)
    }
