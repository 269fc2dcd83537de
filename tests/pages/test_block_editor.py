"""The block editor shows each block only the fields its kind uses."""

from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pages.models import Block, Page
from tests.admin_forms import PUBLISH, block_prefix, change_url, form_data

from .images import stored_image


def test_each_block_is_drawn_with_only_its_kinds_fields(editor_client, fibromyalgia):
    response = editor_client.get(change_url(fibromyalgia))
    html = BeautifulSoup(response.content, "html.parser")
    data = form_data(response, "page_form")
    heading = fibromyalgia.blocks.get(heading="Understanding Fibromyalgia")
    paragraph = fibromyalgia.blocks.filter(kind=Block.Kind.PARAGRAPH).first()

    def names(block):
        prefix = block_prefix(data, block)
        return {
            field["name"].removeprefix(f"{prefix}-")
            for field in html.select(f"#{prefix} [name^='{prefix}-']")
        }

    assert {"kind", "heading_level", "heading", "anchor"} <= names(heading)
    assert not {"text", "items", "button_label", "image"} & names(heading)
    assert {"kind", "text"} <= names(paragraph)
    assert not {"heading", "heading_level", "items", "button_target"} & names(paragraph)


def test_a_heading_turned_into_a_paragraph_loses_its_heading_fields(editor_client, fibromyalgia):
    heading = fibromyalgia.blocks.get(heading="Understanding Fibromyalgia")
    data = form_data(editor_client.get(change_url(fibromyalgia)), "page_form")
    prefix = block_prefix(data, heading)
    data[f"{prefix}-kind"] = "paragraph"
    data[f"{prefix}-text"] = "Fibromyalgia, explained in a paragraph."

    response = editor_client.post(change_url(fibromyalgia), {**data, **PUBLISH})

    assert response.status_code == 302, response.content.decode()[:2000]
    heading.refresh_from_db()
    assert (heading.kind, heading.text) == ("paragraph", "Fibromyalgia, explained in a paragraph.")
    assert (heading.heading, heading.heading_level, heading.anchor) == ("", None, "")


def test_a_new_kind_missing_its_fields_comes_back_with_them_to_fill_in(editor_client, fibromyalgia):
    paragraph = fibromyalgia.blocks.filter(kind=Block.Kind.PARAGRAPH).first()
    data = form_data(editor_client.get(change_url(fibromyalgia)), "page_form")
    prefix = block_prefix(data, paragraph)
    data[f"{prefix}-kind"] = "cta"

    response = editor_client.post(change_url(fibromyalgia), {**data, **PUBLISH})

    assert response.status_code == 200
    html = BeautifulSoup(response.content, "html.parser")
    assert html.select_one(f"#{prefix} [name='{prefix}-button_label']") is not None
    assert "needs the words for its button" in html.select_one(f"#{prefix}").get_text()
    paragraph.refresh_from_db()
    assert paragraph.kind == "paragraph"


# The page and its blocks, the editor's session and rights, the lists the block fields offer
# (read once for every block), the draft and the history, the language section (the page's
# translation and when each was last saved), with a few to spare; a query per block would
# break it on the fibromyalgia page alone.
CHANGE_FORM_QUERIES = 30


def _change_form_queries(client, page):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(change_url(page)).status_code == 200
    return len(queries)


def test_the_change_form_reads_the_same_queries_however_many_blocks_pick_images_or_pages(
    editor_client, fibromyalgia, django_assert_max_num_queries
):
    about = Page.objects.get(url_path="/about/")
    _change_form_queries(editor_client, fibromyalgia)  # warm: content types, the session
    before = _change_form_queries(editor_client, fibromyalgia)
    last = fibromyalgia.blocks.order_by("position").last().position
    for offset, image in enumerate(
        [stored_image(title=f"Figure {n}", size=(900, 600)) for n in range(3)], start=1
    ):
        Block.objects.create(
            page=fibromyalgia, kind=Block.Kind.IMAGE, position=last + offset, image=image
        )
        Block.objects.create(
            page=fibromyalgia,
            kind=Block.Kind.CALL_TO_ACTION,
            position=last + offset + 3,
            heading="Read more",
            button_label=f"About us {offset}",
            button_target=Block.Target.PAGE,
            button_page=about,
        )

    with django_assert_max_num_queries(CHANGE_FORM_QUERIES):
        after = _change_form_queries(editor_client, fibromyalgia)
    assert after == before
