"""A patient, in a real browser: reads the fibromyalgia page, opens an answer, follows the call
to action, makes a mistake in the form, sees the error summary, fixes it with every other
answer kept, sends it and sees the reference. With the mouse, with the keyboard alone, and
with JavaScript off; and axe-core on the form in each of its states."""

import re

import pytest

from .checks import (
    PHONE,
    axe_violations,
    fail_on,
    focus_order_problems,
    focused,
    screenshot,
    sideways_scroll_problems,
    small_tap_target_problems,
    structure_problems,
)

FIBROMYALGIA = "/conditions/fibromyalgia/"
REFERENCE = re.compile(r"^TKW-[0-9A-Z]{4}-[0-9A-Z]{4}$")
MISTYPED_EMAIL = "zoe.quintanilla.example.org"
EMAIL = "zoe.quintanilla@example.org"

TYPED = {
    "full_name": "Zoë Quintanilla-O'Brien",
    "date_of_birth": "1979-04-23",
    "email": EMAIL,
    "phone": "(512) 555-0187",
    "diagnosis_when": "around 2017",
    "pain_level": "7",
    "fatigue_level": "8",
    "current_medications": "Duloxetine 60mg nightly",
    "anything_else": "Mornings are worst for me",
}
CHOSEN = {
    "preferred_contact_method": "email",
    "best_time_to_reach": "afternoon",
    "voicemail_ok": "no",
    "diagnosis": "yes",
    "daily_impact": "severe",
    "heart_condition": "no",
    "high_blood_pressure": "controlled",
    "substance_use_concern": "no",
    "psychiatric_history": "no",
}
TICKED = {
    "symptoms": {"widespread_pain", "fibro_fog"},
    "treatments_tried": {"nsaids"},
    "consent_privacy": {"on"},
    "acknowledge_not_emergency": {"on"},
}


@pytest.fixture
def phone_audit(browser):
    """A phone-sized page, and check(state): axe-core, structure, fit and tap targets on what
    it shows now, with a screenshot; the problems are gathered by state for fail_on."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, bypass_csp=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    problems = {}

    def check(state):
        problems[state] = (
            axe_violations(page)
            + structure_problems(page)
            + sideways_scroll_problems(page)
            + small_tap_target_problems(page)
        )
        screenshot(page, f"{state}-phone")

    yield page, check, problems
    context.close()


def _read_and_follow_the_call_to_action(page, site):
    page.goto(f"{site}{FIBROMYALGIA}")
    answer = page.get_by_text("Ketamine is not FDA-approved for fibromyalgia.")
    page.get_by_text("Is ketamine approved for fibromyalgia?").click()
    assert answer.is_visible()
    # The closing call to action (another follows the introduction).
    page.get_by_role("link", name="Request a confidential consultation").last.click()
    page.wait_for_url(f"{site}/consultation/")


def _fill_with_the_mouse(page, *, email):
    for name, value in {**TYPED, "email": email}.items():
        page.locator(f"[name={name}]").fill(value)
    for name, value in CHOSEN.items():
        page.locator(f"[name={name}][value={value}]").check()
    for name, values in TICKED.items():
        for value in values:
            selector = f"[name={name}][value={value}]" if value != "on" else f"[name={name}]"
            page.locator(selector).check()


def _answers_on_screen(page):
    return page.evaluate(
        """() => {
            const form = document.querySelector('form.consultation-form');
            const answers = {};
            for (const el of form.elements) {
                if (!el.name || el.type === 'hidden' || el.type === 'submit') continue;
                if (el.type === 'radio') { if (el.checked) answers[el.name] = el.value; continue; }
                if (el.type === 'checkbox') {
                    if (el.checked) (answers[el.name] = answers[el.name] || []).push(el.value);
                    continue;
                }
                if (el.value) answers[el.name] = el.value;
            }
            return answers;
        }"""
    )


def _expected_answers(*, email):
    expected = {**TYPED, "email": email, **CHOSEN}
    for name, values in TICKED.items():
        expected[name] = sorted(values)
    return expected


def _normalised(answers):
    return {
        name: sorted(value) if isinstance(value, list) else value for name, value in answers.items()
    }


def _error_summary_targets(page):
    """Where each link of the error summary leads (the boxes with a problem)."""
    summary = page.locator("#error-summary")
    assert summary.is_visible()
    return summary.get_by_role("link").evaluate_all("links => links.map(a => a.hash)")


def _assert_sent(page, site):
    from consultations.models import ConsultationRequest

    page.wait_for_url(f"{site}/consultation/sent/**")
    assert page.locator("h1").inner_text() == "Your request has been sent"
    reference = page.locator(".reference").inner_text().strip()
    assert REFERENCE.match(reference), reference
    saved = ConsultationRequest.objects.get(reference=reference)
    assert saved.email == EMAIL
    assert saved.full_name == TYPED["full_name"]
    return reference


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript-on", "javascript-off"])
def test_patient_fixes_a_mistake_keeps_every_answer_and_gets_a_reference(
    form_site, browser, javascript
):
    context = browser.new_context(java_script_enabled=javascript)
    context.set_default_timeout(10_000)
    page = context.new_page()
    _read_and_follow_the_call_to_action(page, form_site)

    _fill_with_the_mouse(page, email=MISTYPED_EMAIL)
    page.get_by_role("button", name="Send my request").click()

    assert page.locator("h1").inner_text() == "Request a confidential consultation"
    assert _error_summary_targets(page) == ["#id_email"]
    email_error = page.locator("#id_email").get_attribute("aria-describedby") or ""
    assert "error" in email_error, "the e-mail's error is not tied to its box"
    assert _normalised(_answers_on_screen(page)) == _expected_answers(email=MISTYPED_EMAIL)

    page.locator("#error-summary").get_by_role("link").click()
    page.get_by_label("E-mail address").fill(EMAIL)
    page.get_by_role("button", name="Send my request").click()
    _assert_sent(page, form_site)
    context.close()


def _fill_with_the_keyboard(page, *, email):
    """Tab through the whole form once, answering as a keyboard user does; returns the stops."""
    typed = {**TYPED, "email": email}
    stops = []
    for _ in range(200):
        page.keyboard.press("Tab")
        stop = focused(page)
        assert stop is not None, "focus left the page before the send button"
        stops.append(stop)
        element = page.evaluate(
            "() => ({name: document.activeElement.name || '', type: document.activeElement.type || '',"
            " value: document.activeElement.value || ''})"
        )
        name, kind = element["name"], element["type"]
        if name == "send":
            return stops
        if kind == "radio" and name in CHOSEN:
            # Arrow keys move through a group and choose as they go; Space chooses the first.
            for _ in range(10):
                if page.evaluate("() => document.activeElement.value") == CHOSEN[name]:
                    break
                page.keyboard.press("ArrowDown")
            page.keyboard.press("Space")
        elif kind == "checkbox" and element["value"] in TICKED.get(name, ()):
            page.keyboard.press("Space")
        elif name in typed and not element["value"]:
            value = typed[name]
            if kind == "date":  # Chromium's date box takes the digits month, day, year
                year, month, day = value.split("-")
                value = f"{month}{day}{year}"
            page.keyboard.type(value)
    raise AssertionError("Tab never reached the send button")


def test_patient_does_the_whole_journey_with_the_keyboard_alone(form_site, page):
    page.goto(f"{form_site}{FIBROMYALGIA}")
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Skip to main content"
    page.keyboard.press("Enter")
    for _ in range(100):
        page.keyboard.press("Tab")
        stop = focused(page)
        if stop["text"] == "Is ketamine approved for fibromyalgia?":
            page.keyboard.press("Enter")
            assert page.get_by_text("Ketamine is not FDA-approved for fibromyalgia.").is_visible()
        if stop["text"] == "Request a confidential consultation":
            break
    page.keyboard.press("Enter")
    page.wait_for_url(f"{form_site}/consultation/")

    stops = _fill_with_the_keyboard(page, email=MISTYPED_EMAIL)
    fail_on({"form, first pass": focus_order_problems(stops)})
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert _error_summary_targets(page) == ["#id_email"]
    assert focused(page)["id"] == "error-summary", "the error summary does not take focus"
    assert _normalised(_answers_on_screen(page)) == _expected_answers(email=MISTYPED_EMAIL)

    page.keyboard.press("Tab")
    assert focused(page)["tag"] == "a", "the summary's link is not next after the summary"
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "id_email", "the summary's link does not lead to the box"
    page.keyboard.press("Control+A")
    page.keyboard.type(EMAIL)
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.name") == "send":
            break
    page.keyboard.press("Enter")
    _assert_sent(page, form_site)


def _check_empty_then_sent_empty(page, check, *, url, button, name):
    """Check the form as it first shows, then as it comes back when sent with no answer."""
    page.goto(url)
    check(f"{name}-empty")
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()
    assert page.locator("#error-summary").is_visible()
    check(f"{name}-errors")


def test_form_passes_axe_and_fits_a_phone_when_empty_with_errors_and_sent(form_site, phone_audit):
    page, check, problems = phone_audit
    _check_empty_then_sent_empty(
        page, check, url=f"{form_site}/consultation/", button="Send my request", name="form"
    )
    _fill_with_the_mouse(page, email=EMAIL)
    page.get_by_role("button", name="Send my request").click()
    page.wait_for_url(f"{form_site}/consultation/sent/**")
    check("form-sent")
    fail_on(problems)


def test_booking_pages_pass_axe_and_fit_a_phone_when_empty_with_errors_and_booked(
    form_site, phone_audit
):
    import datetime

    from booking.services import booking_pick_path
    from tests.booking.factories import (
        ConsultationTypeFactory,
        StaffFactory,
        weekday_windows,
    )
    from tests.consultations.factories import ConsultationRequestFactory

    weekday_windows(
        StaffFactory(), start=datetime.time(8, 0), end=datetime.time(18, 0), days=range(7)
    )
    ConsultationTypeFactory()
    pick_path = booking_pick_path(consultation_request=ConsultationRequestFactory())

    page, check, problems = phone_audit
    _check_empty_then_sent_empty(
        page, check, url=f"{form_site}{pick_path}", button="Book this time", name="booking"
    )
    page.locator("input[name=slot]").first.check()
    with page.expect_navigation():
        page.get_by_role("button", name="Book this time").click()
    assert page.locator("h1").inner_text() == "Your consultation time"
    check("booking-booked")
    page.get_by_role("link", name="Cancel this consultation").click()
    page.wait_for_url("**/cancel/")
    check("booking-cancel")
    fail_on(problems)
