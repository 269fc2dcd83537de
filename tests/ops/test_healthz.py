"""/healthz tells a load balancer whether this process can serve, and nothing more."""

import json

import pytest
from django.db import OperationalError

from ops import views


def test_healthy_process_answers_200_with_each_dependency_ok(db, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok"},
    }
    assert "no-cache" in response["Cache-Control"]


def test_unreachable_database_answers_503_without_the_error_text(db, client, monkeypatch):
    def refuse():
        raise OperationalError('connection to server at "10.0.0.5", port 5432 failed')

    with monkeypatch.context() as patch:
        patch.setattr(views.connection, "ensure_connection", refuse)
        response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content) == {
        "status": "unavailable",
        "checks": {"database": "unavailable", "cache": "ok"},
    }
    assert b"10.0.0.5" not in response.content


def test_unreachable_cache_answers_503(db, client, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to redis:6379")

    with monkeypatch.context() as patch:
        patch.setattr(views.cache, "set", refuse)
        response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content)["checks"] == {"database": "ok", "cache": "unavailable"}


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_probe_only_answers_reads(db, client, method):
    assert getattr(client, method)("/healthz").status_code == 405


def test_probe_reveals_no_versions_or_settings(db, client, settings):
    body = client.get("/healthz").content.decode()
    for secret in ("Django", "PostgreSQL", "SQLite", "Redis", settings.SECRET_KEY, "version"):
        assert secret.lower() not in body.lower()
