"""The outbox's writes: queueing an e-mail, and the worker that sends what is due.

Delivery is at-least-once with a claim per row: a worker takes a row with a conditional UPDATE
(it only succeeds if no other worker holds an unexpired claim), so two workers never send the
same mail at the same time. A worker that dies mid-send leaves its claim to expire
(OUTBOX_CLAIM_SECONDS) and the mail is tried again; only a crash between the SMTP server
accepting the mail and the row being marked sent could send it twice.
"""

import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from .models import OutboundEmail

logger = logging.getLogger(__name__)


def regarding_key(obj):
    """How a mail names the row it is about: "app_label.model:pk" (see OutboundEmail.regarding)."""
    return f"{obj._meta.label_lower}:{obj.pk}"


@sensitive_variables()
def outbound_email_queue(*, kind, recipients, subject, body, regarding="", calendar_file=""):
    """Put one e-mail in the outbox. Callers make sure subject, body and .ics hold no PHI.

    Call it inside the transaction of the change the mail reports. With
    OUTBOX_SEND_IN_PROCESS (development) the mail is also sent right after that commit.
    """
    email = OutboundEmail.objects.create(
        kind=kind,
        recipients=recipients,
        subject=subject,
        body=body,
        regarding=regarding,
        calendar_file=calendar_file,
    )
    if settings.OUTBOX_SEND_IN_PROCESS:
        transaction.on_commit(outbox_send_now)
    return email


def outbound_email_withdraw(*, kind, regarding, now=None):
    """Delete the mails of this `kind` about `regarding` that are still waiting to be sent.

    A mail a worker is sending right now (an unexpired claim) is left alone: it is too late
    to stop it. Returns how many were withdrawn.
    """
    now = now or timezone.now()
    withdrawn, _ = (
        OutboundEmail.objects.filter(
            kind=kind, regarding=regarding, status=OutboundEmail.Status.PENDING
        )
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .delete()
    )
    return withdrawn


def outbox_send_now():
    """Send what is due from this process (development); the worker retries whatever is left."""
    try:
        outbound_email_send_due()
    except Exception:  # the change the mail reports is committed; the mail stays queued
        logger.exception("Sending queued e-mail in-process failed; it stays queued")


@dataclass
class SendReport:
    sent: int = 0
    retrying: int = 0
    gave_up: int = 0
    skipped: int = 0  # claimed by another worker first


def _unclaimed(now):
    return Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)


def outbound_email_claim(*, email_id, now=None):
    """Claim one due e-mail for this worker; returns the claim token, or None if taken."""
    now = now or timezone.now()
    token = uuid.uuid4()
    claimed = OutboundEmail.objects.filter(
        _unclaimed(now),
        pk=email_id,
        status=OutboundEmail.Status.PENDING,
        next_attempt_at__lte=now,
    ).update(
        claimed_until=now + timedelta(seconds=settings.OUTBOX_CLAIM_SECONDS), claim_token=token
    )
    return token if claimed else None


def backoff_delay(attempts):
    """Seconds to wait after the `attempts`-th failed try: base, 2×base, 4×base… up to the cap."""
    delay = settings.OUTBOX_BACKOFF_SECONDS * (2 ** max(attempts - 1, 0))
    return min(delay, settings.OUTBOX_BACKOFF_MAX_SECONDS)


def outbound_email_send_due(*, now=None, limit=100):
    """Send every e-mail that is due and not claimed by another worker."""
    now = now or timezone.now()
    report = SendReport()
    due = (
        OutboundEmail.objects.filter(
            _unclaimed(now), status=OutboundEmail.Status.PENDING, next_attempt_at__lte=now
        )
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    for email_id in list(due):
        token = outbound_email_claim(email_id=email_id, now=now)
        if token is None:
            report.skipped += 1
            continue
        outcome = _send_claimed(email_id=email_id, token=token, now=now)
        setattr(report, outcome, getattr(report, outcome) + 1)
    return report


def _send_claimed(*, email_id, token, now):
    email = OutboundEmail.objects.get(pk=email_id)
    attempts = email.attempts + 1
    mine = OutboundEmail.objects.filter(pk=email_id, claim_token=token)
    try:
        message = EmailMessage(
            subject=email.subject,
            body=email.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=email.recipients,
        )
        if email.calendar_file:
            message.attach("consultation.ics", email.calendar_file, "text/calendar")
        message.send(fail_silently=False)
    except Exception as exc:  # any transport error: keep the mail and try again later
        error = type(exc).__name__
        gave_up = attempts >= settings.OUTBOX_MAX_ATTEMPTS
        mine.update(
            attempts=attempts,
            last_error=error,
            status=OutboundEmail.Status.FAILED if gave_up else OutboundEmail.Status.PENDING,
            next_attempt_at=now + timedelta(seconds=backoff_delay(attempts)),
            claimed_until=None,
            claim_token=None,
        )
        # Only the row id and the error's type: an SMTP error message can quote addresses.
        log = logger.error if gave_up else logger.warning
        log(
            "Queued e-mail %s: try %s of %s failed (%s)%s",
            email_id,
            attempts,
            settings.OUTBOX_MAX_ATTEMPTS,
            error,
            "; giving up" if gave_up else "",
        )
        return "gave_up" if gave_up else "retrying"
    mine.update(
        attempts=attempts,
        status=OutboundEmail.Status.SENT,
        sent_at=timezone.now(),
        last_error="",
        claimed_until=None,
        claim_token=None,
    )
    return "sent"
