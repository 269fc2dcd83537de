"""The consultation request in Spanish (issue 25): the form under /es/, its messages, what is
stored (the same answers, the patient's language), the staff's view of the language, and the
consent to the Spanish privacy notice."""

import time

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from consultations.forms import submission_token_issue, submission_token_read
from consultations.models import (
    PLACEHOLDER_PATTERN,
    ConsultationRequest,
    EmailKind,
    PatientMessageTemplate,
)
from consultations.selectors import privacy_notice_current
from consultations.services import consultation_request_booking_link_resend, patient_message_send
from outbox.models import OutboundEmail
from pages.models import Block
from tests.pages.factories import BlockFactory, PageFactory

from .factories import TEST_BROWSER, ConsultationRequestFactory, form_data

URL_ES = "/es/consultation/"
URL_EN = "/consultation/"
CHANGELIST = reverse("admin:consultations_consultationrequest_changelist")
pytestmark = pytest.mark.django_db


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


@pytest.fixture
def notices():
    """The privacy notice in English and its Spanish translation, each with its own words."""
    english = PageFactory(title="Privacy notice", slug="privacy")
    BlockFactory(page=english, kind=Block.Kind.PARAGRAPH, text="Your answers, encrypted.")
    spanish = PageFactory(title="Aviso de privacidad", slug="privacidad", language="es")
    BlockFactory(page=spanish, kind=Block.Kind.PARAGRAPH, text="Sus respuestas, cifradas.")
    return english, spanish


def spanish_token():
    """A submission token as the Spanish form page issues it, shown a minute ago."""
    return submission_token_issue(
        notice_version=privacy_notice_current("es").version,
        browser=TEST_BROWSER,
        issued_at=time.time() - 60,
    )


# --- The form in Spanish ------------------------------------------------------------------------


def test_the_form_under_es_is_in_spanish(client, notices):
    response = client.get(URL_ES)
    assert response.status_code == 200
    page = soup(response)
    assert page.html["lang"] == "es"
    assert page.h1.get_text(strip=True) == "Solicite una consulta confidencial"
    legends = [legend.get_text(strip=True) for legend in page.select("fieldset > legend")]
    for legend in ("Sobre usted", "Su fibromialgia", "Preguntas de seguridad", "Su consentimiento"):
        assert legend in legends
    labels = page.get_text(" ", strip=True)
    assert "Nombre completo" in labels
    assert "Por la mañana (de 8 a.m. al mediodía)" in labels  # a choice's label
    assert "(opcional)" in labels
    assert "He leído el aviso de privacidad" in labels
    assert page.find("input", {"type": "submit"})["value"] == "Enviar mi solicitud"
    for english in ("Full name", "About you", "Send my request", "(optional)", "Morning"):
        assert english not in response.content.decode()
    # The consent links the Spanish notice, at its Spanish address.
    assert page.find("a", href="/es/privacidad/", string="Lea el aviso de privacidad")


def test_the_spanish_form_carries_the_spanish_notices_version(client, notices):
    page = soup(client.get(URL_ES))
    issued = submission_token_read(page.find("input", {"name": "submission_token"})["value"])
    assert issued.notice_version == privacy_notice_current("es").version
    assert issued.notice_version != privacy_notice_current("en").version


def test_the_english_form_stays_english_after_a_spanish_visit(client, notices):
    client.get(URL_ES)
    page = soup(client.get(URL_EN))
    assert page.html["lang"] == "en"
    assert page.find("input", {"type": "submit"})["value"] == "Send my request"
    assert page.find("a", href="/privacy/")


def test_a_mistake_shows_a_spanish_summary_and_message_and_keeps_every_answer(client, notices):
    data = form_data(
        submission_token=spanish_token(),
        email="no-es-un-correo",
        full_name="María José Hernández",
        anything_else="Me duele más en las mañanas.",
    )
    response = client.post(URL_ES, data)
    assert response.status_code == 200
    page = soup(response)
    summary = page.select_one("#error-summary")
    assert summary.h2.get_text(strip=True) == "Hay 1 problema: todavía no se envió nada"
    message = "Escriba un correo electrónico como nombre@ejemplo.com."
    assert [item.get_text(strip=True) for item in summary.select("li")] == [message]
    assert summary.find("a", href="#id_email")
    # The same words beside the field.
    beside = page.select_one("#id_email").find_parent("div").get_text(" ", strip=True)
    assert message in beside
    assert page.title.get_text().startswith("Error:")
    # Nothing typed is lost.
    assert page.find("input", {"name": "full_name"})["value"] == "María José Hernández"
    assert page.find("input", {"name": "email"})["value"] == "no-es-un-correo"
    assert page.find("textarea", {"name": "anything_else"}).get_text().strip() == (
        "Me duele más en las mañanas."
    )
    assert page.find("input", {"name": "voicemail_ok", "value": data["voicemail_ok"]}).has_attr(
        "checked"
    )
    assert not ConsultationRequest.objects.exists()


def test_a_too_long_answer_is_named_in_spanish(client, notices):
    response = client.post(
        URL_ES, form_data(submission_token=spanish_token(), anything_else="a" * 2001)
    )
    text = soup(response).select_one("#error-summary").get_text(" ", strip=True)
    assert (
        "Su respuesta a “¿Hay algo más que quiera que sepamos? (opcional)” es demasiado larga"
        in text
    )
    assert "no pase de 2000 caracteres (tiene 2001)" in text


def test_djangos_own_messages_come_in_spanish(client, notices):
    response = client.post(URL_ES, form_data(submission_token=spanish_token(), pain_level="11"))
    assert "Escriba su nivel de dolor con un número entero del 0 al 10." in (
        soup(response).select_one("#error-summary").get_text()
    )
    response = client.post(URL_ES, form_data(submission_token=spanish_token(), symptoms=["nope"]))
    # Django's own "Select a valid choice" message, from Django's Spanish catalogue.
    assert "Escoja una opción válida" in soup(response).select_one("#error-summary").get_text()


# --- What is stored -----------------------------------------------------------------------------


def test_a_spanish_request_stores_its_language_and_the_same_answers(client, notices):
    response = client.post(URL_ES, form_data(submission_token=spanish_token()))
    assert response.status_code == 302
    assert response["Location"] == "/es/consultation/sent/"
    spanish = ConsultationRequest.objects.get()
    assert spanish.language == "es"

    client.post(URL_EN, form_data())
    english = ConsultationRequest.objects.exclude(pk=spanish.pk).get()
    assert english.language == "en"
    # The answers are the same language-neutral values whatever the form's language.
    for name in (
        "preferred_contact_method",
        "best_time_to_reach",
        "voicemail_ok",
        "diagnosis",
        "daily_impact",
        "symptoms",
        "treatments_tried",
        "high_blood_pressure",
        "heard_from",
        "full_name",
        "anything_else",
    ):
        assert getattr(spanish, name) == getattr(english, name), name
    assert spanish.preferred_contact_method in ConsultationRequest.ContactMethod.values
    assert set(spanish.symptoms) <= set(ConsultationRequest.Symptom.values)


def test_the_sent_page_is_in_spanish(client, notices):
    response = client.post(URL_ES, form_data(submission_token=spanish_token()), follow=True)
    page = soup(response)
    assert page.h1.get_text(strip=True) == "Su solicitud fue enviada"
    reference = ConsultationRequest.objects.get().reference
    assert reference in page.get_text()
    link = page.find("a", string="Elegir un horario de consulta")
    assert link["href"].startswith("/es/consultation/booking/")
    assert "What happens next" not in response.content.decode()


def test_the_acknowledgement_is_in_spanish_with_a_spanish_booking_link(client, notices):
    client.post(URL_ES, form_data(submission_token=spanish_token()))
    request = ConsultationRequest.objects.get()
    mail = OutboundEmail.objects.get(kind=EmailKind.PATIENT_ACKNOWLEDGEMENT)
    assert mail.subject == f"Recibimos su solicitud de consulta ({request.reference})"
    assert "Gracias por solicitar una consulta confidencial." in mail.body
    assert f"Su número de referencia: {request.reference}" in mail.body
    assert "/es/consultation/booking/" in mail.body
    assert "Thank you" not in mail.body
    # PHI-free as the English one.
    assert request.full_name not in mail.subject + mail.body
    # The staff alert stays English.
    alert = OutboundEmail.objects.filter(kind=EmailKind.STAFF_ALERT).first()
    if alert is not None:
        assert alert.subject.startswith("New consultation request")


# --- Consent ------------------------------------------------------------------------------------


def test_consent_records_the_spanish_notices_hash_and_language(client, notices):
    client.post(URL_ES, form_data(submission_token=spanish_token()))
    request = ConsultationRequest.objects.get()
    assert request.consent_language == "es"
    assert request.consent_notice_version == privacy_notice_current("es").version
    assert request.consent_notice_version.startswith("sha256:")
    assert request.consent_notice_version != privacy_notice_current("en").version


def test_each_language_has_its_own_notice_and_version(notices):
    english, spanish = privacy_notice_current("en"), privacy_notice_current("es")
    assert (english.url, english.language) == ("/privacy/", "en")
    assert (spanish.url, spanish.language) == ("/es/privacidad/", "es")
    assert english.version != spanish.version
    Block.objects.filter(page=notices[1]).update(text="Sus respuestas, siempre cifradas.")
    assert privacy_notice_current("es").version != spanish.version
    assert privacy_notice_current("en").version == english.version


# --- Staff see the language ---------------------------------------------------------------------


@pytest.fixture
def coordinator_client(client, coordinator, otp_login):
    return otp_login(client, coordinator)


def test_triage_list_shows_and_filters_by_language(coordinator_client):
    spanish = ConsultationRequestFactory(language="es")
    english = ConsultationRequestFactory(language="en")
    page = soup(coordinator_client.get(f"{CHANGELIST}?status=all"))
    rows = {
        row.select_one(".field-reference").get_text(strip=True): row.select_one(
            ".field-language"
        ).get_text(strip=True)
        for row in page.select("#result_list tbody tr")
    }
    assert rows == {spanish.reference: "Español", english.reference: "English"}

    filtered = soup(coordinator_client.get(f"{CHANGELIST}?status=all&language__exact=es"))
    listed = [
        cell.get_text(strip=True) for cell in filtered.select("#result_list .field-reference")
    ]
    assert listed == [spanish.reference]
    assert filtered.find("a", href=lambda h: h and "language__exact=es" in h)


def test_request_detail_shows_the_language_and_the_consent_language(coordinator_client):
    spanish = ConsultationRequestFactory(language="es", consent_language="es")
    page = soup(
        coordinator_client.get(
            reverse("admin:consultations_consultationrequest_change", args=[spanish.pk])
        )
    )
    assert page.select_one(".field-language .readonly").get_text(strip=True) == "Español"
    assert page.select_one(".field-consent_language .readonly").get_text(strip=True) == "Español"
    # The staff screen itself stays English.
    assert page.html["lang"].startswith("en")


# --- Staff messages go in the patient's language --------------------------------------------------


def test_a_template_message_to_a_spanish_patient_uses_its_spanish_words(
    coordinator, clinic_content
):
    request = ConsultationRequestFactory(language="es")
    template = PatientMessageTemplate.objects.get(name="Please pick a time")
    message = patient_message_send(request=request, template=template, by=coordinator)
    mail = message.outbound_email
    assert mail.subject == f"Un mensaje sobre su solicitud de consulta ({request.reference})"
    assert "Puede elegir un horario para su consulta aquí:" in mail.body
    assert "/es/consultation/booking/" in mail.body
    assert f"Su número de referencia: {request.reference}" in mail.body
    assert "You can pick a time" not in mail.body
    assert message.what == "Please pick a time"  # staff's record stays in English


def test_a_template_message_to_an_english_patient_is_unchanged(coordinator, clinic_content):
    request = ConsultationRequestFactory()
    template = PatientMessageTemplate.objects.get(name="Please pick a time")
    mail = patient_message_send(request=request, template=template, by=coordinator).outbound_email
    assert mail.subject == f"A message about your consultation request ({request.reference})"
    assert "You can pick a time for your consultation here:" in mail.body
    assert "/es/" not in mail.body


def test_a_new_booking_link_for_a_spanish_patient_is_in_spanish(coordinator):
    request = ConsultationRequestFactory(language="es")
    mail = consultation_request_booking_link_resend(request=request, by=coordinator).outbound_email
    assert "Aquí tiene un enlace nuevo para elegir un horario" in mail.body
    assert "/es/consultation/booking/" in mail.body


def test_every_starting_template_has_spanish_words():
    for template in PatientMessageTemplate.objects.filter(staff_write_text=False):
        assert template.body_es.strip(), template.name
        assert set(PLACEHOLDER_PATTERN.findall(template.body_es)) == set(
            PLACEHOLDER_PATTERN.findall(template.body)
        ), template.name
