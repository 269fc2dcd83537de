import pytest
from bs4 import BeautifulSoup
from django.contrib.messages import get_messages
from django.urls import reverse

from pages.checks import page_findings, reading_ease
from pages.models import Block, Image, Page
from pages.services import page_reading_ease_store
from tests.admin_forms import PUBLISH, change_url, form_data

from .factories import BlockFactory, PageFactory


def messages_of(findings):
    return [finding.message for finding in findings]


def findings_for(page):
    return messages_of(page_findings(page, list(page.blocks.all())))


@pytest.mark.django_db
def test_missing_and_overlong_meta_descriptions_are_flagged():
    assert any("summary for search results is empty" in m for m in findings_for(PageFactory()))
    long_page = PageFactory(meta_description="x" * 161)
    assert any("has 161 characters" in m for m in findings_for(long_page))
    fine = PageFactory(meta_description="A plain summary.")
    assert not any("summary for search results" in m for m in findings_for(fine))


@pytest.mark.django_db
def test_sentences_over_thirty_words_are_flagged():
    page = PageFactory(meta_description="Fine.")
    BlockFactory(page=page, text=" ".join(["word"] * 31) + ". Short one.")
    BlockFactory(page=page, text=" ".join(["word"] * 30) + ".")
    flagged = [m for m in findings_for(page) if "has 31 words" in m or "has 30 words" in m]
    assert len(flagged) == 1 and "has 31 words" in flagged[0]


@pytest.mark.django_db
def test_heading_that_skips_a_level_is_flagged():
    page = PageFactory(meta_description="Fine.")
    BlockFactory(page=page, kind=Block.Kind.HEADING, heading_level=3, heading="Too deep", text="")
    assert any("“Too deep” is an H3 but follows an H1" in m for m in findings_for(page))


@pytest.mark.django_db
def test_image_without_alt_text_is_flagged():
    page = PageFactory(meta_description="Fine.")
    # Bypasses the form and the admin, as an import might: the check still catches it.
    image = Image(title="Old import", file="images/old.jpg", alt_text="", decorative=True)
    image.save()
    Image.objects.filter(pk=image.pk).update(decorative=False, alt_text=" ")
    page.hero_image = Image.objects.get(pk=image.pk)
    assert any("main image has no alt text" in m for m in findings_for(page))


def test_reading_ease_is_reported_per_page():
    easy = reading_ease("The cat sat on the mat. It was warm.")
    hard = reading_ease(
        "Pharmacological modulation of N-methyl-D-aspartate receptor-mediated nociceptive "
        "transmission demonstrates considerable interindividual heterogeneity."
    )
    assert easy > 80 > 20 > hard


def test_saving_a_page_stores_its_reading_ease(fibromyalgia):
    blocks = list(fibromyalgia.blocks.all())
    score = page_reading_ease_store(page=fibromyalgia, blocks=blocks)
    assert 0 < score < 100
    assert Page.objects.get(pk=fibromyalgia.pk).reading_ease == score
    messages = messages_of(page_findings(fibromyalgia, blocks, score=score))
    assert [m for m in messages if m.startswith("Reading ease (Flesch)")] == [
        f"Reading ease (Flesch): {score}. 60 or more reads as plain English; below 50 is "
        "hard going for many patients."
    ]


def test_checks_are_warnings_after_save_and_never_block_it(editor_client, fibromyalgia):
    data = form_data(editor_client.get(change_url(fibromyalgia)), "page_form")
    data["meta_description"] = ""
    response = editor_client.post(change_url(fibromyalgia), {**data, **PUBLISH})
    assert response.status_code == 302
    notes = [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]
    assert any(
        level == "warning" and "summary for search results is empty" in note
        for level, note in notes
    )
    assert any(n.startswith("Reading ease") for _, n in notes)
    assert Page.objects.get(pk=fibromyalgia.pk).meta_description == ""


def test_change_form_has_a_checks_panel(editor_client, fibromyalgia):
    response = editor_client.get(change_url(fibromyalgia))
    assert 'class="editor-checks"' in response.text
    assert "Reading ease (Flesch)" in response.text


def test_page_list_shows_the_reading_ease_kept_at_the_last_save(editor_client, fibromyalgia):
    page_reading_ease_store(page=fibromyalgia, blocks=list(fibromyalgia.blocks.all()))
    response = editor_client.get(reverse("admin:pages_page_changelist"))
    cells = BeautifulSoup(response.content, "html.parser").select("td.field-reading_ease")
    score = Page.objects.get(pk=fibromyalgia.pk).reading_ease
    assert str(score) in [cell.get_text() for cell in cells]
