"""Published pages come from the cache for anonymous visitors, and every edit shows at once."""

import time
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from pages.cache import GENERATION_KEY
from pages.models import Block, Page, SiteSettings

from .factories import PageFactory

FIBROMYALGIA_URL = "/conditions/fibromyalgia/"


@pytest.fixture
def shared_cache_reads(monkeypatch):
    """How many times a request asked the shared cache for a page."""
    reads = []
    get_many = cache.get_many

    def counted(keys, *args, **kwargs):
        reads.append(keys)
        return get_many(keys, *args, **kwargs)

    monkeypatch.setattr(cache, "get_many", counted)
    return reads


@pytest.fixture
def fibromyalgia(clinic_content):
    return Page.objects.get(url_path=FIBROMYALGIA_URL)


def test_second_anonymous_visit_is_served_without_a_database_query(
    page_cache, fibromyalgia, client, django_assert_num_queries
):
    first = client.get(FIBROMYALGIA_URL)
    with django_assert_num_queries(0):
        second = client.get(FIBROMYALGIA_URL)
    assert second.status_code == 200
    assert second.content == first.content
    assert "Content-Security-Policy" in second


def test_edited_block_shows_at_once(page_cache, fibromyalgia, client):
    client.get(FIBROMYALGIA_URL)
    client.get(FIBROMYALGIA_URL)  # this process now holds a copy too
    block = fibromyalgia.blocks.filter(kind=Block.Kind.PARAGRAPH).first()
    block.text = "A sentence the editor has just written."
    block.save()
    assert "A sentence the editor has just written." in client.get(FIBROMYALGIA_URL).text


def test_renamed_page_changes_the_menus_of_other_pages_at_once(page_cache, clinic_content, client):
    client.get("/")
    client.get(FIBROMYALGIA_URL)
    conditions = Page.objects.get(url_path="/conditions/")
    conditions.menu_title = "What we treat"
    conditions.save()
    assert "What we treat" in client.get("/").text
    assert "What we treat" in client.get(FIBROMYALGIA_URL).text


def test_site_settings_change_shows_at_once(page_cache, fibromyalgia, client):
    client.get(FIBROMYALGIA_URL)
    site = SiteSettings.get_solo()
    site.phone = "(512) 555-0199"
    site.save()
    assert "(512) 555-0199" in client.get(FIBROMYALGIA_URL).text


def test_unpublished_and_deleted_pages_disappear_at_once(page_cache, clinic_content, client):
    page = PageFactory(parent=Page.objects.get(url_path="/", language="en"), slug="news")
    assert client.get("/news/").status_code == 200
    page.status = Page.Status.DRAFT
    page.save()
    assert client.get("/news/").status_code == 404
    page.status = Page.Status.PUBLISHED
    page.save()
    assert client.get("/news/").status_code == 200
    page.delete()
    assert client.get("/news/").status_code == 404


def test_a_process_reuses_a_page_the_shared_cache_confirmed_without_asking_again(
    page_cache, fibromyalgia, client, shared_cache_reads
):
    rendered = client.get(FIBROMYALGIA_URL)
    confirmed = client.get(FIBROMYALGIA_URL)
    reused = client.get(FIBROMYALGIA_URL)
    assert len(shared_cache_reads) == 2
    assert reused.content == confirmed.content == rendered.content
    assert reused is not confirmed  # each visitor gets a response of their own


def test_an_edit_saved_by_another_process_reaches_this_one_within_the_local_seconds(
    page_cache, fibromyalgia, client, settings
):
    settings.PAGE_CACHE_LOCAL_SECONDS = 0.3
    client.get(FIBROMYALGIA_URL)
    client.get(FIBROMYALGIA_URL)  # confirmed by the shared cache: this process keeps a copy
    # What another process's save does here: the text changes and the generation moves on.
    Block.objects.filter(page=fibromyalgia, kind=Block.Kind.PARAGRAPH).update(text="Edited")
    cache.incr(GENERATION_KEY)
    assert "Edited" not in client.get(FIBROMYALGIA_URL).text
    time.sleep(0.4)
    assert "Edited" in client.get(FIBROMYALGIA_URL).text


def test_every_visit_asks_the_shared_cache_when_local_seconds_are_zero(
    page_cache, fibromyalgia, client, settings, shared_cache_reads
):
    settings.PAGE_CACHE_LOCAL_SECONDS = 0
    for _visit in range(3):
        client.get(FIBROMYALGIA_URL)
    assert len(shared_cache_reads) == 3


def test_cached_copy_never_outlives_a_scheduled_unpublish(
    page_cache, clinic_content, client, settings
):
    settings.PAGE_CACHE_LOCAL_SECONDS = 300  # a process's own copy must not outlive it either
    page = PageFactory(
        parent=Page.objects.get(url_path="/", language="en"),
        slug="offer",
        expire_at=timezone.now() + timedelta(seconds=2),
    )
    assert client.get("/offer/").status_code == 200
    assert client.get("/offer/").status_code == 200  # from the shared cache
    assert client.get("/offer/").status_code == 200  # from this process's copy
    time.sleep((page.expire_at - timezone.now()).total_seconds() + 0.5)
    assert client.get("/offer/").status_code == 404


def test_signed_in_staff_always_get_a_fresh_page(page_cache, fibromyalgia, client, admin_client):
    client.get(FIBROMYALGIA_URL)
    Block.objects.filter(page=fibromyalgia, kind=Block.Kind.PARAGRAPH).update(
        text="Changed without a signal"
    )
    assert "Changed without a signal" in admin_client.get(FIBROMYALGIA_URL).text
    assert "Changed without a signal" not in client.get(FIBROMYALGIA_URL).text


def test_a_visitor_with_a_session_gets_a_fresh_page(page_cache, fibromyalgia, client, settings):
    """A patient who has sent the form, say, has a session; their pages are rendered for them."""
    client.get(FIBROMYALGIA_URL)
    Block.objects.filter(page=fibromyalgia, kind=Block.Kind.PARAGRAPH).update(
        text="Changed without a signal"
    )
    client.cookies[settings.SESSION_COOKIE_NAME] = "a-session-key"
    assert "Changed without a signal" in client.get(FIBROMYALGIA_URL).text


def test_a_page_from_the_cache_carries_every_security_header(page_cache, fibromyalgia, client):
    from tests.ops.headers import assert_security_headers

    client.get(FIBROMYALGIA_URL, secure=True)
    from_cache = client.get(FIBROMYALGIA_URL, secure=True)
    assert from_cache.context is None  # served from the cache, not rendered
    assert_security_headers(from_cache)


def test_only_views_marked_as_published_pages_are_kept(page_cache, clinic_content, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get("/sitemap.xml")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/sitemap.xml").status_code == 200
    assert len(queries) > 0


def test_addresses_with_a_query_string_are_not_cached(page_cache, fibromyalgia, client):
    client.get(f"{FIBROMYALGIA_URL}?utm_source=newsletter")
    Block.objects.filter(page=fibromyalgia, kind=Block.Kind.PARAGRAPH).update(text="Fresh text")
    assert "Fresh text" in client.get(f"{FIBROMYALGIA_URL}?utm_source=newsletter").text


def test_consultation_form_is_never_cached(page_cache, clinic_content, client):
    first = client.get("/consultation/")
    second = client.get("/consultation/")
    assert "no-cache" in second["Cache-Control"]
    # Both were rendered from templates: a cached copy would come back with no context.
    assert first.context is not None and second.context is not None


def test_a_cache_outage_still_serves_the_page(page_cache, fibromyalgia, client, shared_cache_down):
    assert client.get(FIBROMYALGIA_URL).status_code == 200


def test_cache_is_off_when_page_cache_seconds_is_zero(settings, fibromyalgia, client):
    settings.PAGE_CACHE_SECONDS = 0
    cache.clear()
    client.get(FIBROMYALGIA_URL)
    Block.objects.filter(page=fibromyalgia, kind=Block.Kind.PARAGRAPH).update(text="Uncached")
    assert "Uncached" in client.get(FIBROMYALGIA_URL).text


def test_the_remembered_route_of_an_address_follows_the_urlconf():
    from pages.cache import _routed_to_published_pages

    # The site's page catch-all takes /bench/ok/; the benchmark's URLconf routes it elsewhere.
    assert _routed_to_published_pages("clinic_site.urls", "/bench/ok/")
    assert not _routed_to_published_pages("clinic_site.urls_bench", "/bench/ok/")


def test_the_port_in_the_host_header_does_not_make_a_new_cache_entry(
    page_cache, fibromyalgia, client, django_assert_num_queries
):
    # Ports are not checked against ALLOWED_HOSTS: keyed on them, anyone could make every
    # request a miss (and a full render) by naming a new port each time.
    first = client.get(FIBROMYALGIA_URL, HTTP_HOST="testserver")
    with django_assert_num_queries(0):
        for port in (8080, 1, 65535):
            again = client.get(FIBROMYALGIA_URL, HTTP_HOST=f"testserver:{port}")
            assert again.content == first.content


def test_a_port_named_by_one_visitor_never_reaches_another_through_the_cache(
    page_cache, fibromyalgia, client
):
    # Absolute addresses in a page come from SITE_URL, not from the Host header: a page first
    # rendered for "testserver:8080" and then cached must not send others to that port.
    response = client.get(FIBROMYALGIA_URL, HTTP_HOST="testserver:8080")
    assert b"testserver:8080" not in response.content
    assert client.get(FIBROMYALGIA_URL).content == response.content
