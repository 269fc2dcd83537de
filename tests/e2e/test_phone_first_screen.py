"""A reader on a 360 × 740 phone: the page's key points and first words, and a way to ask for a
consultation, are on the first screen; “On this page” waits, folded, until asked for."""

import pytest

from .checks import DESKTOP, PHONE, PUBLIC_PAGES, screenshot

FIBROMYALGIA = PUBLIC_PAGES["fibromyalgia"]
FIRST_PARAGRAPH = "Fibromyalgia is a chronic pain condition"


def _top(page, locator):
    """Where an element starts, in CSS px from the top of the page."""
    return locator.evaluate("el => el.getBoundingClientRect().top + window.scrollY")


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True)
    yield context.new_page()
    context.close()


def test_on_a_phone_key_points_and_first_paragraph_are_on_the_first_screen(site, phone):
    phone.goto(f"{site}{FIBROMYALGIA}")
    key_points = phone.locator("main .key-points")
    first_paragraph = phone.locator("main p", has_text=FIRST_PARAGRAPH)
    request = phone.locator(".site-header").get_by_role("link", name="Request a consultation")
    screenshot(phone, "fibromyalgia-phone-first-screen")

    height = PHONE["height"]
    key_points_box = key_points.bounding_box()
    assert key_points_box["y"] + key_points_box["height"] <= height, "key points cut off"
    assert _top(phone, first_paragraph) < height - 48, "first paragraph below the first screen"
    assert _top(phone, request) < height
    # “On this page” is one folded line: its links wait until the reader opens it.
    contents = phone.locator("nav.page-contents")
    assert not contents.get_by_role("link").first.is_visible()
    contents.locator("summary").click()
    assert contents.get_by_role("link", name="Understanding Fibromyalgia").is_visible()


def test_on_a_wide_screen_on_this_page_is_open_without_a_click(site, browser):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.goto(f"{site}{FIBROMYALGIA}")
    contents = page.locator("nav.page-contents")
    assert contents.get_by_role("link", name="Understanding Fibromyalgia").is_visible()
    assert contents.get_by_role("heading", name="On this page").is_visible()
    context.close()


def test_a_call_to_action_follows_the_introduction(site, phone):
    phone.goto(f"{site}{FIBROMYALGIA}")
    first_cta = phone.locator("main section.cta").first
    introduction_end = phone.locator("main p", has_text="Ketamine therapy is not a cure for")
    assert _top(phone, first_cta) > _top(phone, introduction_end)
    assert _top(phone, first_cta) < _top(phone, phone.locator("#understanding-fibromyalgia"))
    first_cta.get_by_role("link").click()
    phone.wait_for_url(f"{site}/consultation/")


REQUEST_LABEL = {"en": "Request a consultation", "es": "Solicitar una consulta"}


def test_every_public_page_offers_a_consultation_request_in_its_header(site, phone):
    for name, path in PUBLIC_PAGES.items():
        if name == "not-found":
            continue  # drawn without the database: tests/pages/test_error_pages.py
        phone.goto(f"{site}{path}")
        language = "es" if path.startswith("/es/") else "en"
        label = REQUEST_LABEL[language]
        link = phone.locator(".site-header").get_by_role("link", name=label)
        assert link.is_visible(), f"{name}: no visible “{label}” in the header"
        form = "/es/consultation/" if language == "es" else "/consultation/"
        assert link.get_attribute("href") == form, name
