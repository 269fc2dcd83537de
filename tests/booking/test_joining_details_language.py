"""How to join a consultation, in the patient's language: the clinic's Spanish words in a
Spanish-speaking patient's confirmation, reminder and calendar file; the English ones when no
Spanish text was entered, and always for an English-speaking patient. The calendar file's
location (the way of meeting) follows the patient's language too."""

import datetime

import icalendar
import pytest

from booking.models import BookingEmailKind
from outbox.models import OutboundEmail
from tests.booking.factories import StaffFactory, weekday_windows
from tests.booking.test_emails import confirmed_booking_at_first_slot
from tests.consultations.factories import ConsultationRequestFactory

pytestmark = pytest.mark.django_db
ENGLISH = "We will call you on the number you gave us."
SPANISH = "Le llamaremos al número que nos dio."


@pytest.fixture
def staff():
    user = StaffFactory()
    weekday_windows(user, start=datetime.time(8, 0), end=datetime.time(18, 0), days=range(7))
    return user


def confirmed_mail(staff, consultation_type, language, by):
    consultation_request = ConsultationRequestFactory(language=language)
    confirmed_booking_at_first_slot(staff, consultation_type, consultation_request, by=by)
    (email,) = OutboundEmail.objects.filter(kind=BookingEmailKind.CONFIRMED)
    (event,) = icalendar.Calendar.from_ical(email.calendar_file).walk("VEVENT")
    return email.body, f"{event['LOCATION']}\n{event['DESCRIPTION']}"


def test_a_spanish_speaker_reads_how_to_join_in_spanish(staff, phone, admin_user):
    phone.joining_details_es = SPANISH
    phone.save()
    body, description = confirmed_mail(staff, phone, "es", admin_user)
    assert SPANISH in body and SPANISH in description
    assert ENGLISH not in body + description
    assert "Llamada telefónica" in description  # where: the way of meeting, in Spanish too
    assert "Phone call" not in description


def test_without_a_spanish_text_the_english_one_is_sent(staff, phone, admin_user):
    assert phone.joining_details_es == ""
    body, description = confirmed_mail(staff, phone, "es", admin_user)
    assert ENGLISH in body and ENGLISH in description


def test_an_english_speaker_reads_the_english_text(staff, phone, admin_user):
    phone.joining_details_es = SPANISH
    phone.save()
    body, description = confirmed_mail(staff, phone, "en", admin_user)
    assert ENGLISH in body and ENGLISH in description
    assert SPANISH not in body + description
    assert "Phone call" in description
