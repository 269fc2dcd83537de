from datetime import timedelta
from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from consultations.models import ConsultationRequest, OutboundEmail
from consultations.tasks import backoff_delay, outbound_email_claim, outbound_email_send_due

from .factories import ConsultationRequestFactory, OutboundEmailFactory, create_request, form_data

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
    from consultations import tasks

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
    OutboundEmailFactory(consultation_request=old)
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
    assert old.emails.count() == 0
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


def _raw_tokens():
    with connection.cursor() as cursor:
        cursor.execute("SELECT full_name, email FROM consultations_consultationrequest")
        rows = cursor.fetchall()
        cursor.execute("SELECT recipients FROM consultations_outboundemail")
        return rows + cursor.fetchall()


def test_key_rotation_keeps_every_row_readable(settings):
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    new_key = Fernet.generate_key().decode()
    requests = [create_request(full_name=f"Patient {n}") for n in range(5)]
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    out = run("rotate_field_keys", "--batch-size", "2")
    assert "ConsultationRequest: 5 row(s) re-encrypted" in out
    assert "OutboundEmail: 10 row(s) re-encrypted" in out
    new = Fernet(new_key.encode())
    for row in _raw_tokens():
        for token in row:
            new.decrypt(token.encode())  # raises if any value is still under the old key
    # The old key can go: every row reads back with the new key alone.
    settings.FIELD_ENCRYPTION_KEYS = [new_key]
    names = sorted(ConsultationRequest.objects.values_list("full_name", flat=True))
    assert names == [r.full_name for r in requests]
    assert all(e.recipients for e in OutboundEmail.objects.all())


def test_key_rotation_resumes_where_it_stopped(settings, monkeypatch):
    from consultations import crypto

    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    new_key = Fernet.generate_key().decode()
    for n in range(4):
        ConsultationRequestFactory(full_name=f"Patient {n}")
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    real_rotate = crypto.rotate_token
    calls = {"n": 0}

    def interrupted(token):
        calls["n"] += 1
        if calls["n"] > 8:
            raise KeyboardInterrupt
        return real_rotate(token)

    monkeypatch.setattr(crypto, "rotate_token", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run("rotate_field_keys", "--batch-size", "1")
    monkeypatch.setattr(crypto, "rotate_token", real_rotate)
    out = run("rotate_field_keys", "--batch-size", "1")
    rotated = int(out.split("ConsultationRequest: ")[1].split(" row")[0])
    assert 0 < rotated < 4  # the rows finished before the interruption were skipped
    assert "ConsultationRequest: 0 row(s) re-encrypted" in run("rotate_field_keys")
    settings.FIELD_ENCRYPTION_KEYS = [new_key]
    names = sorted(ConsultationRequest.objects.values_list("full_name", flat=True))
    assert names == [f"Patient {n}" for n in range(4)]
