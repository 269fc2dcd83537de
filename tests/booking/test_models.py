"""The database itself refuses double bookings (exclusion constraint on PostgreSQL, trigger on SQLite)."""

import datetime
from datetime import UTC

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from booking.models import Booking
from tests.booking.factories import BookingFactory, ConsultationTypeFactory, StaffFactory

pytestmark = pytest.mark.django_db
NINE = datetime.datetime(2026, 2, 4, 15, 0, tzinfo=UTC)


def test_overlapping_active_bookings_for_one_staff_member_are_refused_by_the_database():
    staff = StaffFactory()
    BookingFactory(staff=staff, start=NINE)
    with pytest.raises(IntegrityError), transaction.atomic():
        # Different start (so the unique index does not fire), overlapping time.
        BookingFactory(staff=staff, start=NINE + datetime.timedelta(minutes=15))


def test_moving_a_booking_onto_another_is_refused_by_the_database():
    staff = StaffFactory()
    BookingFactory(staff=staff, start=NINE)
    later = BookingFactory(staff=staff, start=NINE + datetime.timedelta(hours=2))
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.filter(pk=later.pk).update(
            start=NINE + datetime.timedelta(minutes=10), end=NINE + datetime.timedelta(minutes=40)
        )


def test_back_to_back_bookings_and_other_staff_and_cancelled_ones_are_allowed():
    staff = StaffFactory()
    first = BookingFactory(staff=staff, start=NINE)
    BookingFactory(staff=staff, start=first.end)  # ranges are [start, end)
    BookingFactory(staff=StaffFactory(), start=NINE)
    Booking.objects.filter(pk=first.pk).update(status=Booking.Status.CANCELLED, cancelled_at=NINE)
    BookingFactory(staff=staff, start=NINE)  # the cancelled time is free again


def test_a_request_has_at_most_one_active_booking():
    booking = BookingFactory(start=NINE)
    with pytest.raises(IntegrityError), transaction.atomic():
        BookingFactory(
            consultation_request=booking.consultation_request,
            start=NINE + datetime.timedelta(days=1),
        )


def test_cancelled_booking_must_say_when():
    booking = BookingFactory(start=NINE)
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.CANCELLED)


def test_model_validation_reports_a_taken_start_in_plain_words():
    staff = StaffFactory()
    existing = BookingFactory(staff=staff, start=NINE)
    clash = Booking(
        consultation_request=BookingFactory(
            start=NINE + datetime.timedelta(days=3)
        ).consultation_request,
        staff=staff,
        consultation_type=ConsultationTypeFactory(),
        start=existing.start,
        end=existing.end,
    )
    with pytest.raises(ValidationError) as excinfo:
        clash.validate_constraints()
    assert "already has a booking at that time" in str(excinfo.value)
