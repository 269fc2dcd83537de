"""A content editor links a live page to another page of the site, in a real browser: the
link is written with the rich text syntax (the page picked from the editor's list), previewed,
kept as a draft while visitors still read the old text, then published."""

from .test_staff_journeys import EDITOR_PASSWORD, FIBROMYALGIA, _content_editor, _sign_in

# Saving or publishing the long fibromyalgia form takes seconds on a busy machine.
SAVE_TIMEOUT_MS = 30_000


def _public_paragraph(browser, site, opening):
    """The paragraph starting with `opening`, as an anonymous visitor reads it (no session, so
    the page cache serves them as it would a patient)."""
    context = browser.new_context()
    context.set_default_timeout(10_000)
    visitor = context.new_page()
    visitor.goto(f"{site}{FIBROMYALGIA}")
    paragraph = visitor.locator("main p", has_text=opening)
    return context, paragraph


def test_content_editor_links_a_paragraph_to_another_page_through_a_draft(
    site, page, browser, django_user_model
):
    from pages.models import Block, Page

    fibromyalgia = Page.objects.get(url_path=FIBROMYALGIA)
    about = Page.objects.get(url_path="/about/")
    paragraph = fibromyalgia.blocks.filter(kind=Block.Kind.PARAGRAPH).first()
    opening = paragraph.text[:40]
    _content_editor(django_user_model)
    _sign_in(page, site, "editor", EDITOR_PASSWORD)

    # The editor finds the page the way they would: the page list, then its title.
    page.locator("tr.model-page th a").click()
    page.get_by_role("link", name="Ketamine Therapy for Fibromyalgia").click()
    block = page.locator(f".inline-related:has(input[name$='-id'][value='{paragraph.pk}'])")
    text = block.locator("textarea[name$='-text']")
    text.click()
    text.press("Control+End")
    text.type(" Read more")
    for _ in range(len("Read more")):  # the words to become the link
        text.press("Shift+ArrowLeft")
    picker = block.locator("#rich-link-picker")
    picker.get_by_label("Link to a page of this site").select_option(
        label=f"About the clinic ({about.url_path})"
    )
    picker.get_by_role("button", name="Insert the link at the cursor").click()
    expected = f"{paragraph.text} [Read more](page:{about.pk})"
    assert text.input_value() == expected

    # Preview: the unsaved text, rendered as visitors will see it, in a tab of its own.
    with page.context.expect_page() as opened:
        page.get_by_role("button", name="Preview changes").click()
    preview = opened.value
    preview.wait_for_load_state()
    previewed = preview.locator("main p", has_text=opening).get_by_role("link", name="Read more")
    assert previewed.get_attribute("href") == about.url_path
    preview.close()

    # Saving a live page keeps the change as a draft, shown above the form.
    page.get_by_role("button", name="Save and continue editing").click()
    page.locator(".messagelist .info").wait_for(state="visible", timeout=SAVE_TIMEOUT_MS)
    assert "Saved as a draft" in page.locator(".messagelist").inner_text()
    assert "Read more" in page.locator("#page-draft").inner_text()
    context, live = _public_paragraph(browser, site, opening)
    assert live.inner_text().strip() == paragraph.text.strip()
    assert live.get_by_role("link").count() == 0
    context.close()

    page.get_by_role("button", name="Publish changes").click()
    page.locator(".messagelist .success").wait_for(state="visible", timeout=SAVE_TIMEOUT_MS)
    assert "The changes are live." in page.locator(".messagelist").inner_text()
    assert page.locator("#page-draft").count() == 0

    context, live = _public_paragraph(browser, site, opening)
    link = live.get_by_role("link", name="Read more")
    assert link.get_attribute("href") == about.url_path
    assert link.get_attribute("rel") is None  # a page of the site, not an external link
    link.click()
    live.page.wait_for_url(f"{site}{about.url_path}")
    assert live.page.get_by_role("heading", level=1).inner_text() == about.title
    context.close()
