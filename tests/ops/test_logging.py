"""Log lines are JSON, carry the request id, and errors carry enough to debug."""

import datetime
import io
import json
import logging
from types import SimpleNamespace

import pytest

from ops.logging import JsonFormatter
from tests.consultations.factories import browser_client

PROXY_ID = "0f8fad5b-d9cb-469f-a165-70867728950e"


@pytest.fixture
def json_log():
    """What the production console handler would write, one JSON object per line."""
    from django.conf import settings
    from django.utils.module_loading import import_string

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    for spec in settings.LOG_FILTERS.values():
        options = {k: v for k, v in spec.items() if k != "()"}
        handler.addFilter(import_string(spec["()"])(**options))
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logger.removeHandler(handler)


@pytest.fixture
def failing_client(db, settings):
    settings.ROOT_URLCONF = "tests.ops.urls_failing"
    return browser_client(raise_request_exception=False)


def test_error_line_is_json_with_request_id_method_path_and_traceback(failing_client, json_log):
    response = failing_client.get("/failing/?q=secret-words")
    [line] = json_log()
    assert line["level"] == "ERROR"
    assert line["logger"] == "django.request"
    assert line["status_code"] == 500
    assert line["method"] == "GET"
    assert line["path"] == "/failing/"
    assert line["request_id"] == response["X-Request-ID"]
    assert "RuntimeError: a bug, for the 500 page test" in line["exc_info"]
    assert "time" in line
    assert "secret-words" not in json.dumps(line)


def test_well_formed_request_id_from_the_proxy_is_kept(failing_client, json_log):
    response = failing_client.get("/failing/", HTTP_X_REQUEST_ID=PROXY_ID)
    assert response["X-Request-ID"] == PROXY_ID
    assert json_log()[0]["request_id"] == PROXY_ID


@pytest.mark.parametrize("sent", ["", "short", "x" * 300, "abc\ndef", '{"json": 1}'])
def test_malformed_request_id_is_replaced_by_a_fresh_one(db, client, sent):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=sent)
    made = response["X-Request-ID"]
    assert made != sent
    assert len(made) == 32
    int(made, 16)


def test_each_request_gets_its_own_id(db, client):
    assert client.get("/healthz")["X-Request-ID"] != client.get("/healthz")["X-Request-ID"]


def test_a_booking_link_in_a_path_is_masked_in_request_log_lines(db, client, json_log):
    token = "eyJrIjoiZmFrZSJ9:1vAbCd:s3cr3t-Signature"
    response = client.get(f"/consultation/booking/{token}/")
    assert response.status_code == 404  # an altered link
    lines = json_log()
    assert lines, "Django logs a 404 on django.request"
    for line in lines:
        assert token not in json.dumps(line)
        assert "/consultation/booking/[link]/" in (line.get("path") or "") + line["message"]


def test_gunicorn_access_lines_mask_a_booking_link():
    from gunicorn.config import Config

    from ops.gunicorn import JsonLogger

    config = Config()
    config.set("accesslog", "-")
    logger = JsonLogger(config)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger.access_log.addHandler(handler)
    try:
        logger.access(
            SimpleNamespace(headers=[], status_code=200, sent=10),
            SimpleNamespace(method="GET", path="/consultation/booking/secret-token-123/cancel/"),
            {},
            datetime.timedelta(milliseconds=5),
        )
    finally:
        logger.access_log.removeHandler(handler)
    (line,) = [json.loads(text) for text in stream.getvalue().splitlines()]
    assert line["path"] == "/consultation/booking/[link]/cancel/"
