"""The admin's side of translations: the page's translations and their state, the
"Older than its source" flag, adding a Spanish translation, the language filter and column."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone

from pages.models import Block, Page
from pages.selectors import translation_is_older_than_source
from tests.admin_forms import change_url

from .factories import BlockFactory, PageFactory

CHANGELIST = "admin:pages_page_changelist"


@pytest.fixture
def pair(db):
    en_home = PageFactory(title="Home", slug="")
    es_home = PageFactory(title="Inicio", slug="", language="es", translation_of=en_home)
    conditions = PageFactory(title="Conditions", slug="conditions", parent=en_home)
    condiciones = PageFactory(
        title="Condiciones",
        slug="condiciones",
        parent=es_home,
        language="es",
        translation_of=conditions,
        status=Page.Status.DRAFT,
    )
    fibro = PageFactory(title="Fibromyalgia", slug="fibromyalgia", parent=conditions)
    BlockFactory(page=fibro, kind=Block.Kind.PARAGRAPH, text="Widespread pain.", position=0)
    BlockFactory(
        page=fibro,
        kind=Block.Kind.HEADING,
        heading="What to expect",
        heading_level=2,
        text="",
        position=1,
    )
    return {"conditions": conditions, "condiciones": condiciones, "fibro": fibro}


def translations_cell(response):
    html = BeautifulSoup(response.content, "html.parser")
    return html.select_one(".field-translations_overview")


def language_section(response):
    """The Language section of the page form: a folded <details> unless it needs attention."""
    html = BeautifulSoup(response.content, "html.parser")
    return html.select_one(".field-translations_overview").find_parent(["details", "fieldset"])


def test_the_language_section_is_folded_to_a_line_naming_the_language(pair, editor_client):
    section = language_section(editor_client.get(change_url(pair["condiciones"])))

    assert section.name == "details"
    assert section.summary.get_text(strip=True) == "Language: Spanish"
    assert not section.has_attr("open")


def test_a_source_page_lists_its_translations_with_their_state(pair, editor_client):
    cell = translations_cell(editor_client.get(change_url(pair["conditions"])))

    link = cell.find("a", string="Condiciones")
    assert link["href"] == change_url(pair["condiciones"])
    assert "Spanish" in cell.text
    assert "No (draft)" in cell.text
    assert "Older than its source" not in cell.text
    assert "Add a Spanish translation" not in cell.text


def test_a_translation_shows_its_source(pair, editor_client):
    cell = translations_cell(editor_client.get(change_url(pair["condiciones"])))

    assert cell.find("a", string="Conditions")["href"] == change_url(pair["conditions"])
    assert "Source, English" in cell.text


def test_a_translation_is_flagged_older_when_its_source_changed_after_it(pair, editor_client):
    source, translation = pair["conditions"], pair["condiciones"]
    assert not translation_is_older_than_source(translation, source)

    earlier = timezone.now() - datetime.timedelta(hours=1)
    Page.objects.filter(pk=translation.pk).update(updated_at=earlier)
    translation.refresh_from_db()
    source.title = "Conditions we treat"
    source.save()

    assert translation_is_older_than_source(translation, source)
    for page in (source, translation):
        response = editor_client.get(change_url(page))
        assert "Older than its source" in translations_cell(response).text
        assert language_section(response).name == "fieldset"  # open, not folded away
        assert "a translation is older than its source" in language_section(response).text

    translation.save()  # the translator brings it up to date
    assert not translation_is_older_than_source(translation, source)


def test_adding_a_spanish_translation_makes_a_draft_copy_and_opens_it(pair, editor_client):
    fibro = pair["fibro"]
    cell = translations_cell(editor_client.get(change_url(fibro)))
    add = cell.find("a", string="Add a Spanish translation")
    assert add["href"] == reverse("admin:pages_page_translate", args=[fibro.pk, "es"])
    assert editor_client.get(add["href"]).status_code == 200  # asks first
    assert not fibro.translations.exists()

    response = editor_client.post(add["href"], {"post": "yes"})

    translation = fibro.translations.get()
    assert response.status_code == 302
    assert response["Location"] == change_url(translation)
    assert translation.language == "es"
    assert translation.status == Page.Status.DRAFT
    assert translation.slug == "fibromyalgia"
    assert translation.parent == pair["condiciones"]
    assert translation.get_absolute_url() == "/es/condiciones/fibromyalgia/"
    assert [(b.kind, b.text, b.heading) for b in translation.blocks.order_by("position")] == [
        (b.kind, b.text, b.heading) for b in fibro.blocks.order_by("position")
    ]
    assert fibro.blocks.count() == 2  # the source keeps its own


def test_a_second_translation_into_the_same_language_opens_the_first(pair, editor_client):
    url = reverse("admin:pages_page_translate", args=[pair["conditions"].pk, "es"])

    response = editor_client.post(url, {"post": "yes"})

    assert response["Location"] == change_url(pair["condiciones"])
    assert pair["conditions"].translations.count() == 1


def test_the_translate_action_makes_spanish_drafts_of_the_selected_pages(pair, editor_client):
    response = editor_client.post(
        reverse(CHANGELIST),
        {"action": "translate_selected_into_spanish", ACTION_CHECKBOX_NAME: [pair["fibro"].pk]},
    )

    translation = pair["fibro"].translations.get()
    assert response["Location"] == change_url(translation)


def test_the_page_list_shows_and_filters_by_language(pair, editor_client):
    spanish = editor_client.get(reverse(CHANGELIST), {"language__exact": "es"})
    html = BeautifulSoup(spanish.content, "html.parser")

    titles = {cell.text.strip("— ") for cell in html.select("#result_list .field-tree_title")}
    assert titles == {"Inicio", "Condiciones"}
    assert {cell.text for cell in html.select("#result_list .field-language")} == {"Español"}
