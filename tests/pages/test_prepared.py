"""Prepared reads (pages/prepared.py): the ORM's rows, with the SQL compiled once."""

import datetime
from unittest import mock

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import DataError, connection, connections, transaction
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

from pages import selectors
from pages.models import Block, Page
from pages.prepared import PreparedRead, fetch_together

from .factories import BlockFactory, MedicalReviewerFactory, PageFactory
from .images import stored_image

pytestmark = pytest.mark.django_db

SOME_TIME = datetime.datetime(1901, 1, 1, 0, 0, 0, 777, tzinfo=datetime.UTC)
NOW = timezone.now()
HOUR = datetime.timedelta(hours=1)


def published_at(path, now):
    return Page.objects.published(at=now).select_related("medical_reviewer").filter(url_path=path)


@pytest.fixture
def pages_over_time():
    reviewer = MedicalReviewerFactory()
    return [
        PageFactory(slug="always", medical_reviewer=reviewer),
        PageFactory(slug="later", publish_at=NOW + HOUR),
        PageFactory(slug="ended", expire_at=NOW - HOUR),
        PageFactory(slug="window", publish_at=NOW - HOUR, expire_at=NOW + HOUR),
        PageFactory(slug="draft", status=Page.Status.DRAFT),
    ]


def test_a_prepared_read_gives_the_querysets_rows_for_every_value(pages_over_time):
    read = PreparedRead(published_at, path="/stand-in/", now=SOME_TIME)
    for page in pages_over_time:
        for now in (NOW - 2 * HOUR, NOW, NOW + 2 * HOUR):
            expected = list(published_at(page.url_path, now))
            assert read.fetch(path=page.url_path, now=now) == expected
    (always,) = read.fetch(path="/always/", now=NOW)
    assert always.medical_reviewer == pages_over_time[0].medical_reviewer


def test_a_prepared_read_compiles_its_sql_once(pages_over_time):
    read = PreparedRead(published_at, path="/stand-in/", now=SOME_TIME)
    with mock.patch.object(
        SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql
    ) as as_sql:
        for page in pages_over_time:
            read.fetch(path=page.url_path, now=NOW)
    assert as_sql.call_count == 1


def test_values_list_reads_come_back_converted_as_the_orm_gives_them(pages_over_time):
    def rows(now):
        return Page.objects.published(at=now).order_by("pk").values_list("pk", "updated_at")

    read = PreparedRead(rows, now=SOME_TIME)
    got = read.fetch(now=NOW)
    assert got == list(rows(NOW))
    assert all(isinstance(updated_at, datetime.datetime) for _pk, updated_at in got)


def test_values_list_reads_go_through_djangos_cursor_so_they_are_counted(
    pages_over_time, django_assert_num_queries
):
    read = PreparedRead(
        lambda now: Page.objects.published(at=now).values_list("url_path"), now=SOME_TIME
    )
    read.fetch(now=NOW)  # compiled on first use
    with django_assert_num_queries(1):
        assert ("/always/",) in read.fetch(now=NOW)


def test_a_stand_in_that_never_reaches_the_sql_is_refused():
    read = PreparedRead(lambda path: Page.objects.all(), path="/stand-in/")
    with pytest.raises(ImproperlyConfigured, match="path never reached the SQL"):
        read.fetch(path="/")


def test_a_read_asked_with_other_values_than_its_stand_ins_is_refused():
    read = PreparedRead(published_at, path="/stand-in/", now=SOME_TIME)
    with pytest.raises(TypeError):
        read.fetch(path="/")


def test_body_rows_show_what_their_blocks_show():
    page = PageFactory()
    blocks = [
        BlockFactory(page=page, kind=Block.Kind.HEADING, heading="Causes", heading_level=2),
        BlockFactory(page=page, kind=Block.Kind.HEADING, heading="Sleep", heading_level=3),
        BlockFactory(page=page, kind=Block.Kind.LIST, text="", items="Pain\n\n Fatigue \n"),
        BlockFactory(
            page=page,
            kind=Block.Kind.CALL_TO_ACTION,
            heading="Talk to us",
            text="",
            button_label="Request a consultation",
            button_target=Block.Target.CONSULTATION_REQUEST,
        ),
        BlockFactory(page=page, kind=Block.Kind.FAQ, heading="Is it safe?", text="Yes."),
    ]
    rows = selectors.page_body(page)
    assert len(rows) == len(blocks)
    for row, block in zip(rows, blocks, strict=True):
        for name in ("kind", "heading", "heading_level", "anchor", "text", "items", "button_label"):
            assert getattr(row, name) == getattr(block, name)
        for shown in ("item_list", "target_url", "starts_section", "takes_anchor"):
            assert getattr(row, shown) == getattr(block, shown)
        assert row.image is None


def published_page_at(rf, path):
    page, _blocks = selectors.read_published_page(rf.get(path), path)
    return page


def test_the_published_page_is_built_with_what_its_template_shows(pages_over_time, rf):
    page = pages_over_time[0]
    page.hero_image = stored_image(title="Hero", alt_text="A patient resting")
    page.seo_title, page.meta_description = "Fibromyalgia care", "How infusions may help."
    page.last_reviewed_on, page.next_review_due = (
        datetime.date(2026, 3, 1),
        datetime.date(2027, 3, 1),
    )
    page.save()
    stored = Page.objects.select_related("medical_reviewer", "hero_image").get(pk=page.pk)

    read = published_page_at(rf, page.url_path)

    for name in ("pk", "parent_id", "url_path", "title", "document_title", "label"):
        assert getattr(read, name) == getattr(stored, name)
    for name in ("meta_description", "last_reviewed_on", "next_review_due", "updated_at"):
        assert getattr(read, name) == getattr(stored, name)
    assert read.first_published_at == stored.first_published_at
    assert str(read.medical_reviewer) == str(stored.medical_reviewer)
    assert read.medical_review_recorded
    assert read.hero_image.alt == "A patient resting"
    assert read.hero_image.renditions == stored.hero_image.renditions
    # What only editing needs is left unread.
    assert {"status", "publish_at", "slug"} <= read.get_deferred_fields()


def test_a_page_without_reviewer_or_hero_image_is_read_without_them(pages_over_time, rf):
    read = published_page_at(rf, "/window/")
    assert read.medical_reviewer is None and read.hero_image is None
    assert not read.medical_review_recorded
    assert published_page_at(rf, "/draft/") is None


def test_the_site_settings_are_read_whole():
    stored = selectors.site_settings()  # created with their defaults on first use
    stored.phone, stored.hours = "(512) 555-0100", "Monday: 8 am – 5 pm\nTuesday: closed"
    stored.save()
    read = selectors.site_settings()
    assert read.get_deferred_fields() == set()
    for field in type(stored)._meta.concrete_fields:
        assert getattr(read, field.attname) == getattr(stored, field.attname)
    assert read.hours_lines == ["Monday: 8 am – 5 pm", "Tuesday: closed"]


def paths_published(now):
    return Page.objects.published(at=now).order_by("url_path").values_list("url_path")


def pks_of(path):
    return Page.objects.filter(url_path=path).values_list("pk")


@pytest.fixture
def two_reads():
    """The published addresses, and the pk at an address: two reads to fetch together."""
    return PreparedRead(paths_published, now=SOME_TIME), PreparedRead(pks_of, path="/stand-in/")


def test_reads_fetched_together_give_what_each_read_gives(pages_over_time, two_reads):
    published, page_at = two_reads
    got = fetch_together((published, {"now": NOW}), (page_at, {"path": "/window/"}))
    assert got == [list(paths_published(NOW)), list(pks_of("/window/"))]
    assert got[0] == [("/always/",), ("/window/",)]


def test_reads_fetched_together_are_each_counted(
    pages_over_time, django_assert_num_queries, two_reads
):
    published, page_at = two_reads
    with django_assert_num_queries(2):
        fetch_together((published, {"now": NOW}), (page_at, {"path": "/always/"}))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="psycopg's pipeline mode")
def test_on_postgresql_reads_fetched_together_share_one_round_trip(pages_over_time, two_reads):
    published, page_at = two_reads
    connection.ensure_connection()
    with mock.patch.object(
        connection.connection, "pipeline", wraps=connection.connection.pipeline
    ) as pipeline:
        fetch_together((published, {"now": NOW}), (page_at, {"path": "/always/"}))
    assert pipeline.call_count == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="psycopg's pipeline mode")
def test_on_postgresql_rows_are_fetched_once_the_pipeline_has_synced(pages_over_time, two_reads):
    # Fetching a result inside the pipeline makes psycopg ask the server to flush what it has
    # so far: a second round trip before the Sync that ends the pipeline.
    import psycopg

    published, page_at = two_reads
    connection.ensure_connection()
    fetched_inside_the_pipeline = []
    fetchall = psycopg.Cursor.fetchall

    def recorded_fetchall(cursor):
        fetched_inside_the_pipeline.append(cursor.connection._pipeline is not None)
        return fetchall(cursor)

    with mock.patch.object(psycopg.Cursor, "fetchall", recorded_fetchall):
        rows = fetch_together((published, {"now": NOW}), (page_at, {"path": "/always/"}))
    assert fetched_inside_the_pipeline == [False, False]
    assert rows == [published.fetch(now=NOW), page_at.fetch(path="/always/")]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite divides by zero quietly")
def test_a_database_error_in_reads_fetched_together_is_djangos(pages_over_time):
    one_over = PreparedRead(
        lambda n: Page.objects.extra(where=["1 / %s > 0"], params=[n]).values_list("pk"),
        n=-424242,
    )
    published = PreparedRead(paths_published, now=SOME_TIME)
    with pytest.raises(DataError), transaction.atomic():
        fetch_together((published, {"now": NOW}), (one_over, {"n": 0}))


def test_a_published_page_is_read_with_the_menus_settings_and_blocks_it_shows(
    pages_over_time, rf, django_assert_num_queries
):
    page = pages_over_time[0]
    BlockFactory(page=page, kind=Block.Kind.HEADING, heading="Causes", heading_level=2)
    request = rf.get(page.url_path)
    read, blocks = selectors.read_published_page(request, page.url_path)
    assert read.pk == page.pk
    assert [block.heading for block in blocks] == [
        block.heading for block in selectors.page_body(page)
    ]
    with django_assert_num_queries(0):
        tree = selectors.SiteTree.for_request(request)
        settings = selectors.site_settings_for(request)
    assert sorted(row.url_path for row in tree.by_pk.values()) == ["/always/", "/window/"]
    assert settings.pk == selectors.site_settings().pk


def test_no_page_is_read_at_the_address_of_a_draft(pages_over_time, rf):
    assert selectors.read_published_page(rf.get("/draft/"), "/draft/") == (None, [])


@pytest.fixture
def kept_connection_checked_per_request(monkeypatch):
    """The production setup: a connection kept between requests, checked at each one's start."""
    kept = connections["default"]
    kept.ensure_connection()
    monkeypatch.setattr(kept, "health_check_enabled", True)

    def next_request():
        kept.health_check_done = False  # as Django does when a request starts

    return next_request


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL: kept connections, pipeline mode"
)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_live_kept_connection_is_not_sent_a_check_before_a_pages_reads(
    kept_connection_checked_per_request, rf
):
    page = PageFactory(slug="always")
    kept_connection_checked_per_request()
    with mock.patch.object(
        type(connections["default"]),
        "is_usable",
        side_effect=AssertionError("a round trip of its own"),
    ):
        read, _blocks = selectors.read_published_page(rf.get(page.url_path), page.url_path)
    assert read.pk == page.pk


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_kept_connection_that_died_between_requests_is_replaced_and_the_page_read(
    kept_connection_checked_per_request, rf
):
    import psycopg

    page = PageFactory(slug="always")
    dead_backend = connection.connection.info.backend_pid
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [dead_backend])
    kept_connection_checked_per_request()

    read, _blocks = selectors.read_published_page(rf.get(page.url_path), page.url_path)

    assert read.pk == page.pk
    assert connection.connection.info.backend_pid != dead_backend
