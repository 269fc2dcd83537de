"""The admin's page list is the site's tree: parents first, sub-pages indented, menu order."""

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pages.models import Page

from .factories import PageFactory

CHANGELIST = reverse("admin:pages_page_changelist")


@pytest.fixture
def tree(db):
    home = PageFactory(title="Home", slug="", menu_order=0)
    later = PageFactory(title="About us", slug="about", parent=home, menu_order=20)
    first = PageFactory(title="Treatments", slug="treatments", parent=home, menu_order=10)
    PageFactory(title="Ketamine infusions", slug="infusions", parent=first, menu_order=5)
    PageFactory(
        title="Spravato", slug="spravato", parent=first, menu_order=1, status=Page.Status.DRAFT
    )
    return home, first, later


def listed_titles(response):
    html = BeautifulSoup(response.content, "html.parser")
    return [cell.get_text() for cell in html.select("#result_list tbody th.field-tree_title a")]


def test_page_list_shows_parents_first_with_sub_pages_indented_in_menu_order(tree, editor_client):
    assert listed_titles(editor_client.get(CHANGELIST)) == [
        "Home",
        "— Treatments",
        "— — Spravato",
        "— — Ketamine infusions",
        "— About us",
    ]


def test_filters_still_narrow_the_page_tree(tree, editor_client):
    response = editor_client.get(CHANGELIST, {"status__exact": Page.Status.DRAFT})

    assert listed_titles(response) == ["— — Spravato"]


def test_page_tree_costs_no_query_per_listed_page(tree, editor_client):
    def queries_for_the_list():
        with CaptureQueriesContext(connection) as queries:
            assert editor_client.get(CHANGELIST).status_code == 200
        return len(queries)

    before = queries_for_the_list()
    home, first, _ = tree
    for number in range(8):
        PageFactory(title=f"Condition {number}", slug=f"condition-{number}", parent=first)

    assert queries_for_the_list() == before
