"""The production stack as deployed: gunicorn, prod settings, WhiteNoise, behind a TLS proxy.

Runs .env.example's settings (with a SQLite file and loopback addresses instead of the
example hosts) through `collectstatic`, `migrate` and gunicorn, and talks HTTP to it.
"""

import json
import re
import time
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest

from tests.conftest import totp_code_for_key

from .headers import assert_security_headers
from .prod_env import example_environment
from .servers import AppServer, manage

STAFF_PASSWORD = "a-long-staff-passphrase-for-tests"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("prod")
    env = example_environment(
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        REDIS_URL="",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_STATIC_ROOT=folder / "static",
        DJANGO_MEDIA_ROOT=folder / "media",
        DJANGO_SUPERUSER_PASSWORD=STAFF_PASSWORD,
    )
    manage("collectstatic", "--noinput", env=env)
    manage("migrate", "--noinput", env=env)
    manage("load_clinic_content", env=env)
    created = manage(
        "create_staff_user",
        "staff",
        "--superuser",
        "--email=staff@example.com",
        env={**env, "STAFF_USER_PASSWORD": STAFF_PASSWORD},
    )
    with AppServer(env, folder / "gunicorn.log") as app:
        app.admin = "/" + env["DJANGO_ADMIN_URL"]
        # The staff account's authenticator key, as printed for the person to type in.
        app.totp_key = re.search(r"Key \(time-based, 6 digits\): ([A-Z2-7 ]+)", created.stdout)[1]
        yield app


def cookies(response):
    jar = SimpleCookie()
    for value in response.all("Set-Cookie"):
        jar.load(value)
    return jar


def test_plain_http_is_redirected_to_https_except_the_health_probe(server):
    response = server.request("GET", "/conditions/fibromyalgia/", https=False)
    assert response.status == 301
    assert response["Location"] == f"https://127.0.0.1:{server.port}/conditions/fibromyalgia/"
    assert server.request("GET", "/healthz", https=False).status == 200


@pytest.mark.parametrize("path", ["/", "/conditions/fibromyalgia/", "/consultation/", "/healthz"])
def test_pages_carry_every_security_header(server, path):
    response = server.request("GET", path)
    assert response.status == 200
    assert_security_headers(response)


def test_error_page_carries_every_security_header(server):
    response = server.request("GET", "/no-such-page/")
    assert response.status == 404
    assert "We could not find that page" in response.text
    assert_security_headers(response)


def test_hashed_static_files_are_compressed_and_cached_for_a_year(server):
    page = server.request("GET", "/").text
    [css_url] = re.findall(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', page)
    response = server.request("GET", css_url, headers={"Accept-Encoding": "gzip"})
    assert response.status == 200
    assert response["Content-Encoding"] == "gzip"
    assert response["Cache-Control"] == "max-age=315360000, public, immutable"
    unhashed = server.request("GET", "/static/css/site.css")
    assert "immutable" not in unhashed["Cache-Control"]


def test_admin_cookies_are_secure_http_only_and_same_site(server):
    login_url = f"{server.admin}login/"
    form = server.request("GET", login_url)
    csrf = cookies(form)["csrftoken"]
    assert csrf["secure"] and csrf["httponly"] and csrf["samesite"] == "Lax"
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    response = server.request(
        "POST",
        login_url,
        body=urlencode(
            {
                "username": "staff",
                "password": STAFF_PASSWORD,
                "otp_token": totp_code_for_key(server.totp_key),
                "csrfmiddlewaretoken": token,
            }
        ),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf.value}",
            "Origin": f"https://127.0.0.1:{server.port}",
        },
    )
    assert response.status == 302, response.text
    session = cookies(response)["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    assert_security_headers(server.request("GET", login_url))


def test_logs_are_json_lines_carrying_the_request_id(server):
    response = server.request("GET", "/conditions/fibromyalgia/")
    request_id = response["X-Request-ID"]
    # gunicorn writes the access line just after the response has gone out.
    for _ in range(50):
        lines = [json.loads(line) for line in server.log_path.read_text().splitlines() if line]
        mine = [line for line in lines if line.get("request_id") == request_id]
        if mine:
            break
        time.sleep(0.1)
    [access] = mine
    assert access["logger"] == "gunicorn.access"
    assert access["path"] == "/conditions/fibromyalgia/"
    assert access["status"] == 200
