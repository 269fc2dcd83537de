"""A lost database gives a 503 "not sent, try again", with the patient's answers kept.

In-process, the outage is simulated at the service; test_postgres_outage.py stops a real
PostgreSQL under a running gunicorn.
"""

import html

import pytest
from django.db import OperationalError

from consultations import views as consultation_views
from consultations.models import ConsultationRequest
from outbox.models import OutboundEmail
from pages import selectors as page_selectors
from tests.consultations.factories import VALID_ANSWERS, form_data

pytestmark = pytest.mark.django_db


def database_gone(*args, **kwargs):
    raise OperationalError("server closed the connection unexpectedly")


def test_form_sent_while_the_database_is_down_is_shown_again_with_every_answer(
    clinic_content, client, monkeypatch
):
    data = form_data()
    with monkeypatch.context() as patch:
        patch.setattr(consultation_views, "consultation_request_create", database_gone)
        response = client.post("/consultation/", data)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "Your request was not sent" in page
    for name in ("full_name", "email", "anything_else", "current_medications"):
        assert html.escape(VALID_ANSWERS[name]) in page
    assert f'value="{data["submission_token"]}"' in page
    assert ConsultationRequest.objects.count() == 0
    assert OutboundEmail.objects.count() == 0

    again = client.post("/consultation/", data)
    assert again.status_code == 302
    assert ConsultationRequest.objects.count() == 1


def test_other_pages_answer_503_without_touching_the_database(db, client, monkeypatch):
    monkeypatch.setattr(page_selectors, "read_published_page", database_gone)
    response = client.get("/conditions/fibromyalgia/")
    assert response.status_code == 503
    assert "briefly unavailable" in response.content.decode()
    assert "Content-Security-Policy" in response
