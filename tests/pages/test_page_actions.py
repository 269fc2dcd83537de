"""Unpublishing asks first; bulk publish and unpublish; copying a page; who may do them."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from pages.models import Block, Page, PageDraft
from pages.selectors import pages_linking_to
from tests.admin_forms import change_url, form_data

from .factories import BlockFactory, PageFactory

CHANGELIST = "admin:pages_page_changelist"


@pytest.fixture
def conditions(db):
    """A published page in the main menu and the footer, with a sub-page, linked to from
    another page's text (and, wrongly, only seemingly from a sub-page link)."""
    home = PageFactory(title="Home", slug="")
    page = PageFactory(title="Conditions", slug="conditions", parent=home, show_in_menu=True)
    PageFactory(title="Fibromyalgia", slug="fibromyalgia", parent=page)
    linking = PageFactory(title="About ketamine", slug="about", parent=home)
    BlockFactory(page=linking, text="Read about the /conditions/ we treat.")
    sub_only = PageFactory(title="Pain", slug="pain", parent=home)
    BlockFactory(page=sub_only, text="See /conditions/fibromyalgia/ for more.")
    return page


def unpublish_url(page):
    return reverse("admin:pages_page_unpublish", args=[page.pk])


def test_pages_linking_to_names_menus_children_and_pages_linking_in_their_text(conditions):
    links = pages_linking_to(conditions)

    assert links.menus == ["Main menu", "Footer links (pages under the home page)"]
    assert [child.title for child in links.children] == ["Fibromyalgia"]
    assert [page.title for page in links.linking_pages] == ["About ketamine"]


def test_pages_linking_to_names_pages_linking_by_a_stored_link_or_a_call_to_action(conditions):
    home = Page.objects.get(url_path="/", language="en")
    in_text = PageFactory(title="Treatments", slug="treatments", parent=home)
    BlockFactory(page=in_text, text=f"See [what we treat](page:{conditions.pk}).")
    button = PageFactory(title="Costs", slug="costs", parent=home)
    BlockFactory(
        page=button,
        kind=Block.Kind.CALL_TO_ACTION,
        text="",
        button_label="What we treat",
        button_target=Block.Target.PAGE,
        button_page=conditions,
    )

    titles = [page.title for page in pages_linking_to(conditions).linking_pages]

    assert titles == ["About ketamine", "Costs", "Treatments"]


def test_unpublish_asks_first_naming_the_menus_and_pages_that_link_to_it(conditions, editor_client):
    response = editor_client.get(unpublish_url(conditions))

    assert response.status_code == 200
    html = BeautifulSoup(response.content, "html.parser")
    box = html.select_one(f"#unpublish-{conditions.pk}")
    assert "Main menu" in box.select_one(".unpublish-menus").get_text()
    assert "Fibromyalgia" in box.select_one(".unpublish-children").get_text()
    assert "About ketamine" in box.select_one(".unpublish-linking").get_text()
    assert Page.objects.get(pk=conditions.pk).is_published

    editor_client.post(unpublish_url(conditions))  # not confirmed
    assert Page.objects.get(pk=conditions.pk).is_published

    editor_client.post(unpublish_url(conditions), {"post": "yes"})
    assert not Page.objects.get(pk=conditions.pk).is_published
    assert Client().get("/conditions/").status_code == 404


def test_choosing_draft_as_a_live_pages_status_goes_through_the_confirmation(
    conditions, editor_client
):
    data = form_data(editor_client.get(change_url(conditions)), "page_form")
    data["status"] = Page.Status.DRAFT

    response = editor_client.post(change_url(conditions), data)

    assert response.status_code == 302
    assert response["Location"] == unpublish_url(conditions)
    assert Page.objects.get(pk=conditions.pk).is_published


def test_unpublishing_a_page_with_a_pending_draft_makes_the_draft_its_content(
    conditions, editor_client
):
    data = form_data(editor_client.get(change_url(conditions)), "page_form")
    data["title"] = "Conditions we treat"
    editor_client.post(change_url(conditions), data)

    editor_client.post(unpublish_url(conditions), {"post": "yes"})

    page = Page.objects.get(pk=conditions.pk)
    assert (page.status, page.title) == (Page.Status.DRAFT, "Conditions we treat")
    assert not PageDraft.objects.filter(page=page).exists()


def test_bulk_unpublish_asks_first_then_unpublishes_the_selected_pages(conditions, editor_client):
    other = PageFactory(title="Insurance", slug="insurance")
    selected = {"action": "unpublish_selected", ACTION_CHECKBOX_NAME: [conditions.pk, other.pk]}

    response = editor_client.post(reverse(CHANGELIST), selected)

    assert response.status_code == 200
    assert "Main menu" in response.text and "Insurance" in response.text
    assert Page.objects.filter(pk__in=[conditions.pk, other.pk], status="published").count() == 2

    editor_client.post(reverse(CHANGELIST), {**selected, "post": "yes"})

    assert not Page.objects.filter(pk__in=[conditions.pk, other.pk], status="published").exists()


def test_bulk_publish_publishes_draft_pages_and_pending_changes(db, editor_client):
    draft_page = PageFactory(title="New treatment", slug="new", status=Page.Status.DRAFT)
    live = PageFactory(title="Insurance", slug="insurance")
    data = form_data(editor_client.get(change_url(live)), "page_form")
    data["title"] = "Insurance and payment"
    editor_client.post(change_url(live), data)

    editor_client.post(
        reverse(CHANGELIST),
        {"action": "publish_selected", ACTION_CHECKBOX_NAME: [draft_page.pk, live.pk]},
    )

    assert Page.objects.get(pk=draft_page.pk).is_live
    assert Page.objects.get(pk=live.pk).title == "Insurance and payment"


def test_bulk_publish_refuses_a_page_breaking_the_medical_review_rules(db, editor_client):
    import datetime

    unreviewed = PageFactory(
        title="Depression",
        slug="depression",
        status=Page.Status.DRAFT,
        last_reviewed_on=datetime.date(2026, 1, 5),  # a review date without its reviewer
    )

    response = editor_client.post(
        reverse(CHANGELIST),
        {"action": "publish_selected", ACTION_CHECKBOX_NAME: [unreviewed.pk]},
        follow=True,
    )

    assert not Page.objects.get(pk=unreviewed.pk).is_published
    assert "was not published" in response.text


def test_copying_a_page_makes_a_draft_copy_with_its_blocks_and_opens_it(conditions, editor_client):
    BlockFactory(page=conditions, position=1, text="We treat chronic pain.")
    BlockFactory(
        page=conditions,
        position=2,
        kind=Block.Kind.HEADING,
        heading="How it works",
        heading_level=2,
        text="",
    )
    copy_url = reverse("admin:pages_page_copy", args=[conditions.pk])
    assert editor_client.get(copy_url).status_code == 200  # asked first

    response = editor_client.post(copy_url, {"post": "yes"})

    copy = Page.objects.get(title="Conditions (copy)")
    assert response["Location"] == change_url(copy)
    assert (copy.slug, copy.parent_id) == ("conditions-copy", conditions.parent_id)
    assert (copy.status, copy.show_in_menu, copy.first_published_at) == ("draft", False, None)
    assert list(copy.blocks.values_list("kind", "text", "heading")) == list(
        conditions.blocks.values_list("kind", "text", "heading")
    )
    assert conditions.blocks.count() == 2
    assert Version.objects.get_for_object(copy).first().revision.comment.startswith("Copied from")
    editor_client.post(copy_url, {"post": "yes"})
    assert Page.objects.filter(slug="conditions-copy-2").exists()


@pytest.mark.parametrize(
    ("url_name", "data"),
    [
        ("admin:pages_page_unpublish", {"post": "yes"}),
        ("admin:pages_page_copy", {"post": "yes"}),
        ("admin:pages_page_draft_publish", {}),
        ("admin:pages_page_draft_discard", {}),
    ],
)
def test_only_content_editors_may_publish_unpublish_discard_and_copy(
    conditions, make_staff, otp_login, editor_client, url_name, data
):
    coordinator = otp_login(Client(), make_staff("coordinator", "Intake coordinator"))
    url = reverse(url_name, args=[conditions.pk])

    assert coordinator.post(url, data).status_code == 403
    actions = {"action": "publish_selected", ACTION_CHECKBOX_NAME: [conditions.pk]}
    assert coordinator.post(reverse(CHANGELIST), actions).status_code == 403
    assert Page.objects.get(pk=conditions.pk).is_published
    assert not Page.objects.filter(title__endswith="(copy)").exists()

    assert editor_client.post(url, data).status_code == 302
