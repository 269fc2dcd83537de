import pytest

from .checks import PUBLIC_PAGES, fail_on, focus_order_problems, focused, tab_through


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript-on", "javascript-off"])
def test_reader_opens_an_faq_answer_and_follows_the_call_to_action(site, browser, javascript):
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    page.goto(f"{site}/conditions/fibromyalgia/")
    assert page.locator("h1").inner_text() == "Ketamine Therapy for Fibromyalgia"

    answer = page.get_by_text("Ketamine is not FDA-approved for fibromyalgia.")
    assert not answer.is_visible()
    page.get_by_text("Is ketamine approved for fibromyalgia?").click()
    assert answer.is_visible()

    # The closing call to action (another follows the introduction).
    page.get_by_role("link", name="Request a confidential consultation").last.click()
    page.wait_for_url(f"{site}/consultation/")
    assert page.locator("h1").inner_text() == "Request a confidential consultation"
    context.close()


def test_skip_link_moves_focus_to_the_main_content(site, page):
    page.goto(f"{site}/")
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    assert skip_link.evaluate("el => el === document.activeElement")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_keyboard_alone_reads_the_page_opens_an_answer_and_follows_the_call_to_action(site, page):
    page.goto(f"{site}/conditions/fibromyalgia/")
    stops = tab_through(page)
    fail_on({"fibromyalgia": focus_order_problems(stops)})
    assert stops[0]["text"] == "Skip to main content"
    texts = [stop["text"] for stop in stops]
    for expected in (
        "Is ketamine approved for fibromyalgia?",
        "Request a confidential consultation",
        "Privacy notice",
    ):
        assert expected in texts, f"{expected!r} cannot be reached with Tab: {texts}"

    # A fresh start: skip the menus, then Tab to the first answer and open it with Enter.
    page.goto(f"{site}/conditions/fibromyalgia/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main"
    question = "Is ketamine approved for fibromyalgia?"
    _tab_to(page, question)
    answer = page.get_by_text("Ketamine is not FDA-approved for fibromyalgia.")
    assert not answer.is_visible()
    page.keyboard.press("Enter")
    assert answer.is_visible()

    _tab_to(page, "Request a confidential consultation")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{site}/consultation/")


def _tab_to(page, text, *, limit=100):
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = focused(page)
        if stop and stop["text"] == text:
            return stop
    raise AssertionError(f"Tab never reached “{text}”")


def test_every_public_page_reads_with_the_keyboard_in_order_with_focus_always_visible(site, page):
    problems = {}
    for name, path in PUBLIC_PAGES.items():
        page.goto(f"{site}{path}")
        stops = tab_through(page)
        problems[name] = focus_order_problems(stops)
        if not stops:
            problems[name].append("nothing on the page takes keyboard focus")
    fail_on(problems)


def test_no_public_page_runs_javascript(site, page):
    """The pages need no script: the only <script> allowed is JSON-LD data for search engines."""
    problems = {}
    for name, path in PUBLIC_PAGES.items():
        page.goto(f"{site}{path}")
        scripts = page.locator("script").evaluate_all(
            "els => els.map(el => el.type || 'text/javascript')"
        )
        problems[name] = [f"a {kind} script" for kind in scripts if kind != "application/ld+json"]
    fail_on(problems)


def test_every_public_page_loads_without_a_failed_request_or_a_console_error(site, page):
    """No missing file (the icon included), no resource the CSP refuses, no script error."""
    problems = {}
    current = {"name": None}
    page.on(
        "response",
        lambda response: (
            response.status >= 400
            and response.request.resource_type != "document"
            and problems[current["name"]].append(f"{response.status} for {response.url}")
        ),
    )
    page.on(
        "console",
        lambda message: (
            message.type == "error"
            and "404 (Not Found)" not in message.text  # the not-found page's own status
            and problems[current["name"]].append(f"console error: {message.text}")
        ),
    )
    for name, path in PUBLIC_PAGES.items():
        current["name"] = name
        problems[name] = []
        page.goto(f"{site}{path}", wait_until="networkidle")
    fail_on(problems)
