"""A browser sends text areas back with \r\n line endings: an untouched block stays untouched."""

from bs4 import BeautifulSoup
from django.contrib.admin.models import LogEntry

from pages import revisions
from pages.forms import BlockForm
from pages.models import Block
from tests.admin_forms import PUBLISH, block_prefix, change_url, form_data


def as_a_browser_sends_it(response):
    """The form's fields, with every text area's lines ended by \r\n as browsers submit them."""
    data = form_data(response, "page_form")
    html = BeautifulSoup(response.content, "html.parser")
    for textarea in html.select("#page_form textarea"):
        name = textarea.get("name")
        if name in data:
            data[name] = data[name].replace("\r\n", "\n").replace("\n", "\r\n")
    return data


def test_saving_the_unchanged_form_records_no_change_to_any_block(editor_client, fibromyalgia):
    data = as_a_browser_sends_it(editor_client.get(change_url(fibromyalgia)))
    assert any("\r\n" in value for value in data.values()), "the lists post multi-line items"

    response = editor_client.post(change_url(fibromyalgia), {**data, **PUBLISH})

    assert response.status_code == 302, response.content.decode()[:2000]
    entry = LogEntry.objects.filter(object_id=str(fibromyalgia.pk)).latest("action_time")
    assert entry.get_change_message() == "No fields changed."
    new, old = list(revisions.page_versions(fibromyalgia.pk))[:2]
    assert not revisions.revision_diff(old, new).has_changes
    assert not Block.objects.filter(items__contains="\r").exists()


def test_a_changed_list_is_saved_with_plain_line_endings(editor_client, fibromyalgia):
    block = fibromyalgia.blocks.filter(kind=Block.Kind.LIST).first()
    data = as_a_browser_sends_it(editor_client.get(change_url(fibromyalgia)))
    data[f"{block_prefix(data, block)}-items"] = "First item\r\nSecond item\rThird item\r\n"

    response = editor_client.post(change_url(fibromyalgia), {**data, **PUBLISH})

    assert response.status_code == 302
    block.refresh_from_db()
    assert block.items == "First item\nSecond item\nThird item"
    entry = LogEntry.objects.filter(object_id=str(fibromyalgia.pk)).latest("action_time")
    assert entry.get_change_message().count("Changed") == 1


def test_block_form_treats_crlf_as_the_same_text():
    block = Block(kind=Block.Kind.LIST, items="One\nTwo")
    form = BlockForm(data={"kind": "list", "items": "One\r\nTwo", "position": "0"}, instance=block)
    assert "items" not in form.changed_data


def test_migration_rewrites_stored_crlf_once(fibromyalgia):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("pages.migrations.0009_block_line_endings")
    block = fibromyalgia.blocks.filter(kind=Block.Kind.LIST).first()
    Block.objects.filter(pk=block.pk).update(items="One\r\nTwo", text="Intro:\r\n")
    migration.forwards(apps, None)
    block.refresh_from_db()
    assert (block.items, block.text) == ("One\nTwo", "Intro:\n")
