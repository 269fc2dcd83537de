"""A person sends a consultation request with the keyboard alone and JavaScript switched off."""

import pytest

from consultations.models import ConsultationRequest

TYPED = {
    "full_name": "Nguyễn Thị Lan",
    "date_of_birth": "04231979",  # typed into the date control's mm/dd/yyyy segments
    "email": "lan.nguyen@example.org",
    "phone": "5125550142",
    "pain_level": "7",
    "fatigue_level": "6",
}
TICKED = {"symptoms", "treatments_tried", "consent_privacy", "acknowledge_not_emergency"}


@pytest.fixture
def keyboard_page(browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    yield page
    context.close()


def _focused(page):
    return page.evaluate(
        "() => { const e = document.activeElement;"
        " return {tag: e.tagName, name: e.name || '', type: e.type || '',"
        " text: (e.innerText || e.value || '').trim()}; }"
    )


def _fill_by_keyboard(page):
    """Tab through the form once, answering each control as a keyboard user would."""
    answered_groups = set()
    for _ in range(200):
        page.keyboard.press("Tab")
        element = _focused(page)
        name, kind = element["name"], element["type"]
        if kind == "submit":
            return
        if name in TYPED:
            page.keyboard.type(TYPED[name])
        elif kind == "radio" and name not in answered_groups:
            page.keyboard.press("Space")  # the first choice of each group
            answered_groups.add(name)
        elif kind == "checkbox" and name in TICKED and name not in answered_groups:
            page.keyboard.press("Space")  # the first box of each group
            answered_groups.add(name)
    raise AssertionError("never reached the Send button")


def test_a_request_sent_with_the_keyboard_alone_and_no_javascript(site, keyboard_page, settings):
    settings.CONSULTATION_MIN_FILL_SECONDS = 1
    page = keyboard_page
    page.goto(f"{site}/conditions/fibromyalgia/")
    for _ in range(300):
        page.keyboard.press("Tab")
        if _focused(page)["text"] == "Request a confidential consultation":
            break
    else:
        raise AssertionError("the call to action is not reachable with Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{site}/consultation/")

    _fill_by_keyboard(page)
    page.wait_for_timeout(1000)  # a person takes longer than the minimum fill time
    page.keyboard.press("Enter")
    page.wait_for_url(f"{site}/consultation/sent/")

    request = ConsultationRequest.objects.get()
    assert request.reference in page.locator("main").inner_text()
    assert request.full_name == "Nguyễn Thị Lan"
    assert request.date_of_birth.isoformat() == "1979-04-23"
    assert request.phone == "+15125550142"
    assert request.symptoms == ["widespread_pain"]
    assert request.treatments_tried == ["opioids"]


def test_errors_are_summarised_first_and_answers_kept_without_javascript(
    site, keyboard_page, settings
):
    settings.CONSULTATION_MIN_FILL_SECONDS = 0
    page = keyboard_page
    page.goto(f"{site}/consultation/")
    page.locator("#id_full_name").fill("Lan")
    page.locator("#id_email").fill("not an address")
    page.get_by_role("button", name="Send my request").press("Enter")
    page.wait_for_load_state()
    summary = page.locator("#error-summary")
    assert summary.is_visible()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert page.locator("#id_full_name").input_value() == "Lan"
    assert page.locator("#id_email").input_value() == "not an address"
    summary.get_by_role("link", name="Enter an e-mail address like name@example.com.").click()
    assert page.url.endswith("#id_email")
    assert ConsultationRequest.objects.count() == 0
