"""Editor text is untrusted: markup typed into any field reaches the page as text, never as HTML,
and a link may only lead where links are allowed to (refused on save, dropped on output)."""

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError

from pages.models import Block, Page, SiteSettings

PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>"\'><b>'
SHORT_PAYLOAD = "<img src=x onerror=alert(1)>"  # for fields too short for the whole payload
# Written in the block text's own link markup, with the HTML payload as the link's words.
BAD_LINKS = (
    f"[{PAYLOAD}](javascript:alert(1)) [bold **{SHORT_PAYLOAD}**](data:text/html,<script>x</script>) "
    "[x](javascript:alert(document.cookie)) [y](data:text/html;base64,PHNjcmlwdD4=)"
)


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
        {"kind": Block.Kind.PARAGRAPH, "text": BAD_LINKS},
        {"kind": Block.Kind.LIST, "text": BAD_LINKS, "items": f"{BAD_LINKS}\n{BAD_LINKS}"},
        {"kind": Block.Kind.FAQ, "heading": "Q?", "text": BAD_LINKS},
        {"kind": Block.Kind.CALLOUT, "text": BAD_LINKS},
        {"kind": Block.Kind.KEY_POINTS, "items": f"{PAYLOAD}\n{BAD_LINKS}"},
        {
            "kind": Block.Kind.REFERENCES,
            "heading": PAYLOAD,
            "items": f"{PAYLOAD} https://example.org/\n{PAYLOAD} javascript:alert(1)\n"
            f"{PAYLOAD} data:text/html,x",
        },
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
    links = [a.get("href", "") for a in html.find_all("a")]
    assert not [href for href in links if href.lower().startswith(("javascript:", "data:"))]


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"kind": Block.Kind.PARAGRAPH, "text": BAD_LINKS}, "text"),
        ({"kind": Block.Kind.LIST, "items": BAD_LINKS}, "items"),
        ({"kind": Block.Kind.LIST, "text": BAD_LINKS, "items": "One"}, "text"),
        ({"kind": Block.Kind.FAQ, "heading": "Q?", "text": BAD_LINKS}, "text"),
        ({"kind": Block.Kind.CALLOUT, "text": BAD_LINKS}, "text"),
        ({"kind": Block.Kind.KEY_POINTS, "items": BAD_LINKS}, "items"),
        ({"kind": Block.Kind.REFERENCES, "items": "Source javascript:alert(1)"}, "items"),
        ({"kind": Block.Kind.REFERENCES, "items": "Source data:text/html,x"}, "items"),
    ],
)
def test_javascript_and_data_links_are_refused_on_save(clinic_content, fields, field):
    page = Page.objects.get(url_path="/conditions/fibromyalgia/")
    block = Block(page=page, **fields)

    with pytest.raises(ValidationError) as refused:
        block.full_clean()

    assert refused.value.message_dict[field]


def test_markup_cannot_break_out_of_the_json_ld(poisoned_page, client):
    body = client.get("/conditions/fibromyalgia/").text
    for chunk in body.split('<script type="application/ld+json">')[1:]:
        data = chunk.split("</script>", 1)[0]
        assert "<" not in data and ">" not in data
