import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.contrib.redirects.models import Redirect
from django.core.exceptions import ValidationError
from django.urls import reverse

from pages import revisions
from pages.models import Page
from pages.redirects import is_site_relative
from tests.admin_forms import PUBLISH, change_url, form_data

from .conftest import FIBROMYALGIA_URL
from .factories import PageFactory


def redirects():
    return dict(Redirect.objects.values_list("old_path", "new_path"))


def test_renaming_a_published_page_redirects_its_old_address(editor_client, client, fibromyalgia):
    data = form_data(editor_client.get(change_url(fibromyalgia)), "page_form")
    data["slug"] = "fibromyalgia-pain"
    assert editor_client.post(change_url(fibromyalgia), {**data, **PUBLISH}).status_code == 302

    response = client.get(FIBROMYALGIA_URL)
    assert response.status_code == 301
    assert response["Location"] == "/conditions/fibromyalgia-pain/"
    assert client.get("/conditions/fibromyalgia-pain/").status_code == 200


def test_moving_a_parent_redirects_every_descendant(clinic_content, client):
    conditions = Page.objects.get(url_path="/conditions/")
    conditions.slug = "treatments"
    conditions.save()
    assert redirects() == {
        "/conditions/": "/treatments/",
        FIBROMYALGIA_URL: "/treatments/fibromyalgia/",
    }
    assert client.get(FIBROMYALGIA_URL)["Location"] == "/treatments/fibromyalgia/"


@pytest.mark.django_db
def test_renaming_a_draft_makes_no_redirect():
    draft = PageFactory(slug="draft", status=Page.Status.DRAFT)
    draft.slug = "renamed"
    draft.save()
    assert redirects() == {}


@pytest.mark.django_db
def test_successive_renames_redirect_straight_to_the_latest_address():
    page = PageFactory(slug="a")
    for slug in ["b", "c"]:
        page.slug = slug
        page.save()
    assert redirects() == {"/a/": "/c/", "/b/": "/c/"}


@pytest.mark.django_db
def test_renaming_back_drops_the_redirect_away_from_the_address(client):
    page = PageFactory(slug="a")
    page.slug = "b"
    page.save()
    page.slug = "a"
    page.save()
    assert redirects() == {"/b/": "/a/"}
    assert client.get("/a/").status_code == 200


def test_live_page_wins_over_a_stale_redirect(clinic_content, client):
    Redirect.objects.create(site_id=1, old_path="/about/", new_path="/privacy/")
    assert client.get("/about/").status_code == 200


def redirect_form(client, **values):
    response = client.post(reverse("admin:redirects_redirect_add"), {"site": "1", **values})
    return response, BeautifulSoup(response.content, "html.parser")


def test_admin_refuses_a_redirect_loop_beside_the_field(editor_client, db):
    Redirect.objects.create(site_id=1, old_path="/b/", new_path="/c/")
    Redirect.objects.create(site_id=1, old_path="/c/", new_path="/a/")
    response, html = redirect_form(editor_client, old_path="/a/", new_path="/b/")
    assert response.status_code == 200
    error = html.select_one(".field-new_path .errorlist").get_text()
    assert "loop: /a/ → /b/ → /c/ → /a/" in error
    assert html.find("input", attrs={"name": "old_path"})["value"] == "/a/"
    assert not Redirect.objects.filter(old_path="/a/").exists()


def test_admin_refuses_a_redirect_to_itself(editor_client, db):
    response, html = redirect_form(editor_client, old_path="/a/", new_path="/a/")
    assert "loop" in html.select_one(".field-new_path .errorlist").get_text()


def test_admin_accepts_a_plain_redirect(editor_client, client, clinic_content):
    response, _ = redirect_form(
        editor_client, old_path="/old-pain-page/", new_path=FIBROMYALGIA_URL
    )
    assert response.status_code == 302
    assert client.get("/old-pain-page/")["Location"] == FIBROMYALGIA_URL


def test_content_editors_may_edit_redirects(db):
    codenames = set(
        Group.objects.get(name="Content editor").permissions.values_list("codename", flat=True)
    )
    assert {"add_redirect", "change_redirect", "delete_redirect"} <= codenames


def test_restoring_an_old_address_moves_sub_pages_and_redirects(
    editor_client, client, clinic_content
):
    conditions = Page.objects.get(url_path="/conditions/")
    data = form_data(editor_client.get(change_url(conditions)), "page_form")
    data["slug"] = "treatments"
    assert editor_client.post(change_url(conditions), {**data, **PUBLISH}).status_code == 302
    assert Page.objects.get(slug="fibromyalgia").url_path == "/treatments/fibromyalgia/"

    original = list(revisions.page_versions(conditions.pk))[-1]
    url = reverse("admin:pages_page_revision", args=[conditions.pk, original.pk])
    assert (
        editor_client.post(url, form_data(editor_client.get(url), "page_form")).status_code == 302
    )

    assert Page.objects.get(slug="fibromyalgia").url_path == FIBROMYALGIA_URL
    assert client.get(FIBROMYALGIA_URL).status_code == 200
    assert client.get("/treatments/fibromyalgia/")["Location"] == FIBROMYALGIA_URL
    assert client.get("/treatments/")["Location"] == "/conditions/"


# --- Redirects never lead off this site (issue 21, point 6) ----------------------------------

OFF_SITE_TARGETS = [
    "https://evil.example/",
    "http://evil.example",
    "//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "/\t/evil.example/",
    "/\n/evil.example/",
    "javascript:alert(1)",
    "evil.example/",
]


@pytest.mark.parametrize("target", OFF_SITE_TARGETS)
def test_admin_refuses_a_redirect_off_the_site_beside_the_field(editor_client, db, target):
    response, html = redirect_form(
        editor_client, old_path="/consultation/booking/x/", new_path=target
    )
    assert response.status_code == 200
    error = html.select_one(".field-new_path .errorlist").get_text()
    assert "only to an address on this website" in error
    assert not Redirect.objects.filter(old_path="/consultation/booking/x/").exists()


@pytest.mark.parametrize("target", OFF_SITE_TARGETS)
def test_saving_a_redirect_off_the_site_is_refused_outside_the_admin_too(db, target):
    with pytest.raises(ValidationError) as refused:
        Redirect.objects.create(site_id=1, old_path="/x/", new_path=target)
    assert refused.value.code == "redirect_off_site"
    assert not Redirect.objects.exists()


@pytest.mark.parametrize("target", OFF_SITE_TARGETS)
def test_an_off_site_redirect_already_in_the_database_is_never_followed(db, client, target):
    # A row from before the rule, written past every check.
    Redirect.objects.bulk_create([Redirect(site_id=1, old_path="/old/", new_path=target)])
    response = client.get("/old/")
    assert response.status_code == 404
    assert "Location" not in response


@pytest.mark.parametrize("target", ["/conditions/fibromyalgia/", "/search/?q=pain", ""])
def test_site_addresses_and_gone_stay_allowed(target):
    assert is_site_relative(target)
