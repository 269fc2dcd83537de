import json
from contextlib import contextmanager

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pages.models import Block, Page

from .factories import BlockFactory, PageFactory

FIBROMYALGIA_URL = "/conditions/fibromyalgia/"


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def json_ld(response):
    return [
        json.loads(tag.string)
        for tag in soup(response).find_all("script", type="application/ld+json")
    ]


def test_fibromyalgia_page_renders_in_at_most_four_queries(
    clinic_content, client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(4):
        assert client.get(FIBROMYALGIA_URL).status_code == 200


def test_with_a_shared_cache_the_clinics_settings_are_not_read_on_every_page(
    clinic_content, client, settings, django_assert_max_num_queries
):
    from django.core.cache import cache

    from pages.models import SiteSettings

    settings.SOLO_CACHE = "default"  # as with REDIS_URL (settings/base.py)
    cache.clear()
    client.get(FIBROMYALGIA_URL)
    with django_assert_max_num_queries(3):
        assert client.get(FIBROMYALGIA_URL).status_code == 200
    site = SiteSettings.get_solo()
    site.phone = "(512) 555-0199"
    site.save()  # refreshes the cached copy
    assert "(512) 555-0199" in client.get(FIBROMYALGIA_URL).text
    cache.clear()


def test_query_count_does_not_grow_with_the_number_of_blocks(clinic_content, client):
    page = Page.objects.get(url_path=FIBROMYALGIA_URL)
    with CaptureQueriesContext(connection) as before:
        client.get(FIBROMYALGIA_URL)
    BlockFactory.create_batch(40, page=page, position=500)
    with CaptureQueriesContext(connection) as after:
        client.get(FIBROMYALGIA_URL)
    assert len(after) == len(before) <= 4


def test_draft_page_is_not_found_by_the_public(clinic_content, client):
    PageFactory(slug="draft-page", status=Page.Status.DRAFT)
    assert client.get("/draft-page/").status_code == 404


def test_draft_page_is_left_out_of_menus_listings_and_sitemap(clinic_content, client):
    conditions = Page.objects.get(url_path="/conditions/")
    PageFactory(
        parent=conditions,
        slug="migraine",
        title="Secret draft",
        show_in_menu=True,
        status=Page.Status.DRAFT,
    )
    assert "Secret draft" not in client.get("/conditions/").text
    assert "/conditions/migraine/" not in client.get("/sitemap.xml").text


def test_staff_preview_shows_a_draft_with_noindex(clinic_content, admin_client):
    draft = PageFactory(slug="draft-page", title="Coming soon", status=Page.Status.DRAFT)
    response = admin_client.get(f"/preview/{draft.pk}/")
    assert response.status_code == 200
    assert "Coming soon" in response.text
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert soup(response).find("meta", attrs={"name": "robots"})["content"] == "noindex, nofollow"
    assert "no-cache" in response["Cache-Control"]


def test_preview_is_a_plain_404_to_the_public(clinic_content, client):
    draft = PageFactory(slug="draft-page", status=Page.Status.DRAFT)
    response = client.get(f"/preview/{draft.pk}/")
    assert response.status_code == 404
    assert "Location" not in response


def test_breadcrumbs_lead_home_through_the_parent(clinic_content, client):
    crumbs = soup(client.get(FIBROMYALGIA_URL)).select("nav.breadcrumbs a")
    assert [a["href"] for a in crumbs] == ["/", "/conditions/", FIBROMYALGIA_URL]
    assert crumbs[-1]["aria-current"] == "page"


def test_conditions_page_lists_its_published_children(clinic_content, client):
    listing = soup(client.get("/conditions/")).select("ul.child-pages a")
    assert [a["href"] for a in listing] == [FIBROMYALGIA_URL]


def test_header_and_footer_read_the_site_settings(clinic_content, client):
    from pages.models import SiteSettings

    settings = SiteSettings.get_solo()
    settings.phone = "(512) 555-0199"
    settings.emergency_notice = "Call 911 in an emergency; call or text 988 in crisis."
    settings.save()
    html = soup(client.get("/"))
    assert html.select_one("header .site-phone").get_text(strip=True).endswith("(512) 555-0199")
    assert html.select_one("footer .emergency").get_text() == settings.emergency_notice


def test_seo_tags_on_the_fibromyalgia_page(clinic_content, client):
    html = soup(client.get(FIBROMYALGIA_URL))
    assert html.find("link", rel="canonical")["href"] == f"http://testserver{FIBROMYALGIA_URL}"
    assert html.find("meta", attrs={"name": "description"})["content"].startswith("Physician-led")
    assert html.find("meta", property="og:url")["content"] == f"http://testserver{FIBROMYALGIA_URL}"
    assert html.html["lang"] == "en"


def test_json_ld_describes_the_page_its_faqs_and_the_clinic(clinic_content, client):
    documents = {doc["@type"]: doc for doc in json_ld(client.get(FIBROMYALGIA_URL))}
    assert set(documents) == {"MedicalWebPage", "FAQPage", "MedicalClinic", "BreadcrumbList"}
    page = documents["MedicalWebPage"]
    assert page["headline"] == "Ketamine Therapy for Fibromyalgia"
    assert page["url"] == f"http://testserver{FIBROMYALGIA_URL}"
    faq = documents["FAQPage"]["mainEntity"]
    assert [q["name"] for q in faq][0] == "Is ketamine approved for fibromyalgia?"
    assert len(faq) == 4 and all(q["acceptedAnswer"]["text"] for q in faq)
    clinic = documents["MedicalClinic"]
    assert clinic["name"] == "Texas Ketamine & Wellness Center"
    assert clinic["telephone"] == "(512) 555-0100"
    assert clinic["address"]["addressRegion"] == "TX"


def test_pages_without_faqs_carry_no_faq_json_ld(clinic_content, client):
    types = {doc["@type"] for doc in json_ld(client.get("/about/"))}
    assert types == {"MedicalWebPage", "MedicalClinic", "BreadcrumbList"}


def test_sitemap_lists_published_pages_with_lastmod(clinic_content, client):
    PageFactory(slug="hidden", status=Page.Status.DRAFT)
    body = client.get("/sitemap.xml").text
    english = ["/", "/conditions/", FIBROMYALGIA_URL, "/about/", "/privacy/"]
    spanish = [
        "/es/",
        "/es/condiciones/",
        "/es/condiciones/fibromialgia/",
        "/es/sobre-nosotros/",
        "/es/privacidad/",
    ]
    for url in english + spanish:
        assert f"<loc>http://testserver{url}</loc>" in body
    assert "/hidden/" not in body
    assert body.count("<lastmod>") == 10


def test_robots_txt_points_at_the_sitemap(client):
    body = client.get("/robots.txt").text
    assert "Sitemap: http://testserver/sitemap.xml" in body


def test_robots_txt_lets_the_form_be_found_but_not_what_follows_it(client):
    disallowed = [
        line.removeprefix("Disallow: ")
        for line in client.get("/robots.txt").text.splitlines()
        if line.startswith("Disallow: ")
    ]
    assert "/consultation/sent/" in disallowed
    assert "/consultation/booking/" in disallowed
    assert not any("/consultation/".startswith(path) for path in disallowed)


@contextmanager
def database_down():
    """Every query fails as it would with the database gone (Django's execute_wrapper)."""
    from django.db import OperationalError

    def refuse(execute, sql, params, many, context):
        raise OperationalError("server closed the connection unexpectedly")

    with connection.execute_wrapper(refuse):
        yield


def frame_of(response):
    page = soup(response)
    return {
        "menu": [a.get_text() for a in page.select("nav.site-nav a")],
        "phone": page.select_one(".site-phone") is not None,
        "search": page.select_one("form[role=search] input[name=q]") is not None,
        "request_link": page.select_one("a.site-request") is not None,
    }


def test_404_page_has_the_sites_header_menus_search_and_phone(clinic_content, client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "We could not find that page" in response.text
    frame = frame_of(response)
    assert "Conditions" in " ".join(frame["menu"])
    assert frame["phone"] and frame["search"] and frame["request_link"]


def test_404_page_renders_with_the_database_down_from_what_was_last_read(
    clinic_content, client, rf
):
    from django.http import Http404

    from pages.views import page_not_found

    client.get("/")  # this process reads the menus and settings once
    with database_down():
        response = page_not_found(rf.get("/no-such-page/"), Http404())
    assert response.status_code == 404
    frame = frame_of(response)
    assert "Conditions" in " ".join(frame["menu"]) and frame["phone"] and frame["search"]


def test_500_page_asks_the_database_nothing_and_keeps_the_frame(
    clinic_content, client, rf, django_assert_num_queries
):
    from pages.views import server_error

    client.get("/")
    with django_assert_num_queries(0), database_down():
        response = server_error(rf.get("/whatever/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html and "988" in html
    assert frame_of(response)["phone"] and frame_of(response)["search"]


def test_an_error_page_in_a_process_that_never_read_the_site_still_renders(rf, monkeypatch):
    from pages import selectors
    from pages.views import database_unavailable

    monkeypatch.setattr(selectors, "_last_known_frame", {})
    with database_down():
        response = database_unavailable(rf.get("/conditions/"))
    assert response.status_code == 503
    html = response.content.decode()
    assert "Texas Ketamine" in html and "911" in html  # the defaults: name and notices


def test_editing_a_block_changes_the_served_page_at_once(clinic_content, client):
    block = Block.objects.get(page__url_path=FIBROMYALGIA_URL, heading="Understanding Fibromyalgia")
    block.heading = "Understanding fibromyalgia today"
    block.save()
    assert "Understanding fibromyalgia today" in client.get(FIBROMYALGIA_URL).text


def test_public_pages_carry_no_inline_script_or_style(clinic_content, client):
    for url in ["/", "/conditions/", FIBROMYALGIA_URL, "/about/", "/privacy/"]:
        html = soup(client.get(url))
        assert not html.select("[style]"), url
        assert not html.find("style"), url
        scripts = html.find_all("script")
        assert all(tag.get("type") == "application/ld+json" for tag in scripts), url


def test_public_pages_link_no_third_party_host(clinic_content, client):
    for url in ["/", FIBROMYALGIA_URL]:
        html = soup(client.get(url))
        sources = [
            tag.get("src") or tag.get("href") for tag in html.find_all(["link", "script", "img"])
        ]
        external = [
            s
            for s in sources
            if s and s.startswith(("http:", "https:", "//")) and "testserver" not in s
        ]
        assert external == [], url


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="PostgreSQL's planner scans and sorts tables this small"
)
def test_a_pages_blocks_come_from_the_index_already_in_reading_order(clinic_content):
    page = Page.objects.get(url_path=FIBROMYALGIA_URL)
    plan = Block.objects.filter(page=page).in_reading_order().explain()
    assert "block_reading_order" in plan
    assert "TEMP B-TREE" not in plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepares statements")
def test_a_pages_reads_are_prepared_once_per_connection_on_postgresql(clinic_content, client):
    def prepared_statements():
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            return [statement for (statement,) in cursor.fetchall()]

    with CaptureQueriesContext(connection) as first_visit:
        client.get(FIBROMYALGIA_URL)
    # Read now: the next request empties the connection's query log.
    page_reads = [query["sql"] for query in first_visit.captured_queries]
    assert len(page_reads) == 4
    # psycopg prepares a statement once its connection has run it five times.
    for _ in range(5):
        assert client.get(FIBROMYALGIA_URL).status_code == 200
    prepared = prepared_statements()
    for sql in page_reads:
        # Run with the values in place of PostgreSQL's $1, $2...: compared up to them.
        before_values = sql.split(" WHERE ")[0].split(" ORDER BY ")[0]
        assert any(statement.startswith(before_values) for statement in prepared), sql
