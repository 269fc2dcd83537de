"""Every rule of the booking tables speaks to staff in words, beside the field it is about."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from booking.models import AvailabilityException, Booking, ClinicClosure
from tests.booking.factories import BookingFactory, StaffFactory

pytestmark = pytest.mark.django_db


def _errors_beside(response, field):
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    return [li.get_text(strip=True) for li in soup.select(f".field-{field} .errorlist li")]


@pytest.mark.parametrize(
    "constraint",
    [c for model in apps.get_app_config("booking").get_models() for c in model._meta.constraints],
    ids=lambda c: c.name,
)
def test_every_booking_constraint_has_a_message_in_words(constraint):
    message = constraint.get_violation_error_message()

    assert message != constraint.default_violation_error_message % {"name": constraint.name}
    assert constraint.name not in message
    assert message.endswith(".") and " " in message


def test_weekly_hours_ending_before_they_start_say_so_beside_the_end_time(admin_client):
    staff = StaffFactory()
    response = admin_client.post(
        reverse("admin:booking_availability_add"),
        {"staff": staff.pk, "weekday": "0", "start_time": "12:00", "end_time": "09:00"},
    )

    assert response.status_code == 200
    assert _errors_beside(response, "end_time") == ["The end time must be after the start time."]
    assert "availability_ends_after_start" not in response.content.decode()


@pytest.mark.parametrize(
    ("times", "field", "message"),
    [
        (("", ""), "start_time", "Extra hours need a start and an end time."),
        (("10:00", ""), "end_time", "Give both times, or leave both empty to mark the whole day."),
        (("14:00", "10:00"), "end_time", "The end time must be after the start time."),
    ],
)
def test_extra_hours_with_missing_or_backwards_times_are_refused_beside_the_field(
    admin_client, times, field, message
):
    staff = StaffFactory()
    response = admin_client.post(
        reverse("admin:booking_availabilityexception_add"),
        {
            "staff": staff.pk,
            "date": "2031-03-05",
            "kind": "extra",
            "start_time": times[0],
            "end_time": times[1],
            "note": "",
        },
    )

    assert response.status_code == 200
    assert _errors_beside(response, field) == [message]
    assert not AvailabilityException.objects.exists()


def test_a_booking_that_ends_before_it_starts_is_refused_in_words():
    start = timezone.now() + datetime.timedelta(days=2)
    booking = BookingFactory(start=start)
    booking.end = start - datetime.timedelta(minutes=30)

    with pytest.raises(ValidationError) as refused:
        booking.validate_constraints()

    assert "A booking must end after it starts." in refused.value.messages


def test_a_closure_ending_before_it_starts_is_refused_by_the_database_too():
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ClinicClosure.objects.create(
            label="Backwards",
            first_day=datetime.date(2031, 1, 2),
            last_day=datetime.date(2031, 1, 1),
        )


def test_a_cancelled_booking_without_its_time_of_cancelling_is_refused_in_words():
    booking = BookingFactory(start=timezone.now() + datetime.timedelta(days=2))
    booking.status = Booking.Status.CANCELLED

    with pytest.raises(ValidationError) as refused:
        booking.validate_constraints()

    assert any(
        "A cancelled booking records when it was cancelled" in m for m in refused.value.messages
    )
