"""A Spanish-speaking patient's booking e-mails, calendar files and booking pages (issue 25):
each in Spanish with Spanish dates; an English patient's stay as they were."""

import datetime
import html
import re
import zoneinfo
from datetime import UTC

import icalendar
import pytest
import vobject
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone, translation

from booking import selectors, services
from booking.models import Booking, BookingEmailKind
from outbox.models import OutboundEmail
from pages.models import SiteSettings
from tests.booking.factories import BookingFactory, StaffFactory, weekday_windows
from tests.consultations.factories import ConsultationRequestFactory

pytestmark = pytest.mark.django_db
CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
MONTHS_ES = (
    "enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre"
)
WEEKDAYS_ES = "lunes|martes|miércoles|jueves|viernes|sábado|domingo"
#: "martes, 1 de diciembre de 2026, 9:00 a.m.": the long date helper's Spanish, with the time.
SPANISH_WHEN = re.compile(
    rf"(?:{WEEKDAYS_ES}), \d{{1,2}} de (?:{MONTHS_ES}) de \d{{4}}, \d{{1,2}}:\d\d [ap]\.m\."
)
ENGLISH_WORDS = ("Your reference", "Central Time", "Questions?", "Need to cancel", "calendar file")


@pytest.fixture
def staff():
    user = StaffFactory()
    weekday_windows(user, start=datetime.time(8, 0), end=datetime.time(18, 0), days=range(7))
    return user


@pytest.fixture
def site():
    site = SiteSettings.get_solo()
    site.phone = "(512) 555-0100"
    site.email = "hola@clinic.example"
    site.emergency_notice = "This website is not for emergencies. Call 911."
    site.emergency_notice_es = "Este sitio no es para emergencias. Llame al 911."
    site.save()
    return site


@pytest.fixture
def spanish_request(db):
    return ConsultationRequestFactory(
        full_name="María José Hernández", email="mj.h@example.org", language="es"
    )


@pytest.fixture
def english_request(db):
    return ConsultationRequestFactory(
        full_name="Zoë Quintanilla", email="zoe.q@example.org", language="en"
    )


def link(consultation_request, view="booking:pick", language="es"):
    invitation = services.booking_invitation_get_or_create(
        consultation_request=consultation_request
    )
    token = services.booking_link_token(invitation=invitation)
    with translation.override(language):
        return reverse(view, args=[token])


def booked(staff, phone, consultation_request, *, by, slot=0):
    slots = selectors.available_slots(consultation_type=phone)
    booking = services.booking_request_create(
        consultation_request=consultation_request,
        consultation_type=phone,
        staff_id=staff.pk,
        start=slots[slot].start,
    )
    services.booking_confirm(booking=booking, by=by)
    return booking, slots


def mail_of(kind, consultation_request):
    (email,) = OutboundEmail.objects.filter(kind=kind)
    assert email.recipients == [consultation_request.email]
    return email


def read_both_ways(email):
    """The .ics as icalendar and as vobject (another calendar program) read it."""
    text = email.calendar_file
    text = text.decode() if isinstance(text, bytes) else text
    (event,) = icalendar.Calendar.from_ical(text).walk("VEVENT")
    (other,) = vobject.readOne(text).vevent_list
    return event, other


def assert_spanish(email, consultation_request):
    assert consultation_request.reference in email.subject
    assert f"Su número de referencia: {consultation_request.reference}" in email.body
    for english in ENGLISH_WORDS:
        assert english not in email.body, english
    # PHI-free as the English ones.
    assert "Hernández" not in email.subject + email.body
    assert "María" not in email.subject + email.body


# --- Each patient e-mail, in Spanish --------------------------------------------------------------


def test_the_confirmation_is_spanish_with_a_spanish_date_and_calendar(
    site, staff, phone, spanish_request, admin_user
):
    booking, _slots = booked(staff, phone, spanish_request, by=admin_user)
    email = mail_of(BookingEmailKind.CONFIRMED, spanish_request)
    assert email.subject == (
        f"El horario de su consulta está confirmado ({spanish_request.reference})"
    )
    assert_spanish(email, spanish_request)
    assert f"Su consulta con {site.clinic_name} está confirmada." in email.body
    when = SPANISH_WHEN.search(email.body)
    assert when, email.body
    local = booking.start.astimezone(CHICAGO)
    with translation.override("es"):
        from pages.dates import long_date

        assert long_date(local) in when.group(0)
    assert "Cómo: Llamada telefónica" in email.body
    assert "hora del centro" in email.body
    assert "/es/consultation/booking/" in email.body  # its links open the Spanish pages
    assert "¿Tiene preguntas? Llámenos al (512) 555-0100" in email.body
    assert "Este sitio no es para emergencias. Llame al 911." in email.body
    assert "This website is not for emergencies" not in email.body

    event, other = read_both_ways(email)
    assert str(event["SUMMARY"]) == f"Llamada telefónica: {site.clinic_name}"
    assert other.summary.value == f"Llamada telefónica: {site.clinic_name}"
    assert f"Su número de referencia: {spanish_request.reference}" in other.description.value
    assert "Para cambiarla o cancelarla, llámenos al (512) 555-0100." in str(event["DESCRIPTION"])
    # Everything else as for everyone: the time, the status, the method.
    assert event.decoded("DTSTART") == booking.start
    assert event["STATUS"] == "CONFIRMED"


def test_the_move_and_cancellation_are_spanish_with_spanish_calendars(
    client, site, staff, phone, spanish_request, admin_user
):
    _booking, slots = booked(staff, phone, spanish_request, by=admin_user)
    pick = link(spanish_request)
    assert client.post(pick, {"slot": slots[5].value}).status_code == 302
    moved = mail_of(BookingEmailKind.MOVE_RECEIVED, spanish_request)
    assert moved.subject == f"Recibimos su nuevo horario de consulta ({spanish_request.reference})"
    assert_spanish(moved, spanish_request)
    assert "Solicitado: " in moved.body and SPANISH_WHEN.search(moved.body)
    event, other = read_both_ways(moved)
    assert other.summary.value == f"Llamada telefónica: {site.clinic_name}"
    assert event["STATUS"] == "TENTATIVE"

    assert client.post(link(spanish_request, "booking:cancel")).status_code == 302
    cancelled = mail_of(BookingEmailKind.CANCELLED, spanish_request)
    assert cancelled.subject == f"Su consulta fue cancelada ({spanish_request.reference})"
    assert_spanish(cancelled, spanish_request)
    assert SPANISH_WHEN.search(cancelled.body)
    assert "Para elegir otro horario: " in cancelled.body
    event, other = read_both_ways(cancelled)
    assert other.summary.value == f"Llamada telefónica: {site.clinic_name}"
    assert event["STATUS"] == "CANCELLED"


@pytest.mark.parametrize(
    ("now", "start", "day", "phrase"),
    [
        ((2031, 3, 4, 21, 16), (2031, 3, 4, 22, 0), "hoy", "hoy a las 10:00 p.m."),
        ((2031, 3, 4, 12, 0), (2031, 3, 5, 9, 30), "mañana", "mañana a las 9:30 a.m."),
    ],
)
def test_the_reminder_says_today_or_tomorrow_in_spanish(
    site, phone, spanish_request, now, start, day, phrase
):
    start = datetime.datetime(*start, tzinfo=CHICAGO)
    BookingFactory(
        consultation_request=spanish_request,
        consultation_type=phone,
        start=start,
        status=Booking.Status.CONFIRMED,
        confirmed_at=start - datetime.timedelta(days=2),
    )
    assert services.booking_reminders_queue(now=datetime.datetime(*now, tzinfo=CHICAGO)) == 1
    reminder = mail_of(BookingEmailKind.REMINDER, spanish_request)
    assert reminder.subject == f"Recordatorio: su consulta {day} ({spanish_request.reference})"
    assert phrase in reminder.body
    assert_spanish(reminder, spanish_request)
    assert SPANISH_WHEN.search(reminder.body)
    assert "¿No puede asistir? Por favor, llámenos al (512) 555-0100." in reminder.body


def test_a_reminder_further_ahead_names_the_day_in_spanish():
    now = datetime.datetime(2031, 3, 3, 8, 0, tzinfo=CHICAGO)
    start = datetime.datetime(2031, 3, 5, 9, 30, tzinfo=CHICAGO)
    with translation.override("es"):
        phrase = services.booking_day_phrase(start=start, now=now)
    assert phrase == "el miércoles 5 de marzo a las 9:30 a.m."


# --- An English patient's e-mails are unchanged ----------------------------------------------------


def test_an_english_patients_emails_stay_english(
    client, site, staff, phone, english_request, admin_user
):
    booking, slots = booked(staff, phone, english_request, by=admin_user)
    email = mail_of(BookingEmailKind.CONFIRMED, english_request)
    assert email.subject == f"Your consultation time is confirmed ({english_request.reference})"
    local = booking.start.astimezone(CHICAGO)
    assert f"When: {local:%A}, {local:%B} {local.day}, {local.year}, " in email.body
    assert "Central Time" in email.body
    assert f"How: {phone.name}" in email.body
    assert f"Your reference: {english_request.reference}" in email.body
    assert "/es/" not in email.body
    assert "This website is not for emergencies. Call 911." in email.body
    event, other = read_both_ways(email)
    assert other.summary.value == f"{phone.name}: {site.clinic_name}"
    assert str(event["DESCRIPTION"]).startswith(f"Your reference: {english_request.reference}")

    # Even while Spanish is active in the thread (a Spanish page was just served).
    with translation.override("es"):
        pick = link(english_request, language="en")
    assert client.post(pick, {"slot": slots[5].value}).status_code == 302
    moved = mail_of(BookingEmailKind.MOVE_RECEIVED, english_request)
    assert moved.subject.startswith("We received your new consultation time")
    assert "Requested: " in moved.body


# --- The booking pages under /es/ ------------------------------------------------------------------


def page_text(response):
    return html.unescape(BeautifulSoup(response.content, "html.parser").get_text(" ", strip=True))


def test_the_slot_picker_is_in_spanish(client, site, staff, phone, spanish_request):
    response = client.get(link(spanish_request))
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    assert page.html["lang"] == "es"
    assert page.h1.get_text(strip=True) == "Elija un horario para su consulta"
    legend = page.select_one("#slot-times fieldset legend").get_text(strip=True)
    assert re.fullmatch(rf"(?:{WEEKDAYS_ES}) \d{{1,2}} de (?:{MONTHS_ES})", legend), legend
    first = page.select_one("#slot-times label").get_text(strip=True)
    assert re.fullmatch(r"\d{1,2}:\d\d [ap]\.m\. – \d{1,2}:\d\d [ap]\.m\.", first), first
    text = page_text(response)
    assert "Reservar este horario" in text
    assert "Este sitio no es para emergencias. Llame al 911." in text
    assert "Por favor, llámenme para acordar un horario" in text
    assert "Choose a time" not in text and "Book this time" not in text


def test_booking_and_the_thank_you_are_in_spanish(client, site, staff, phone, spanish_request):
    pick = link(spanish_request)
    slots = selectors.available_slots(consultation_type=phone)
    response = client.post(pick, {"slot": slots[0].value}, follow=True)
    text = page_text(response)
    assert "Gracias: recibimos el horario que eligió." in text
    assert "El horario de su consulta" in text
    assert "Solicitada: le confirmaremos este horario por correo electrónico." in text
    assert "Llamada telefónica" in text
    assert SPANISH_WHEN.search(text)


def test_a_time_just_taken_is_explained_in_spanish(client, site, staff, phone, spanish_request):
    first = selectors.available_slots(consultation_type=phone)[0]
    BookingFactory(staff=staff, consultation_type=phone, start=first.start)
    response = client.post(link(spanish_request), {"slot": first.value})
    assert response.status_code == 409
    text = page_text(response)
    assert "Hay un problema: no se reservó ningún horario" in text
    assert "Alguien acaba de reservar ese horario; por favor, elija otro." in text
    assert "Usted eligió" in text and "hora del centro" in text
    assert BeautifulSoup(response.content, "html.parser").title.get_text().startswith("Error:")


def test_no_choice_gets_a_spanish_message(client, site, staff, phone, spanish_request):
    response = client.post(link(spanish_request), {})
    assert "Por favor, elija un horario, o pídanos que le llamemos." in page_text(response)


def test_the_cancel_page_is_in_spanish(client, site, staff, phone, spanish_request, admin_user):
    booked(staff, phone, spanish_request, by=admin_user)
    text = page_text(client.get(link(spanish_request, "booking:cancel")))
    assert "Cancelar su consulta" in text
    assert "Confirmada. Le enviamos un archivo de calendario por correo electrónico." in text
    assert "Cancelar mi consulta" in text
    response = client.post(link(spanish_request, "booking:cancel"), follow=True)
    assert "Su consulta fue cancelada." in page_text(response)


def test_too_late_to_change_says_so_in_spanish(client, site, phone, spanish_request):
    start = timezone.now() + datetime.timedelta(hours=2)
    BookingFactory(
        consultation_request=spanish_request,
        consultation_type=phone,
        start=start,
        status=Booking.Status.CONFIRMED,
        confirmed_at=timezone.now(),
    )
    text = page_text(client.get(link(spanish_request)))
    assert "así que ya no se puede cambiar en línea" in text
    assert "Para cambiarla o cancelarla, por favor llámenos al (512) 555-0100" in text


def test_a_closed_request_says_so_in_spanish(client, site, phone, spanish_request):
    ConsultationRequestFactory._meta.model.objects.filter(pk=spanish_request.pk).update(
        status="closed", closed_at=timezone.now(), outcome="declined"
    )
    text = page_text(client.get(link(spanish_request)))
    assert "Esta solicitud está cerrada, así que no se puede reservar un horario en línea." in text


def test_a_broken_or_expired_link_is_explained_in_spanish(client, site, spanish_request, settings):
    with translation.override("es"):
        broken = reverse("booking:pick", args=["not-a-real-token"])
    response = client.get(broken)
    assert response.status_code == 404
    text = page_text(response)
    assert "No pudimos abrir este enlace para reservar" in text
    assert "Cómo obtener un enlace nuevo" in text

    pick = link(spanish_request)
    settings.BOOKING_LINK_MAX_AGE_DAYS = 0
    response = client.get(pick)
    assert response.status_code == 410
    text = page_text(response)
    assert "Este enlace para reservar ya venció" in text
    assert "funcionan durante 0 días" in text


def test_the_booking_page_under_es_stays_english_for_an_english_address(
    client, site, staff, phone, spanish_request
):
    """The address decides the language, never the request's: staff may send any link."""
    response = client.get(link(spanish_request, language="en"))
    assert "Choose a time for your consultation" in page_text(response)


def test_dates_are_written_in_the_clinics_time_zone(site, phone, spanish_request):
    # 03:30 UTC on 2 December is still 1 December in Texas.
    start = datetime.datetime(2031, 12, 2, 3, 30, tzinfo=UTC)
    booking = BookingFactory(
        consultation_request=spanish_request,
        consultation_type=phone,
        start=start,
        status=Booking.Status.CONFIRMED,
        confirmed_at=start - datetime.timedelta(days=3),
    )
    services.booking_cancel(booking=booking, now=start - datetime.timedelta(days=2))
    cancelled = mail_of(BookingEmailKind.CANCELLED, spanish_request)
    assert "lunes, 1 de diciembre de 2031, 9:30 p.m." in cancelled.body
