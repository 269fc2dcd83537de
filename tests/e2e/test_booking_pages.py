"""The patient's booking pages in a real browser: accessible, and usable by keyboard with
JavaScript switched off."""

import datetime

import pytest

from booking import selectors, services
from booking.models import Booking

from .checks import axe_violations, fail_on, structure_problems


@pytest.fixture
def booking_paths(site):
    from tests.booking.factories import (
        ConsultationTypeFactory,
        StaffFactory,
        weekday_windows,
    )
    from tests.consultations.factories import ConsultationRequestFactory

    staff = StaffFactory()
    weekday_windows(staff, start=datetime.time(9, 0), end=datetime.time(17, 0), days=range(7))
    ConsultationTypeFactory()
    invitation = services.booking_invitation_get_or_create(
        consultation_request=ConsultationRequestFactory()
    )
    token = services.booking_link_token(invitation=invitation)
    return {
        "pick": f"/consultation/booking/{token}/",
        "cancel": f"/consultation/booking/{token}/cancel/",
        "bad-link": f"/consultation/booking/{token[:-4]}abcd/",
    }


def test_booking_pages_pass_axe_and_have_a_sound_structure(site, axe_page, booking_paths):
    page = axe_page
    problems = {}
    for name, path in booking_paths.items():
        page.goto(f"{site}{path}")
        problems[name] = axe_violations(page) + structure_problems(page)
    # The error state: "Book this time" with no time chosen.
    page.goto(f"{site}{booking_paths['pick']}")
    page.get_by_role("button", name="Book this time").click()
    assert page.get_by_text(
        "Please choose a time, or ask us to call you instead."
    ).first.is_visible()
    problems["pick-error"] = axe_violations(page) + structure_problems(page)
    fail_on(problems)


def test_patient_picks_a_time_with_the_keyboard_alone_and_javascript_off(
    site, browser, booking_paths
):
    context = browser.new_context(java_script_enabled=False)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(f"{site}{booking_paths['pick']}")
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.type") == "radio":
            break
    page.keyboard.press("Space")
    chosen = page.evaluate("() => document.activeElement.value")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # submits the form the radio belongs to
    assert page.get_by_text("we have your chosen time").is_visible()
    booking = Booking.objects.get()
    assert selectors.slot_value_parse(chosen) == (booking.staff_id, booking.start)
    context.close()
