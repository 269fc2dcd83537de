import hashlib

import pytest
from django.core.cache import cache

from consultations.selectors import (
    NOTICE_UNAVAILABLE,
    privacy_notice_current,
    privacy_notice_for_page,
)
from pages import selectors
from pages.models import Block, Page
from tests.pages.factories import BlockFactory, PageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def notice():
    page = PageFactory(title="Privacy notice", slug="privacy")
    BlockFactory(page=page, kind=Block.Kind.HEADING, heading="What we keep", position=1)
    BlockFactory(page=page, kind=Block.Kind.PARAGRAPH, text="Your answers, encrypted.", position=2)
    BlockFactory(page=page, kind=Block.Kind.LIST, items="Name\nPhone", text="", position=3)
    return page


def test_version_is_the_documented_hash_anyone_can_recompute_from_the_words(notice):
    digest = hashlib.sha256(b"Privacy notice")
    for block in Block.objects.filter(page=notice).order_by("position", "pk"):
        for part in (block.kind, block.heading, block.text, block.items):
            digest.update(b"\x1f" + part.encode())
        digest.update(b"\x1e")
    current = privacy_notice_current()
    assert current.url == "/privacy/"
    assert current.version == f"sha256:{digest.hexdigest()[:16]}"


def test_version_changes_with_the_words_and_only_with_them(notice):
    before = privacy_notice_current().version
    Page.objects.filter(pk=notice.pk).update(menu_order=7, show_in_menu=False)
    assert privacy_notice_current().version == before
    Block.objects.filter(page=notice, kind=Block.Kind.PARAGRAPH).update(text="Your answers.")
    assert privacy_notice_current().version != before


def test_no_published_notice_says_so(notice):
    Page.objects.filter(pk=notice.pk).update(status=Page.Status.DRAFT)
    assert privacy_notice_current().version == NOTICE_UNAVAILABLE
    assert privacy_notice_current().url == ""


def test_a_notice_without_blocks_is_versioned_by_its_title():
    PageFactory(title="Privacy notice", slug="privacy")
    expected = hashlib.sha256(b"Privacy notice").hexdigest()[:16]
    assert privacy_notice_current().version == f"sha256:{expected}"


def test_the_notice_is_read_in_one_query(notice, django_assert_num_queries):
    with django_assert_num_queries(1):
        privacy_notice_current()


def test_the_form_page_reads_the_notice_with_the_menus_and_settings_it_shows(
    notice, rf, django_assert_num_queries
):
    request = rf.get("/consultation/")
    assert privacy_notice_for_page(request) == privacy_notice_current()
    with django_assert_num_queries(0):
        tree = selectors.SiteTree.for_request(request)
        settings = selectors.site_settings_for(request)
    assert [row.url_path for row in tree.by_pk.values()] == ["/privacy/"]
    assert settings.pk == selectors.site_settings().pk


def test_the_form_page_reads_the_notice_menus_and_settings_in_three_queries(
    notice, client, django_assert_num_queries
):
    client.get("/consultation/")  # the first visit also creates the site settings
    with django_assert_num_queries(3):  # the notice, the menus, the settings
        response = client.get("/consultation/")
    assert response.status_code == 200


def test_with_the_shared_cache_the_form_reads_nothing_and_a_new_notice_shows_at_once(
    notice, client, rf, settings, django_assert_num_queries
):
    settings.SITE_FRAME_CACHE_SECONDS = 300
    settings.PAGE_CONTENT_CACHE_SECONDS = 300
    cache.clear()
    selectors.site_settings()  # created on first use, which counts as an edit
    client.get("/consultation/")
    with django_assert_num_queries(0):
        assert client.get("/consultation/").status_code == 200
    before = privacy_notice_for_page(rf.get("/consultation/"))

    paragraph = notice.blocks.get(kind=Block.Kind.PARAGRAPH)
    paragraph.text = "Your answers, encrypted, and kept for six years."
    paragraph.save()

    after = privacy_notice_for_page(rf.get("/consultation/"))
    assert after != before
    assert after == privacy_notice_current()
    cache.clear()
