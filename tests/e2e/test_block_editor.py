"""The block editor in a real browser: each block shows only its kind's fields."""

import pytest
from django.conf import settings

from .test_staff_journeys import EDITOR_PASSWORD, _content_editor, _sign_in

HEIGHT_BUDGET_PX = 15_000


def _open_fibromyalgia(page, site):
    from pages.models import Page

    fibromyalgia = Page.objects.get(content_key="fibromyalgia")
    page.goto(f"{site}/{settings.ADMIN_URL}pages/page/{fibromyalgia.pk}/change/")
    return fibromyalgia


def _field_visible(block, name):
    return block.locator(f".field-{name}").first.is_visible()


@pytest.fixture
def editor_page(site, page, django_user_model):
    _content_editor(django_user_model)
    page.set_viewport_size({"width": 1280, "height": 900})
    _sign_in(page, site, "editor", EDITOR_PASSWORD)
    return page


def _measure(editor_page, site):
    _open_fibromyalgia(editor_page, site)  # warm: templates and the page's queries
    _open_fibromyalgia(editor_page, site)
    height = editor_page.evaluate("document.documentElement.scrollHeight")
    timing = "performance.getEntriesByType('navigation')[0]"
    render_ms = editor_page.evaluate(f"{timing}.loadEventEnd")
    server_ms = editor_page.evaluate(f"{timing}.responseStart")
    print(
        f"fibromyalgia edit form: {height} px tall at 1280 px, loaded in {render_ms:.0f} ms "
        f"(first byte after {server_ms:.0f} ms)"
    )
    return height, render_ms


def test_fibromyalgia_edit_form_is_short(editor_page, site):
    height, _ = _measure(editor_page, site)
    assert height < HEIGHT_BUDGET_PX


def test_the_formatting_help_sits_in_the_blocks_heading_and_opens_from_the_keyboard(
    editor_page, site
):
    _open_fibromyalgia(editor_page, site)
    heading = editor_page.locator("#blocks-heading").bounding_box()
    summary = editor_page.get_by_text("Formatting: bold, italic, links")
    help_box = summary.bounding_box()
    assert heading["y"] <= help_box["y"] and help_box["y"] + help_box["height"] <= (
        heading["y"] + heading["height"]
    )
    syntax = editor_page.locator("#rich-text-help .rich-text-syntax")
    assert not syntax.is_visible()

    summary.focus()
    editor_page.keyboard.press("Enter")

    assert syntax.is_visible() and "**words**" in syntax.inner_text()


def test_each_block_shows_only_its_kinds_fields_and_gets_the_new_ones_on_a_change_of_kind(
    editor_page, site
):
    fibromyalgia = _open_fibromyalgia(editor_page, site)
    heading = fibromyalgia.blocks.get(heading="Understanding Fibromyalgia")
    selector = f".inline-related:has(input[name$='-id'][value='{heading.pk}'])"
    block = editor_page.locator(selector)
    assert _field_visible(block, "heading") and _field_visible(block, "heading_level")
    assert block.locator(".field-items, .field-button_label, .field-image").count() == 0

    block.locator("select[name$='-kind']").select_option("cta")
    editor_page.get_by_role("button", name="Save and continue editing").click()
    # The long form takes seconds to post: wait for the refusal to come back.
    editor_page.locator(".errornote").wait_for(state="visible", timeout=30_000)

    block = editor_page.locator(selector)
    assert _field_visible(block, "button_label") and _field_visible(block, "button_target")
    assert "needs the words for its button" in block.inner_text()
    assert block.locator("select[name$='-heading_level']").count() == 0


def test_the_link_picker_inserts_a_pages_link_code_at_the_cursor(editor_page, site):
    from pages.models import Block, Page

    fibromyalgia = _open_fibromyalgia(editor_page, site)
    about = Page.objects.get(url_path="/about/")
    paragraph = fibromyalgia.blocks.filter(kind=Block.Kind.PARAGRAPH).first()
    block = editor_page.locator(f".inline-related:has(input[name$='-id'][value='{paragraph.pk}'])")
    text = block.locator("textarea[name$='-text']")
    picker = editor_page.locator("#rich-link-picker")
    assert not picker.is_visible()  # until a text is being edited

    text.click()
    text.press("Control+End")
    text.type(" See ")
    assert block.locator("#rich-link-picker").is_visible()  # beside the text being edited
    picker.locator("select").select_option(str(about.pk))
    picker.get_by_role("button", name="Insert the link at the cursor").click()

    assert text.input_value() == f"{paragraph.text} See [About the clinic](page:{about.pk})"
