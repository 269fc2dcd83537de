def test_reader_opens_an_faq_answer_and_follows_the_call_to_action(site, page):
    page.goto(f"{site}/conditions/fibromyalgia/")
    assert page.locator("h1").inner_text() == "Ketamine Therapy for Fibromyalgia"

    answer = page.get_by_text("Ketamine is not FDA-approved for fibromyalgia.")
    assert not answer.is_visible()
    page.get_by_text("Is ketamine approved for fibromyalgia?").click()
    assert answer.is_visible()

    page.get_by_role("link", name="Request a confidential consultation").click()
    page.wait_for_url(f"{site}/consultation/")


def test_skip_link_moves_focus_to_the_main_content(site, page):
    page.goto(f"{site}/")
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    assert skip_link.evaluate("el => el === document.activeElement")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
