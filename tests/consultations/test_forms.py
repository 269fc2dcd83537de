import datetime

import pytest
from django.core import signing
from django.utils import timezone

from consultations.forms import (
    ConsultationRequestForm,
    submission_token_issue,
    submission_token_read,
)

from .factories import TEST_BROWSER, form_data, token


def errors_for(**overrides):
    form = ConsultationRequestForm(form_data(**overrides), browser=TEST_BROWSER)
    form.is_valid()
    return form.errors.as_data()


def codes(field, **overrides):
    return [error.code for error in errors_for(**overrides).get(field, [])]


def test_valid_answers_are_accepted_and_phone_is_normalised():
    form = ConsultationRequestForm(form_data(), browser=TEST_BROWSER)
    assert form.is_valid(), form.errors
    assert form.answers["phone"] == "+15125550187"
    assert form.answers["date_of_birth"] == datetime.date(1979, 4, 23)
    assert "consent_privacy" not in form.answers


def test_date_of_birth_in_the_future_is_refused():
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert codes("date_of_birth", date_of_birth=tomorrow.isoformat()) == ["future"]


def test_under_18_is_refused_and_18_today_is_accepted():
    today = timezone.localdate()
    almost = today.replace(year=today.year - 18) + datetime.timedelta(days=1)
    assert codes("date_of_birth", date_of_birth=almost.isoformat()) == ["under_18"]
    exactly = (
        today.replace(year=today.year - 18) if not (today.month == 2 and today.day == 29) else None
    )
    if exactly:
        assert codes("date_of_birth", date_of_birth=exactly.isoformat()) == []


def test_us_date_format_is_accepted():
    assert codes("date_of_birth", date_of_birth="04/23/1979") == []


@pytest.mark.parametrize("phone", ["555", "not a phone", "+1 512 555 01", "12345678901234567890"])
def test_malformed_phone_is_refused(phone):
    assert codes("phone", phone=phone)


@pytest.mark.parametrize("email", ["zoe", "zoe@", "@example.org", "zoe@@example.org"])
def test_malformed_email_is_refused(email):
    assert codes("email", email=email)


@pytest.mark.parametrize("value", ["-1", "11", "7.5", "seven"])
def test_pain_outside_0_to_10_is_refused(value):
    assert codes("pain_level", pain_level=value)


def test_text_over_its_limit_is_refused():
    assert codes("anything_else", anything_else="x" * 2001) == ["max_length"]
    assert codes("full_name", full_name="x" * 201) == ["max_length"]
    message = errors_for(anything_else="x" * 2001)["anything_else"][0]
    text = message.message % message.params
    assert "Anything else you would like us to know?" in text and "(it has 2001)" in text


@pytest.mark.parametrize(
    "field",
    [
        "full_name",
        "email",
        "phone",
        "date_of_birth",
        "diagnosis",
        "pain_level",
        "heart_condition",
        "consent_privacy",
        "acknowledge_not_emergency",
    ],
)
def test_required_answers_are_required(field):
    assert codes(field, **{field: None}) == ["required"]


def test_null_characters_are_refused_not_stored():
    assert codes("anything_else", anything_else="a\x00b") == ["null_characters_not_allowed"]


def test_token_round_trip_and_tamper_detection():
    token = submission_token_issue(notice_version="sha256:abc", browser=TEST_BROWSER)
    read = submission_token_read(token)
    assert read.notice_version == "sha256:abc"
    with pytest.raises(signing.BadSignature):
        submission_token_read(token + "x")
    forged = signing.dumps(
        {"k": "not-a-uuid", "t": 0, "v": "x", "b": "y"}, salt="consultations.submission-token"
    )
    with pytest.raises(signing.BadSignature):
        submission_token_read(forged)
    assert codes("submission_token", submission_token="made-up") == ["tampered"]


def test_a_token_expires_after_the_configured_hours(settings):
    settings.CONSULTATION_SUBMISSION_TOKEN_MAX_AGE_HOURS = 2
    assert codes("submission_token", submission_token=token(seconds_ago=2 * 3600 + 5)) == [
        "expired"
    ]
    assert codes("submission_token", submission_token=token(seconds_ago=2 * 3600 - 60)) == []


def test_a_token_works_only_in_the_browser_it_was_shown_in():
    assert codes("submission_token", submission_token=token(browser="c" * 32)) == ["other_browser"]


def test_every_empty_form_shows_the_same_questions_rendered_once_per_process(monkeypatch):
    from consultations import forms

    forms._empty_questions_html.cache_clear()
    renders = []
    crispy_render = forms.render_crispy_form
    monkeypatch.setattr(
        forms, "render_crispy_form", lambda form: renders.append(form) or crispy_render(form)
    )
    first = ConsultationRequestForm(
        initial={"submission_token": "first"}, privacy_notice_url="/privacy/"
    )
    second = ConsultationRequestForm(
        initial={"submission_token": "second"}, privacy_notice_url="/privacy/"
    )
    html = first.questions_html()
    assert second.questions_html() == html
    assert len(renders) == 1
    assert 'name="full_name"' in html and 'href="/privacy/"' in html
    # The token differs per visitor, so the template writes it, never the shared questions.
    assert "submission_token" not in html


def test_questions_are_rendered_afresh_for_answers_another_notice_or_initial_values():
    empty = ConsultationRequestForm(privacy_notice_url="/privacy/").questions_html()
    with_answers = ConsultationRequestForm(
        form_data(full_name="Ana Flores"), privacy_notice_url="/privacy/"
    ).questions_html()
    assert 'value="Ana Flores"' in with_answers and "Ana Flores" not in empty
    other_notice = ConsultationRequestForm(privacy_notice_url="/privacy-2027/").questions_html()
    assert 'href="/privacy-2027/"' in other_notice
    prefilled = ConsultationRequestForm(
        initial={"preferred_name": "Ana"}, privacy_notice_url="/privacy/"
    ).questions_html()
    assert 'value="Ana"' in prefilled
