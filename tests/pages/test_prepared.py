"""Prepared reads (pages/prepared.py): the ORM's rows, with the SQL compiled once."""

import datetime
from unittest import mock

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

from pages import selectors
from pages.models import Block, Page
from pages.prepared import PreparedRead

from .factories import BlockFactory, MedicalReviewerFactory, PageFactory

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
