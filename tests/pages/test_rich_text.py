"""Bold, italic and links in block text: written as a small markup, rendered safely, read as
plain words wherever text is read as text."""

import json

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError

from pages import checks, revisions, selectors
from pages.models import Block, Page
from pages.search import search_pages
from tests.admin_forms import block_prefix, change_url, form_data

from .conftest import FIBROMYALGIA_URL


@pytest.fixture
def about(clinic_content):
    return Page.objects.get(url_path="/about/")


def first_paragraph(page):
    return page.blocks.filter(kind=Block.Kind.PARAGRAPH).order_by("position").first()


def set_text(block, text):
    block.text = text
    block.full_clean()
    block.save()


def public_html(client, url=FIBROMYALGIA_URL):
    response = client.get(url)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def test_bold_and_italic_render_as_strong_and_em(fibromyalgia, client):
    set_text(first_paragraph(fibromyalgia), "Ketamine is **not** a *first* treatment.")

    main = public_html(client).find("main")

    assert main.find("strong").get_text() == "not"
    assert main.find("em").get_text() == "first"


def test_a_link_to_another_page_leads_to_its_address(fibromyalgia, about, client):
    set_text(first_paragraph(fibromyalgia), f"Read [about our team](page:{about.pk}) first.")

    link = public_html(client).find("main").find("a", string="about our team")

    assert link["href"] == "/about/"
    assert not link.get("rel")


def test_a_link_to_another_page_survives_that_pages_slug_change(fibromyalgia, about, client):
    set_text(first_paragraph(fibromyalgia), f"Read [about our team](page:{about.pk}) first.")
    about.slug = "our-clinic"
    about.save()

    link = public_html(client).find("main").find("a", string="about our team")

    assert link["href"] == "/our-clinic/"


def test_a_link_to_an_unpublished_page_renders_as_its_words(fibromyalgia, about, client):
    set_text(first_paragraph(fibromyalgia), f"Read [about our team](page:{about.pk}) first.")
    about.status = Page.Status.DRAFT
    about.save()

    main = public_html(client).find("main")

    assert main.find("a", string="about our team") is None
    assert "Read about our team first." in main.get_text()


def test_a_link_to_a_deleted_page_renders_as_its_words(fibromyalgia, client):
    gone = Page.objects.create(title="Gone", slug="gone", status=Page.Status.PUBLISHED)
    set_text(first_paragraph(fibromyalgia), f"See [the old page](page:{gone.pk}).")
    gone.delete()

    main = public_html(client).find("main")

    assert main.find("a", string="the old page") is None
    assert "See the old page." in main.get_text()


def test_an_external_link_says_it_leaves_the_site_and_keeps_no_opener(fibromyalgia, client):
    set_text(
        first_paragraph(fibromyalgia),
        "See the [NIH summary](https://www.ninds.nih.gov/health-information/fibromyalgia).",
    )

    link = public_html(client).find("main").find("a", href=lambda h: h and "nih.gov" in h)

    assert link["rel"] == ["noopener", "noreferrer"]
    hint = link.find("span", class_="visually-hidden")
    assert hint.get_text(strip=True) == "(external site)"
    assert not link.get("target")  # opens where the reader is, as every other link


def test_phone_and_email_links_are_plain_links(fibromyalgia, client):
    set_text(
        first_paragraph(fibromyalgia),
        "[Call us](tel:+15125550123) or [write](mailto:care@example.org).",
    )

    main = public_html(client).find("main")

    assert main.find("a", string="Call us")["href"] == "tel:+15125550123"
    assert main.find("a", string="write")["href"] == "mailto:care@example.org"


@pytest.mark.parametrize(
    "kind, fields, field",
    [
        (Block.Kind.PARAGRAPH, {}, "text"),
        (Block.Kind.LIST, {"items": "First\n{link}"}, "items"),
        (Block.Kind.FAQ, {"heading": "Is it safe?"}, "text"),
        (Block.Kind.CALLOUT, {}, "text"),
    ],
)
def test_links_in_every_rich_text_field_render(fibromyalgia, about, client, kind, fields, field):
    link = f"[about us](page:{about.pk}) and **bold**"
    values = {"text": link, **{k: v.format(link=link) for k, v in fields.items()}}
    Block.objects.create(page=fibromyalgia, position=0, kind=kind, **values)

    main = public_html(client).find("main")

    assert main.find("a", string="about us")["href"] == "/about/"
    assert "**" not in main.get_text()


@pytest.mark.parametrize(
    "target",
    [
        "javascript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "vbscript:msgbox(1)",
        "http://example.org/",
        "/relative/junk",
        "//example.org/",
        "page:abc",
    ],
)
def test_a_link_that_is_not_allowed_is_refused_with_a_message_for_the_field(fibromyalgia, target):
    block = first_paragraph(fibromyalgia)
    block.text = f"Click [here]({target})."

    with pytest.raises(ValidationError) as refused:
        block.full_clean()

    messages = refused.value.message_dict["text"]
    assert any("“here”" in message for message in messages)


def test_a_link_to_a_page_that_does_not_exist_is_refused(fibromyalgia):
    block = first_paragraph(fibromyalgia)
    block.text = "See [this](page:999999)."

    with pytest.raises(ValidationError) as refused:
        block.full_clean()

    assert "page:999999" in refused.value.message_dict["text"][0]


def test_a_refused_link_is_shown_beside_the_field_in_the_editor(editor_client, fibromyalgia):
    paragraph = first_paragraph(fibromyalgia)
    data = form_data(editor_client.get(change_url(fibromyalgia)), "page_form")
    prefix = block_prefix(data, paragraph)
    data[f"{prefix}-text"] = "Click [here](javascript:alert(1))."

    response = editor_client.post(change_url(fibromyalgia), data)

    assert response.status_code == 200
    row = BeautifulSoup(response.content, "html.parser").select_one(f"#{prefix} .field-text")
    assert "is not allowed" in row.select_one(".errorlist").get_text()
    assert "Click [here](javascript:alert(1))." in row.select_one("textarea").get_text()
    paragraph.refresh_from_db()
    assert "javascript:" not in paragraph.text


@pytest.mark.parametrize(
    "target", ["javascript:alert(1)", "data:text/html,<b>x</b>", "http://example.org/"]
)
def test_a_link_that_is_not_allowed_is_shown_as_its_words_if_it_reaches_a_page(
    fibromyalgia, client, target
):
    # Written past the editor's checks (as an import or a database edit could).
    Block.objects.filter(pk=first_paragraph(fibromyalgia).pk).update(
        text=f"Click [here]({target}) now."
    )

    main = public_html(client).find("main")

    assert not main.find_all("a", href=lambda h: h and h.split(":")[0] in {"javascript", "data"})
    assert not main.find_all("a", string="here")
    assert "Click here now." in main.get_text()


def test_the_editor_lists_every_page_with_its_link_code(editor_client, fibromyalgia, about):
    html = BeautifulSoup(editor_client.get(change_url(fibromyalgia)).content, "html.parser")

    help_panel = html.select_one("#rich-text-help")
    # Closed until asked for, behind a one-line summary: the block list stays short.
    assert help_panel.name == "details" and not help_panel.has_attr("open")
    assert help_panel.summary.get_text(strip=True) == "Formatting: bold, italic, links"
    assert f"page:{about.pk}" in help_panel.get_text()
    assert "**words**" in help_panel.get_text()
    picker = html.select_one("#rich-link-picker select")
    assert about.pk in [int(option["value"]) for option in picker.find_all("option")]


def test_search_finds_a_links_words_but_not_its_address(fibromyalgia, about, client):
    set_text(
        first_paragraph(fibromyalgia),
        "Read the [zebrafinch study](https://quokkadomain.example.org/) today.",
    )

    assert [r.page for r in search_pages("zebrafinch")] == [fibromyalgia]
    assert search_pages("quokkadomain") == []
    passage = search_pages("zebrafinch")[0].passage
    assert "](" not in passage and "quokkadomain" not in passage


def test_json_ld_faq_answers_are_plain_text(fibromyalgia, about, client):
    Block.objects.create(
        page=fibromyalgia,
        position=0,
        kind=Block.Kind.FAQ,
        heading="Who are you?",
        text=f"A **physician-led** clinic: [about us](page:{about.pk}).",
    )

    body = client.get(FIBROMYALGIA_URL).text
    documents = [
        json.loads(chunk.split("</script>", 1)[0])
        for chunk in body.split('<script type="application/ld+json">')[1:]
    ]
    faq = next(doc for doc in documents if doc["@type"] == "FAQPage")
    answers = [q["acceptedAnswer"]["text"] for q in faq["mainEntity"]]

    assert "A physician-led clinic: about us." in answers


def test_reading_ease_and_revision_diffs_read_the_words_without_markup(fibromyalgia, about):
    set_text(first_paragraph(fibromyalgia), f"We **care**. See [us](page:{about.pk}).")
    blocks = selectors.page_blocks(fibromyalgia)

    reading = checks.reading_text(fibromyalgia, blocks)
    diff_lines = revisions.body_text(blocks)

    assert "We care. See us." in reading
    assert "We care. See us." in diff_lines
    assert not [line for line in diff_lines if "**" in line or "](page:" in line]
    assert str(first_paragraph(fibromyalgia)) == "Paragraph: We care. See us."


def test_blocks_linking_to_page_names_the_pages_that_link_to_it(fibromyalgia, about):
    other = Page.objects.create(title="Other", slug="other", status=Page.Status.PUBLISHED)
    set_text(first_paragraph(fibromyalgia), f"See [us](page:{about.pk}).")
    Block.objects.create(
        page=other,
        kind=Block.Kind.CALL_TO_ACTION,
        button_label="About us",
        button_target=Block.Target.PAGE,
        button_page=about,
    )
    # page:1… must not count as a link to page 1 when it is page 12's code.
    unrelated = Page.objects.create(title="Unrelated", slug="unrelated")
    Block.objects.create(page=unrelated, text=f"See [it](page:{about.pk}0).")

    assert list(selectors.blocks_linking_to_page(about)) == [fibromyalgia, other]
    assert list(selectors.blocks_linking_to_page(other)) == []


def test_the_fibromyalgia_page_keeps_its_query_budget_with_links_in_text(
    fibromyalgia, about, client, django_assert_max_num_queries
):
    for block in fibromyalgia.blocks.filter(kind=Block.Kind.PARAGRAPH)[:10]:
        set_text(block, f"{block.text} See [about us](page:{about.pk}) and [NIH](https://nih.gov).")
    client.get(FIBROMYALGIA_URL)  # the cache of prepared reads, as a visitor would find it

    with django_assert_max_num_queries(4):
        html = public_html(client)

    assert len(html.find("main").find_all("a", string="about us")) == 10
