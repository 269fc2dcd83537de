"""The outbox: e-mails waiting to be sent, with their delivery state.

Apps queue mail here (services.outbound_email_queue) inside their own transaction, so a mail
exists exactly when the change it reports was committed; a worker sends it later. The outbox
knows nothing of what the mails are about: `kind` and `regarding` are the sender's words.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from phi.fields import EncryptedListField, EncryptedTextField


class OutboundEmail(models.Model):
    """An e-mail waiting to be sent (the outbox). Subjects and bodies never contain PHI.

    `manage.py send_queued_email` works the queue: it claims a row with a conditional UPDATE
    (so two workers never send one mail twice), sends, and on failure retries with
    exponential back-off until MAX attempts.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Gave up after repeated failures"

    regarding = models.CharField(
        max_length=80,
        blank=True,
        db_index=True,
        help_text=(
            "What the e-mail is about, as the sending app names it (e.g. "
            "“consultations.consultationrequest:42”), so that app can find or withdraw its mails."
        ),
    )
    kind = models.CharField(
        max_length=30, help_text="Why it is sent, as the sending app names it (e.g. “patient_ack”)."
    )
    # A patient's address is PHI, so the recipient list is encrypted like the request itself.
    recipients = EncryptedListField("recipients", help_text="Who receives it.")
    subject = models.CharField(max_length=200, help_text="Contains no PHI.")
    # No PHI, but it can hold a working booking link, which is as good as the patient's key
    # to their booking: encrypted, so a database copy or dump does not hand it out.
    body = EncryptedTextField(
        "body",
        help_text="Contains no PHI: a reference, a link, general information. Encrypted at rest.",
    )
    calendar_file = models.TextField(
        "calendar file",
        blank=True,
        help_text="An .ics file sent with the mail: time, clinic address or call details, nothing clinical.",
    )
    status = models.CharField(
        max_length=8,
        choices=Status.choices,
        default=Status.PENDING,
        db_index=True,
        help_text="Whether it has been sent.",
    )
    attempts = models.PositiveSmallIntegerField(default=0, help_text="How many sends were tried.")
    next_attempt_at = models.DateTimeField(
        "next try", default=timezone.now, db_index=True, help_text="Not sent before this time."
    )
    claimed_until = models.DateTimeField(
        null=True, blank=True, help_text="A worker is sending it until this time."
    )
    claim_token = models.UUIDField(null=True, blank=True, help_text="Which worker claimed it.")
    last_error = models.CharField(
        max_length=200,
        blank=True,
        help_text="The kind of error the last try met (no details, which could hold addresses).",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["next_attempt_at", "pk"]
        verbose_name = "queued e-mail"
        # The table it had when the outbox was part of the consultations app.
        db_table = "consultations_outboundemail"
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="outbound_email_sent_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.kind} ({self.get_status_display()})"
