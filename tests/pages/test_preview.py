import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.test import Client
from django.urls import reverse

from pages.models import Block, Page
from tests.admin_forms import block_prefix, change_url, form_data

from .conftest import FIBROMYALGIA_URL


def preview_url(page):
    return reverse("admin:pages_page_preview_change", args=[page.pk])


def edited_form(client, page, **changes):
    data = form_data(client.get(change_url(page)), "page_form")
    data.update(changes)
    return data


def test_change_form_offers_a_preview_button_that_posts_the_form(editor_client, fibromyalgia):
    response = editor_client.get(change_url(fibromyalgia))
    button = BeautifulSoup(response.content, "html.parser").find(
        "input", attrs={"name": "_preview"}
    )
    assert button["formaction"] == preview_url(fibromyalgia)
    assert button["formtarget"] == "_blank"


def test_preview_shows_an_unsaved_change_without_saving_it(editor_client, client, fibromyalgia):
    data = edited_form(editor_client, fibromyalgia, title="A heading not saved yet")
    block = fibromyalgia.blocks.get(heading="Understanding Fibromyalgia")
    prefix = block_prefix(data, block)
    data[f"{prefix}-heading"] = "An unsaved section heading"
    data[f"{prefix}-anchor"] = ""

    response = editor_client.post(preview_url(fibromyalgia), data)

    assert response.status_code == 200
    html = BeautifulSoup(response.content, "html.parser")
    assert html.h1.get_text() == "A heading not saved yet"
    assert "An unsaved section heading" in html.get_text()
    assert "These changes are not saved" in html.select_one("[role=status]").get_text()
    assert html.find("meta", attrs={"name": "robots"})["content"] == "noindex, nofollow"
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]
    # nothing was written
    assert Page.objects.get(pk=fibromyalgia.pk).title == "Ketamine Therapy for Fibromyalgia"
    assert Block.objects.get(pk=block.pk).heading == "Understanding Fibromyalgia"
    assert "A heading not saved yet" not in client.get(FIBROMYALGIA_URL).text


def test_preview_leaves_out_blocks_marked_for_deletion(editor_client, fibromyalgia):
    data = edited_form(editor_client, fibromyalgia)
    block = fibromyalgia.blocks.get(heading="Understanding Fibromyalgia")
    prefix = block_prefix(data, block)
    data[f"{prefix}-DELETE"] = "on"
    response = editor_client.post(preview_url(fibromyalgia), data)
    assert "Understanding Fibromyalgia" not in response.text
    assert Block.objects.filter(pk=block.pk).exists()


def test_preview_of_an_invalid_change_lists_the_problems(editor_client, fibromyalgia):
    data = edited_form(
        editor_client,
        fibromyalgia,
        publish_at_0="2030-03-02",
        publish_at_1="09:00",
        expire_at_0="2030-03-01",
        expire_at_1="09:00",
    )
    response = editor_client.post(preview_url(fibromyalgia), data)
    assert response.status_code == 200
    assert "cannot be previewed" in response.text
    assert "unpublished before it is published" in response.text


def test_preview_of_a_new_page(editor_client, clinic_content):
    data = form_data(editor_client.get(reverse("admin:pages_page_add")), "page_form")
    conditions = Page.objects.get(url_path="/conditions/")
    data.update({"title": "Migraine", "slug": "migraine", "parent": str(conditions.pk)})
    response = editor_client.post(reverse("admin:pages_page_preview_add"), data)
    assert response.status_code == 200
    assert BeautifulSoup(response.content, "html.parser").h1.get_text() == "Migraine"
    assert not Page.objects.filter(slug="migraine").exists()


def test_preview_is_closed_to_the_public_and_to_get(editor_client, fibromyalgia):
    response = Client().post(preview_url(fibromyalgia), {"title": "x"})
    assert response.status_code == 302 and "login" in response["Location"]
    assert editor_client.get(preview_url(fibromyalgia)).status_code == 405


def test_preview_needs_permission_to_change_pages(
    client, otp_login, django_user_model, fibromyalgia
):
    otp_login(
        client,
        django_user_model.objects.create_user(
            username="desk", password="x-long-pass", is_staff=True
        ),
    )
    assert client.post(preview_url(fibromyalgia), {"title": "x"}).status_code == 403


# --- The saved page's preview (/preview/<pk>/) must not lead anyone to the admin ------------


def saved_preview_url(pk):
    return reverse("pages:preview", args=[pk])


def assert_no_way_to_the_admin(response):
    assert response.status_code == 404
    assert "Location" not in response
    assert f"/{settings.ADMIN_URL}" not in response.text
    assert "login" not in response.text.lower()


@pytest.mark.parametrize("pk_exists", [True, False])
def test_saved_preview_answers_anonymous_visitors_404_without_naming_the_admin(
    client, fibromyalgia, pk_exists
):
    assert_no_way_to_the_admin(client.get(saved_preview_url(fibromyalgia.pk if pk_exists else 999)))


def test_saved_preview_answers_a_signed_in_non_staff_account_404(
    client, django_user_model, fibromyalgia
):
    client.force_login(django_user_model.objects.create_user(username="patient", password="x"))
    assert_no_way_to_the_admin(client.get(saved_preview_url(fibromyalgia.pk)))


def test_saved_preview_answers_staff_without_the_second_factor_404(
    client, content_editor, fibromyalgia
):
    client.force_login(content_editor)  # password only: the admin would not count this session
    assert_no_way_to_the_admin(client.get(saved_preview_url(fibromyalgia.pk)))


def test_saved_preview_is_forbidden_to_staff_without_permission_to_view_pages(
    client, otp_login, make_staff, fibromyalgia
):
    otp_login(client, make_staff("desk"))
    assert client.get(saved_preview_url(fibromyalgia.pk)).status_code == 403


def test_saved_preview_opens_to_a_content_editor(editor_client, fibromyalgia):
    response = editor_client.get(saved_preview_url(fibromyalgia.pk))
    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex, nofollow"
