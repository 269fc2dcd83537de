"""No English on Spanish pages (issue 25): every public page a Spanish-speaking visitor can
reach, with the clinic's starting content, shows none of the site's own English labels, in its
text or in the attributes a person meets (title, aria-label, alt, placeholder, a button's
value). The labels come from the catalogue itself, so a template string left unmarked (shown
in English under /es/) fails here as soon as it has a Spanish translation elsewhere, and a new
string marked but not translated fails tests/test_translations.py.

What editors write (page titles, blocks, the clinic's name) is content, not a label."""

import datetime
import re
import time

import pytest
from bs4 import BeautifulSoup
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from booking import selectors, services
from consultations.forms import submission_token_issue
from consultations.models import ConsultationRequest
from consultations.selectors import privacy_notice_current
from ops import messages
from pages.models import Page, SiteSettings
from tests.booking.factories import ConsultationTypeFactory, StaffFactory, weekday_windows
from tests.consultations.factories import TEST_BROWSER, form_data

pytestmark = pytest.mark.django_db

PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_]*\}|%%")
TAG = re.compile(r"<[^>]*>")

# Attributes a person meets: read aloud, shown on hover, or written on a control.
SPOKEN_ATTRIBUTES = ("title", "aria-label", "alt", "placeholder")

# English labels that the catalogue does not hold, because they are not written by our
# templates or code through gettext, yet a visitor would see them if they leaked through.
NOT_IN_THE_CATALOGUE = [
    "This field is required",  # Django's own form messages (translated by Django's catalogue)
    "Enter a valid email address",
    "Page not found",
]

# Words a Spanish page shows in English on purpose: the name of the other language on the
# language link, and the clinic's own name in the site's settings (content, not a label).
ON_PURPOSE = {"English"}


# Words of English that Spanish never uses, matched whole and in any case: they catch a string
# written in a template without being marked, which the catalogue (and so LABELS) never holds.
# Spanish text that quotes English (a reference's title) marks it with lang="en" and is left out.
ENGLISH_WORDS = re.compile(
    r"(?<!\w)(the|your|you|our|we|please|with|this|and|for|are|not|been|will|have)(?!\w)",
    re.IGNORECASE,
)


def _fragments(msgid):
    """The literal runs of a message between its placeholders and markup (a link around
    words), as a person reads them on a page."""
    text = TAG.sub("\0", PLACEHOLDER.sub("\0", msgid))
    return [part.strip(' .,:;“”"') for part in text.split("\0")]


def _is_telling(fragment):
    """Whether a piece of English is long and particular enough that finding it on a Spanish
    page means an untranslated label. Skipped, because a Spanish page may well show them as
    content, or because they read the same in both languages: a single word of fewer than
    five letters ("Main", "Yes", "No"), anything without a letter, and the names in ON_PURPOSE.
    Letters alone are not words: a date format ("l, F j, Y") is skipped too.
    A single longer word ("Search", "Breadcrumb") stays: it is matched as a whole word, with
    its capital, so Spanish text does not contain it by chance."""
    words = re.findall(r"[A-Za-z']{2,}", fragment)
    if fragment in ON_PURPOSE or not words:
        return False
    return len(words) >= 2 or len(words[0]) >= 5


def english_labels():
    """Every English msgid of the Spanish catalogue whose translation differs from it (split at
    its placeholders, the longest telling piece of each), plus the hand list above."""
    catalogue = messages.read_catalog(messages.po_path("es"), "es")
    labels = set(NOT_IN_THE_CATALOGUE)
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        if set(ids) <= set(strings):
            continue  # the same in Spanish ("Error", "Email")
        for msgid in ids:
            for line in msgid.splitlines():
                telling = [piece for piece in _fragments(line) if _is_telling(piece)]
                if telling:
                    labels.add(max(telling, key=len))
    return sorted(labels)


LABELS = english_labels()
LABEL_PATTERN = re.compile(
    # Longest first, so a message is reported whole ("Phone call", not "Phone").
    r"(?<![A-Za-z])(?:"
    + "|".join(re.escape(label) for label in sorted(LABELS, key=len, reverse=True))
    + r")(?![A-Za-z])"
)


def what_a_person_meets(html):
    """The page's visible text and spoken attributes, in reading order, one string."""
    soup = BeautifulSoup(html, "html.parser")
    for hidden in soup(["script", "style", "template"]):
        hidden.decompose()
    for english in soup.select('[lang|="en"]:not(html)'):
        english.decompose()  # English on purpose: the language link, a quoted title
    parts = [soup.title.get_text(" ", strip=True)] if soup.title else []
    body = soup.body or soup
    parts.append(body.get_text(" ", strip=True))
    for element in soup.find_all(True):
        parts.extend(
            element[name] for name in SPOKEN_ATTRIBUTES if isinstance(element.get(name), str)
        )
        if element.name == "button" or (
            element.name == "input" and element.get("type") in {"submit", "button", "reset"}
        ):
            parts.append(element.get("value", ""))
    return " \n ".join(re.sub(r"\s+", " ", part) for part in parts)


def english_on(html, *, content=()):
    """The site's English labels a person meets on the page, the page's own content aside."""
    text = what_a_person_meets(html)
    for words in content:
        text = text.replace(words, " ")
    words = {f"the word “{word.lower()}”" for word in ENGLISH_WORDS.findall(text)}
    return sorted(set(LABEL_PATTERN.findall(text)) | words)


@pytest.fixture
def content(clinic_content):
    site = SiteSettings.get_solo()
    return [site.clinic_name] if site.clinic_name else []


# What a Spanish-speaking patient types: the form shows it back after a mistake, and it is
# theirs, not a label.
SPANISH_ANSWERS = {
    "full_name": "María José Hernández",
    "preferred_name": "Majo",
    "diagnosis_when": "hace unos cinco años",
    "daily_impact_details": "No puedo cargar a mi nieta",
    "treatments_other": "acupuntura",
    "treatment_response": "La pregabalina me mareaba",
    "current_medications": "Duloxetina 60 mg en la noche",
    "psychiatric_details": "terapia breve hace años",
    "anything_else": "Me duele más en las mañanas",
}


@pytest.fixture
def spanish_token():
    def issue():
        return submission_token_issue(
            notice_version=privacy_notice_current("es").version,
            browser=TEST_BROWSER,
            issued_at=time.time() - 60,
        )

    return issue


def test_the_label_list_is_taken_from_the_catalogue():
    # The list is only worth something if it holds the site's own labels.
    for label in ("Request a consultation", "Search this site", "Send my request"):
        assert label in LABELS
    assert "English" not in LABELS
    assert len(LABELS) > 150


def test_the_check_finds_an_english_label_left_on_a_page():
    html = (
        "<html><head><title>Buscar</title></head><body><p>Hola</p>"
        '<input type="submit" value="Send my request"><a aria-label="Breadcrumb">x</a></body></html>'
    )
    assert english_on(html) == ["Breadcrumb", "Send my request"]
    unmarked = "<html><body><p>Hola</p><p>Choose your time</p></body></html>"
    assert english_on(unmarked) == ["the word “your”"]
    quoted = '<html><body><p>Hola</p><cite lang="en">The brain and pain</cite></body></html>'
    assert english_on(quoted) == []


def test_the_same_check_finds_the_labels_on_the_english_pages(client, content):
    # The check reads real pages as a person does: at the English addresses it meets the
    # frame's and the form's labels, so an empty result under /es/ means Spanish, not blindness.
    home = english_on(client.get("/").text, content=content)
    assert {"Skip to main content", "Request a consultation", "Search"} <= set(home)
    form = english_on(client.get("/consultation/").text, content=content)
    assert {"Send my request", "Full name", "About you", "(optional)"} <= set(form)


def test_every_live_spanish_page_is_all_spanish(client, content):
    pages = Page.objects.published().filter(language="es")
    assert pages.count() >= 5  # the Spanish starting pages
    found = {}
    for page in pages:
        response = client.get(page.get_absolute_url())
        assert response.status_code == 200, page.get_absolute_url()
        if english := english_on(response.text, content=content):
            found[page.get_absolute_url()] = english
    assert found == {}


@pytest.mark.parametrize(
    "query", ["", "?q=fibromialgia", "?q=zzqxj+sin+resultados"], ids=["empty", "found", "none"]
)
def test_the_spanish_search_is_all_spanish(client, content, query):
    response = client.get(f"/es/search/{query}")
    assert response.status_code == 200
    assert english_on(response.text, content=content) == []


def test_the_spanish_not_found_page_is_all_spanish(client, content):
    response = client.get("/es/no-existe-esta-pagina/")
    assert response.status_code == 404
    assert english_on(response.text, content=content) == []


def test_the_spanish_form_empty_with_a_mistake_and_sent_is_all_spanish(
    client, content, spanish_token, settings
):
    settings.CONSULTATION_MIN_FILL_SECONDS = 0
    empty = client.get("/es/consultation/")
    assert empty.status_code == 200
    assert english_on(empty.text, content=content) == []

    mistake = client.post(
        "/es/consultation/",
        form_data(submission_token=spanish_token(), email="no-es-un-correo", **SPANISH_ANSWERS),
    )
    assert mistake.status_code == 200
    assert 'id="error-summary"' in mistake.text
    assert english_on(mistake.text, content=content) == []

    # Nothing filled in at all: every field's own "required" message.
    blank = client.post("/es/consultation/", {"submission_token": spanish_token()})
    assert blank.status_code == 200
    assert english_on(blank.text, content=content) == []

    sent = client.post(
        "/es/consultation/", form_data(submission_token=spanish_token(), **SPANISH_ANSWERS)
    )
    assert sent.status_code == 302
    done = client.get(sent["Location"])
    assert done.status_code == 200
    assert ConsultationRequest.objects.get().reference in done.text
    assert english_on(done.text, content=content) == []


@pytest.fixture
def spanish_link(content):
    """A Spanish request's booking link, with a clinician's week of times to pick from."""
    from tests.consultations.factories import ConsultationRequestFactory

    staff = StaffFactory()
    weekday_windows(staff, start=datetime.time(9, 0), end=datetime.time(17, 0), days=range(7))
    ConsultationTypeFactory()
    consultation_request = ConsultationRequestFactory(language="es")
    invitation = services.booking_invitation_get_or_create(
        consultation_request=consultation_request
    )
    token = services.booking_link_token(invitation=invitation)
    with translation.override("es"):
        return {
            "request": consultation_request,
            "pick": reverse("booking:pick", args=[token]),
            "cancel": reverse("booking:cancel", args=[token]),
            "bad": reverse("booking:pick", args=[token[:-4] + "abcd"]),
        }


def test_every_spanish_booking_page_is_all_spanish(client, content, spanish_link, admin_user):
    pick, cancel = spanish_link["pick"], spanish_link["cancel"]
    assert pick.startswith("/es/")
    seen = {}

    def look(name, response, status=200):
        assert response.status_code == status, name
        seen[name] = english_on(response.text, content=content)

    look("pick", client.get(pick))
    look("pick, no time chosen", client.post(pick, {}), status=400)
    slot = BeautifulSoup(client.get(pick).text, "html.parser").find("input", {"name": "slot"})
    assert client.post(pick, {"slot": slot["value"]}).status_code == 302
    look("pick, time asked for", client.get(pick))
    look("cancel, time asked for", client.get(cancel))

    booking = selectors.booking_active_for(consultation_request=spanish_link["request"])
    services.booking_confirm(booking=booking, by=admin_user)
    look("pick, confirmed (to move)", client.get(pick))
    look("cancel, confirmed", client.get(cancel))
    assert client.post(cancel).status_code == 302
    look("pick, after cancelling", client.get(pick))
    look("cancel, nothing booked", client.get(cancel))
    assert client.post(pick, {"action": "callback"}).status_code == 302
    look("pick, call me instead", client.get(pick))

    look("bad link", client.get(spanish_link["bad"]), status=404)
    with override_settings(BOOKING_LINK_MAX_AGE_DAYS=-1):
        look("expired link", client.get(pick), status=410)

    ConsultationRequest.objects.filter(pk=spanish_link["request"].pk).update(
        status=ConsultationRequest.Status.CLOSED, closed_at=timezone.now()
    )
    look("request closed", client.get(pick))
    assert {name: english for name, english in seen.items() if english} == {}


def test_every_email_to_a_spanish_speaking_patient_is_all_spanish(
    client, content, spanish_token, settings, admin_user
):
    from consultations.models import EmailKind
    from consultations.services import consultation_request_booking_link_resend
    from outbox.models import OutboundEmail

    settings.CONSULTATION_MIN_FILL_SECONDS = 0
    staff = StaffFactory()
    weekday_windows(staff, start=datetime.time(9, 0), end=datetime.time(17, 0), days=range(7))
    ConsultationTypeFactory(joining_details_es="Le llamaremos al número que nos dio.")
    data = form_data(submission_token=spanish_token(), **SPANISH_ANSWERS)
    assert client.post("/es/consultation/", data).status_code == 302
    consultation_request = ConsultationRequest.objects.get()
    (acknowledgement,) = OutboundEmail.objects.filter(kind=EmailKind.PATIENT_ACKNOWLEDGEMENT)
    pick = re.search(r"/es/consultation/booking/\S+/", acknowledgement.body).group(0)

    # Staff alerts are in English on purpose: staff screens and mail stay English.
    seen = {}

    def read_the_patients_mail():
        # Read as each is queued: moving a booking withdraws its reminder.
        for email in OutboundEmail.objects.all():
            if email.recipients == [consultation_request.email]:
                seen[email.pk] = email

    read_the_patients_mail()
    slots = BeautifulSoup(client.get(pick).text, "html.parser").find_all("input", {"name": "slot"})
    assert client.post(pick, {"slot": slots[0]["value"]}).status_code == 302
    booking = selectors.booking_active_for(consultation_request=consultation_request)
    services.booking_confirm(booking=booking, by=admin_user)
    assert services.booking_reminders_queue(now=booking.start - datetime.timedelta(hours=1))
    read_the_patients_mail()
    assert client.post(pick, {"slot": slots[5]["value"]}).status_code == 302
    assert client.post(f"{pick}cancel/").status_code == 302
    consultation_request_booking_link_resend(request=consultation_request, by=admin_user)
    read_the_patients_mail()

    to_patient = seen.values()
    assert len(to_patient) == 6  # received, confirmed, reminder, moved, cancelled, new link
    found = {}
    for email in to_patient:
        words = f"{email.subject}\n{email.body}\n{email.calendar_file}".replace("<", "‹")
        if english := english_on(words, content=content):
            found[email.kind] = english
    assert found == {}
