"""Factories for the booking engine: staff, consultation types, windows, exceptions, bookings."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from booking.models import Availability, AvailabilityException, Booking, ConsultationType
from tests.consultations.factories import ConsultationRequestFactory


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"clinician{n}")
    first_name = "Ana"
    last_name = factory.Sequence(lambda n: f"Ruiz{n}")
    is_staff = True

    @factory.post_generation
    def takes_consultations(user, create, extracted, **kwargs):
        """Allowed to take consultations (as the Clinician role is) unless told False."""
        if create and extracted is not False:
            user.user_permissions.add(
                Permission.objects.get(
                    content_type__app_label="booking", codename="take_consultations"
                )
            )


class ConsultationTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsultationType
        django_get_or_create = ("slug",)

    name = "Phone consultation (30 minutes)"
    slug = "phone"
    mode = ConsultationType.Mode.PHONE
    duration_minutes = 30
    buffer_minutes = 10
    joining_details = "We will call you on the number you gave us."


class AvailabilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Availability

    staff = factory.SubFactory(StaffFactory)
    weekday = 0
    start_time = datetime.time(9, 0)
    end_time = datetime.time(12, 0)


class AvailabilityExceptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AvailabilityException

    staff = factory.SubFactory(StaffFactory)
    kind = AvailabilityException.Kind.CLOSED


class BookingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Booking

    consultation_request = factory.SubFactory(ConsultationRequestFactory)
    staff = factory.SubFactory(StaffFactory)
    consultation_type = factory.SubFactory(ConsultationTypeFactory)
    end = factory.LazyAttribute(
        lambda b: b.start + datetime.timedelta(minutes=b.consultation_type.duration_minutes)
    )


def weekday_windows(staff, *, start=datetime.time(9, 0), end=datetime.time(12, 0), days=range(5)):
    """Monday to Friday (by default) 9:00–12:00 clinic time for one staff member."""
    return [
        AvailabilityFactory(staff=staff, weekday=day, start_time=start, end_time=end)
        for day in days
    ]
