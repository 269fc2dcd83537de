"""Languages by address: English unprefixed as always, Spanish under /es/, and the header's
link that remembers a visitor's pick (docs/i18n.md)."""

from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import translation

from pages.addresses import url
from pages.cache import _cache_key, _routed_to_published_pages

pytestmark = pytest.mark.django_db


def html_lang(response):
    return BeautifulSoup(response.text, "html.parser").html["lang"]


def language_link(response):
    return BeautifulSoup(response.text, "html.parser").select_one("a.site-language")


def test_spanish_address_serves_spanish(client):
    response = client.get("/es/search/")
    assert response.status_code == 200
    assert html_lang(response) == "es"
    assert response["Content-Language"] == "es"


def test_unprefixed_address_serves_english(client):
    response = client.get("/search/")
    assert html_lang(response) == "en"
    assert response["Content-Language"] == "en"


def test_browser_language_moves_no_one(client):
    response = client.get("/search/", headers={"accept-language": "es-MX,es;q=0.9"})
    assert response.status_code == 200
    assert html_lang(response) == "en"


def test_language_cookie_moves_no_one(client):
    client.cookies["language"] = "es"
    response = client.get("/search/")
    assert response.status_code == 200
    assert html_lang(response) == "en"
    client.cookies["language"] = "en"
    assert html_lang(client.get("/es/search/")) == "es"


def test_english_addresses_are_unchanged():
    assert reverse("pages:search") == "/search/"
    assert reverse("pages:home") == "/"
    assert reverse("consultations:request_create") == "/consultation/"
    assert reverse("booking:pick", args=["abc"]) == "/consultation/booking/abc/"
    assert reverse("robots_txt") == "/robots.txt"
    assert reverse("ops:healthz") == "/healthz"


def test_spanish_addresses_carry_the_prefix():
    with translation.override("es"):
        assert reverse("pages:search") == "/es/search/"
        assert reverse("consultations:request_create") == "/es/consultation/"
        assert reverse("booking:pick", args=["abc"]) == "/es/consultation/booking/abc/"
        # Staff, machines and files keep one address.
        assert reverse("robots_txt") == "/robots.txt"
        assert reverse("language_choose", args=["en"]) == "/language/en/"


def test_remembered_addresses_follow_the_active_language():
    assert url("pages:search") == "/search/"
    with translation.override("es"):
        assert url("pages:search") == "/es/search/"
    assert url("pages:search") == "/search/"


def test_spanish_form_is_served(client):
    response = client.get("/es/consultation/")
    assert response.status_code == 200
    assert html_lang(response) == "es"


def test_staff_and_machine_addresses_have_no_spanish_twin(client):
    assert client.get("/robots.txt").status_code == 200
    assert client.get("/es/robots.txt").status_code == 404
    assert client.get("/es/healthz/").status_code == 404


def test_choosing_a_language_sets_the_cookie_and_goes_to_the_page(client):
    response = client.get("/language/es/", {"next": "/es/search/"})
    assert response.status_code == 302
    assert response["Location"] == "/es/search/"
    cookie = response.cookies["language"]
    assert cookie.value == "es"
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"]
    assert "no-cache" in response["Cache-Control"]


def test_choosing_english_goes_to_the_english_page(client):
    response = client.get("/language/en/", {"next": "/search/"})
    assert response["Location"] == "/search/"
    assert response.cookies["language"].value == "en"


def test_only_the_language_link_sets_the_cookie(client):
    for address in ("/search/", "/es/search/", "/es/consultation/", "/consultation/"):
        assert "language" not in client.get(address).cookies


@pytest.mark.parametrize(
    "target",
    [
        "https://elsewhere.example/",
        "//elsewhere.example/",
        "/\\elsewhere.example/",
        "javascript:alert(1)",
        "es/search/",
        "",
    ],
)
def test_choosing_a_language_never_leaves_the_site(client, target):
    response = client.get("/language/es/", {"next": target})
    assert response.status_code == 302
    assert response["Location"] == "/es/"
    assert response.cookies["language"].value == "es"


def test_unknown_language_is_not_found(client):
    response = client.get("/language/fr/", {"next": "/"})
    assert response.status_code == 404
    assert "language" not in response.cookies


def test_language_link_leads_to_the_same_view_in_the_other_language(client):
    link = language_link(client.get("/search/"))
    assert link.text.strip() == "Español"
    assert link["lang"] == "es"
    assert link["hreflang"] == "es"
    address = urlsplit(link["href"])
    assert address.path == "/language/es/"
    assert parse_qs(address.query) == {"next": ["/es/search/"]}

    link = language_link(client.get("/es/search/"))
    assert link.text.strip() == "English"
    assert link["lang"] == "en"
    assert parse_qs(urlsplit(link["href"]).query) == {"next": ["/search/"]}


def test_language_link_of_an_unknown_address_leads_home(client):
    link = language_link(client.get("/es/no-such-page/"))
    assert parse_qs(urlsplit(link["href"]).query) == {"next": ["/"]}
    link = language_link(client.get("/no-such-page/"))
    assert parse_qs(urlsplit(link["href"]).query) == {"next": ["/es/"]}


def test_page_cache_routes_each_address_in_its_own_language():
    _routed_to_published_pages.cache_clear()
    urlconf = "clinic_site.urls"
    # Whatever language a previous request left active in this thread.
    for leftover in ("en", "es"):
        with translation.override(leftover):
            assert _routed_to_published_pages(urlconf, "/conditions/")
            assert _routed_to_published_pages(urlconf, "/es/condiciones/")
            assert not _routed_to_published_pages(urlconf, "/consultation/")
            assert not _routed_to_published_pages(urlconf, "/es/consultation/")
            assert not _routed_to_published_pages(urlconf, "/es/search/")
        _routed_to_published_pages.cache_clear()


def test_page_cache_keeps_each_language_apart(rf):
    assert _cache_key(rf.get("/es/")) != _cache_key(rf.get("/"))


def test_robots_txt_keeps_private_addresses_out_in_each_language(client):
    body = client.get("/robots.txt").text
    for path in ("/consultation/sent/", "/es/consultation/sent/", "/es/consultation/booking/"):
        assert f"Disallow: {path}\n" in body
    assert "Disallow: /es/consultation/\n" not in body


def test_templates_translate_in_the_address_language(client):
    skip_link = "a.skip-link"
    english = BeautifulSoup(client.get("/search/").text, "html.parser").select_one(skip_link)
    spanish = BeautifulSoup(client.get("/es/search/").text, "html.parser").select_one(skip_link)
    assert english.text == "Skip to main content"
    assert spanish.text == "Ir al contenido principal"
