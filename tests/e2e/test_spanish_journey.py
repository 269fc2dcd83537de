"""A Spanish-speaking patient, in a real browser (issue 25): reads the Spanish fibromyalgia
page, follows its call to action to the Spanish form, makes a mistake and sees it explained in
Spanish with every answer kept, sends the form, opens the booking link from the Spanish
acknowledgement e-mail, picks a time, and once staff confirm it gets the Spanish confirmation
with a Spanish calendar file. axe-core checks the form and the booking pages on the way."""

import datetime
import re

import icalendar
import pytest
from django.utils import translation

from .checks import axe_violations, fail_on, structure_problems

FIBROMIALGIA = "/es/condiciones/fibromialgia/"
MISTYPED_EMAIL = "maria.hernandez.example.org"
EMAIL = "maria.hernandez@example.org"
TYPED = {
    "full_name": "María José Hernández",
    "date_of_birth": "1975-09-14",
    "email": EMAIL,
    "phone": "(512) 555-0142",
    "diagnosis_when": "hace unos cinco años",
    "pain_level": "7",
    "fatigue_level": "6",
    "current_medications": "Duloxetina 60 mg en la noche",
    "anything_else": "Me duele más en las mañanas",
}
CHOSEN = {
    "preferred_contact_method": "email",
    "best_time_to_reach": "morning",
    "voicemail_ok": "yes",
    "diagnosis": "yes",
    "daily_impact": "moderate",
    "heart_condition": "no",
    "high_blood_pressure": "no",
    "substance_use_concern": "no",
    "psychiatric_history": "no",
}
TICKED = ["symptoms][value=widespread_pain", "consent_privacy", "acknowledge_not_emergency"]
BOOKING_LINK = re.compile(r"https?://[^/\s]+(/es/consultation/booking/[^\s]+/)")


@pytest.fixture
def clinician_free_all_week(form_site):
    from tests.booking.factories import ConsultationTypeFactory, StaffFactory, weekday_windows

    staff = StaffFactory()
    weekday_windows(staff, start=datetime.time(9, 0), end=datetime.time(17, 0), days=range(7))
    # The clinic wrote how to join in Spanish too (Admin → Consultation types).
    return ConsultationTypeFactory(joining_details_es="Le llamaremos al número que nos dio.")


def _fill(page, *, email):
    for name, value in {**TYPED, "email": email}.items():
        page.locator(f"[name={name}]").fill(value)
    for name, value in CHOSEN.items():
        page.locator(f"[name={name}][value={value}]").check()
    for name in TICKED:
        page.locator(f"[name={name}]").check()


def _typed_on_screen(page):
    return {name: page.locator(f"[name={name}]").input_value() for name in TYPED}


def _mail(kind):
    from outbox.models import OutboundEmail
    from pages.models import SiteSettings
    from tests.test_spanish_everywhere import english_on

    (email,) = OutboundEmail.objects.filter(kind=kind)
    assert email.recipients == [EMAIL]
    # None of the site's English labels, as on the Spanish pages; the clinic's name is content.
    words = f"{email.subject}\n{email.body}".replace("<", "‹")
    assert english_on(words, content=[SiteSettings.get_solo().clinic_name]) == []
    return email


def test_a_spanish_speaker_requests_and_books_a_consultation_in_spanish(
    form_site, axe_page, clinician_free_all_week, admin_user
):
    from booking import selectors, services
    from booking.models import BookingEmailKind
    from consultations.models import ConsultationRequest, EmailKind

    site, page, problems = form_site, axe_page, {}

    page.goto(f"{site}{FIBROMIALGIA}")
    assert page.locator("html").get_attribute("lang") == "es"
    # The closing call to action (another follows the introduction).
    page.get_by_role("link", name="Solicitar una consulta confidencial").last.click()
    page.wait_for_url(f"{site}/es/consultation/")
    assert page.locator("h1").inner_text() == "Solicite una consulta confidencial"
    problems["es-form"] = axe_violations(page) + structure_problems(page)

    _fill(page, email=MISTYPED_EMAIL)
    page.get_by_role("button", name="Enviar mi solicitud").click()
    summary = page.locator("#error-summary")
    assert summary.get_by_role("heading").inner_text() == (
        "Hay 1 problema: todavía no se envió nada"
    )
    message = "Escriba un correo electrónico como nombre@ejemplo.com."
    assert summary.get_by_role("link").inner_text() == message
    described = page.locator("#id_email").get_attribute("aria-describedby").split()
    assert any(message in page.locator(f"#{id_}").inner_text() for id_ in described)
    assert _typed_on_screen(page) == {**TYPED, "email": MISTYPED_EMAIL}
    problems["es-form-error"] = axe_violations(page) + structure_problems(page)

    summary.get_by_role("link").click()
    page.get_by_label("Correo electrónico").first.fill(EMAIL)
    page.get_by_role("button", name="Enviar mi solicitud").click()
    page.wait_for_url(f"{site}/es/consultation/sent/")
    assert page.locator("h1").inner_text() == "Su solicitud fue enviada"
    reference = page.locator(".reference").inner_text().strip()
    saved = ConsultationRequest.objects.get(reference=reference)
    assert saved.language == "es"

    acknowledgement = _mail(EmailKind.PATIENT_ACKNOWLEDGEMENT)
    assert acknowledgement.subject == f"Recibimos su solicitud de consulta ({reference})"
    assert "Elija un horario para su consulta" in acknowledgement.body
    (link,) = BOOKING_LINK.findall(acknowledgement.body)

    page.goto(f"{site}{link}")
    assert page.locator("html").get_attribute("lang") == "es"
    problems["es-booking"] = axe_violations(page) + structure_problems(page)
    page.get_by_role("button", name="Reservar este horario").click()
    assert page.get_by_text(
        "Por favor, elija un horario, o pídanos que le llamemos."
    ).first.is_visible()
    problems["es-booking-error"] = axe_violations(page) + structure_problems(page)

    page.locator("input[name=slot]").first.check()
    page.get_by_role("button", name="Reservar este horario").click()
    page.wait_for_url(f"{site}{link}")
    assert page.get_by_text("Gracias: recibimos el horario que eligió.").is_visible()
    problems["es-booking-requested"] = axe_violations(page) + structure_problems(page)

    # The intake team confirms the time the patient asked for.
    booking = selectors.booking_active_for(consultation_request=saved)
    services.booking_confirm(booking=booking, by=admin_user)
    page.reload()
    assert page.get_by_text("Confirmada.").first.is_visible()
    problems["es-booking-confirmed"] = axe_violations(page) + structure_problems(page)

    confirmation = _mail(BookingEmailKind.CONFIRMED)
    assert confirmation.subject == f"El horario de su consulta está confirmado ({reference})"
    assert f"Su número de referencia: {reference}" in confirmation.body
    assert "hora del centro" in confirmation.body
    assert "Le llamaremos al número que nos dio." in confirmation.body
    (event,) = icalendar.Calendar.from_ical(confirmation.calendar_file).walk("VEVENT")
    with translation.override("es"):
        expected = services.consultation_type_label(clinician_free_all_week)
    assert str(event["SUMMARY"]).startswith(f"{expected}: ")
    assert expected == "Llamada telefónica"
    assert event.decoded("DTSTART") == booking.start
    assert event["STATUS"] == "CONFIRMED"
    assert "Le llamaremos al número que nos dio." in str(event["DESCRIPTION"])
    fail_on(problems)
