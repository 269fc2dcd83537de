"""PostgreSQL stopped while a patient sends the form: nothing lost, nothing half-written.

A throwaway cluster (initdb + pg_ctl in a temporary folder, on a free port) under a running
gunicorn with production settings. Runs in the suite's PostgreSQL pass.
"""

import html

import psycopg
import pytest
from django.db import connection

from tests.consultations.factories import VALID_ANSWERS

from .conftest import _missing
from .patient import open_form, send_form, set_cookies
from .pgcluster import ThrowawayPostgres
from .prod_env import app_environment
from .servers import AppServer, manage


@pytest.fixture(scope="module")
def cluster():
    if connection.vendor != "postgresql":
        pytest.skip("runs in the PostgreSQL pass of the suite")
    postgres = ThrowawayPostgres()
    if not postgres.available:
        _missing("PostgreSQL's initdb and pg_ctl are not installed")
    postgres.init().start()
    yield postgres
    postgres.destroy()


@pytest.fixture
def site(cluster, collected_static, tmp_path):
    url = cluster.create_database("clinic")
    env = app_environment(database_url=url, static_root=collected_static)
    manage("migrate", "--noinput", env=env)
    manage("load_clinic_content", env=env)
    with AppServer(env, tmp_path / "gunicorn.log", workers=1) as app:
        yield app, url


def stored(url):
    with psycopg.connect(url) as db:
        requests = db.execute("SELECT count(*) FROM consultations_consultationrequest").fetchone()
        emails = db.execute("SELECT count(*) FROM consultations_outboundemail").fetchone()
    return requests[0], emails[0]


def test_postgres_stopped_mid_submit_loses_nothing_and_the_resend_succeeds_once(site, cluster):
    app, url = site
    opened = open_form(app)  # the patient opens the form and fills it in...
    cluster.stop()  # ...and the database goes away before they press Send.

    failed = send_form(app, opened)
    assert failed.status == 503
    assert "Your request was not sent" in failed.text
    assert "TKW-" not in failed.text and "Thank you" not in failed.text
    for name in ("full_name", "email", "current_medications", "anything_else"):
        assert html.escape(VALID_ANSWERS[name]) in failed.text
    assert app.request("GET", "/healthz").status == 503

    cluster.start()
    assert stored(url) == (0, 0)  # nothing half-written

    # The same app processes, reconnected: sending the same form again creates it once.
    sent = send_form(app, opened)
    assert sent.status == 302
    assert sent["Location"] == "/consultation/sent/"
    done = app.request(
        "GET", sent["Location"], headers={"Cookie": f"sessionid={set_cookies(sent)['sessionid']}"}
    )
    assert done.status == 200 and "TKW-" in done.text
    assert send_form(app, opened).status == 302  # a double click changes nothing
    assert stored(url) == (1, 2)  # one request, its staff alert and patient acknowledgement
    assert app.process.poll() is None
