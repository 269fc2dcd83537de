"""A references block: a numbered list of sources under a heading, each linked when its line
ends with an https address."""

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError

from pages.models import Block, Page
from tests.admin_forms import block_prefix, change_url, form_data

from .conftest import FIBROMYALGIA_URL

SOURCES = (
    "Clauw DJ. Fibromyalgia: a clinical review. JAMA. 2014. https://doi.org/10.1001/jama.2014.3266\n"
    "American College of Rheumatology. Fibromyalgia fact sheet."
)


def test_references_render_as_a_numbered_list_under_a_heading_with_links(fibromyalgia, client):
    Block.objects.create(page=fibromyalgia, position=999, kind=Block.Kind.REFERENCES, items=SOURCES)

    html = BeautifulSoup(client.get(FIBROMYALGIA_URL).content, "html.parser")
    section = html.select_one("section.references")

    heading = section.find("h2")
    assert heading.get_text() == "References"
    assert section["aria-labelledby"] == heading["id"]
    first, second = section.select("ol > li")
    link = first.find("a")
    assert link["href"] == "https://doi.org/10.1001/jama.2014.3266"
    assert link["rel"] == ["noopener", "noreferrer"]
    assert (
        link.get_text() == "Clauw DJ. Fibromyalgia: a clinical review. JAMA. 2014. (external site)"
    )
    assert second.find("a") is None
    assert second.get_text() == "American College of Rheumatology. Fibromyalgia fact sheet."
    contents = html.select_one("nav.page-contents")
    assert contents.find("a", href=f"#{heading['id']}") is not None


def test_a_references_title_of_the_editors_own_replaces_the_default(fibromyalgia, client):
    Block.objects.create(
        page=fibromyalgia, kind=Block.Kind.REFERENCES, heading="Sources", items=SOURCES
    )

    html = BeautifulSoup(client.get(FIBROMYALGIA_URL).content, "html.parser")

    assert html.select_one("section.references h2").get_text() == "Sources"


@pytest.mark.parametrize(
    "line", ["Smith J. javascript:alert(1)", "Smith J. http://example.org/", "Smith J. data:x,y"]
)
def test_a_source_ending_in_an_address_that_is_not_https_is_refused(fibromyalgia, line):
    block = Block(page=fibromyalgia, kind=Block.Kind.REFERENCES, items=line)

    with pytest.raises(ValidationError) as refused:
        block.full_clean()

    assert "must be an https:// address" in refused.value.message_dict["items"][0]


def test_a_references_block_needs_a_source(fibromyalgia):
    block = Block(page=fibromyalgia, kind=Block.Kind.REFERENCES)

    with pytest.raises(ValidationError) as refused:
        block.full_clean()

    assert "items" in refused.value.message_dict


def test_the_block_editor_shows_a_references_block_only_its_own_fields(editor_client, fibromyalgia):
    block = Block.objects.create(page=fibromyalgia, kind=Block.Kind.REFERENCES, items=SOURCES)
    response = editor_client.get(change_url(fibromyalgia))
    prefix = block_prefix(form_data(response, "page_form"), block)
    html = BeautifulSoup(response.content, "html.parser")

    names = {
        field["name"].removeprefix(f"{prefix}-")
        for field in html.select(f"#{prefix} [name^='{prefix}-']")
    }

    assert {"kind", "heading", "anchor", "items"} <= names
    assert not {"text", "heading_level", "button_label", "button_target", "button_page"} & names


def test_a_source_without_an_address_may_link_to_a_page_of_the_site(fibromyalgia, client):
    about = Page.objects.get(url_path="/about/")
    Block.objects.create(
        page=fibromyalgia,
        kind=Block.Kind.REFERENCES,
        items=f"Our [clinical protocols](page:{about.pk}), *2025*.",
    )

    html = BeautifulSoup(client.get(FIBROMYALGIA_URL).content, "html.parser")
    source = html.select_one("section.references li")

    assert source.find("a")["href"] == "/about/"
    assert source.find("em").get_text() == "2025"
