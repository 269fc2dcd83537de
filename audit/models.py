"""The audit trail: one append-only row per look at, or change to, a patient's request.

Entries hold no PHI: who (the staff account), what (an action code and a short PHI-free
detail), which request (its reference), when, and a keyed hash of the client's address.
Rows are never updated or deleted: `save()` refuses an existing row, `delete()` refuses always,
queryset `update()`/`delete()` refuse too, and on PostgreSQL a trigger refuses UPDATE and
DELETE from anyone (migration 0002), so not even raw SQL from the app can rewrite history.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditLogImmutable(Exception):
    """Raised on any attempt to change or delete an audit entry."""


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditLogImmutable("Audit entries cannot be changed.")

    def delete(self):
        raise AuditLogImmutable("Audit entries cannot be deleted.")

    # Bulk paths that would rewrite rows are refused the same way.
    def bulk_update(self, objs, fields, batch_size=None):
        raise AuditLogImmutable("Audit entries cannot be changed.")


class AuditEntry(models.Model):
    class Action(models.TextChoices):
        VIEWED = "viewed", "Viewed a request's details"
        SEARCHED_EMAIL = "searched_email", "Searched by e-mail address"
        SEARCHED_PHONE = "searched_phone", "Searched by phone number"
        TRANSITIONED = "transitioned", "Changed a request's status"
        ASSIGNED = "assigned", "Assigned a request"
        NOTED = "noted", "Added a note"
        SCREENED = "screened", "Recorded the screening outcome"
        EXPORTED = "exported", "Exported a request to CSV"
        DENIED = "denied", "Was refused access"
        # Consultation booking (the booking app)
        BOOKING_VIEWED = "booking_viewed", "Viewed a consultation booking"
        BOOKING_CHANGED = "booking_changed", "Booked, confirmed, moved or cancelled a time"
        # Writing to the patient from the request page (the consultations app)
        MESSAGED = "messaged", "Wrote to the patient"

    created_at = models.DateTimeField(
        "when",
        default=timezone.now,
        editable=False,
        db_index=True,
        help_text="When it happened.",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="who",
        on_delete=models.PROTECT,
        related_name="audit_entries",
        null=True,
        blank=True,
        editable=False,
        help_text="The staff account that did it. Staff who leave are deactivated, never deleted, so their history stays.",
    )
    action = models.CharField(
        "what",
        max_length=20,
        choices=Action.choices,
        editable=False,
        db_index=True,
        help_text="What was done.",
    )
    reference = models.CharField(
        "request",
        max_length=13,
        blank=True,
        editable=False,
        db_index=True,
        help_text="The reference of the consultation request concerned (e.g. TKW-7Q4K-2M9X), if any.",
    )
    detail = models.CharField(
        max_length=200,
        blank=True,
        editable=False,
        help_text="A short, PHI-free detail, e.g. “new → in review” or “3 matches”.",
    )
    client_address_hash = models.CharField(
        "client address (hashed)",
        max_length=64,
        blank=True,
        editable=False,
        help_text="Keyed hash of the address the request came from: two entries from one address match, the address itself is not kept.",
    )

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "audit entry"
        verbose_name_plural = "audit entries"

    def __str__(self):
        who = self.actor.get_username() if self.actor_id else "anonymous"
        target = f" {self.reference}" if self.reference else ""
        return f"{who}: {self.get_action_display()}{target}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditLogImmutable("Audit entries cannot be changed.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogImmutable("Audit entries cannot be deleted.")
