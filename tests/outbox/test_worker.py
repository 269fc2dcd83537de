"""The outbox worker: `send_queued_email`, claims, retries and back-off."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from consultations.models import ConsultationRequest
from outbox.models import OutboundEmail
from outbox.services import (
    backoff_delay,
    outbound_email_claim,
    outbound_email_send_due,
)
from tests.consultations.factories import (
    OutboundEmailFactory,
    form_data,
)

pytestmark = pytest.mark.django_db
SMTP_DOWN = "tests.consultations.mail_backends.SMTPDownBackend"


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


# --- send_queued_email ------------------------------------------------------------------------


def test_smtp_down_the_request_is_saved_and_confirmed_and_mail_goes_out_later(
    client, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = SMTP_DOWN
    settings.OUTBOX_SEND_IN_PROCESS = True  # the web process tries at once, as in dev
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/consultation/", form_data())
    assert response.status_code == 302
    assert ConsultationRequest.objects.count() == 1
    assert client.get(response["Location"]).status_code == 200
    queued = OutboundEmail.objects.all()
    assert {e.status for e in queued} == {OutboundEmail.Status.PENDING}
    assert {e.attempts for e in queued} == {1}
    assert {e.last_error for e in queued} == {"ConnectionRefusedError"}

    # Still down at the first retry: both stay queued, with a longer wait.
    later = timezone.now() + timedelta(seconds=settings.OUTBOX_BACKOFF_SECONDS + 1)
    report = outbound_email_send_due(now=later)
    assert report.retrying == 2
    assert mail.outbox == []

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    OutboundEmail.objects.update(next_attempt_at=timezone.now())
    assert "sent 2" in run("send_queued_email")
    assert len(mail.outbox) == 2
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {"sent"}
    # Nothing is sent twice.
    assert "sent 0" in run("send_queued_email")
    assert len(mail.outbox) == 2


def test_backoff_doubles_and_is_capped(settings):
    settings.OUTBOX_BACKOFF_SECONDS = 60
    settings.OUTBOX_BACKOFF_MAX_SECONDS = 600
    assert [backoff_delay(n) for n in range(1, 7)] == [60, 120, 240, 480, 600, 600]


def test_a_failing_mail_waits_its_backoff_then_gives_up(settings):
    settings.EMAIL_BACKEND = SMTP_DOWN
    settings.OUTBOX_MAX_ATTEMPTS = 3
    email = OutboundEmailFactory()
    now = timezone.now()
    outbound_email_send_due(now=now)
    email.refresh_from_db()
    assert email.attempts == 1
    assert email.next_attempt_at == now + timedelta(seconds=backoff_delay(1))
    # Not due yet: nothing is tried.
    assert outbound_email_send_due(now=now + timedelta(seconds=1)).retrying == 0
    outbound_email_send_due(now=email.next_attempt_at)
    email.refresh_from_db()
    assert email.attempts == 2
    report = outbound_email_send_due(now=email.next_attempt_at)
    email.refresh_from_db()
    assert report.gave_up == 1
    assert email.status == OutboundEmail.Status.FAILED
    assert email.attempts == 3


def test_two_workers_never_claim_the_same_mail():
    email = OutboundEmailFactory()
    first = outbound_email_claim(email_id=email.pk)
    second = outbound_email_claim(email_id=email.pk)
    assert first is not None
    assert second is None
    # A worker running now leaves it alone: the other one holds the claim.
    assert outbound_email_send_due().sent == 0
    assert mail.outbox == []


def test_a_worker_that_loses_the_race_for_a_mail_skips_it(monkeypatch):
    from outbox import services as tasks

    email = OutboundEmailFactory()
    real_claim = tasks.outbound_email_claim

    def other_worker_claims_first(*, email_id, now=None):
        assert real_claim(email_id=email_id, now=now) is not None  # the other worker
        return real_claim(email_id=email_id, now=now)  # this one, a moment later

    monkeypatch.setattr(tasks, "outbound_email_claim", other_worker_claims_first)
    report = outbound_email_send_due()
    assert report.skipped == 1 and report.sent == 0
    assert mail.outbox == []
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.PENDING


def test_an_expired_claim_is_taken_over(settings):
    email = OutboundEmailFactory()
    assert outbound_email_claim(email_id=email.pk) is not None
    later = timezone.now() + timedelta(seconds=settings.OUTBOX_CLAIM_SECONDS + 1)
    assert outbound_email_send_due(now=later).sent == 1
    assert len(mail.outbox) == 1
