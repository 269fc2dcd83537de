import uuid

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.test import Client
from django.urls import reverse

from consultations.forms import submission_token_read
from consultations.models import ConsultationRequest
from outbox.models import OutboundEmail
from outbox.services import outbound_email_send_due

from .factories import PHI_PROBES, browser_client, form_data, token

URL = "/consultation/"
pytestmark = pytest.mark.django_db


def post(client, **overrides):
    return client.post(URL, form_data(**overrides))


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def test_form_url_keeps_the_name_the_page_cta_links_to():
    assert reverse("consultations:request_create") == URL


def test_form_page_groups_questions_in_fieldsets_with_legends(client, clinic_content):
    page = soup(client.get(URL))
    legends = [legend.get_text(strip=True) for legend in page.select("fieldset > legend")]
    for group in (
        "About you",
        "Your fibromyalgia",
        "Treatments so far",
        "Safety questions",
        "Your consent",
    ):
        assert group in legends


def test_form_fields_have_autocomplete_and_input_types(client):
    page = soup(client.get(URL))
    assert page.find("input", {"name": "email"})["type"] == "email"
    assert page.find("input", {"name": "email"})["autocomplete"] == "email"
    assert page.find("input", {"name": "phone"})["type"] == "tel"
    assert page.find("input", {"name": "phone"})["autocomplete"] == "tel"
    assert page.find("input", {"name": "full_name"})["autocomplete"] == "name"
    assert page.find("input", {"name": "date_of_birth"})["autocomplete"] == "bday"
    assert page.find("input", {"name": "date_of_birth"})["type"] == "date"
    for field in ("full_name", "email", "phone", "pain_level"):
        label = page.find("label", {"for": f"id_{field}"})
        assert label is not None and label.get_text(strip=True)


def test_form_page_has_no_inline_script_or_style(client):
    html = client.get(URL).content.decode()
    assert "<script" not in html
    assert "style=" not in html


def test_form_page_can_be_found_by_search_engines_with_a_description(client, clinic_content):
    html = BeautifulSoup(client.get("/consultation/", secure=True).content, "html.parser")
    assert html.find("meta", attrs={"name": "robots"}) is None
    assert (
        "confidential consultation" in html.find("meta", attrs={"name": "description"})["content"]
    )
    assert html.find("link", rel="canonical")["href"] == "https://testserver/consultation/"


def test_form_page_links_the_privacy_notice_and_shows_the_emergency_notice(client, clinic_content):
    page = soup(client.get(URL))
    assert page.find("a", href="/privacy/")
    assert "988" in page.get_text()


def test_valid_request_redirects_to_confirmation_with_reference(client, clinic_content):
    response = post(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("consultations:request_done")
    request = ConsultationRequest.objects.get()
    done = client.get(response["Location"])
    assert done.status_code == 200
    text = soup(done).get_text()
    assert request.reference in text
    assert "2 business days" in text
    assert "911" in text and "988" in text


def test_no_phi_or_row_id_in_any_url(client, clinic_content):
    response = post(client)
    request = ConsultationRequest.objects.get()
    location = response["Location"]
    assert str(request.pk) not in location.strip("/").split("/")
    assert request.reference not in location
    for probe in PHI_PROBES:
        assert probe.lower() not in location.lower()


def test_refresh_and_double_submit_create_one_request(client, clinic_content):
    data = form_data()
    first = client.post(URL, data)
    second = client.post(URL, data)
    assert first["Location"] == second["Location"]
    assert ConsultationRequest.objects.count() == 1
    assert OutboundEmail.objects.count() == 2
    # Refreshing the confirmation page shows the same reference and creates nothing.
    client.get(first["Location"])
    assert ConsultationRequest.objects.count() == 1


def test_confirmation_without_a_request_goes_back_to_the_form(client):
    response = client.get(reverse("consultations:request_done"))
    assert response.status_code == 302
    assert response["Location"] == URL


def test_mails_contain_reference_and_admin_link_but_no_phi(client, clinic_content):
    post(client)
    outbound_email_send_due()
    request = ConsultationRequest.objects.get()
    assert len(mail.outbox) == 2
    staff, patient = sorted(mail.outbox, key=lambda m: m.to != ["intake@clinic.test"])
    assert staff.to == ["intake@clinic.test"]
    assert request.reference in staff.subject
    assert f"/consultations/consultationrequest/{request.pk}/change/" in staff.body
    assert patient.to == ["Zoe.Quintanilla@Example.org"]
    assert request.reference in patient.body
    assert "988" in patient.body
    for message in mail.outbox:
        whole = message.message().as_string()
        # The patient's own address is the envelope recipient of their mail, and nowhere else.
        body = f"{message.subject}\n{message.body}"
        for probe in PHI_PROBES:
            assert probe.lower() not in body.lower()
        assert "Quintanilla" not in whole.split("\n\n", 1)[1]


def test_missing_answers_are_listed_in_a_summary_linking_to_each_field(client):
    response = client.post(URL, {"submission_token": token(), "full_name": "Ana"})
    assert response.status_code == 200
    page = soup(response)
    summary = page.find(id="error-summary")
    assert summary is not None and summary.get("role") == "alert"
    targets = {a["href"] for a in summary.find_all("a")}
    assert "Enter your e-mail address." in summary.get_text()
    assert "Tell us whether a clinician has diagnosed fibromyalgia." in summary.get_text()
    assert "#id_email" in targets
    assert "#id_diagnosis_0" in targets  # a radio group links to its first choice
    for target in targets:
        assert page.find(id=target[1:]) is not None, target
    assert ConsultationRequest.objects.count() == 0


def test_field_errors_are_beside_the_field_and_described_by_it(client):
    response = post(client, email="not-an-address")
    page = soup(response)
    email = page.find("input", {"name": "email"})
    assert email["aria-invalid"] == "true"
    described = email["aria-describedby"].split()
    assert "id_email_error" in described
    assert "like name@example.com" in page.find(id="id_email_error").get_text()


def test_everything_typed_is_kept_when_one_answer_is_wrong(client):
    response = post(client, pain_level="11")
    page = soup(response)
    assert page.find("input", {"name": "full_name"})["value"] == "Zoë Quintanilla-O'Brien"
    assert page.find("input", {"name": "email"})["value"] == "Zoe.Quintanilla@Example.org"
    assert page.find("textarea", {"name": "anything_else"}).get_text().strip() == (
        "Mornings are worst for me, quokka"
    )
    assert page.find("input", {"name": "symptoms", "value": "fibro_fog"}).has_attr("checked")
    assert page.find("input", {"name": "diagnosis", "value": "yes"}).has_attr("checked")
    assert page.find("input", {"name": "consent_privacy"}).has_attr("checked")
    assert "number from 0 to 10" in page.find(id="id_pain_level_error").get_text()


def test_html_in_answers_is_stored_as_text_and_shown_escaped(client):
    script = "<script>alert('x')</script>"
    response = post(client, anything_else=script, pain_level="12")
    assert script not in response.content.decode()
    assert "&lt;script&gt;" in response.content.decode()
    post(client, anything_else=script)
    assert ConsultationRequest.objects.get().anything_else == script


@pytest.mark.parametrize("name", ["José Álvarez", "Nguyễn Thị Minh Khai", "王芳", "Seán O'Brien"])
def test_names_in_any_script_are_accepted(client, name):
    response = post(client, full_name=name)
    assert response.status_code == 302
    assert ConsultationRequest.objects.get().full_name == name


def test_tampered_token_is_refused_with_a_message_and_a_fresh_token(client):
    good = token()
    response = post(client, submission_token=good[:-3] + "abc")
    assert response.status_code == 200
    assert ConsultationRequest.objects.count() == 0
    page = soup(response)
    assert "could not check this form" in page.find(id="error-summary").get_text()
    fresh = page.find("input", {"name": "submission_token"})["value"]
    assert fresh != good[:-3] + "abc"
    # The person only has to press Send again.
    data = {
        field["name"]: field.get("value", "")
        for field in page.select("input[type=hidden]")
        if field.get("name") != "csrfmiddlewaretoken"
    }
    response = post(client, **data)
    assert ConsultationRequest.objects.count() == 0  # still too fast: freshly issued
    assert "quicker than we expected" in soup(response).get_text()


def test_a_used_token_replayed_from_another_browser_learns_nothing(client, clinic_content):
    used = token()
    post(client, submission_token=used)
    (first,) = ConsultationRequest.objects.all()

    stranger = Client()  # another browser: no cookie of the browser the form was shown in
    response = stranger.post(
        URL, form_data(submission_token=used, full_name="Someone Else", email="x@example.net")
    )
    assert response.status_code == 200
    assert "This form was already sent" in response.text
    assert first.reference not in response.text
    assert "/consultation/booking/" not in response.text
    assert ConsultationRequest.objects.count() == 1
    # Nor does the confirmation page of that browser show anything of the first request.
    done = stranger.get(reverse("consultations:request_done"))
    assert done.status_code == 302 and first.reference not in done.text


def test_a_fresh_token_from_another_browser_is_renewed_with_the_answers_kept(client):
    stranger = Client()
    response = stranger.post(URL, form_data(submission_token=token(browser="c" * 32)))
    assert response.status_code == 200
    assert ConsultationRequest.objects.count() == 0
    page = soup(response)
    assert "opened in another browser" in page.find(id="error-summary").get_text()
    assert page.find("input", {"name": "full_name"})["value"] == "Zoë Quintanilla-O'Brien"
    # The renewed token belongs to this browser: sending again (later) creates the request.
    renewed = submission_token_read(page.find("input", {"name": "submission_token"})["value"])
    assert renewed.browser != "c" * 32
    assert "consultation_form" in response.cookies


def test_an_expired_token_is_renewed_with_the_answers_kept(client, settings):
    settings.CONSULTATION_SUBMISSION_TOKEN_MAX_AGE_HOURS = 1
    response = post(client, submission_token=token(seconds_ago=3700))
    assert ConsultationRequest.objects.count() == 0
    page = soup(response)
    assert "open for a long time" in page.find(id="error-summary").get_text()
    assert page.find("input", {"name": "full_name"})["value"] == "Zoë Quintanilla-O'Brien"


def test_form_sent_too_fast_is_held_with_a_message_and_answers_kept(client):
    response = post(client, submission_token=token(seconds_ago=1))
    assert response.status_code == 200
    assert ConsultationRequest.objects.count() == 0
    page = soup(response)
    assert "quicker than we expected" in page.find(id="error-summary").get_text()
    assert page.find("input", {"name": "full_name"})["value"] == "Zoë Quintanilla-O'Brien"


def test_honeypot_filled_sends_nothing(client):
    response = post(client, website="http://spam.example")
    assert response.status_code == 200
    assert ConsultationRequest.objects.count() == 0


def test_rate_limit_per_client_gives_a_clear_message_and_keeps_answers(client, settings):
    settings.CONSULTATION_RATE_LIMIT_COUNT = 2
    assert post(client).status_code == 302
    assert post(client).status_code == 302
    response = post(client)
    assert response.status_code == 429
    page = soup(response)
    assert "try again later" in page.find(id="error-summary").get_text()
    assert page.find("input", {"name": "email"})["value"] == "Zoe.Quintanilla@Example.org"
    assert ConsultationRequest.objects.count() == 2
    other = browser_client(REMOTE_ADDR="203.0.113.9")
    assert other.post(URL, form_data()).status_code == 302


def test_resending_the_same_form_is_not_rate_limited(client, settings):
    settings.CONSULTATION_RATE_LIMIT_COUNT = 1
    data = form_data()
    assert client.post(URL, data).status_code == 302
    assert client.post(URL, data).status_code == 302
    assert ConsultationRequest.objects.count() == 1


def test_post_without_csrf_token_is_refused_without_echoing_answers():
    client = Client(enforce_csrf_checks=True)
    response = client.post(URL, form_data())
    assert response.status_code == 403
    body = response.content.decode()
    for probe in PHI_PROBES:
        assert probe not in body
    assert ConsultationRequest.objects.count() == 0


def test_other_methods_are_not_allowed(client):
    assert client.put(URL).status_code == 405


def test_fibromyalgia_page_cta_leads_to_the_form(client, clinic_content):
    from pages.models import Page

    page = Page.objects.published().get(url_path__contains="fibromyalgia")
    html = soup(client.get(page.get_absolute_url()))
    assert html.find("a", href=URL) is not None


def test_consent_is_recorded_with_the_notice_version_shown_and_the_time(
    client, clinic_content, settings
):
    from consultations.selectors import privacy_notice_current

    settings.CONSULTATION_MIN_FILL_SECONDS = 0
    form_page = soup(client.get(URL))
    shown_token = form_page.find("input", {"name": "submission_token"})["value"]
    client.post(URL, form_data(submission_token=shown_token))
    request = ConsultationRequest.objects.get()
    assert request.consent_notice_version == privacy_notice_current().version
    assert request.consent_notice_version.startswith("sha256:")
    assert request.consented_at is not None


def test_rate_limit_counts_are_shared_by_every_process_through_redis(settings, monkeypatch):
    """Two cache clients stand for two app processes: the limit holds across both.

    Uses this project's Redis database 3; keys carry a fresh prefix and expire on their own.
    """
    import redis
    from django_redis.cache import RedisCache

    from consultations import services

    location = "redis://127.0.0.1:6379/3"
    try:
        redis.Redis.from_url(location, socket_connect_timeout=1).ping()
    except redis.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379 (CI starts one)")
    processes = [
        RedisCache(location, {"KEY_PREFIX": f"consult-test-{uuid.uuid4().hex}"}) for _ in range(2)
    ]
    processes[1].key_prefix = processes[0].key_prefix
    settings.CONSULTATION_RATE_LIMIT_COUNT = 3
    hits = []
    for number in range(4):
        monkeypatch.setattr(services, "cache", processes[number % 2])
        hits.append(services.client_rate_limit_hit(client_address="198.51.100.7"))
    assert hits == [False, False, False, True]
    assert services.client_rate_limit_hit(client_address="198.51.100.8") is False


def test_each_visitor_gets_a_token_of_their_own_inside_the_form(client, clinic_content):
    pages = [soup(Client().get(URL)) for _ in range(2)]
    tokens = [page.select_one("form input[name=submission_token]")["value"] for page in pages]
    assert tokens[0] != tokens[1]
    for value in tokens:
        assert submission_token_read(value).notice_version.startswith("sha256:")
    for page in pages:
        page.select_one("input[name=submission_token]").decompose()
        page.select_one("input[name=csrfmiddlewaretoken]").decompose()
    assert str(pages[0].form) == str(pages[1].form)
