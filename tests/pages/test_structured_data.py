"""The JSON-LD of each page, read by a JSON-LD processor (PyLD) the way search engines read it.

schema.org's context is served from here, not fetched: it maps every term into the schema.org
vocabulary, which is all that reading these documents needs.
"""

import datetime
import json

import pytest
from bs4 import BeautifulSoup
from pyld import jsonld

from tests.pages.factories import MedicalReviewerFactory
from tests.pages.images import stored_image

from .conftest import FIBROMYALGIA_URL

SCHEMA = "https://schema.org/"
SCHEMA_CONTEXT = {"@context": {"@vocab": SCHEMA, "id": "@id", "type": "@type"}}


def _schema_org_context(url, options=None):
    assert url.rstrip("/") == SCHEMA.rstrip("/"), f"only schema.org is served: {url}"
    return {"contextUrl": None, "documentUrl": url, "document": SCHEMA_CONTEXT}


def graph_of(response):
    """Every node of every JSON-LD script on the page, merged by @id into one graph."""
    documents = [
        json.loads(tag.string)
        for tag in BeautifulSoup(response.content, "html.parser").find_all(
            "script", type="application/ld+json"
        )
    ]
    flat = jsonld.flatten(documents, options={"documentLoader": _schema_org_context})
    return {node["@id"]: node for node in flat}, flat


def nodes_of_type(flat, kind):
    return [node for node in flat if f"{SCHEMA}{kind}" in node.get("@type", [])]


def value(node, term):
    return [item.get("@value", item.get("@id")) for item in node.get(f"{SCHEMA}{term}", [])]


@pytest.fixture
def reviewed_and_illustrated(fibromyalgia):
    fibromyalgia.medical_reviewer = MedicalReviewerFactory(name="Dr. Ana Ruiz", credentials="MD")
    fibromyalgia.last_reviewed_on = datetime.date(2026, 11, 3)
    fibromyalgia.hero_image = stored_image(alt_text="A patient resting", size=(1600, 900))
    fibromyalgia.save()
    return fibromyalgia


def test_a_page_and_its_publisher_are_one_medical_clinic(clinic_content, client):
    by_id, flat = graph_of(client.get(FIBROMYALGIA_URL))
    (clinic,) = nodes_of_type(flat, "MedicalClinic")
    assert clinic["@id"] == "http://testserver/#clinic"
    (page,) = nodes_of_type(flat, "MedicalWebPage")
    assert value(page, "publisher") == [clinic["@id"]]


def test_the_clinics_hours_are_an_opening_hours_specification(clinic_content, client):
    by_id, flat = graph_of(client.get("/"))
    (clinic,) = nodes_of_type(flat, "MedicalClinic")
    assert not value(clinic, "openingHours")
    (weekdays,) = [by_id[ref] for ref in value(clinic, "openingHoursSpecification")]
    assert value(weekdays, "dayOfWeek") == ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
    assert (value(weekdays, "opens"), value(weekdays, "closes")) == (["08:00"], ["17:00"])


def test_a_recorded_review_and_a_main_image_are_stated(reviewed_and_illustrated, client):
    by_id, flat = graph_of(client.get(FIBROMYALGIA_URL))
    (page,) = nodes_of_type(flat, "MedicalWebPage")
    assert value(page, "lastReviewed") == ["2026-11-03"]
    (reviewer,) = [by_id[ref] for ref in value(page, "reviewedBy")]
    assert f"{SCHEMA}Person" in reviewer["@type"]
    assert value(reviewer, "name") == ["Dr. Ana Ruiz"]
    assert value(reviewer, "honorificSuffix") == ["MD"]
    (image,) = value(page, "image")
    assert image.startswith("http://testserver/media/") and image.endswith(".jpg")


def test_without_a_review_nothing_claims_one(clinic_content, client):
    _by_id, flat = graph_of(client.get(FIBROMYALGIA_URL))
    (page,) = nodes_of_type(flat, "MedicalWebPage")
    assert not value(page, "reviewedBy") and not value(page, "lastReviewed")


def test_breadcrumbs_run_from_the_home_page_to_this_page(clinic_content, client):
    by_id, flat = graph_of(client.get(FIBROMYALGIA_URL))
    (trail,) = nodes_of_type(flat, "BreadcrumbList")
    items = sorted(
        (by_id[ref] for ref in value(trail, "itemListElement")),
        key=lambda item: value(item, "position")[0],
    )
    assert [value(item, "item")[0] for item in items] == [
        "http://testserver/",
        "http://testserver/conditions/",
        f"http://testserver{FIBROMYALGIA_URL}",
    ]
    assert [value(item, "position")[0] for item in items] == [1, 2, 3]
