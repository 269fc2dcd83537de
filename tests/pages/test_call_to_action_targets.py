"""A call to action leads to the consultation form (as the starting content's does) or to any
page of the site, chosen by page so that the button follows the page's address."""

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.urls import reverse

from pages.models import Block, Page
from tests.admin_forms import PUBLISH, block_prefix, change_url, form_data

from .conftest import FIBROMYALGIA_URL


@pytest.fixture
def about(clinic_content):
    return Page.objects.get(url_path="/about/")


def cta_button(client, label):
    html = BeautifulSoup(client.get(FIBROMYALGIA_URL).content, "html.parser")
    return html.select_one("main").find("a", class_="btn", string=label)


def closing_cta(page):
    return page.blocks.filter(kind=Block.Kind.CALL_TO_ACTION).order_by("position").last()


def make_cta(page, target_page):
    return Block.objects.create(
        page=page,
        position=0,
        kind=Block.Kind.CALL_TO_ACTION,
        heading="Meet the team",
        button_label="About the clinic",
        button_target=Block.Target.PAGE,
        button_page=target_page,
    )


def test_the_starting_contents_call_to_action_still_leads_to_the_form(fibromyalgia, client):
    cta = closing_cta(fibromyalgia)

    assert all(
        block.button_target == Block.Target.CONSULTATION_REQUEST
        for block in fibromyalgia.blocks.filter(kind=Block.Kind.CALL_TO_ACTION)
    )
    button = cta_button(client, cta.button_label)
    assert button["href"] == reverse("consultations:request_create")


def test_a_call_to_action_can_lead_to_another_page_and_follows_its_address(
    fibromyalgia, about, client
):
    make_cta(fibromyalgia, about)
    assert cta_button(client, "About the clinic")["href"] == "/about/"

    about.slug = "our-clinic"
    about.save()

    assert cta_button(client, "About the clinic")["href"] == "/our-clinic/"


def test_a_call_to_action_to_an_unpublished_page_shows_no_button(fibromyalgia, about, client):
    make_cta(fibromyalgia, about)
    about.status = Page.Status.DRAFT
    about.save()

    html = BeautifulSoup(client.get(FIBROMYALGIA_URL).content, "html.parser")

    assert html.find("a", string="About the clinic") is None
    assert html.find("h2", string="Meet the team") is not None


def test_a_call_to_action_to_a_page_needs_the_page(fibromyalgia):
    block = Block(
        page=fibromyalgia,
        kind=Block.Kind.CALL_TO_ACTION,
        button_label="Go",
        button_target=Block.Target.PAGE,
    )

    with pytest.raises(ValidationError) as refused:
        block.full_clean()

    assert "button_page" in refused.value.message_dict


def test_an_editor_points_a_call_to_action_at_a_page_chosen_from_a_list(
    editor_client, fibromyalgia, about
):
    cta = closing_cta(fibromyalgia)
    response = editor_client.get(change_url(fibromyalgia))
    data = form_data(response, "page_form")
    prefix = block_prefix(data, cta)
    html = BeautifulSoup(response.content, "html.parser")
    assert html.select_one(f"[name='{prefix}-button_page']") is None  # leads to the form
    data[f"{prefix}-button_target"] = Block.Target.PAGE

    response = editor_client.post(change_url(fibromyalgia), data)

    assert response.status_code == 200
    row = BeautifulSoup(response.content, "html.parser").select_one(f"#{prefix} .field-button_page")
    assert row.select_one(f"select[name='{prefix}-button_page']") is not None
    assert "Choose the page the button leads to." in row.get_text()
    assert str(about.pk) in [option["value"] for option in row.find_all("option")]
    data = form_data(response, "page_form")
    data[f"{prefix}-button_page"] = str(about.pk)

    response = editor_client.post(change_url(fibromyalgia), {**data, **PUBLISH})

    assert response.status_code == 302, response.content.decode()[:2000]
    cta.refresh_from_db()
    assert (cta.button_target, cta.button_page) == (Block.Target.PAGE, about)
