"""A published page's own rows come from the shared cache, and every edit shows at once.

The page cache does not serve a patient who has sent the form (a session cookie), a visitor
from an advert (a query string) or staff; for them the page is rendered on every visit, but
its rows, like the menus, are read from the database only once per edit.
"""

import time
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pages.models import Block, Page

FIBROMYALGIA_URL = "/conditions/fibromyalgia/"


@pytest.fixture
def content_cache(settings):
    settings.PAGE_CACHE_SECONDS = 0
    settings.SITE_FRAME_CACHE_SECONDS = 300
    settings.PAGE_CONTENT_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


def fibromyalgia():
    return Page.objects.get(url_path=FIBROMYALGIA_URL, language="en")


def test_a_second_visit_reads_nothing_from_the_database(
    content_cache, clinic_content, client, django_assert_num_queries
):
    first = client.get(FIBROMYALGIA_URL)
    with django_assert_num_queries(0):
        second = client.get(FIBROMYALGIA_URL)
    assert second.status_code == 200
    assert second.content == first.content


def test_a_visitor_from_an_advert_gets_the_page_from_the_cached_rows(
    content_cache, clinic_content, client, django_assert_num_queries
):
    client.get(FIBROMYALGIA_URL)
    with django_assert_num_queries(0):
        response = client.get(f"{FIBROMYALGIA_URL}?utm_source=newsletter")
    assert response.status_code == 200
    assert fibromyalgia().title in response.text


def test_an_edited_block_shows_at_once(content_cache, clinic_content, client):
    client.get(FIBROMYALGIA_URL)
    block = fibromyalgia().blocks.filter(kind=Block.Kind.PARAGRAPH).first()
    block.text = "Words an editor has just saved."
    block.save()
    assert "Words an editor has just saved." in client.get(FIBROMYALGIA_URL).text


def test_an_edited_title_shows_at_once(content_cache, clinic_content, client):
    client.get(FIBROMYALGIA_URL)
    page = fibromyalgia()
    page.title = "Fibromyalgia and ketamine care"
    page.save()
    assert "<h1>Fibromyalgia and ketamine care</h1>" in client.get(FIBROMYALGIA_URL).text


def test_an_unpublished_page_is_gone_at_once(content_cache, clinic_content, client):
    assert client.get(FIBROMYALGIA_URL).status_code == 200
    page = fibromyalgia()
    page.status = Page.Status.DRAFT
    page.save()
    assert client.get(FIBROMYALGIA_URL).status_code == 404


def test_a_page_is_gone_when_its_unpublish_time_comes(content_cache, clinic_content, client):
    expire_at = timezone.now() + timedelta(seconds=2)
    Page.objects.filter(url_path=FIBROMYALGIA_URL).update(expire_at=expire_at)
    assert client.get(FIBROMYALGIA_URL).status_code == 200
    assert client.get(FIBROMYALGIA_URL).status_code == 200  # from the shared cache
    time.sleep((expire_at - timezone.now()).total_seconds() + 0.5)
    assert client.get(FIBROMYALGIA_URL).status_code == 404


def test_a_cache_outage_still_shows_the_page(
    content_cache, clinic_content, client, shared_cache_down
):
    response = client.get(FIBROMYALGIA_URL)
    assert response.status_code == 200
    assert f"<h1>{fibromyalgia().title}</h1>" in response.text


def test_nothing_is_kept_when_the_setting_is_zero(content_cache, settings, clinic_content, client):
    settings.PAGE_CONTENT_CACHE_SECONDS = 0
    client.get(FIBROMYALGIA_URL)
    fibromyalgia().blocks.filter(kind=Block.Kind.PARAGRAPH).update(text="Changed behind our back")
    assert "Changed behind our back" in client.get(FIBROMYALGIA_URL).text


def test_an_address_without_a_live_page_reads_no_page(content_cache, clinic_content, client):
    client.get(FIBROMYALGIA_URL)  # the menus are in the shared cache
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/conditions/no-such-condition/")
    assert response.status_code == 404
    read = " ".join(query["sql"] for query in queries.captured_queries)
    assert '"pages_page"' not in read
    assert '"pages_block"' not in read
