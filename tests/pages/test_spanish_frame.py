"""The page frame in Spanish: under /es/ every label the site itself writes (header, footer,
search, error pages, a page's own labels and dates) is Spanish; at the English address none
of them is. What editors write (titles, blocks, the clinic's settings) is content, not this."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import translation

from pages.dates import long_date
from pages.models import Block, Page

from .factories import BlockFactory, MedicalReviewerFactory, PageFactory

pytestmark = pytest.mark.django_db

# The frame's labels: (English, Spanish). Each is looked for in the page's text or attributes.
FRAME = [
    ("Skip to main content", "Ir al contenido principal"),
    ("Request a consultation", "Solicitar una consulta"),
    ("Call the clinic:", "Llame a la clínica:"),
    ('aria-label="Main"', 'aria-label="Principal"'),
    (">Search</a>", ">Buscar</a>"),
    (">Phone</dt>", ">Teléfono</dt>"),
    (">Address</dt>", ">Dirección</dt>"),
]
PAGE_LABELS = [
    ("On this page", "En esta página"),
    (">Key points</h2>", ">Puntos clave</h2>"),
    (">References</h2>", ">Referencias</h2>"),
    ("Medically reviewed by", "Revisión médica:"),
    ("Next review due", "Próxima revisión prevista"),
    ("Page last updated", "Última actualización de la página"),
    ("(external site)", "(sitio externo)"),
]
BREADCRUMB = [('aria-label="Breadcrumb"', 'aria-label="Ruta de navegación"')]
SEARCH_LABELS = [
    ("Search this site", "Buscar en este sitio"),
    ("Search for", "Buscar"),
    ("Try fewer or different words", "Pruebe con menos palabras o con otras"),
]
ERROR_LABELS = [
    ("We could not find that page", "No pudimos encontrar esa página"),
    ("The address may be mistyped", "Es posible que la dirección esté mal escrita"),
    ("Go to the home page", "Ir a la página de inicio"),
    ("Or call us at", "O llámenos al"),
]


def spanish_page(**fields):
    """A published page as the Spanish site serves it. Until pages carry a language
    (es-pages' Page.language), every page is also served under /es/."""
    if any(field.name == "language" for field in Page._meta.get_fields()):
        fields["language"] = "es"
    return PageFactory(**fields)


@pytest.fixture
def reviewed_page(clinic_content):
    reviewer = MedicalReviewerFactory(name="Dra. Ana Ruiz", credentials="MD")
    page = spanish_page(
        slug="pagina-de-prueba",
        title="Página de prueba",
        medical_reviewer=reviewer,
        last_reviewed_on=datetime.date(2026, 12, 1),
        next_review_due=datetime.date(2027, 12, 1),
    )
    BlockFactory(page=page, kind=Block.Kind.KEY_POINTS, heading="", text="", items="Uno.\nDos.")
    for number in range(3):
        BlockFactory(
            page=page,
            kind=Block.Kind.HEADING,
            heading_level=Block.Level.H2,
            heading=f"Sección {number}",
            anchor=f"seccion-{number}",
        )
        BlockFactory(page=page, text="Texto de la sección.")
    BlockFactory(
        page=page,
        kind=Block.Kind.REFERENCES,
        heading="",
        text="",
        items="Una fuente. https://example.org/fuente",
    )
    return page


def spanish_address(page):
    # A stored address never carries the language prefix; the Spanish site adds it.
    return f"/es{page.url_path}"


def assert_spanish(html, labels):
    for english, spanish in labels:
        assert spanish in html, f"Missing Spanish label {spanish!r}"
        assert english not in html, f"English label {english!r} on a Spanish page"


def assert_english(html, labels):
    for english, spanish in labels:
        assert english in html, f"Missing English label {english!r}"
        assert spanish not in html, f"Spanish label {spanish!r} on an English page"


def test_a_page_under_es_has_a_spanish_frame(client, reviewed_page):
    response = client.get(spanish_address(reviewed_page))
    assert response.status_code == 200
    html = response.text
    assert_spanish(html, FRAME + PAGE_LABELS)
    soup = BeautifulSoup(html, "html.parser")
    assert soup.html["lang"] == "es"
    assert soup.find("meta", property="og:locale")["content"] == "es_US"
    link = soup.select_one("a.site-language")
    assert link.get_text() == "English" and link["lang"] == "en"


def test_spanish_breadcrumbs_are_named_in_spanish(client, reviewed_page):
    child = spanish_page(slug="subpagina", title="Subpágina", parent=reviewed_page)
    assert_spanish(client.get(spanish_address(child)).text, BREADCRUMB)


def test_a_spanish_page_writes_its_dates_in_spanish(client, reviewed_page):
    soup = BeautifulSoup(client.get(spanish_address(reviewed_page)).text, "html.parser")
    review = soup.select_one("p.medical-review").get_text()
    assert review == (
        "Revisión médica: Dra. Ana Ruiz, MD, 1 de diciembre de 2026. "
        "Próxima revisión prevista: 1 de diciembre de 2027."
    )
    assert soup.select_one('time[datetime="2026-12-01"]').get_text() == "1 de diciembre de 2026"


def test_the_english_page_has_none_of_the_spanish_labels(client, fibromyalgia):
    # The fibromyalgia page has key points, sections and breadcrumbs (no sources listed).
    fibromyalgia.medical_reviewer = MedicalReviewerFactory()
    fibromyalgia.last_reviewed_on = datetime.date(2026, 12, 1)
    fibromyalgia.next_review_due = datetime.date(2027, 12, 1)
    fibromyalgia.save()
    html = client.get(fibromyalgia.url_path).text
    labels = [
        label for label in PAGE_LABELS if label[0] not in (">References</h2>", "(external site)")
    ]
    assert_english(html, FRAME + BREADCRUMB + labels)
    assert "December 1, 2026" in html
    soup = BeautifulSoup(html, "html.parser")
    assert soup.html["lang"] == "en"
    link = soup.select_one("a.site-language")
    assert link.get_text() == "Español" and link["lang"] == "es" and link["hreflang"] == "es"


def test_spanish_search_and_its_results_are_spanish(client, clinic_content):
    html = client.get("/es/search/", {"q": "zzzqqq"}).text
    assert_spanish(html, FRAME + SEARCH_LABELS)
    assert "Ninguna página coincide con “zzzqqq”." in html
    assert "<title>Búsqueda: zzzqqq | Buscar |" in html


def test_spanish_search_counts_its_results_in_spanish(client, clinic_content):
    soup = BeautifulSoup(client.get("/es/search/", {"q": "ketamine"}).text, "html.parser")
    summary = soup.select_one("#search-summary").get_text()
    assert " coincide" in summary and "match" not in summary


def test_english_search_stays_english(client, clinic_content):
    html = client.get("/search/", {"q": "zzzqqq"}).text
    assert_english(html, FRAME + SEARCH_LABELS)
    assert "No pages match “zzzqqq”." in html


def test_too_long_a_search_is_refused_in_spanish(client, clinic_content):
    html = client.get("/es/search/", {"q": "x" * 500}).text
    assert "Escriba como máximo" in html


def test_spanish_404_is_spanish(client, clinic_content):
    response = client.get("/es/no-existe/")
    assert response.status_code == 404
    html = response.text
    assert_spanish(html, FRAME + ERROR_LABELS)
    soup = BeautifulSoup(html, "html.parser")
    assert soup.title.get_text().startswith("Página no encontrada |")
    assert soup.select_one("main a.link-standalone")["href"] == "/es/"


def test_english_404_is_english(client, clinic_content):
    html = client.get("/no-such-page/").text
    assert_english(html, FRAME + ERROR_LABELS)


@pytest.mark.parametrize(
    "view, heading",
    [
        ("server_error", "Algo salió mal de nuestro lado"),
        ("database_unavailable", "Esta parte de nuestro sitio no está disponible por un momento"),
    ],
)
def test_spanish_500_and_503_pages_are_spanish(rf, clinic_content, client, view, heading):
    from pages import views

    client.get("/")  # the process has read the menus and settings once
    with translation.override("es"):
        response = getattr(views, view)(rf.get("/es/condiciones/"))
    html = response.content.decode()
    assert heading in html
    assert "Por favor, vuelva a intentarlo en unos minutos." in html
    assert_spanish(html, [label for label in FRAME if "Address" not in label[0]])


def test_the_home_link_leads_to_the_home_of_the_pages_language(client, clinic_content):
    spanish = BeautifulSoup(client.get("/es/search/").text, "html.parser")
    english = BeautifulSoup(client.get("/search/").text, "html.parser")
    assert spanish.select_one("a.site-name")["href"] == "/es/"
    assert english.select_one("a.site-name")["href"] == "/"
    with translation.override("es"):
        assert spanish.select_one("a.site-request")["href"] == reverse(
            "consultations:request_create"
        )


def test_long_dates_in_both_languages():
    day = datetime.date(2026, 12, 1)
    assert long_date(day) == "December 1, 2026"
    assert long_date(day, "es") == "1 de diciembre de 2026"
    assert long_date(day, "en") == "December 1, 2026"
    with translation.override("es"):
        assert long_date(day) == "1 de diciembre de 2026"
        assert long_date(datetime.date(2027, 3, 2), "en") == "March 2, 2027"
    assert long_date(None, "es") == ""
