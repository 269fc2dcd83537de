"""The clinic's fibromyalgia copy is served word for word, in the structure it describes."""

import pytest
from bs4 import BeautifulSoup

from pages.models import Block, Page, SiteSettings
from pages.services import CONTENT_DIR, clinic_content_load, read_page_file

FIBROMYALGIA_FILE = CONTENT_DIR / "pages" / "30-fibromyalgia.toml"
FIBROMYALGIA_URL = "/conditions/fibromyalgia/"


def clinic_lines():
    """The clinic's 125 lines, in order, as the project's content file holds them (the key
    points are ours: a plain summary of those lines, not one of them)."""
    data = read_page_file(FIBROMYALGIA_FILE)
    lines = [data["seo_title"], data["title"]]
    for block in data["blocks"]:
        if block["kind"] == "key_points":
            continue
        for key in ("heading", "text"):
            if block.get(key):
                lines.append(block[key])
        lines.extend(block.get("items", []))
    return lines


@pytest.fixture
def fibromyalgia_html(clinic_content, client):
    response = client.get(FIBROMYALGIA_URL)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def test_content_file_holds_the_clinics_125_lines():
    lines = clinic_lines()
    assert len(lines) == 125
    assert lines[13] == "Cognitive symptoms (“fibro fog”)"


def test_every_line_is_served_word_for_word(fibromyalgia_html):
    main_text = " ".join(fibromyalgia_html.find("main").get_text(" ").split())
    missing = [line for line in clinic_lines()[1:] if " ".join(line.split()) not in main_text]
    assert missing == []


def test_first_line_is_the_document_and_open_graph_title(fibromyalgia_html):
    seo_title = clinic_lines()[0]
    assert fibromyalgia_html.title.string == seo_title
    assert fibromyalgia_html.find("meta", property="og:title")["content"] == seo_title


def test_structure_matches_the_clinics_copy(fibromyalgia_html):
    main = fibromyalgia_html.find("main")
    h1s = main.find_all("h1")
    assert [h.get_text() for h in h1s] == ["Ketamine Therapy for Fibromyalgia"]
    body_h2s = [
        h
        for h in main.find_all("h2")
        if h.get("id") != "page-contents-title" and not h.find_parent(class_="key-points")
    ]
    assert len(body_h2s) == 13
    assert [h.get_text() for h in main.find_all("h3")] == [
        "1. Central sensitization",
        "2. Limited effectiveness of conventional analgesics",
        "3. Multifactorial symptom burden",
        "Initial evaluation",
        "Infusion experience",
    ]
    body_lists = [
        ul
        for ul in main.find_all("ul")
        if not ul.find_parent(class_=["page-contents", "key-points"])
    ]
    assert len(body_lists) == 14
    details = main.select(".faq details")
    assert len(details) == 4
    assert details[0].summary.get_text() == "Is ketamine approved for fibromyalgia?"
    assert "not FDA-approved" in details[0].p.get_text()


def test_page_closes_with_a_call_to_action_to_the_consultation_form(fibromyalgia_html):
    cta = fibromyalgia_html.select("main section.cta")[-1]
    assert cta.h2.get_text() == "Schedule a Consultation"
    assert cta.a["href"] == "/consultation/"


def test_on_this_page_lists_every_section_by_its_anchor(fibromyalgia_html):
    contents = fibromyalgia_html.find("nav", class_="page-contents")
    targets = [a["href"].lstrip("#") for a in contents.find_all("a")]
    assert len(targets) == 13
    for anchor in targets:
        assert fibromyalgia_html.find(id=anchor).name == "h2"


def test_loading_twice_changes_and_duplicates_nothing(clinic_content):
    page = Page.objects.get(url_path=FIBROMYALGIA_URL)
    page.title = "Edited by the clinic"
    page.save()
    counts = (Page.objects.count(), Block.objects.count(), SiteSettings.objects.count())

    report = clinic_content_load()

    assert report.created == []
    assert (Page.objects.count(), Block.objects.count(), SiteSettings.objects.count()) == counts
    assert Page.objects.get(url_path=FIBROMYALGIA_URL).title == "Edited by the clinic"


@pytest.mark.parametrize("url", ["/", "/conditions/", "/about/", "/privacy/"])
def test_clinic_pages_are_published(clinic_content, client, url):
    assert client.get(url).status_code == 200
