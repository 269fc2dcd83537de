"""Writes that follow a rule: creating a consultation request, queueing its e-mails, purging.

Every function here handles PHI, so each carries `sensitive_variables`: error reports show none
of their local variables (or those of anything they call).
"""

import csv
import hashlib
import logging
from dataclasses import dataclass, field
from datetime import timedelta

import phonenumbers
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.debug import sensitive_variables

from audit.models import AuditEntry
from audit.services import audit_record, audit_record_many
from booking.models import Booking, BookingEmailKind
from booking.services import (
    BookingError,
    booking_cancel,
    booking_link_for_request,
    booking_link_issue,
    booking_pick_path,
)
from booking.signals import BookingEvent
from outbox.models import OutboundEmail
from outbox.services import outbound_email_queue, regarding_key
from pages.models import SiteSettings
from pages.templating import PUBLIC_TEMPLATES
from phi.crypto import email_blind_index, phone_blind_index

from .models import (
    PLACEHOLDER_PATTERN,
    ConsultationNote,
    ConsultationRequest,
    EmailKind,
    PatientMessage,
    YesNoUnsure,
)

logger = logging.getLogger(__name__)

_REFERENCE_TRIES = 5

# Answers that mean "a physician should look at this before anything else" (the fibromyalgia
# page's "may not be appropriate for" list). "Not sure" is left to the physician's review.
_CONTRAINDICATION_ANSWERS = {
    "heart_condition": {YesNoUnsure.YES},
    "high_blood_pressure": {ConsultationRequest.BloodPressure.UNCONTROLLED},
    "substance_use_concern": {YesNoUnsure.YES},
    "psychiatric_history": {YesNoUnsure.YES},
}
_SIGNIFICANT_IMPACT = {
    ConsultationRequest.DailyImpact.MODERATE,
    ConsultationRequest.DailyImpact.SEVERE,
    ConsultationRequest.DailyImpact.UNABLE,
}
_PERSISTENT_PAIN_FROM = 4  # 4/10 and above: moderate or worse


@dataclass(frozen=True)
class ScreeningFlags:
    contraindication_reported: bool
    inclusion_criteria_met: bool


@sensitive_variables()
def screening_flags_derive(*, answers):
    """The non-PHI flags staff filter on, from the answers (a prompt, never a decision).

    Inclusion mirrors the page's "patients we may evaluate": diagnosed fibromyalgia with
    significant functional impairment and persistent pain despite treatment, and (for a stable
    status) no possible contraindication reported.
    """
    contraindication = any(
        answers.get(question) in flagged for question, flagged in _CONTRAINDICATION_ANSWERS.items()
    )
    inclusion = (
        answers.get("diagnosis") == YesNoUnsure.YES
        and answers.get("daily_impact") in _SIGNIFICANT_IMPACT
        and (answers.get("pain_level") or 0) >= _PERSISTENT_PAIN_FROM
        and bool(answers.get("treatments_tried"))
        and not contraindication
    )
    return ScreeningFlags(
        contraindication_reported=contraindication, inclusion_criteria_met=inclusion
    )


@sensitive_variables()
def consultation_request_create(
    *,
    answers,
    idempotency_key,
    consent_notice_version,
    consented_at=None,
    language="en",
    consent_language=None,
):
    """Save one request and queue its two e-mails, in one transaction.

    `answers` maps ConsultationRequest field names to cleaned values (the form's `answers`).
    `language` is the one the patient used on the form (every e-mail to them is written in it);
    `consent_language` that of the privacy notice they agreed to (by default the same).
    Returns `(request, created)`: a second call with the same `idempotency_key` (refresh, back
    button, double click, two racing requests) returns the first request and creates nothing.
    """
    existing = _request_for_key(idempotency_key)
    if existing is not None:
        return existing, False

    flags = screening_flags_derive(answers=answers)
    consultation_request = ConsultationRequest(
        **answers,
        idempotency_key=idempotency_key,
        consent_notice_version=consent_notice_version,
        consent_language=consent_language or language,
        consented_at=consented_at or timezone.now(),
        language=language,
        email_blind_index=email_blind_index(answers["email"]) if answers.get("email") else "",
        phone_blind_index=phone_blind_index(answers["phone"]) if answers.get("phone") else "",
        contraindication_reported=flags.contraindication_reported,
        inclusion_criteria_met=flags.inclusion_criteria_met,
    )
    for attempt in range(_REFERENCE_TRIES):
        try:
            with transaction.atomic():
                consultation_request.save(force_insert=True)
                _queue_new_request_emails(consultation_request)
        except IntegrityError:
            consultation_request.pk = None
            # Another request with this key won the race to insert: it is the one to return.
            existing = ConsultationRequest.objects.filter(idempotency_key=idempotency_key).first()
            if existing is not None:
                return existing, False
            if attempt == _REFERENCE_TRIES - 1:
                raise
            # The random reference collided with an older one: draw another.
            consultation_request.reference = ConsultationRequest._meta.get_field(
                "reference"
            ).get_default()
            continue
        break
    logger.info("Consultation request %s received", consultation_request.reference)
    return consultation_request, True


def _request_for_key(idempotency_key):
    return ConsultationRequest.objects.filter(idempotency_key=idempotency_key).first()


def _email_context():
    site = SiteSettings.get_solo()
    return {
        "site_settings": site,
        "site_url": settings.SITE_URL.rstrip("/"),
        "response_days": settings.CONSULTATION_RESPONSE_BUSINESS_DAYS,
    }


@sensitive_variables()
def _queue_new_request_emails(consultation_request):
    context = {**_email_context(), "reference": consultation_request.reference}
    context["emergency_notice"] = context["site_settings"].in_language(
        "emergency_notice", consultation_request.language
    )
    context["admin_url"] = context["site_url"] + consultation_request.get_admin_url()
    context["booking_link_days"] = settings.BOOKING_LINK_MAX_AGE_DAYS
    if settings.CONSULTATION_ALERT_RECIPIENTS:
        outbound_email_queue(
            kind=EmailKind.STAFF_ALERT,
            recipients=list(settings.CONSULTATION_ALERT_RECIPIENTS),
            subject=f"New consultation request {consultation_request.reference}",
            body=render_to_string("consultations/email/staff_alert.txt", context),
            regarding=regarding_key(consultation_request),
        )
    else:
        logger.warning("CONSULTATION_ALERT_RECIPIENTS is empty: no staff alert was queued")
    # The patient's mail in their language; its link opens the booking pages in it too.
    with translation.override(consultation_request.language):
        context["booking_url"] = booking_link_for_request(consultation_request=consultation_request)
        outbound_email_queue(
            kind=EmailKind.PATIENT_ACKNOWLEDGEMENT,
            recipients=[consultation_request.email],
            subject=gettext("We received your consultation request ({reference})").format(
                reference=consultation_request.reference
            ),
            body=render_to_string(
                "consultations/email/patient_acknowledgement.txt", context, using=PUBLIC_TEMPLATES
            ),
            regarding=regarding_key(consultation_request),
        )


def consultation_request_booking_path(*, reference):
    """The booking page's path for the request with this reference (the "sent" page's link)."""
    consultation_request = ConsultationRequest.objects.filter(reference=reference).first()
    if consultation_request is None:
        return None
    return booking_pick_path(consultation_request=consultation_request)


# --- Client rate limit ----------------------------------------------------------------------


def client_rate_limit_hit(*, client_address):
    """Count one request from this client; True when it is over the configured limit.

    A fixed window per client in the shared cache (Redis in production), so every app process
    counts together. The address is hashed before it becomes a cache key.
    """
    window = settings.CONSULTATION_RATE_LIMIT_WINDOW_SECONDS
    bucket = int(timezone.now().timestamp() // window)
    client = hashlib.sha256(f"{settings.SECRET_KEY}:{client_address}".encode()).hexdigest()[:32]
    key = f"consultations:rate:{bucket}:{client}"
    cache.add(key, 0, timeout=window + 60)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 60)
        count = 1
    return count > settings.CONSULTATION_RATE_LIMIT_COUNT


# --- Retention --------------------------------------------------------------------------------


@dataclass
class PurgeReport:
    references: list[str] = field(default_factory=list)
    emails_deleted: int = 0
    bookings_cancelled: int = 0
    dry_run: bool = False


def consultation_request_purge(*, older_than_days, dry_run=False, now=None):
    """Anonymise closed requests closed more than `older_than_days` ago.

    Anonymise, not delete: every answer (all encrypted fields) and both blind indexes are
    cleared, and the request's queued e-mails (which hold the patient's address) are deleted.
    What stays is PHI-free statistics: reference, dates, status, outcome, screening flags.
    """
    cutoff = (now or timezone.now()) - timedelta(days=older_than_days)
    candidates = ConsultationRequest.objects.filter(
        status=ConsultationRequest.Status.CLOSED,
        closed_at__lt=cutoff,
        anonymised_at__isnull=True,
    ).order_by("pk")
    report = PurgeReport(dry_run=dry_run)
    report.references = list(candidates.values_list("reference", flat=True))
    if dry_run or not report.references:
        report.emails_deleted = OutboundEmail.objects.filter(
            regarding__in=[regarding_key(r) for r in candidates.only("pk")]
        ).count()
        return report
    cleared = dict.fromkeys(ConsultationRequest.encrypted_field_names())
    with transaction.atomic():
        ids = list(candidates.select_for_update().values_list("pk", flat=True))
        # A booking still live on a closed request (made before closing cancelled bookings):
        # cancelled by the clinic's system, its reminder withdrawn, the patient told.
        cancelled = []
        for consultation_request in ConsultationRequest.objects.filter(
            pk__in=ids, bookings__status__in=Booking.ACTIVE_STATUSES
        ).distinct():
            _bookings_cancel(consultation_request, by=None, system=True)
            cancelled.append(regarding_key(consultation_request))
        report.bookings_cancelled = len(cancelled)
        # Every queued mail goes (they hold the patient's address), except the cancellation
        # notices just queued: the patient must hear that their consultation is off.
        report.emails_deleted, _ = (
            OutboundEmail.objects.filter(
                regarding__in=[regarding_key(ConsultationRequest(pk=pk)) for pk in ids]
            )
            .exclude(
                regarding__in=cancelled,
                kind=BookingEmailKind.CANCELLED,
                status=OutboundEmail.Status.PENDING,
            )
            .delete()
        )
        # Staff notes speak about the patient too: they go with the answers.
        ConsultationNote.objects.filter(consultation_request_id__in=ids).delete()
        ConsultationRequest.objects.filter(pk__in=ids).update(
            **cleared,
            email_blind_index="",
            phone_blind_index="",
            anonymised_at=timezone.now(),
        )
    return report


# --- Staff triage: workflow, assignment, notes, screening (issue 5) --------------------------

Status = ConsultationRequest.Status


class Event(models.TextChoices):
    """What can happen to a request: a staff member's step, or news from its booking."""

    REVIEW = "review", "Staff start the review"
    CONTACT = "contact", "Staff record that they contacted the patient"
    SCHEDULE = "schedule", "Staff record a consultation arranged"
    CLOSE = "close", "Staff close the request (with an outcome)"
    REOPEN = "reopen", "A coordinator reopens a closed request (with a reason)"
    BOOKING_CONFIRMED = "booking_confirmed", "Its booking is confirmed"
    BOOKING_CANCELLED = "booking_cancelled", "Its booking is cancelled (by either side)"


#: The request's lifecycle, in one place: status × event → status. A pair that is not here
#: does not happen: a staff step is refused, news from a booking changes nothing (a booking
#: cancelled on a closed request leaves it closed). Closing a request with a live booking also
#: cancels the booking (the patient is told), see `consultation_request_transition`.
#: A cancelled booking sends a scheduled request back to "Contacted": the clinic and the
#: patient have been in touch, and the coordinator arranges a new time from there.
LIFECYCLE = {
    Status.NEW: {
        Event.REVIEW: Status.IN_REVIEW,
        Event.CLOSE: Status.CLOSED,
        Event.BOOKING_CONFIRMED: Status.SCHEDULED,
    },
    Status.IN_REVIEW: {
        Event.CONTACT: Status.CONTACTED,
        Event.CLOSE: Status.CLOSED,
        Event.BOOKING_CONFIRMED: Status.SCHEDULED,
    },
    Status.CONTACTED: {
        Event.SCHEDULE: Status.SCHEDULED,
        Event.CLOSE: Status.CLOSED,
        Event.BOOKING_CONFIRMED: Status.SCHEDULED,
    },
    Status.SCHEDULED: {
        Event.CLOSE: Status.CLOSED,
        Event.BOOKING_CANCELLED: Status.CONTACTED,
    },
    Status.CLOSED: {
        Event.REOPEN: Status.IN_REVIEW,
    },
}

#: The events a staff member causes with the status form (the others have their own ways in).
STAFF_EVENTS = (Event.REVIEW, Event.CONTACT, Event.SCHEDULE, Event.CLOSE)
#: What the booking engine's `booking_changed` events mean for the request.
BOOKING_EVENTS = {
    BookingEvent.CONFIRMED: Event.BOOKING_CONFIRMED,
    BookingEvent.CANCELLED: Event.BOOKING_CANCELLED,
}

#: From each status, the statuses the status form offers (read from LIFECYCLE).
TRANSITIONS = {
    status: tuple(to for event, to in events.items() if event in STAFF_EVENTS)
    for status, events in LIFECYCLE.items()
}

PERMISSION_TRANSITION = "consultations.transition_consultationrequest"
PERMISSION_REOPEN = "consultations.reopen_consultationrequest"
PERMISSION_ASSIGN = "consultations.assign_consultationrequest"
PERMISSION_INTERNAL_NOTE = "consultations.add_internal_note"
PERMISSION_CLINICAL_NOTE = "consultations.add_clinical_note"
PERMISSION_SCREENING = "consultations.record_screening_outcome"
PERMISSION_EXPORT = "consultations.export_consultationrequest"
PERMISSION_VIEW = "consultations.view_consultationrequest"
PERMISSION_MESSAGE = "consultations.message_patient"

_NOTE_PERMISSIONS = {
    ConsultationNote.Kind.INTERNAL: PERMISSION_INTERNAL_NOTE,
    ConsultationNote.Kind.CLINICAL: PERMISSION_CLINICAL_NOTE,
}


class WorkflowError(ValidationError):
    """A change the workflow does not allow; its message is meant for the staff member."""


class ConcurrentChangeError(WorkflowError):
    """Someone else changed the request since this staff member loaded it."""


def transition_allowed(*, from_status, to_status):
    return to_status in TRANSITIONS.get(from_status, ())


def _require(user, permission):
    if not user.has_perm(permission):
        raise PermissionDenied


def _label(status):
    return Status(status).label


def _compare_and_swap(consultation_request, expected_version, **changes):
    """Apply `changes` only if nobody changed the request since `expected_version` was read.

    One conditional UPDATE: the database compares the version and writes in one step, so of two
    staff saving at once exactly one wins and the other is told, instead of silently losing.
    """
    if expected_version is None:
        expected_version = consultation_request.version
    updated = ConsultationRequest.objects.filter(
        pk=consultation_request.pk, version=expected_version
    ).update(**changes, version=F("version") + 1)
    if not updated:
        raise ConcurrentChangeError(
            f"{consultation_request.reference} was changed by someone else while you had it "
            "open. Nothing was saved: look at the request again and redo your change.",
            code="stale",
        )
    for name, value in changes.items():
        setattr(consultation_request, name, value)
    consultation_request.version = expected_version + 1


def _status_locked(consultation_request):
    """The request's status as it is now, its row locked until this transaction ends."""
    return (
        ConsultationRequest.objects.select_for_update()
        .filter(pk=consultation_request.pk)
        .values_list("status", flat=True)
        .first()
    )


def _lifecycle_apply(
    *, request, current, event, by, expected_version, changes=None, because="", http_request=None
):
    """Move `request` along LIFECYCLE[current][event]: one conditional UPDATE, one audit entry.

    Every change of status goes through here: staff steps, reopening, and the changes its
    booking causes (`because` says which, and the audit entry says it was automatic).
    Closing cancels the request's live bookings in the same transaction.
    """
    to = LIFECYCLE[current][event]
    _compare_and_swap(request, expected_version, status=to, **(changes or {}))
    detail = f"{_label(current)} → {_label(to)}"
    if request.outcome and to == Status.CLOSED:
        detail += f" ({ConsultationRequest.Outcome(request.outcome).label})"
    if because:
        detail += f" ({because})"
    audit_record(
        actor=by,
        action=AuditEntry.Action.TRANSITIONED,
        reference=request.reference,
        detail=detail,
        http_request=http_request,
    )
    if to == Status.CLOSED:
        _bookings_cancel(request, by=by)
    return request


def _bookings_cancel(consultation_request, *, by, system=False):
    """Cancel the request's live bookings: the patient is told, queued reminders withdrawn."""
    for booking in Booking.objects.active().filter(consultation_request=consultation_request):
        booking_cancel(booking=booking, by=by, system=system or by is None)


@transaction.atomic
def consultation_request_transition(
    *, request, to, by, outcome="", note="", expected_version=None, http_request=None
):
    """Move `request` to status `to` if the lifecycle lets staff; closing needs an outcome.

    Raises WorkflowError (a ValidationError) with a message for the user when the move is not
    allowed or the request changed since `expected_version`; PermissionDenied without the
    "transition" permission. Writes one audit entry, plus a note when `note` is given. Closing
    a request with a live booking cancels the booking (see LIFECYCLE).
    """
    _require(by, PERMISSION_TRANSITION)
    current = _status_locked(request)
    if to not in Status.values:
        raise WorkflowError("Choose a status from the list.", code="unknown_status")
    event = next(
        (
            e
            for e, target in LIFECYCLE.get(current, {}).items()
            if target == to and e in STAFF_EVENTS
        ),
        None,
    )
    if event is None:
        raise WorkflowError(
            f"{request.reference} is “{_label(current)}”: it cannot move to “{_label(to)}”.",
            code="transition_not_allowed",
        )
    changes = {}
    if to == Status.CLOSED:
        if outcome not in ConsultationRequest.Outcome.values:
            raise WorkflowError(
                "Say why the request is closed: choose a closing outcome.",
                code="outcome_required",
            )
        changes.update(outcome=outcome, closed_at=timezone.now())
    elif outcome:
        raise WorkflowError("Only a closed request has a closing outcome.", code="outcome_open")
    _lifecycle_apply(
        request=request,
        current=current,
        event=event,
        by=by,
        expected_version=expected_version,
        changes=changes,
        http_request=http_request,
    )
    if note:
        _note_create(
            request=request,
            by=by,
            text=note,
            kind=ConsultationNote.Kind.INTERNAL,
            http_request=http_request,
        )
    return request


@sensitive_variables("reason")
@transaction.atomic
def consultation_request_reopen(*, request, by, reason, expected_version=None, http_request=None):
    """A coordinator reopens a closed request: back to "In review", the reason kept as a note.

    Needs the "reopen" permission and a reason (the reason may speak about the patient, so it
    is an encrypted internal note; the audit entry says only that it was reopened). A request
    whose answers the retention purge removed cannot be reopened: nobody could be contacted.
    """
    _require(by, PERMISSION_REOPEN)
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError("Say why the request is reopened.", code="reason_required")
    current = _status_locked(request)
    if Event.REOPEN not in LIFECYCLE.get(current, {}):
        raise WorkflowError(
            f"{request.reference} is “{_label(current)}”: only a closed request can be reopened.",
            code="not_closed",
        )
    if ConsultationRequest.objects.filter(pk=request.pk, anonymised_at__isnull=False).exists():
        raise WorkflowError(
            f"{request.reference}'s answers were removed by the retention purge: it cannot be "
            "reopened. Ask the patient to send a new request.",
            code="anonymised",
        )
    _lifecycle_apply(
        request=request,
        current=current,
        event=Event.REOPEN,
        by=by,
        expected_version=expected_version,
        changes={"outcome": "", "closed_at": None},
        because="reopened",
        http_request=http_request,
    )
    _note_create(
        request=request,
        by=by,
        text=f"Reopened: {reason}",
        kind=ConsultationNote.Kind.INTERNAL,
        http_request=http_request,
    )
    return request


@transaction.atomic
def consultation_request_booking_changed(*, booking, event, by):
    """What a change to a booking means for its request (the `booking_changed` receiver).

    No permission check: the booking engine checked the person's right to change the
    booking, and this change follows from it. The request's row is locked and its current
    version used, so no staff change is overwritten; the audit entry says it was automatic
    and who (or "the patient") changed the booking. Returns the new status, or None.
    """
    lifecycle_event = BOOKING_EVENTS.get(event)
    if lifecycle_event is None:
        return None
    request = ConsultationRequest.objects.get(pk=booking.consultation_request_id)
    current = _status_locked(request)
    if lifecycle_event not in LIFECYCLE.get(current, {}):
        return None
    if by is not None:
        who = "by staff"
    elif booking.cancelled_by == Booking.CancelledBy.PATIENT:
        who = "by the patient"
    else:
        who = "by the clinic's system"
    _lifecycle_apply(
        request=request,
        current=current,
        event=lifecycle_event,
        by=by,
        expected_version=ConsultationRequest.objects.values_list("version", flat=True).get(
            pk=request.pk
        ),
        because=f"automatic: booking {event} {who}",
    )
    return request.status


def staff_who_can_work_requests():
    """Active staff who may be assigned a request: those allowed to view requests."""
    permission = Permission.objects.get(
        content_type__app_label="consultations", codename="view_consultationrequest"
    )
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(
            Q(is_superuser=True)
            | Q(user_permissions=permission)
            | Q(groups__permissions=permission)
        )
        .distinct()
        .order_by("username")
    )


@transaction.atomic
def consultation_request_assign(*, request, assignee, by, expected_version=None, http_request=None):
    """Give the request to `assignee` (None: unassign). They must be able to see requests."""
    _require(by, PERMISSION_ASSIGN)
    if assignee is not None and not staff_who_can_work_requests().filter(pk=assignee.pk).exists():
        raise WorkflowError(
            f"{assignee.get_username()} cannot see consultation requests, so cannot be assigned one.",
            code="assignee_not_allowed",
        )
    _compare_and_swap(request, expected_version, assigned_to=assignee)
    audit_record(
        actor=by,
        action=AuditEntry.Action.ASSIGNED,
        reference=request.reference,
        detail=f"to {assignee.get_username()}" if assignee else "unassigned",
        http_request=http_request,
    )
    return request


def _note_create(*, request, by, text, kind, http_request=None):
    note = ConsultationNote.objects.create(
        consultation_request=request, author=by, text=text, kind=kind
    )
    audit_record(
        actor=by,
        action=AuditEntry.Action.NOTED,
        reference=request.reference,
        detail=ConsultationNote.Kind(kind).label,
        http_request=http_request,
    )
    return note


@sensitive_variables("text")
@transaction.atomic
def consultation_note_add(
    *, request, by, text, kind=ConsultationNote.Kind.INTERNAL, http_request=None
):
    """Append a note. Clinical notes need the clinician's permission; notes are never edited."""
    if kind not in _NOTE_PERMISSIONS:
        raise WorkflowError("Choose the kind of note.", code="unknown_kind")
    _require(by, _NOTE_PERMISSIONS[kind])
    text = (text or "").strip()
    if not text:
        raise WorkflowError("Write the note before adding it.", code="empty_note")
    return _note_create(request=request, by=by, text=text, kind=kind, http_request=http_request)


@transaction.atomic
def consultation_request_record_screening(
    *, request, outcome, by, expected_version=None, http_request=None
):
    """A clinician records their reading of the safety screening."""
    _require(by, PERMISSION_SCREENING)
    if outcome not in ConsultationRequest.ScreeningOutcome.values:
        raise WorkflowError("Choose a screening outcome from the list.", code="unknown_outcome")
    _compare_and_swap(
        request,
        expected_version,
        screening_outcome=outcome,
        screening_recorded_by=by,
        screening_recorded_at=timezone.now(),
    )
    audit_record(
        actor=by,
        action=AuditEntry.Action.SCREENED,
        reference=request.reference,
        detail=ConsultationRequest.ScreeningOutcome(outcome).label,
        http_request=http_request,
    )
    return request


# --- CSV export (issue 5) ---------------------------------------------------------------------

#: What a coordinator needs to call people back: the minimum, not the clinical answers.
EXPORT_COLUMNS = (
    ("Reference", lambda r: r.reference),
    ("Received", lambda r: timezone.localtime(r.created_at).strftime("%Y-%m-%d %H:%M")),
    ("Status", lambda r: r.get_status_display()),
    ("Closing outcome", lambda r: r.get_outcome_display()),
    ("Assigned to", lambda r: r.assigned_to.get_username() if r.assigned_to else ""),
    ("Possible contraindication", lambda r: "yes" if r.contraindication_reported else "no"),
    ("Inclusion criteria met", lambda r: "yes" if r.inclusion_criteria_met else "no"),
    ("Full name", lambda r: r.full_name),
    ("Preferred name", lambda r: r.preferred_name),
    ("E-mail", lambda r: r.email),
    ("Phone", lambda r: phone_as_dialled(r.phone)),
    ("Preferred contact method", lambda r: r.get_preferred_contact_method_display()),
    ("Best time to reach", lambda r: r.get_best_time_to_reach_display()),
    ("Voicemail allowed", lambda r: r.get_voicemail_ok_display()),
)


def phone_as_dialled(text):
    """The phone number as dialled from the clinic: "(512) 555-0100" for a number in the
    clinic's region, "011 44 20 7946 0958" for one abroad.

    Neither starts with "+", so a spreadsheet reads it as text, not as a formula, and the cell
    needs no guard a coordinator would have to delete before dialling.
    """
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, settings.PHONENUMBER_DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return text  # kept as typed; csv_cell still guards it
    region = settings.PHONENUMBER_DEFAULT_REGION
    if phonenumbers.region_code_for_number(number) == region:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_out_of_country_calling_number(number, region)


# A spreadsheet treats a cell starting with one of these as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """The value as CSV text that no spreadsheet will run as a formula.

    A leading quote makes the spreadsheet show the text as typed (OWASP's advice), e.g.
    "=HYPERLINK(...)" becomes "'=HYPERLINK(...)" and "+15125550123" "'+15125550123".
    """
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_STARTS):
        return "'" + text
    return text


@sensitive_variables()
def consultation_requests_export_csv(*, requests, by, out, http_request=None):
    """Write the chosen requests as CSV to `out`, one audit entry per request exported."""
    _require(by, PERMISSION_EXPORT)
    rows = (
        ConsultationRequest.objects.filter(pk__in=requests.values("pk"))
        .select_related("assigned_to")
        .order_by("created_at", "pk")
    )
    writer = csv.writer(out)
    writer.writerow([title for title, _value in EXPORT_COLUMNS])
    references = []
    for row in rows:
        writer.writerow([csv_cell(value(row) or "") for _title, value in EXPORT_COLUMNS])
        references.append(row.reference)
    audit_record_many(
        actor=by,
        action=AuditEntry.Action.EXPORTED,
        references=references,
        detail=f"CSV export of {len(references)} request(s)",
        http_request=http_request,
    )
    return references


# --- Messages to the patient (issue 22) -------------------------------------------------------

#: Every message's subject: the clinic's fixed words and the reference, as the other patient
#: e-mails have; never a template's name or anything staff typed.
PATIENT_MESSAGE_SUBJECT = gettext_lazy("A message about your consultation request ({reference})")
NEW_BOOKING_LINK = "New booking link"


def _patient_email_or_refuse(request):
    if not request.email:
        raise WorkflowError(
            f"{request.reference}'s answers were removed by the retention purge: there is no "
            "address to write to.",
            code="no_address",
        )
    return request.email


@sensitive_variables()
def _patient_message_queue(*, request, words, what, template, by, detail, http_request):
    """Queue the e-mail (in the clinic's frame), record it on the request, audit it."""
    context = {**_email_context(), "reference": request.reference, "words": words}
    context["emergency_notice"] = context["site_settings"].in_language(
        "emergency_notice", request.language
    )
    with translation.override(request.language):
        email = outbound_email_queue(
            kind=EmailKind.PATIENT_MESSAGE,
            recipients=[_patient_email_or_refuse(request)],
            subject=str(PATIENT_MESSAGE_SUBJECT).format(reference=request.reference),
            body=render_to_string(
                "consultations/email/patient_message.txt", context, using=PUBLIC_TEMPLATES
            ),
            regarding=regarding_key(request),
        )
    message = PatientMessage.objects.create(
        consultation_request=request,
        template=template,
        what=what[:80],
        sent_by=by,
        outbound_email=email,
    )
    audit_record(
        actor=by,
        action=AuditEntry.Action.MESSAGED,
        reference=request.reference,
        detail=detail,
        http_request=http_request,
    )
    return message


def _booking_link_issue(request, *, renew):
    try:
        return booking_link_issue(consultation_request=request, renew=renew)
    except BookingError as exc:
        raise WorkflowError(
            f"{request.reference} is closed: its booking link would only say so. Reopen it "
            "first, or send a message without a link.",
            code=exc.code,
        ) from exc


def patient_message_fill(*, template, request):
    """A template's words for this request: only MESSAGE_PLACEHOLDERS are filled in."""
    with translation.override(request.language):
        values = {
            "reference": request.reference,
            "clinic_phone": SiteSettings.get_solo().phone or gettext("the number on our website"),
        }
        if template.carries_booking_link(request.language):
            values["booking_link"] = _booking_link_issue(request, renew=False)
    return PLACEHOLDER_PATTERN.sub(
        lambda match: values.get(match.group(1), match.group(0)),
        template.body_for(request.language),
    )


@sensitive_variables()
@transaction.atomic
def patient_message_send(*, request, template, by, text="", http_request=None):
    """Write to the patient from the request page, through the outbox; returns the record.

    A template's fixed words (with its placeholders filled in), or, for a free-text template,
    the words the staff member typed, which the form warns must carry no health details.
    Needs the "message patients" permission. The audit entry names the template, never the
    words; the words live only in the outbox's encrypted body.
    """
    _require(by, PERMISSION_MESSAGE)
    if not template.is_active:
        raise WorkflowError(f"“{template.name}” is no longer offered.", code="inactive")
    _patient_email_or_refuse(request)
    text = (text or "").strip()
    if template.staff_write_text:
        if not text:
            raise WorkflowError("Write the message before sending it.", code="empty_message")
        words = text
    elif text:
        raise WorkflowError(
            f"“{template.name}” has fixed words, so what you typed was not sent. Choose the "
            "free-text message to send your own words.",
            code="text_not_used",
        )
    else:
        words = patient_message_fill(template=template, request=request)
    return _patient_message_queue(
        request=request,
        words=words,
        what=template.name,
        template=template,
        by=by,
        detail=f"message “{template.name}”",
        http_request=http_request,
    )


@sensitive_variables()
@transaction.atomic
def consultation_request_booking_link_resend(*, request, by, http_request=None):
    """Send the patient a new link to pick a time; every link sent before stops working.

    Needs the "message patients" permission; refused for a closed request (reopen it first)
    and one the retention purge anonymised. Recorded and shown like any message.
    """
    _require(by, PERMISSION_MESSAGE)
    _patient_email_or_refuse(request)
    with translation.override(request.language):
        url = _booking_link_issue(request, renew=True)
        words = render_to_string(
            "consultations/email/booking_link_new.txt",
            {"booking_url": url, "booking_link_days": settings.BOOKING_LINK_MAX_AGE_DAYS},
            using=PUBLIC_TEMPLATES,
        )
    return _patient_message_queue(
        request=request,
        words=words.strip(),
        what=NEW_BOOKING_LINK,
        template=None,
        by=by,
        detail="new booking link sent",
        http_request=http_request,
    )
