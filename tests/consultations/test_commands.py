from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from consultations.models import ConsultationRequest
from outbox.models import OutboundEmail
from outbox.services import (
    regarding_key,
)
from tests.consultations.factories import (
    ConsultationRequestFactory,
    OutboundEmailFactory,
)

pytestmark = pytest.mark.django_db
SMTP_DOWN = "tests.consultations.mail_backends.SMTPDownBackend"


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


# --- purge_consultation_requests --------------------------------------------------------------


def _closed(days_ago):
    closed_at = timezone.now() - timedelta(days=days_ago)
    return ConsultationRequestFactory(
        status=ConsultationRequest.Status.CLOSED,
        closed_at=closed_at,
        outcome=ConsultationRequest.Outcome.NO_RESPONSE,
        contraindication_reported=True,
        email_blind_index="a" * 64,
    )


def test_purge_anonymises_old_closed_requests_and_keeps_statistics():
    old = _closed(400)
    OutboundEmailFactory(regarding=regarding_key(old))
    recent = _closed(10)
    open_request = ConsultationRequestFactory(created_at=timezone.now() - timedelta(days=900))
    out = run("purge_consultation_requests", "--older-than", "365")
    assert "Anonymised 1 closed request(s)" in out
    assert old.reference in out
    old.refresh_from_db()
    assert old.anonymised_at is not None
    for name in ConsultationRequest.encrypted_field_names():
        assert getattr(old, name) is None, name
    assert old.email_blind_index == "" and old.phone_blind_index == ""
    assert old.outcome == ConsultationRequest.Outcome.NO_RESPONSE
    assert old.contraindication_reported is True
    assert not OutboundEmail.objects.filter(regarding=regarding_key(old)).exists()
    recent.refresh_from_db()
    open_request.refresh_from_db()
    assert recent.full_name and open_request.full_name


def test_purge_dry_run_changes_nothing(settings):
    settings.CONSULTATION_RETENTION_DAYS = 30
    old = _closed(40)
    out = run("purge_consultation_requests", "--dry-run")
    assert "Would anonymise 1" in out and old.reference in out
    old.refresh_from_db()
    assert old.anonymised_at is None and old.full_name


def test_purge_runs_twice_without_touching_purged_rows():
    _closed(400)
    run("purge_consultation_requests", "--older-than", "365")
    assert "Anonymised 0" in run("purge_consultation_requests", "--older-than", "365")


# --- rotate_field_keys ------------------------------------------------------------------------
