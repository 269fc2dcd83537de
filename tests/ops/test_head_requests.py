"""Load balancers and link checkers send HEAD: it is answered like GET and logs nothing above
INFO (a 405 for HEAD was a WARNING line on every check)."""

import logging

import pytest

from tests.booking.factories import ConsultationTypeFactory
from tests.consultations.factories import ConsultationRequestFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def public_urls(clinic_content):
    from booking.services import booking_pick_path

    ConsultationTypeFactory()
    pick = booking_pick_path(consultation_request=ConsultationRequestFactory())
    return [
        "/",
        "/conditions/fibromyalgia/",
        "/privacy/",
        "/consultation/",
        "/search/?q=pain",
        "/sitemap.xml",
        "/robots.txt",
        "/healthz",
        pick,
        f"{pick}cancel/",
    ]


def test_head_on_every_public_address_is_answered_and_logs_nothing_above_info(
    client, public_urls, caplog
):
    with caplog.at_level(logging.INFO):
        for url in public_urls:
            response = client.head(url)
            assert response.status_code == 200, url
            assert response.content == b"", url
    assert [r.getMessage() for r in caplog.records if r.levelno > logging.INFO] == []


def test_head_on_the_confirmation_page_without_a_request_redirects_quietly(client, caplog):
    with caplog.at_level(logging.INFO):
        assert client.head("/consultation/sent/").status_code == 302
    assert [r.getMessage() for r in caplog.records if r.levelno > logging.INFO] == []
