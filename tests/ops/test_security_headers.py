"""Every kind of response carries the security headers a reviewer checks first."""

import pytest
from django.test import Client
from django.urls import reverse

from .headers import assert_security_headers


@pytest.mark.parametrize(
    "url", ["/", "/conditions/fibromyalgia/", "/consultation/", "/robots.txt", "/sitemap.xml"]
)
def test_public_pages_and_the_form_carry_every_security_header(clinic_content, client, url):
    response = client.get(url, secure=True)
    assert response.status_code == 200
    assert_security_headers(response)


def test_admin_login_carries_every_security_header(db, client):
    response = client.get(reverse("admin:login"), secure=True)
    assert response.status_code == 200
    assert_security_headers(response)


def test_admin_pages_for_staff_carry_the_strict_policy(admin_client):
    for url in (reverse("admin:index"), reverse("admin:pages_page_add")):
        response = admin_client.get(url, secure=True)
        assert response.status_code == 200
        assert_security_headers(response)


def test_not_found_page_carries_every_security_header(db, client):
    response = client.get("/no-such-page/", secure=True)
    assert response.status_code == 404
    assert_security_headers(response)


def test_server_error_page_carries_every_security_header(db, settings):
    settings.ROOT_URLCONF = "tests.ops.urls_failing"
    client = Client(raise_request_exception=False)
    response = client.get("/failing/", secure=True)
    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.content
    assert_security_headers(response)


def test_health_probe_and_static_files_carry_the_headers_too(db, client):
    for url in ("/healthz", "/static/css/site.css"):
        response = client.get(url, secure=True)
        assert response.status_code == 200
        assert_security_headers(response)
        assert "Access-Control-Allow-Origin" not in response


def test_pages_run_no_script_so_the_header_carries_no_nonce(clinic_content, client):
    response = client.get("/", secure=True)
    assert "nonce-" not in response["Content-Security-Policy"]
    assert b"<script" not in response.content.replace(b'<script type="application/ld+json"', b"")
