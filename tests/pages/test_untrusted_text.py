"""Editor text is untrusted: markup typed into any field reaches the page as text, never as HTML."""

import pytest
from bs4 import BeautifulSoup

from pages.models import Block, Page, SiteSettings

PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>"\'><b>'
SHORT_PAYLOAD = "<img src=x onerror=alert(1)>"  # for fields too short for the whole payload


def poison(instance, names):
    for name in names:
        max_length = instance._meta.get_field(name).max_length or 10_000
        value = PAYLOAD if len(PAYLOAD) <= max_length else SHORT_PAYLOAD
        setattr(instance, name, value)


@pytest.fixture
def poisoned_page(clinic_content):
    page = Page.objects.get(url_path="/conditions/fibromyalgia/")
    poison(page, ("title", "seo_title", "meta_description", "menu_title", "summary"))
    page.save()
    page.blocks.all().delete()
    kinds = [
        {"kind": Block.Kind.HEADING, "heading_level": 2, "heading": PAYLOAD},
        {"kind": Block.Kind.PARAGRAPH, "text": PAYLOAD},
        {"kind": Block.Kind.LIST, "text": PAYLOAD, "items": f"{PAYLOAD}\n{PAYLOAD}"},
        {"kind": Block.Kind.FAQ, "heading": PAYLOAD, "text": PAYLOAD},
        {"kind": Block.Kind.CALLOUT, "heading": PAYLOAD, "text": PAYLOAD},
        {
            "kind": Block.Kind.CALL_TO_ACTION,
            "heading": PAYLOAD,
            "text": PAYLOAD,
            "button_label": PAYLOAD,
            "button_target": "consultation",
        },
        {"kind": Block.Kind.CONTACT},
    ]
    for position, fields in enumerate(kinds):
        Block.objects.create(page=page, position=position, **fields)
    settings = SiteSettings.get_solo()
    poison(
        settings,
        (
            "clinic_name",
            "street_address",
            "locality",
            "phone",
            "hours",
            "emergency_notice",
            "medical_disclaimer",
        ),
    )
    settings.save()
    return page


@pytest.mark.parametrize("url", ["/conditions/fibromyalgia/", "/conditions/", "/"])
def test_markup_in_editor_text_is_shown_as_text(poisoned_page, client, url):
    response = client.get(url)
    html = BeautifulSoup(response.content, "html.parser")
    assert not [s for s in html.find_all("script") if s.get("type") != "application/ld+json"]
    assert not html.find_all("img")
    assert not html.find_all("b")
    assert not [tag for tag in html.find_all(True) if "onerror" in tag.attrs]
    assert "onerror=alert(1)" in html.get_text()  # shown to the reader, as typed


def test_markup_cannot_break_out_of_the_json_ld(poisoned_page, client):
    body = client.get("/conditions/fibromyalgia/").text
    for chunk in body.split('<script type="application/ld+json">')[1:]:
        data = chunk.split("</script>", 1)[0]
        assert "<" not in data and ">" not in data
