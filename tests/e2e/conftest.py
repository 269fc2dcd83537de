"""Real-browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Locally, a machine without /usr/bin/chromium skips them. In CI (.ci/run sets
REQUIRE_BROWSER_TESTS=1) a skipped browser test is reported as a failure.
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the tests
# themselves are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BROWSER_REQUIRED = os.environ.get("REQUIRE_BROWSER_TESTS") == "1"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in item.nodeid:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if BROWSER_REQUIRED and report.skipped and item.get_closest_marker("browser"):
        report.outcome = "failed"
        report.longrepr = f"browser test skipped in CI: {report.longrepr}"


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    # A journey step that waits this long has failed; the 30 s default only slows the report.
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def site(live_server, transactional_db):
    """The live site with the clinic's content loaded; returns its base address."""
    from pages.services import clinic_content_load

    clinic_content_load()
    return live_server.url


@pytest.fixture
def form_site(site, settings):
    """The live site, with the form's spam timer off (a test types faster than a person) and
    the per-client limit emptied (every test comes from the same address)."""
    from django.core.cache import cache

    settings.CONSULTATION_MIN_FILL_SECONDS = 0
    cache.clear()
    return site


@pytest.fixture
def axe_page(browser):
    """A page that lets axe-core's script in: the site's CSP rightly refuses injected scripts."""
    context = browser.new_context(bypass_csp=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()
