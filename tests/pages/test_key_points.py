"""Key points: a short, plain list in a box under the page heading, edited like any block."""

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError

from pages.checks import KEY_POINTS_GRADE_MAX, key_points_text, page_findings, reading_grade
from pages.models import Block, Page
from pages.services import clinic_content_load
from tests.admin_forms import PUBLISH, change_url, form_data

from .conftest import FIBROMYALGIA_URL
from .factories import BlockFactory, PageFactory


def _main(client, url=FIBROMYALGIA_URL):
    response = client.get(url)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser").find("main")


def test_fibromyalgia_key_points_sit_under_the_heading_before_the_contents(client, fibromyalgia):
    main = _main(client)
    box = main.select_one("section.key-points")
    assert box.find_previous("h1") is not None
    assert box.find_next("nav", class_="page-contents") is not None
    assert box.h2.get_text() == "Key points"
    assert box["aria-labelledby"] == box.h2["id"]
    points = [li.get_text() for li in box.find_all("li")]
    assert 3 <= len(points) <= 5
    assert "Ketamine is not a cure for fibromyalgia." in points
    assert any("consultation" in point for point in points)


def test_fibromyalgia_key_points_read_at_grade_seven_or_lower(fibromyalgia):
    block = fibromyalgia.blocks.get(kind=Block.Kind.KEY_POINTS)
    assert reading_grade(key_points_text(block)) <= KEY_POINTS_GRADE_MAX


@pytest.mark.django_db
def test_key_points_need_at_least_one_point():
    block = BlockFactory.build(page=PageFactory(), kind=Block.Kind.KEY_POINTS, text="", items="")
    with pytest.raises(ValidationError) as error:
        block.full_clean()
    assert "at least one point" in str(error.value.message_dict["items"])


@pytest.mark.django_db
def test_key_points_without_a_title_are_called_key_points(client):
    page = PageFactory(slug="plain")
    BlockFactory(page=page, kind=Block.Kind.KEY_POINTS, text="", items="One.\nTwo.")
    box = _main(client, page.url_path).select_one("section.key-points")
    assert box.h2.get_text() == "Key points"
    assert box.h2["id"] == "key-points"
    assert [li.get_text() for li in box.find_all("li")] == ["One.", "Two."]


@pytest.mark.django_db
def test_hard_key_points_are_flagged_for_the_editor():
    page = PageFactory(meta_description="Fine.")
    BlockFactory(
        page=page,
        kind=Block.Kind.KEY_POINTS,
        text="",
        items="Intravenous ketamine administration necessitates comprehensive physiological monitoring.",
    )
    messages = [f.message for f in page_findings(page, list(page.blocks.all()))]
    assert any("key points read at US school grade" in m for m in messages)


def test_editor_adds_key_points_in_the_admin(editor_client, client, fibromyalgia):
    fibromyalgia.blocks.filter(kind=Block.Kind.KEY_POINTS).delete()
    data = form_data(editor_client.get(change_url(fibromyalgia)), "page_form")
    total = int(data["blocks-TOTAL_FORMS"])
    prefix = f"blocks-{total}"
    data.update(
        {
            "blocks-TOTAL_FORMS": str(total + 1),
            f"{prefix}-kind": Block.Kind.KEY_POINTS,
            f"{prefix}-heading": "In short",
            f"{prefix}-items": "Not a cure.\nAsk us.",
            f"{prefix}-position": "0",
            f"{prefix}-page": str(fibromyalgia.pk),
        }
    )

    response = editor_client.post(change_url(fibromyalgia), {**data, **PUBLISH})

    assert response.status_code == 302, response.content.decode()[:3000]
    box = _main(client).select_one("section.key-points")
    assert box.h2.get_text() == "In short"
    assert [li.get_text() for li in box.find_all("li")] == ["Not a cure.", "Ask us."]


def test_loading_again_leaves_an_editors_key_points_alone(fibromyalgia):
    fibromyalgia.blocks.filter(kind=Block.Kind.KEY_POINTS).update(items="Edited by the clinic.")

    clinic_content_load()

    page = Page.objects.get(url_path=FIBROMYALGIA_URL)
    assert list(page.blocks.filter(kind=Block.Kind.KEY_POINTS).values_list("items", flat=True)) == [
        "Edited by the clinic."
    ]


def test_a_call_to_action_follows_the_introduction(client, fibromyalgia):
    main = _main(client)
    first_cta = main.select_one("section.cta")
    introduction_end = main.find(
        "p", string=lambda s: s and s.startswith("Ketamine therapy is not a cure")
    )
    assert introduction_end.find_next("section", class_="cta") is first_cta
    assert first_cta.find_next("h2").get_text() == "Understanding Fibromyalgia"
    assert first_cta.a["href"] == "/consultation/"
