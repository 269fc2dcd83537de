"""Every public page, proven accessible in a real browser: axe-core's WCAG 2.0–2.2 A and AA
rules, the page's structure, and the layout on a phone, at 200 % zoom and on a desktop.

Each test walks all public pages and reports every problem at once, named by page.
"""

from .checks import (
    DESKTOP,
    PHONE,
    PUBLIC_PAGES,
    ZOOM_200,
    axe_violations,
    cut_off_problems,
    fail_on,
    screenshot,
    sideways_scroll_problems,
    small_tap_target_problems,
    structure_problems,
)


def _visit(page, site, path):
    response = page.goto(f"{site}{path}")
    expected = 404 if path == PUBLIC_PAGES["not-found"] else 200
    assert response.status == expected, f"{path} answered {response.status}"


def test_every_public_page_passes_axe_wcag_a_and_aa_rules(site, axe_page):
    page = axe_page
    problems = {}
    for name, path in PUBLIC_PAGES.items():
        _visit(page, site, path)
        # Every FAQ answer open, so the text a reader reveals is checked as well.
        page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
        problems[name] = axe_violations(page)
    fail_on(problems)


def test_every_public_page_has_language_one_h1_ordered_headings_and_landmarks(site, page):
    problems = {}
    for name, path in PUBLIC_PAGES.items():
        _visit(page, site, path)
        problems[name] = structure_problems(page, full_layout=name != "not-found")
    fail_on(problems)


def test_on_a_phone_no_page_scrolls_sideways_and_every_tap_target_is_24_px(site, browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True)
    page = context.new_page()
    problems = {}
    for name, path in PUBLIC_PAGES.items():
        _visit(page, site, path)
        problems[name] = sideways_scroll_problems(page) + small_tap_target_problems(page)
        page.keyboard.press("Tab")  # the skip link, shown only while it has focus
        problems[name] += small_tap_target_problems(page, selector=".skip-link")
        page.evaluate("() => document.activeElement.blur()")
        screenshot(page, f"{name}-phone")
    context.close()
    fail_on(problems)


def test_at_200_percent_zoom_nothing_is_cut_off(site, browser):
    context = browser.new_context(**ZOOM_200)
    page = context.new_page()
    problems = {}
    for name, path in PUBLIC_PAGES.items():
        _visit(page, site, path)
        page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
        problems[name] = sideways_scroll_problems(page) + cut_off_problems(page)
    context.close()
    fail_on(problems)


def test_on_a_desktop_nothing_is_cut_off(site, browser):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    problems = {}
    for name, path in PUBLIC_PAGES.items():
        _visit(page, site, path)
        problems[name] = sideways_scroll_problems(page) + cut_off_problems(page)
        screenshot(page, f"{name}-desktop")
    context.close()
    fail_on(problems)
