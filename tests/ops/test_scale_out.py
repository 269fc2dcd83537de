"""Two app servers on one PostgreSQL and one Redis behave as one site.

A staff session made on one works on the other (and ends on both at sign-out), and the
consultation form's rate limit counts the requests sent to both.
"""

import re
from urllib.parse import urlencode

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from consultations.models import ConsultationRequest
from pages.services import clinic_content_load
from tests.conftest import totp_code

from .patient import open_form, send_form, set_cookies
from .prod_env import app_environment
from .servers import AppServer

STAFF_PASSWORD = "a-long-staff-passphrase-for-tests"
RATE_LIMIT = 3


@pytest.fixture
def two_servers(postgres_url, redis_url, collected_static, tmp_path):
    url, prefix, _client = redis_url
    env = app_environment(
        database_url=postgres_url,
        static_root=collected_static,
        REDIS_URL=url,
        CACHE_KEY_PREFIX=prefix,
        CONSULTATION_RATE_LIMIT_COUNT=RATE_LIMIT,
    )
    clinic_content_load()
    first = AppServer(env, tmp_path / "a.log", workers=1).start()
    try:
        second = AppServer(env, tmp_path / "b.log", workers=1).start()
        try:
            yield first, second, env
        finally:
            second.stop()
    finally:
        first.stop()


def staff_login(server, admin_path, code):
    form = server.request("GET", f"{admin_path}login/")
    csrf = set_cookies(form)["csrftoken"]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    response = server.request(
        "POST",
        f"{admin_path}login/",
        body=urlencode(
            {
                "username": "staff",
                "password": STAFF_PASSWORD,
                "otp_token": code,
                "csrfmiddlewaretoken": token,
            }
        ),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf}",
            "Origin": f"https://127.0.0.1:{server.port}",
        },
    )
    assert response.status == 302, response.text
    return csrf, set_cookies(response)["sessionid"]


def test_staff_session_made_on_one_server_works_and_ends_on_the_other(
    two_servers, redis_url, django_user_model, settings
):
    first, second, env = two_servers
    _url, prefix, redis_client = redis_url
    admin = "/" + env["DJANGO_ADMIN_URL"]
    # Hashed as production hashes it (the test settings' fast hasher is unknown there).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    staff = django_user_model.objects.create_user(
        username="staff", password=STAFF_PASSWORD, is_staff=True, is_superuser=True
    )
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)

    csrf, session = staff_login(first, admin, totp_code(device))
    cookie = {"Cookie": f"csrftoken={csrf}; sessionid={session}"}
    on_second = second.request("GET", admin, headers=cookie)
    assert on_second.status == 200
    assert "<h1>Staff home</h1>" in on_second.text  # signed in: the admin's index, not sign-in
    # The session is read from the shared cache, not only the database.
    assert list(redis_client.scan_iter(f"{prefix}:*sessions.cached_db{session}"))

    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', on_second.text).group(1)
    signed_out = second.request(
        "POST",
        f"{admin}logout/",
        body=urlencode({"csrfmiddlewaretoken": token}),
        headers={
            **cookie,
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": f"https://127.0.0.1:{second.port}",
        },
    )
    assert signed_out.status == 200
    assert first.request("GET", admin, headers=cookie).status == 302


def test_rate_limit_counts_requests_sent_to_either_server(two_servers):
    first, second, _env = two_servers
    servers = [first, second, first, second]
    responses = [send_form(server, open_form(server)) for server in servers]
    assert [r.status for r in responses] == [302] * RATE_LIMIT + [429]
    assert "Your answers are still here" in responses[-1].text
    assert ConsultationRequest.objects.count() == RATE_LIMIT
