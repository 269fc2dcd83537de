import datetime

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from pages.models import Page
from tests.admin_forms import PUBLISH, form_data

from .conftest import FIBROMYALGIA_URL
from .factories import PageFactory

HOUR = datetime.timedelta(hours=1)


@pytest.mark.django_db
def test_published_honours_publish_from_and_unpublish_at_at_query_time():
    now = timezone.now()
    live = PageFactory()
    scheduled = PageFactory(publish_at=now + HOUR)
    expired = PageFactory(expire_at=now - HOUR)
    ending = PageFactory(publish_at=now - HOUR, expire_at=now + HOUR)
    PageFactory(status=Page.Status.DRAFT)

    assert set(Page.objects.published(at=now)) == {live, ending}
    later = now + 2 * HOUR
    assert set(Page.objects.published(at=later)) == {live, scheduled}
    assert scheduled.visibility(at=now) == "scheduled"
    assert expired.visibility(at=now) == "expired"
    assert ending.visibility(at=later) == "expired"


def test_scheduled_page_is_hidden_from_views_menus_and_sitemap_until_its_time(
    clinic_content, client
):
    conditions = Page.objects.get(url_path="/conditions/")
    page = PageFactory(
        parent=conditions,
        slug="migraine",
        title="Migraine",
        show_in_menu=True,
        publish_at=timezone.now() + HOUR,
    )
    assert client.get("/conditions/migraine/").status_code == 404
    assert "/conditions/migraine/" not in client.get("/conditions/").text
    assert "/conditions/migraine/" not in client.get("/sitemap.xml").text

    Page.objects.filter(pk=page.pk).update(publish_at=timezone.now() - HOUR)
    assert client.get("/conditions/migraine/").status_code == 200
    assert "/conditions/migraine/" in client.get("/").text
    assert "/conditions/migraine/" in client.get("/sitemap.xml").text


def test_expired_page_disappears_without_any_job(fibromyalgia, client):
    Page.objects.filter(pk=fibromyalgia.pk).update(expire_at=timezone.now() - HOUR)
    assert client.get(FIBROMYALGIA_URL).status_code == 404
    assert FIBROMYALGIA_URL not in client.get("/conditions/").text


def test_publish_after_expiry_is_refused_beside_the_field(fibromyalgia):
    fibromyalgia.publish_at = timezone.now() + 2 * HOUR
    fibromyalgia.expire_at = timezone.now() + HOUR
    with pytest.raises(ValidationError) as error:
        fibromyalgia.full_clean()
    assert error.value.error_dict["publish_at"][0].code == "publish_after_expiry"


@pytest.mark.django_db
def test_database_refuses_publish_after_expiry():
    now = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        PageFactory(publish_at=now + HOUR, expire_at=now)


def test_admin_refuses_publish_after_expiry_and_keeps_what_was_typed(admin_client, fibromyalgia):
    url = reverse("admin:pages_page_change", args=[fibromyalgia.pk])
    data = form_data(admin_client.get(url), "page_form")
    data.update(
        {
            "publish_at_0": "2030-03-02",
            "publish_at_1": "09:00:00",
            "expire_at_0": "2030-03-01",
            "expire_at_1": "09:00:00",
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 200
    html = BeautifulSoup(response.content, "html.parser")
    errors = html.select(".field-publish_at .errorlist li")
    assert errors and "unpublished before it is published" in errors[0].get_text()
    assert html.find("input", attrs={"name": "publish_at_0"})["value"] == "2030-03-02"
    assert Page.objects.get(pk=fibromyalgia.pk).publish_at is None


def test_admin_schedules_a_page_and_lists_it_as_scheduled(admin_client, client, fibromyalgia):
    url = reverse("admin:pages_page_change", args=[fibromyalgia.pk])
    data = form_data(admin_client.get(url), "page_form")
    data.update({"publish_at_0": "2099-01-01", "publish_at_1": "08:00:00"})
    assert admin_client.post(url, {**data, **PUBLISH}).status_code == 302
    assert client.get(FIBROMYALGIA_URL).status_code == 404
    listing = admin_client.get(reverse("admin:pages_page_changelist"))
    assert "Not yet (scheduled)" in listing.text


def test_preview_explains_a_scheduled_page(admin_client, fibromyalgia):
    Page.objects.filter(pk=fibromyalgia.pk).update(publish_at=timezone.now() + HOUR)
    response = admin_client.get(reverse("pages:preview", args=[fibromyalgia.pk]))
    assert "This page is scheduled" in response.text


@pytest.mark.django_db
def test_next_scheduled_change_is_the_nearest_publish_or_unpublish_time_of_a_live_page():
    now = timezone.now()
    assert Page.objects.next_scheduled_change(now=now) is None
    PageFactory(expire_at=now + datetime.timedelta(seconds=90))
    PageFactory(publish_at=now + datetime.timedelta(seconds=200))
    PageFactory(status=Page.Status.DRAFT, publish_at=now + datetime.timedelta(seconds=10))
    assert Page.objects.next_scheduled_change(now=now) == now + datetime.timedelta(seconds=90)


def _schedule_section(admin_client, page):
    response = admin_client.get(reverse("admin:pages_page_change", args=[page.pk]))
    html = BeautifulSoup(response.content, "html.parser")
    return html.select_one(".field-publish_at").find_parent(["details", "fieldset"])


def test_the_schedule_is_folded_while_nothing_is_scheduled_and_open_once_a_time_is_set(
    admin_client, fibromyalgia
):
    folded = _schedule_section(admin_client, fibromyalgia)
    assert folded.name == "details"
    assert folded.summary.get_text(strip=True) == "Schedule"

    fibromyalgia.expire_at = timezone.now() + datetime.timedelta(days=30)
    fibromyalgia.save()

    assert _schedule_section(admin_client, fibromyalgia).name == "fieldset"
