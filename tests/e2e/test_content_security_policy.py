"""The strict Content-Security-Policy breaks nothing a visitor or an editor uses in Chromium."""

import pytest
from django.conf import settings as django_settings


@pytest.fixture
def csp_violations(page):
    """Every CSP violation the browser reports while the test runs."""
    seen = []
    page.on(
        "console",
        lambda message: (
            seen.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e =>"
        " console.error('Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    return seen


def test_public_pages_raise_no_policy_violation(site, page, csp_violations):
    for path in ("/", "/conditions/fibromyalgia/", "/consultation/"):
        page.goto(f"{site}{path}")
        page.wait_for_load_state("load")
    assert csp_violations == []


def test_admin_page_editor_works_under_the_policy(
    site, page, csp_violations, admin_user, client, otp_login
):
    otp_login(client, admin_user)
    session = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": django_settings.SESSION_COOKIE_NAME, "value": session, "url": site}]
    )
    page.goto(f"{site}/{django_settings.ADMIN_URL}pages/page/add/")
    page.wait_for_load_state("load")
    # The admin's own scripts ran: the sortable block inline offers its "add another" link.
    page.get_by_text("Add another Block").click()
    assert page.locator(".inline-related").count() >= 2
    page.goto(f"{site}/{django_settings.ADMIN_URL}pages/page/")
    assert csp_violations == []
