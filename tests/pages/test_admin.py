import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from pages.models import Block, Page
from tests.admin_forms import PUBLISH, block_prefix, change_url, form_data

from .conftest import FIBROMYALGIA_URL


def test_page_list_filters_by_status_and_searches(editor_client, fibromyalgia):
    response = editor_client.get(
        reverse("admin:pages_page_changelist"), {"status__exact": "published", "q": "fibromyalgia"}
    )
    assert response.status_code == 200
    assert fibromyalgia.title in response.text


def test_editor_changes_a_block_and_the_public_page_shows_it(editor_client, client, fibromyalgia):
    response = editor_client.get(change_url(fibromyalgia))
    data = form_data(response, "page_form")
    block = fibromyalgia.blocks.get(heading="Understanding Fibromyalgia")
    data[f"{block_prefix(data, block)}-heading"] = "Understanding fibromyalgia, in plain words"

    response = editor_client.post(change_url(fibromyalgia), {**data, **PUBLISH})

    assert response.status_code == 302, response.content.decode()[:3000]
    assert "Understanding fibromyalgia, in plain words" in client.get(FIBROMYALGIA_URL).text


@pytest.mark.parametrize(
    ("heading", "changes", "field", "message"),
    [
        (
            "Common features of fibromyalgia include:",
            {"items": ""},
            "items",
            "needs at least one item",
        ),
        ("Is ketamine approved for fibromyalgia?", {"text": ""}, "text", "needs an answer"),
        ("1. Central sensitization", {"position": "0"}, "heading_level", "must come after an H2"),
    ],
)
def test_invalid_block_is_refused_with_a_message_beside_the_field(
    editor_client, fibromyalgia, heading, changes, field, message
):
    block = fibromyalgia.blocks.filter(heading=heading).first() or fibromyalgia.blocks.get(
        text=heading
    )
    data = form_data(editor_client.get(change_url(fibromyalgia)), "page_form")
    prefix = block_prefix(data, block)
    for name, value in changes.items():
        data[f"{prefix}-{name}"] = value
    data["title"] = "An unsaved new heading"

    response = editor_client.post(change_url(fibromyalgia), data)

    assert response.status_code == 200
    html = BeautifulSoup(response.content, "html.parser")
    errors = html.select(f"#{prefix} .field-{field} .errorlist li") or html.select(
        f".field-{field} .errorlist li"
    )
    assert any(message in e.get_text() for e in errors), [
        e.get_text() for e in html.select(".errorlist li")
    ]
    # nothing the editor typed is lost, and nothing was saved
    assert html.find("input", attrs={"name": "title"})["value"] == "An unsaved new heading"
    assert Page.objects.get(pk=fibromyalgia.pk).title == "Ketamine Therapy for Fibromyalgia"


def test_new_heading_gets_a_stable_anchor(fibromyalgia):
    block = Block.objects.create(
        page=fibromyalgia,
        kind=Block.Kind.HEADING,
        heading_level=2,
        heading="Understanding Fibromyalgia",
    )
    assert block.anchor == "understanding-fibromyalgia-2"
    block.heading = "Renamed"
    block.save()
    assert block.anchor == "understanding-fibromyalgia-2"


def test_content_editor_may_edit_pages_and_site_settings_only(editor_client):
    assert editor_client.get(reverse("admin:pages_page_changelist")).status_code == 200
    assert editor_client.get(reverse("admin:pages_sitesettings_change")).status_code == 200
    assert editor_client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert editor_client.get(reverse("admin:auth_group_changelist")).status_code == 403


def test_site_settings_edit_reaches_every_page(editor_client, client, clinic_content):
    data = form_data(
        editor_client.get(reverse("admin:pages_sitesettings_change")), "sitesettings_form"
    )
    data["phone"] = "(512) 555-0142"
    response = editor_client.post(reverse("admin:pages_sitesettings_change"), data)
    assert response.status_code == 302
    assert "(512) 555-0142" in client.get("/about/").text
