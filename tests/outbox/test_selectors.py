"""What the outbox tells the pages above it: one mail's delivery state, the queue's health."""

from datetime import timedelta

import pytest
from django.utils import timezone

from outbox.models import OutboundEmail
from outbox.selectors import outbound_email_delivery_state, outbox_health
from outbox.services import outbound_email_send_due
from tests.consultations.factories import OutboundEmailFactory

pytestmark = pytest.mark.django_db
SMTP_DOWN = "tests.consultations.mail_backends.SMTPDownBackend"


def _send_until_given_up(settings, email):
    settings.EMAIL_BACKEND = SMTP_DOWN
    settings.OUTBOX_MAX_ATTEMPTS = 3
    later = timezone.now()
    for _ in range(3):
        later += timedelta(days=1)  # past any back-off
        outbound_email_send_due(now=later)
    email.refresh_from_db()
    return email


def test_a_mail_the_worker_gave_up_on_says_failed_after_its_attempts(settings):
    email = _send_until_given_up(settings, OutboundEmailFactory())

    state = outbound_email_delivery_state(email)

    assert email.status == OutboundEmail.Status.FAILED
    assert state.words == "failed after 3 attempts (ConnectionRefusedError)"


def test_a_mail_still_being_retried_says_how_many_tries_failed(settings):
    settings.EMAIL_BACKEND = SMTP_DOWN
    settings.OUTBOX_MAX_ATTEMPTS = 3
    email = OutboundEmailFactory()
    outbound_email_send_due()
    email.refresh_from_db()

    state = outbound_email_delivery_state(email)

    assert state.words.startswith("queued: 1 attempt of 3 failed so far")
    assert state.at == email.next_attempt_at


def test_a_new_mail_is_queued_and_a_sent_one_sent():
    sent = OutboundEmailFactory()
    outbound_email_send_due()  # the test backend accepts it
    sent.refresh_from_db()
    waiting = OutboundEmailFactory()

    assert outbound_email_delivery_state(waiting).words == "queued"
    assert outbound_email_delivery_state(sent).words == "sent"
    assert outbound_email_delivery_state(None).words == "no longer in the outbox"


def test_outbox_health_gives_the_oldest_unsent_mail_and_the_failed_count(settings):
    oldest = timezone.now() - timedelta(hours=5)
    OutboundEmailFactory(created_at=oldest)
    OutboundEmailFactory(created_at=timezone.now() - timedelta(hours=1))
    OutboundEmailFactory(status=OutboundEmail.Status.SENT, sent_at=timezone.now())
    OutboundEmailFactory(status=OutboundEmail.Status.FAILED, attempts=3)

    health = outbox_health()

    assert (health.pending, health.oldest_pending_at, health.failed) == (2, oldest, 1)
