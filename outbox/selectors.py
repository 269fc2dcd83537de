"""Reads of the outbox that other apps show: a mail's delivery state, the queue's health."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Count, Min, Q

from .models import OutboundEmail


@dataclass(frozen=True)
class DeliveryState:
    """Where one queued e-mail is, in words for staff ("failed after 3 attempts")."""

    status: str  # OutboundEmail.Status, or "" when the mail is no longer in the outbox
    attempts: int
    words: str
    at: datetime | None = None


def outbound_email_delivery_state(email):
    """The delivery state of `email` (an OutboundEmail, or None once it left the outbox)."""
    if email is None:
        return DeliveryState(status="", attempts=0, words="no longer in the outbox")
    status = OutboundEmail.Status
    tries = f"{email.attempts} attempt{'s' if email.attempts != 1 else ''}"
    if email.status == status.SENT:
        return DeliveryState(
            status=email.status, attempts=email.attempts, words="sent", at=email.sent_at
        )
    if email.status == status.FAILED:
        words = f"failed after {tries}"
        if email.last_error:
            words += f" ({email.last_error})"
        return DeliveryState(status=email.status, attempts=email.attempts, words=words)
    if email.attempts:
        words = (
            f"queued: {tries} of {settings.OUTBOX_MAX_ATTEMPTS} failed so far, tried again "
            "automatically"
        )
    else:
        words = "queued"
    # A mail that failed before is tried again at its next attempt time.
    return DeliveryState(
        status=email.status,
        attempts=email.attempts,
        words=words,
        at=email.next_attempt_at if email.attempts else None,
    )


@dataclass(frozen=True)
class OutboxHealth:
    pending: int
    oldest_pending_at: datetime | None
    failed: int


def outbox_health():
    """How many mails wait, since when the oldest has waited, how many were given up: one query."""
    pending = Q(status=OutboundEmail.Status.PENDING)
    totals = OutboundEmail.objects.order_by().aggregate(
        pending=Count("pk", filter=pending),
        oldest=Min("created_at", filter=pending),
        failed=Count("pk", filter=Q(status=OutboundEmail.Status.FAILED)),
    )
    return OutboxHealth(
        pending=totals["pending"], oldest_pending_at=totals["oldest"], failed=totals["failed"]
    )


def outbound_emails_regarding(regarding, *, exclude_kinds=()):
    """The mails queued about one row (see OutboundEmail.regarding), oldest first.

    Only what staff may read beside a request: never the recipients or the body.
    """
    return (
        OutboundEmail.objects.filter(regarding=regarding)
        .exclude(kind__in=exclude_kinds)
        .only(
            "kind",
            "subject",
            "status",
            "attempts",
            "last_error",
            "next_attempt_at",
            "created_at",
            "sent_at",
        )
        .order_by("created_at", "pk")
    )
