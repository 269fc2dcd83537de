"""The menus and settings every page shows come from the shared cache, and every edit shows at once.

With the page cache off (signed-in visitors, the form, search, or PAGE_CACHE_SECONDS=0) a page
still does not read the site tree and the clinic's settings from the database on every visit.
"""

import time
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from pages.models import Page, SiteSettings

from .factories import PageFactory

FIBROMYALGIA_URL = "/conditions/fibromyalgia/"


@pytest.fixture
def frame_cache(settings):
    settings.PAGE_CACHE_SECONDS = 0
    settings.SITE_FRAME_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


def test_a_second_visit_reads_only_the_page_and_its_blocks(
    frame_cache, clinic_content, client, django_assert_num_queries
):
    client.get(FIBROMYALGIA_URL)
    with django_assert_num_queries(2) as queries:
        assert client.get(FIBROMYALGIA_URL).status_code == 200
    sql = " ".join(query["sql"] for query in queries.captured_queries)
    assert "pages_sitesettings" not in sql


def test_a_renamed_page_changes_the_menus_at_once(frame_cache, clinic_content, client):
    client.get(FIBROMYALGIA_URL)
    conditions = Page.objects.get(url_path="/conditions/")
    conditions.menu_title = "What we treat"
    conditions.save()
    assert "What we treat" in client.get(FIBROMYALGIA_URL).text


def test_a_settings_change_shows_at_once(frame_cache, clinic_content, client):
    client.get(FIBROMYALGIA_URL)
    site = SiteSettings.get_solo()
    site.phone = "(512) 555-0199"
    site.save()
    assert "(512) 555-0199" in client.get(FIBROMYALGIA_URL).text


def test_a_page_published_later_joins_the_menus_when_its_time_comes(
    frame_cache, clinic_content, client
):
    page = PageFactory(
        parent=Page.objects.get(url_path="/", language="en"),
        slug="open-day",
        menu_title="Open day",
        show_in_menu=True,
        publish_at=timezone.now() + timedelta(seconds=2),
    )
    assert "Open day" not in client.get(FIBROMYALGIA_URL).text
    assert "Open day" not in client.get(FIBROMYALGIA_URL).text  # from the shared cache
    time.sleep((page.publish_at - timezone.now()).total_seconds() + 0.5)
    assert "Open day" in client.get(FIBROMYALGIA_URL).text


def test_a_cache_outage_still_shows_the_menus(
    frame_cache, clinic_content, client, shared_cache_down
):
    response = client.get(FIBROMYALGIA_URL)
    assert response.status_code == 200
    assert "Conditions" in response.text


def test_nothing_is_kept_when_the_setting_is_zero(settings, clinic_content, client):
    settings.SITE_FRAME_CACHE_SECONDS = 0
    cache.clear()
    client.get(FIBROMYALGIA_URL)
    Page.objects.filter(url_path="/conditions/").update(menu_title="Changed behind our back")
    assert "Changed behind our back" in client.get(FIBROMYALGIA_URL).text
