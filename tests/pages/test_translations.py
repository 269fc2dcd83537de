"""Pages in Spanish: addresses, lookups, menus, hreflang alternates, the sitemap, search, the
site settings' Spanish texts and the Spanish starting content (issue 25)."""

import shutil

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import translation

from pages.addresses import page_path
from pages.models import Block, LoadedContent, Page, SiteSettings
from pages.search import search_pages
from pages.services import CONTENT_DIR, clinic_content_load

from .factories import BlockFactory, PageFactory

SITE = "http://testserver"


@pytest.fixture
def bilingual(db, settings):
    """English home, conditions and fibromyalgia pages with Spanish translations, and an
    English "about" page without one."""
    settings.SITE_URL = SITE
    en_home = PageFactory(title="Home", slug="")
    conditions = PageFactory(
        title="Conditions", slug="conditions", parent=en_home, show_in_menu=True
    )
    fibro = PageFactory(title="Fibromyalgia", slug="fibromyalgia", parent=conditions)
    BlockFactory(page=fibro, text="Widespread chronic pain and fatigue.")
    about = PageFactory(title="About us", slug="about", parent=en_home, show_in_menu=True)
    es_home = PageFactory(title="Inicio", slug="", language="es", translation_of=en_home)
    condiciones = PageFactory(
        title="Condiciones",
        slug="condiciones",
        parent=es_home,
        show_in_menu=True,
        language="es",
        translation_of=conditions,
    )
    fibromialgia = PageFactory(
        title="Fibromialgia",
        slug="fibromialgia",
        parent=condiciones,
        language="es",
        translation_of=fibro,
    )
    BlockFactory(page=fibromialgia, text="Un dolor crónico y generalizado, con cansancio.")
    return {
        "fibro": fibro,
        "fibromialgia": fibromialgia,
        "about": about,
        "conditions": conditions,
        "condiciones": condiciones,
    }


def html(response):
    return BeautifulSoup(response.content, "html.parser")


def alternates(response):
    return {
        link["hreflang"]: link["href"] for link in html(response).select('link[rel="alternate"]')
    }


def test_a_page_address_carries_its_language_prefix_only_when_not_english(bilingual):
    assert page_path("/conditions/", "en") == "/conditions/"
    assert page_path("/condiciones/", "es") == "/es/condiciones/"
    assert bilingual["fibro"].get_absolute_url() == "/conditions/fibromyalgia/"
    assert bilingual["fibromialgia"].url_path == "/condiciones/fibromialgia/"
    assert bilingual["fibromialgia"].get_absolute_url() == "/es/condiciones/fibromialgia/"


def test_a_spanish_page_is_served_under_es_and_english_stays_unprefixed(bilingual, client):
    spanish = client.get("/es/condiciones/fibromialgia/")
    english = client.get("/conditions/fibromyalgia/")

    assert spanish.status_code == 200
    assert html(spanish).h1.text == "Fibromialgia"
    assert html(spanish).html["lang"] == "es"
    assert english.status_code == 200
    assert html(english).h1.text == "Fibromyalgia"
    assert client.get("/es/").status_code == 200
    assert html(client.get("/es/")).h1.text == "Inicio"
    assert html(client.get("/")).h1.text == "Home"


def test_an_english_address_under_es_is_not_found_without_a_spanish_page(bilingual, client):
    assert client.get("/es/about/").status_code == 404
    assert client.get("/es/conditions/fibromyalgia/").status_code == 404
    # …nor is a Spanish address served in English.
    assert client.get("/condiciones/fibromialgia/").status_code == 404


def test_hreflang_pairs_are_reciprocal_with_x_default(bilingual, client):
    english = client.get("/conditions/fibromyalgia/")
    spanish = client.get("/es/condiciones/fibromialgia/")
    english_canonical = html(english).select_one('link[rel="canonical"]')["href"]
    spanish_canonical = html(spanish).select_one('link[rel="canonical"]')["href"]

    expected = {
        "en": f"{SITE}/conditions/fibromyalgia/",
        "es": f"{SITE}/es/condiciones/fibromialgia/",
        "x-default": f"{SITE}/conditions/fibromyalgia/",
    }
    assert alternates(english) == expected
    assert alternates(spanish) == expected
    # Each page names itself and the other, which names it back.
    assert alternates(english)["es"] == spanish_canonical
    assert alternates(spanish)["en"] == english_canonical


def test_a_page_without_a_live_translation_has_no_alternates(bilingual, client):
    assert alternates(client.get("/about/")) == {}
    bilingual["fibromialgia"].status = Page.Status.DRAFT
    bilingual["fibromialgia"].save()

    assert alternates(client.get("/conditions/fibromyalgia/")) == {}


def test_the_language_link_leads_to_the_translation_else_to_that_languages_home(bilingual, client):
    def language_link(path):
        return html(client.get(path)).select_one("a.site-language")["href"]

    assert language_link("/conditions/fibromyalgia/") == (
        "/language/es/?next=/es/condiciones/fibromialgia/"
    )
    assert language_link("/es/condiciones/fibromialgia/") == (
        "/language/en/?next=/conditions/fibromyalgia/"
    )
    assert language_link("/about/") == "/language/es/?next=/es/"


def test_the_sitemap_lists_both_languages_with_their_alternates(bilingual, client):
    body = client.get("/sitemap.xml").content
    sitemap = BeautifulSoup(body, "xml")
    urls = {url.loc.text: url for url in sitemap.find_all("url")}

    assert f"{SITE}/es/condiciones/fibromialgia/" in urls
    assert f"{SITE}/about/" in urls
    for loc in (f"{SITE}/conditions/fibromyalgia/", f"{SITE}/es/condiciones/fibromialgia/"):
        links = {
            link["hreflang"]: link["href"] for link in urls[loc].find_all("link", rel="alternate")
        }
        assert links == {
            "en": f"{SITE}/conditions/fibromyalgia/",
            "es": f"{SITE}/es/condiciones/fibromialgia/",
            "x-default": f"{SITE}/conditions/fibromyalgia/",
        }
    assert urls[f"{SITE}/about/"].find_all("link") == []


def test_the_menus_and_listings_show_the_pages_of_the_visitors_language(bilingual, client):
    def menu(path):
        # The pages' own entries: the search and language links end every menu.
        return [a.text for a in html(client.get(path)).select("nav.site-nav a")][:-2]

    assert menu("/") == ["About us", "Conditions"]
    assert menu("/es/") == ["Condiciones"]
    listing = html(client.get("/es/condiciones/")).select(".child-pages a")
    assert [(a.text, a["href"]) for a in listing] == [
        ("Fibromialgia", "/es/condiciones/fibromialgia/")
    ]
    crumbs = html(client.get("/es/condiciones/fibromialgia/")).select(".breadcrumbs a")
    assert [a["href"] for a in crumbs] == [
        "/es/",
        "/es/condiciones/",
        "/es/condiciones/fibromialgia/",
    ]


def test_search_covers_the_visitors_language_only(bilingual, client):
    with translation.override("es"):
        assert [r.page.title for r in search_pages("crónico")] == ["Fibromialgia"]
        assert search_pages("fatigue") == []
    with translation.override("en"):
        assert [r.page.title for r in search_pages("fatigue")] == ["Fibromyalgia"]
        assert search_pages("crónico") == []
    result = html(client.get("/es/search/", {"q": "cansancio"}))
    assert [a["href"] for a in result.select("main h2 a")] == ["/es/condiciones/fibromialgia/"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL full-text search")
def test_spanish_search_stems_spanish_words_on_postgresql(bilingual):
    BlockFactory(page=bilingual["condiciones"], text="Tratamos el dolor que no cede.")

    found = [r.page.title for r in search_pages("dolores", language="es")]

    assert "Condiciones" in found
    assert search_pages("dolores", language="en") == []


def test_addresses_are_unique_per_language_only(bilingual):
    es_home = Page.objects.get(language="es", url_path="/")
    same_slug = PageFactory(slug="about", parent=es_home, language="es")
    assert same_slug.url_path == bilingual["about"].url_path == "/about/"
    with pytest.raises(IntegrityError), transaction.atomic():
        Page.objects.filter(pk=same_slug.pk).update(slug="other", url_path="/condiciones/")


def test_a_parent_must_be_in_the_pages_language(bilingual):
    page = Page(title="Migraña", slug="migrana", language="es", parent=bilingual["conditions"])

    with pytest.raises(ValidationError) as error:
        page.full_clean()

    assert "choose a parent page in Español" in str(error.value.message_dict["parent"])


def test_a_source_has_one_translation_per_language_and_only_english_sources(bilingual):
    second = Page(
        title="Otra",
        slug="otra",
        language="es",
        parent=bilingual["condiciones"],
        translation_of=bilingual["fibro"],
    )
    with pytest.raises(ValidationError) as error:
        second.full_clean()
    assert "already has a Español translation" in str(error.value)

    of_translation = Page(
        title="Otra",
        slug="otra",
        language="es",
        parent=bilingual["condiciones"],
        translation_of=bilingual["fibromialgia"],
    )
    with pytest.raises(ValidationError, match="is not English"):
        of_translation.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        Page.objects.filter(pk=bilingual["about"].pk).update(translation_of=bilingual["fibro"])


def test_site_settings_read_the_spanish_text_falling_back_to_english(db):
    site = SiteSettings.get_solo()
    site.hours = "Monday: 8 am – 5 pm"
    site.save()
    with translation.override("es"):
        assert site.local_emergency_notice == site.emergency_notice
        assert site.local_hours_lines == ["Monday: 8 am – 5 pm"]
    site.emergency_notice_es = "Este sitio no es para emergencias. Llame al 911."
    site.hours_es = "Lunes: 8 a. m. – 5 p. m."
    with translation.override("es"):
        assert site.local_emergency_notice == "Este sitio no es para emergencias. Llame al 911."
        assert site.local_hours_lines == ["Lunes: 8 a. m. – 5 p. m."]
    with translation.override("en"):
        assert site.local_emergency_notice == site.emergency_notice
    assert site.in_language("emergency_notice", "es").startswith("Este sitio")


def test_spanish_pages_show_the_spanish_notices(bilingual, client):
    site = SiteSettings.get_solo()
    site.emergency_notice_es = "Este sitio no es para emergencias."
    site.save()

    assert "Este sitio no es para emergencias." in client.get("/es/").text
    assert "Este sitio no es para emergencias." not in client.get("/").text


# --- The Spanish starting content ------------------------------------------------------------

SPANISH_HOME = """
slug = ""
translation_of = "/"
title = "Inicio"
show_in_menu = false

[[blocks]]
kind = "paragraph"
text = "Bienvenido."
"""

SPANISH_PRIVACY = """
parent = "/"
slug = "privacidad"
translation_of = "/privacy/"
title = "Aviso de privacidad"

[[blocks]]
kind = "paragraph"
text = "Cuidamos sus datos."
"""

SPANISH_SITE = """
hours = "Lunes a viernes: 8:00 a. m. – 5:00 p. m."
emergency_notice = "Este sitio no es para emergencias. Llame al 911."
medical_disclaimer = "La información de este sitio es educativa."
"""


@pytest.fixture
def content_dir(tmp_path):
    """The English starting content with two small Spanish pages and Spanish site texts."""
    directory = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, directory, ignore=shutil.ignore_patterns("es"))
    (directory / "es" / "pages").mkdir(parents=True)
    (directory / "es" / "pages" / "10-home.toml").write_text(SPANISH_HOME)
    (directory / "es" / "pages" / "50-privacy.toml").write_text(SPANISH_PRIVACY)
    (directory / "es" / "site.toml").write_text(SPANISH_SITE)
    return directory


def test_the_loader_loads_the_spanish_pages_linked_to_their_sources(db, content_dir):
    report = clinic_content_load(content_dir=content_dir)

    assert {"es/home", "es/privacy", "es/site settings"} <= set(report.created)
    privacy = Page.objects.get(content_key="es/privacy")
    assert privacy.language == "es"
    assert privacy.get_absolute_url() == "/es/privacidad/"
    assert privacy.translation_of == Page.objects.get(language="en", url_path="/privacy/")
    assert privacy.parent == Page.objects.get(content_key="es/home")
    assert privacy.is_live
    assert list(privacy.blocks.values_list("text", flat=True)) == ["Cuidamos sus datos."]
    site = SiteSettings.get_solo()
    assert site.hours_es == "Lunes a viernes: 8:00 a. m. – 5:00 p. m."
    assert site.emergency_notice_es.startswith("Este sitio no es para emergencias")


def test_the_spanish_content_loads_once_whatever_the_editors_do(db, content_dir):
    clinic_content_load(content_dir=content_dir)
    privacy = Page.objects.get(content_key="es/privacy")
    privacy.slug = "su-privacidad"
    privacy.save()
    Page.objects.get(content_key="es/home").blocks.all().delete()
    site = SiteSettings.get_solo()
    site.hours_es = ""
    site.save()
    before = (Page.objects.count(), Block.objects.count())

    report = clinic_content_load(content_dir=content_dir)

    assert report.created == []
    assert (Page.objects.count(), Block.objects.count()) == before
    assert not Page.objects.filter(language="es", url_path="/privacidad/").exists()
    assert SiteSettings.get_solo().hours_es == ""

    privacy.delete()
    report = clinic_content_load(content_dir=content_dir)
    assert report.created == []
    assert "es/privacy" in report.deleted
    assert not Page.objects.filter(content_key="es/privacy").exists()
    assert LoadedContent.objects.filter(key="es/privacy").exists()


def test_spanish_site_texts_never_replace_what_an_editor_entered(db, content_dir):
    SiteSettings.objects.create(emergency_notice_es="El texto del editor.")

    clinic_content_load(content_dir=content_dir)

    site = SiteSettings.get_solo()
    assert site.emergency_notice_es == "El texto del editor."
    assert site.hours_es == "Lunes a viernes: 8:00 a. m. – 5:00 p. m."


@pytest.mark.skipif(
    not (CONTENT_DIR / "es" / "pages").is_dir(), reason="the Spanish starting content is not here"
)
def test_the_real_spanish_content_loads_with_every_page_linked_to_its_source(db, client):
    clinic_content_load()

    spanish = Page.objects.filter(language="es")
    assert spanish.count() == len(list((CONTENT_DIR / "es" / "pages").glob("*.toml")))
    assert not spanish.filter(translation_of__isnull=True).exists()
    for page in spanish:
        response = client.get(page.get_absolute_url())
        assert response.status_code == 200, page.get_absolute_url()
        english = client.get(page.translation_of.get_absolute_url())
        assert alternates(response)["en"].endswith(page.translation_of.get_absolute_url())
        assert alternates(english)["es"].endswith(page.get_absolute_url())
    assert clinic_content_load().created == []
