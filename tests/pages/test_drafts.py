"""Drafts of published pages: the public keeps the live version until the changes go live."""

from datetime import timedelta
from io import StringIO

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from outbox.signals import worker_pass_starting
from pages import drafts, services
from pages.models import Block, Page, PageDraft
from tests.admin_forms import PUBLISH, block_prefix, change_url, form_data

from .factories import BlockFactory, PageFactory

LIVE_TEXT = "Ketamine is given in a calm room, with a nurse beside you."
DRAFT_TEXT = "Every infusion is supervised by a physician from start to finish."


@pytest.fixture
def live_page(db):
    page = PageFactory(title="Ketamine infusions", slug="infusions")
    BlockFactory(page=page, position=1, text=LIVE_TEXT)
    return page


def _draft_edit(client, page, *, text=DRAFT_TEXT, **changes):
    """Post the page's change form as an editor would, with the first paragraph rewritten."""
    data = form_data(client.get(change_url(page)), "page_form")
    paragraph = page.blocks.get(kind=Block.Kind.PARAGRAPH)
    data[f"{block_prefix(data, paragraph)}-text"] = text
    data.update(changes)
    return client.post(change_url(page), data)


def services_snapshot(page):
    return drafts.snapshot(page, list(page.blocks.in_reading_order()))


def test_saving_a_published_page_keeps_the_live_text_for_visitors_until_publish(
    live_page, editor_client, client, page_cache
):
    assert LIVE_TEXT in client.get("/infusions/").text  # now held in the page cache

    assert _draft_edit(editor_client, live_page).status_code == 302

    assert Block.objects.get(page=live_page).text == LIVE_TEXT
    assert PageDraft.objects.filter(page=live_page).exists()
    public = client.get("/infusions/").text
    assert LIVE_TEXT in public and DRAFT_TEXT not in public

    publish = reverse("admin:pages_page_draft_publish", args=[live_page.pk])
    assert editor_client.post(publish).status_code == 302

    public = client.get("/infusions/").text
    assert DRAFT_TEXT in public and LIVE_TEXT not in public
    assert not PageDraft.objects.filter(page=live_page).exists()


def test_a_page_with_a_pending_draft_is_read_by_the_public_within_budget(
    live_page, client, django_assert_max_num_queries
):
    page_copy = Page.objects.get(pk=live_page.pk)
    blocks = drafts.apply_to_page(page_copy, services_snapshot(live_page))
    blocks[0].text = DRAFT_TEXT
    services.page_draft_save(page=live_page, content=drafts.snapshot(page_copy, blocks))

    client.get("/infusions/")  # the first visit ever creates the site settings
    with django_assert_max_num_queries(4):
        response = client.get("/infusions/")
    assert LIVE_TEXT in response.text


def test_editor_sees_the_draft_in_the_form_and_what_differs_from_the_live_version(
    live_page, editor_client
):
    _draft_edit(editor_client, live_page, title="Ketamine infusions, step by step")

    html = BeautifulSoup(editor_client.get(change_url(live_page)).content, "html.parser")

    notice = html.select_one("#page-draft")
    assert "The live version differs from this draft" in notice.get_text()
    assert [d.get_text() for d in notice.select("#diff-body del")] == [LIVE_TEXT]
    assert [i.get_text() for i in notice.select("#diff-body ins")] == [DRAFT_TEXT]
    assert "Ketamine infusions, step by step" in notice.select_one("#diff-fields").get_text()
    assert html.select_one("input[name=title]")["value"] == "Ketamine infusions, step by step"
    assert DRAFT_TEXT in html.select_one("textarea[name$='-text']").get_text()
    assert Page.objects.get(pk=live_page.pk).title == "Ketamine infusions"


def test_editing_the_draft_again_keeps_the_live_version(live_page, editor_client):
    _draft_edit(editor_client, live_page)
    _draft_edit(editor_client, live_page, text="A third wording.")

    assert Block.objects.get(page=live_page).text == LIVE_TEXT
    assert PageDraft.objects.get(page=live_page).content["blocks"][0]["text"] == "A third wording."


def test_publishing_applies_the_draft_and_records_a_revision(live_page, editor_client):
    _draft_edit(editor_client, live_page, title="Ketamine infusions, step by step")
    publish = reverse("admin:pages_page_draft_publish", args=[live_page.pk])

    editor_client.post(publish)

    page = Page.objects.get(pk=live_page.pk)
    assert page.title == "Ketamine infusions, step by step"
    assert Block.objects.get(page=page).text == DRAFT_TEXT
    newest = Version.objects.get_for_object(page).first()
    assert newest.revision.comment == services.PUBLISHED_CHANGES_COMMENT
    assert newest.revision.user.username == "editor"


def test_save_and_publish_makes_the_edit_live_at_once(live_page, editor_client):
    _draft_edit(editor_client, live_page, _publish="Save and publish")

    assert Block.objects.get(page=live_page).text == DRAFT_TEXT
    assert not PageDraft.objects.filter(page=live_page).exists()


def test_discarding_the_draft_restores_the_editors_form_to_the_live_version(
    live_page, editor_client
):
    _draft_edit(editor_client, live_page)
    discard = reverse("admin:pages_page_draft_discard", args=[live_page.pk])

    assert editor_client.post(discard).status_code == 302

    html = BeautifulSoup(editor_client.get(change_url(live_page)).content, "html.parser")
    assert html.select_one("#page-draft") is None
    assert LIVE_TEXT in html.select_one("textarea[name$='-text']").get_text()
    assert not PageDraft.objects.filter(page=live_page).exists()
    newest = Version.objects.get_for_object(live_page).first()
    assert newest.revision.comment == services.DISCARDED_COMMENT


def test_a_block_added_in_a_draft_stays_in_the_form_and_goes_live_on_publish(
    live_page, editor_client
):
    data = form_data(editor_client.get(change_url(live_page)), "page_form")
    data.update(
        {
            "blocks-TOTAL_FORMS": "2",
            "blocks-1-kind": Block.Kind.PARAGRAPH,
            "blocks-1-text": "A block written in the draft.",
            "blocks-1-position": "2",
            "blocks-1-page": str(live_page.pk),
        }
    )
    assert editor_client.post(change_url(live_page), data).status_code == 302
    assert live_page.blocks.count() == 1

    reopened = form_data(editor_client.get(change_url(live_page)), "page_form")
    assert "A block written in the draft." in [value.strip() for value in reopened.values()]
    assert editor_client.post(change_url(live_page), reopened).status_code == 302
    services.page_draft_publish(page=live_page)

    assert list(live_page.blocks.values_list("text", flat=True)) == [
        LIVE_TEXT,
        "A block written in the draft.",
    ]


def test_scheduled_changes_go_live_when_due_on_the_workers_next_pass(live_page, editor_client):
    later = timezone.localtime() + timedelta(hours=2)
    _draft_edit(
        editor_client,
        live_page,
        changes_publish_at_0=later.strftime("%Y-%m-%d"),
        changes_publish_at_1=later.strftime("%H:%M:%S"),
    )
    assert PageDraft.objects.get(page=live_page).publish_at is not None

    worker_pass_starting.send(sender=None)
    assert Block.objects.get(page=live_page).text == LIVE_TEXT, "not due yet"

    PageDraft.objects.filter(page=live_page).update(
        publish_at=timezone.now() - timedelta(seconds=1)
    )
    worker_pass_starting.send(sender=None)

    assert Block.objects.get(page=live_page).text == DRAFT_TEXT
    assert not PageDraft.objects.filter(page=live_page).exists()


def test_publishing_refuses_a_draft_that_breaks_the_medical_review_rules(live_page):
    page = Page.objects.get(pk=live_page.pk)
    content = services_snapshot(page)
    content["page"]["last_reviewed_on"] = timezone.localdate().isoformat()  # no reviewer named
    services.page_draft_save(page=page, content=content)

    with pytest.raises(ValidationError):
        services.page_draft_publish(page=page)

    assert Page.objects.get(pk=page.pk).last_reviewed_on is None
    assert PageDraft.objects.filter(page=page).exists()


def test_a_second_editor_saving_over_a_newer_draft_is_refused(
    live_page, editor_client, make_staff, otp_login
):
    from django.test import Client

    other = otp_login(Client(), make_staff("editor2", "Content editor"))
    opened = form_data(other.get(change_url(live_page)), "page_form")
    _draft_edit(editor_client, live_page)

    opened["title"] = "The second editor's title"
    response = other.post(change_url(live_page), opened)

    assert response.status_code == 200
    assert "saved by editor after you opened it" in response.text
    assert PageDraft.objects.get(page=live_page).content["page"]["title"] == "Ketamine infusions"


def test_save_and_publish_of_a_form_showing_the_draft_makes_all_of_it_live(
    live_page, editor_client
):
    second = BlockFactory(page=live_page, position=2, text="A paragraph the draft removes.")
    data = form_data(editor_client.get(change_url(live_page)), "page_form")
    data[f"{block_prefix(data, second)}-DELETE"] = "on"
    data.update(
        {
            "blocks-TOTAL_FORMS": "3",
            "blocks-2-kind": Block.Kind.PARAGRAPH,
            "blocks-2-text": "A block written in the draft.",
            "blocks-2-position": "3",
        }
    )
    editor_client.post(change_url(live_page), data)
    assert live_page.blocks.count() == 2, "still the live blocks"

    reopened = form_data(editor_client.get(change_url(live_page)), "page_form")
    editor_client.post(change_url(live_page), {**reopened, **PUBLISH})

    assert list(live_page.blocks.values_list("text", flat=True)) == [
        LIVE_TEXT,
        "A block written in the draft.",
    ]
    assert not PageDraft.objects.filter(page=live_page).exists()


def test_a_scheduled_draft_breaking_a_rule_stays_a_draft_and_others_still_go_live(live_page):
    other = PageFactory(title="Insurance", slug="insurance")
    due = timezone.now() - timedelta(minutes=1)
    broken = services_snapshot(live_page)
    broken["page"]["last_reviewed_on"] = timezone.localdate().isoformat()  # no reviewer named
    services.page_draft_save(page=live_page, content=broken, publish_at=due)
    renamed = services_snapshot(other)
    renamed["page"]["title"] = "Insurance and payment"
    services.page_draft_save(page=other, content=renamed, publish_at=due)

    published = services.page_drafts_publish_due()

    assert [page.pk for page in published] == [other.pk]
    assert Page.objects.get(pk=other.pk).title == "Insurance and payment"
    assert PageDraft.objects.filter(page=live_page).exists()


def test_publish_scheduled_changes_command_publishes_due_drafts(live_page):
    content = services_snapshot(live_page)
    content["page"]["title"] = "Ketamine infusions, step by step"
    services.page_draft_save(
        page=live_page, content=content, publish_at=timezone.now() - timedelta(minutes=1)
    )
    out = StringIO()

    call_command("publish_scheduled_changes", stdout=out)

    assert Page.objects.get(pk=live_page.pk).title == "Ketamine infusions, step by step"
    assert "1 page(s)" in out.getvalue()


def test_a_published_pages_form_offers_save_and_publish_unpublish_and_copy(
    live_page, editor_client
):
    html = BeautifulSoup(editor_client.get(change_url(live_page)).content, "html.parser")

    assert html.select_one("input[name=_publish]")["value"] == "Save and publish"
    links = {a.get_text(): a["href"] for a in html.select(".object-tools a")}
    assert links["Unpublish…"] == reverse("admin:pages_page_unpublish", args=[live_page.pk])
    assert links["Copy…"] == reverse("admin:pages_page_copy", args=[live_page.pk])
