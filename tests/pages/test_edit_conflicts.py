"""Two editors on one page: the second save is refused, not silently written over the first."""

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from pages.models import Block, Page
from pages.services import page_edit_conflict, page_edit_token
from tests.admin_forms import PUBLISH, block_prefix, change_url, form_data

FIRST = "Understanding fibromyalgia, in plain words"
SECOND = "Ketamine is a medication with a long and careful history."


@pytest.fixture
def second_editor(make_staff, otp_login):
    return otp_login(Client(), make_staff("editor2", "Content editor"))


def test_second_save_of_the_same_page_is_refused_and_keeps_their_text(
    editor_client, second_editor, fibromyalgia
):
    heading = fibromyalgia.blocks.get(heading="Understanding Fibromyalgia")
    paragraph = fibromyalgia.blocks.filter(kind=Block.Kind.PARAGRAPH).last()
    first = form_data(editor_client.get(change_url(fibromyalgia)), "page_form")
    second = form_data(second_editor.get(change_url(fibromyalgia)), "page_form")
    first[f"{block_prefix(first, heading)}-heading"] = FIRST
    second[f"{block_prefix(second, paragraph)}-text"] = SECOND

    assert editor_client.post(change_url(fibromyalgia), {**first, **PUBLISH}).status_code == 302
    response = second_editor.post(change_url(fibromyalgia), {**second, **PUBLISH})

    assert response.status_code == 200
    html = BeautifulSoup(response.content, "html.parser")
    assert "saved by editor after you opened it" in html.select_one(
        ".errornote, .errorlist"
    ).get_text(" ") or ("saved by editor after you opened it" in response.text)
    assert (
        html.select_one(f"#{block_prefix(second, paragraph)} textarea[name$='-text']")
        .get_text()
        .strip()
        == SECOND
    )
    conflict = html.select_one("#edit-conflict")
    assert [d.get_text() for d in conflict.select("#diff-body del")] == [
        "[H2] Understanding Fibromyalgia"
    ]
    assert [i.get_text() for i in conflict.select("#diff-body ins")] == [f"[H2] {FIRST}"]
    paragraph.refresh_from_db()
    assert paragraph.text != SECOND, "nothing of the refused save was written"
    assert Block.objects.get(pk=heading.pk).heading == FIRST


def test_saving_again_after_reading_the_other_change_replaces_it(
    editor_client, second_editor, fibromyalgia
):
    first = form_data(editor_client.get(change_url(fibromyalgia)), "page_form")
    second = form_data(second_editor.get(change_url(fibromyalgia)), "page_form")
    first["title"] = "First editor's title"
    second["title"] = "Second editor's title"
    editor_client.post(change_url(fibromyalgia), {**first, **PUBLISH})
    refused = second_editor.post(change_url(fibromyalgia), {**second, **PUBLISH})
    assert refused.status_code == 200

    again = second_editor.post(
        change_url(fibromyalgia), {**form_data(refused, "page_form"), **PUBLISH}
    )

    assert again.status_code == 302
    assert Page.objects.get(pk=fibromyalgia.pk).title == "Second editor's title"


def test_a_page_unchanged_since_its_form_was_opened_has_no_conflict(fibromyalgia):
    token = page_edit_token(fibromyalgia)
    assert page_edit_conflict(page=fibromyalgia, token=token) is None
    fibromyalgia.save()
    conflict = page_edit_conflict(page=fibromyalgia, token=token)
    assert conflict is not None and conflict.diff is None


def test_preview_is_not_refused_for_a_page_changed_since(editor_client, fibromyalgia):
    data = form_data(editor_client.get(change_url(fibromyalgia)), "page_form")
    Page.objects.get(pk=fibromyalgia.pk).save()
    url = reverse("admin:pages_page_preview_change", args=[fibromyalgia.pk])
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "cannot be previewed" not in response.text
