"""Form controls a patient can find and see focused: every border and focus ring at least
3:1 against the page around it (WCAG 1.4.11), measured from the colours the browser drew."""

from .checks import fail_on, form_control_contrast, form_control_contrast_problems
from .test_booking_pages import booking_paths  # noqa: F401 - a fixture


def test_consultation_form_controls_have_3_to_1_borders_and_focus_rings(form_site, page):
    page.goto(f"{form_site}/consultation/")
    assert form_control_contrast(page), "no form control measured"
    problems = {"form": form_control_contrast_problems(page)}
    # The error state: controls marked invalid keep their contrast.
    page.get_by_role("button", name="Send my request").click()
    page.wait_for_selector(".is-invalid")
    problems["form-errors"] = form_control_contrast_problems(page)
    fail_on(problems)


def test_booking_and_search_controls_have_3_to_1_borders_and_focus_rings(
    site,
    page,
    booking_paths,  # noqa: F811
):
    problems = {}
    for name, path in {**booking_paths, "search": "/search/?q=fibro"}.items():
        page.goto(f"{site}{path}")
        problems[name] = form_control_contrast_problems(page)
    fail_on(problems)


def test_the_helper_catches_a_faint_border_and_a_faint_ring(site, axe_page):
    page = axe_page  # lets the test add a style the site's CSP would refuse
    page.goto(f"{site}/search/")
    page.add_style_tag(
        content="input[type=search] { border-color: #dee2e6 !important; }"
        " input[type=search]:focus, input[type=search]:focus-visible"
        " { outline: 3px solid rgba(11, 85, 99, .25) !important; box-shadow: none !important; }"
    )
    problems = form_control_contrast_problems(page)
    assert any("border contrast" in p for p in problems), problems
    assert any("focus contrast" in p for p in problems), problems
