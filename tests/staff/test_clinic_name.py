"""The staff side's sign-in, lockout, error and admin pages say whose they are: the clinic's
name (the CLINIC_NAME setting), never Django's "Django administration"."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from staff.sites import lockout_response

from .test_sign_in import LOGIN, lock_out, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clinic_name(settings):
    # Another name than the default, so the pages are shown to read the setting.
    settings.CLINIC_NAME = "Hill Country Clinic"


def title_and_header(response):
    html = BeautifulSoup(response.content, "html.parser")
    return html.title.get_text(strip=True), html.select_one("#site-name").get_text(strip=True)


def assert_clinic_named(response):
    title, header = title_and_header(response)
    assert "Hill Country Clinic" in title
    assert header == "Hill Country Clinic: staff"
    assert "Django" not in response.content.decode()


def test_the_sign_in_page_carries_the_clinics_name(client):
    assert_clinic_named(client.get(LOGIN))


def test_the_sign_in_page_after_a_lockout_carries_the_clinics_name(client, coordinator):
    lock_out(client, "coordinator")
    response = sign_in(client, "coordinator")
    assert response.status_code == 200
    assert_clinic_named(response)


def test_the_lockout_page_without_a_form_carries_the_clinics_name(rf):
    response = lockout_response(rf.post(LOGIN), None, {"username": "coordinator"})
    response.render()
    assert_clinic_named(response)


def test_the_refusal_page_carries_the_clinics_name(client, content_editor, otp_login):
    otp_login(client, content_editor)
    response = client.get(reverse("admin:consultations_consultationrequest_changelist"))
    assert response.status_code == 403
    assert_clinic_named(response)
    assert "Not allowed" in response.content.decode()


def test_the_admin_home_page_carries_the_clinics_name_and_its_own_title(admin_client):
    response = admin_client.get(reverse("admin:index"))
    assert_clinic_named(response)
    html = BeautifulSoup(response.content, "html.parser")
    assert html.select_one("#content h1").get_text(strip=True) == "Staff home"


def test_a_missing_page_under_the_admin_carries_the_clinics_name(admin_client):
    # The 404 page is the public site's, named from the clinic's site settings.
    from pages.models import SiteSettings

    response = admin_client.get(reverse("admin:index") + "no-such-page/")
    assert response.status_code == 404
    title = BeautifulSoup(response.content, "html.parser").title.get_text(strip=True)
    assert SiteSettings.get_solo().clinic_name in title
    assert "Django" not in response.content.decode()
