"""The public site's Jinja2 templates (templates/jinja2/, pages/templating.py)."""

import datetime
import re
from pathlib import Path

import jinja2
import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.template import engines
from django.urls import set_script_prefix
from markupsafe import Markup

from pages import selectors
from pages.models import Block
from pages.templating import date, grouped_faqs, iso, linebreaksbr, long_date, url
from pages.views import render_unsaved_preview

from .conftest import FIBROMYALGIA_URL

JINJA2_DIR = Path(settings.BASE_DIR) / "templates" / "jinja2"
PUBLIC_TEMPLATES = sorted(str(path.relative_to(JINJA2_DIR)) for path in JINJA2_DIR.rglob("*.html"))


@pytest.mark.parametrize("name", PUBLIC_TEMPLATES)
def test_every_public_template_compiles(name):
    engines["jinja2"].get_template(name)


def test_no_public_template_is_shadowed_by_a_django_template():
    # Django asks its own engine first: a same-named Django template would be served instead.
    django_dir = Path(settings.BASE_DIR) / "templates"
    shadowed = [name for name in PUBLIC_TEMPLATES if (django_dir / name).exists()]
    assert shadowed == []


class _Widget:
    def __str__(self):
        return "<widget & 'co'>"


@pytest.mark.parametrize(
    "value",
    [
        """<script>alert("1 & 2") + 'three'</script>""",
        Markup("<em>already safe</em> &amp;"),
        42,
        None,
        _Widget(),
        "",
    ],
)
def test_printed_values_are_escaped_exactly_as_markupsafe_escapes_them(value):
    site = engines["jinja2"].env
    plain = jinja2.Environment(autoescape=True, undefined=jinja2.ChainableUndefined)
    template = "<p title='{{ value }}'>{{ value }}</p>{{ missing.deeper }}{% set kept %}{{ value }}{% endset %}{{ kept }}"
    assert site.from_string(template).render(value=value) == (
        plain.from_string(template).render(value=value)
    )


class _Owner:
    attr = "an attribute"
    falsy = 0

    def __getitem__(self, key):
        return f"item {key}"


@pytest.mark.parametrize(
    "template",
    [
        "{{ owner.attr }} {{ owner.falsy }} {{ owner.other }}",
        "{{ mapping.key }} {{ mapping.items is defined }} {{ mapping.absent }}",
        "{{ owner.attr.upper() }} {{ mapping.absent.deeper }} {{ nothing.at.all }}",
        "{% for item in mapping.values() %}{{ item.attr }}{% endfor %}",
    ],
)
def test_dotted_names_find_attributes_then_items_then_nothing_as_jinja2_does(template):
    site = engines["jinja2"].env
    plain = jinja2.Environment(autoescape=True, undefined=jinja2.ChainableUndefined)
    values = {"owner": _Owner(), "mapping": {"key": "a value", "other": _Owner()}}
    assert site.from_string(template).render(**values) == (
        plain.from_string(template).render(**values)
    )


def test_linebreaksbr_escapes_the_text_and_breaks_every_kind_of_line_end():
    assert linebreaksbr("Pain <b>&</b> fog\r\nSleep\rMood\nEnd") == (
        "Pain &lt;b&gt;&amp;&lt;/b&gt; fog<br>Sleep<br>Mood<br>End"
    )


def test_dates_show_in_the_clinics_time_zone_as_django_templates_do():
    late_evening_in_texas = datetime.datetime(2026, 3, 2, 3, 30, tzinfo=datetime.UTC)
    assert date(late_evening_in_texas, "j F Y, g:i a") == "1 March 2026, 9:30 p.m."
    assert date(datetime.date(2026, 3, 2), "j F Y") == "2 March 2026"


def test_long_dates_read_as_the_general_date_filter_writes_them_in_the_clinics_time_zone():
    late_evening_in_texas = datetime.datetime(2026, 3, 2, 3, 30, tzinfo=datetime.UTC)
    assert long_date(late_evening_in_texas) == "March 1, 2026"
    assert long_date(late_evening_in_texas) == date(late_evening_in_texas, "F j, Y")
    assert long_date(datetime.date(2026, 12, 31)) == "December 31, 2026"
    assert long_date(None) == ""


def test_iso_gives_a_time_element_the_same_moment_in_the_clinics_time_zone():
    late_evening_in_texas = datetime.datetime(2026, 3, 2, 3, 30, tzinfo=datetime.UTC)
    assert iso(late_evening_in_texas) == "2026-03-01T21:30:00-06:00"
    assert iso(datetime.date(2026, 3, 2)) == "2026-03-02"
    assert iso(None) == ""


def test_iso_drops_fractions_of_a_second_that_html_validators_reject():
    saved = datetime.datetime(2026, 12, 2, 3, 1, 36, 714838, tzinfo=datetime.UTC)
    assert iso(saved) == "2026-12-01T21:01:36-06:00"


@pytest.mark.django_db
def test_a_page_writes_its_dates_us_style_and_times_them_to_the_second(client, clinic_content):
    html = BeautifulSoup(client.get("/conditions/fibromyalgia/").content, "html.parser")
    for time_element in html.find_all("time"):
        assert re.fullmatch(
            r"\d{4}-\d\d-\d\d(T\d\d:\d\d:\d\d[+-]\d\d:\d\d)?", time_element["datetime"]
        ), time_element
        assert re.fullmatch(r"[A-Z][a-z]+ \d{1,2}, \d{4}", time_element.get_text()), time_element


def test_addresses_follow_the_script_prefix_the_site_runs_under():
    assert url("pages:search") == "/search/"
    set_script_prefix("/clinic/")
    try:
        assert url("pages:search") == "/clinic/search/"
    finally:
        set_script_prefix("/")
    assert url("pages:search") == "/search/"


def test_blocks_read_for_editing_render_exactly_as_the_rows_the_public_page_reads(
    rf, client, fibromyalgia
):
    """The admin's preview renders Block models; the public page renders plain rows."""

    def main_without_preview_notice(response):
        main = BeautifulSoup(response.content, "html.parser").find("main")
        for notice in main.select("[role=status]"):
            notice.decompose()
        return " ".join(str(main).split())  # the notice leaves blank lines behind

    as_models = render_unsaved_preview(
        rf.get(FIBROMYALGIA_URL), fibromyalgia, selectors.page_blocks(fibromyalgia)
    )
    as_rows = client.get(FIBROMYALGIA_URL)
    assert main_without_preview_notice(as_models) == main_without_preview_notice(as_rows)


def test_linebreaksbr_escapes_a_single_line_too():
    assert linebreaksbr("Pain <b>&</b> fog") == "Pain &lt;b&gt;&amp;&lt;/b&gt; fog"


def test_each_run_of_faqs_is_one_group_in_reading_order():
    kinds = ["heading", "faq", "faq", "paragraph", "faq", "cta"]
    blocks = [Block(kind=kind, heading=str(number)) for number, kind in enumerate(kinds)]
    groups = grouped_faqs(blocks)
    assert [(group.block.heading if group.block else None) for group in groups] == [
        "0",
        None,
        "3",
        None,
        "5",
    ]
    assert [[faq.heading for faq in group.faqs] for group in groups] == [
        [],
        ["1", "2"],
        [],
        ["4"],
        [],
    ]
