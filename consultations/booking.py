"""Booking services: free slots, and every write that books, confirms, moves or cancels a time.

These belong in services.py by the house style; they live here because services.py (requests,
triage workflow) was being changed by two other streams of work at the same time, and a module
of its own kept the merges clean. Views and the admin call only these functions.

Slots are computed on demand from the weekly windows and date exceptions, in wall-clock time of
the clinic's zone (settings.TIME_ZONE), then turned into UTC. Stepping in wall-clock time is
what keeps a 9:00 window at 9:00 local on both sides of a daylight-saving change; local times
that do not exist (the skipped hour in March) are left out, and a repeated hour (November)
is offered once.

No double booking: each write locks the staff member's user row (`select_for_update`), so
bookings for one person are made one at a time, re-checks the slot under that lock, and the
database refuses an overlap anyway (see booking_models.py). A lost race is reported as
`SlotUnavailable("taken")`, never as an error page.
"""

import functools
import logging
import zoneinfo
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from audit.services import audit_record

from .models import (
    Availability,
    AvailabilityException,
    Booking,
    BookingInvitation,
    BookingSettings,
    OutboundEmail,
)
from .services import _email_context, _send_queued_email_now, outbound_email_queue

logger = logging.getLogger(__name__)

_LINK_SALT = "consultations.booking.link"


def clinic_tz():
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


# --- Errors -----------------------------------------------------------------------------------


class BookingError(Exception):
    """A booking rule said no. `code` is stable (tests, views); `message` is for the patient."""

    messages = {
        "not_active": "This booking has already been cancelled.",
        "not_requested": "Only a requested booking can be confirmed.",
        "too_late": (
            "Your consultation is too soon to change online. Please call us and we will help."
        ),
        "already_booked": "A consultation time is already booked for this request.",
        "request_closed": "This request is closed, so no time can be booked for it online.",
    }

    def __init__(self, code, message=None):
        self.code = code
        self.message = message or self.messages.get(code, "That cannot be done.")
        super().__init__(code)


class SlotUnavailable(BookingError):
    """The chosen time cannot be booked; `code` says why."""

    def __init__(self, code, rules=None):
        rules = rules or BookingSettings.get_solo()
        messages = {
            "past": "That time has already passed. Please pick one of the times below.",
            "notice": (
                f"We need at least {rules.minimum_notice_hours} hours' notice. "
                "Please pick a later time."
            ),
            "horizon": (
                f"We book up to {rules.horizon_days} days ahead. Please pick an earlier time."
            ),
            "taken": "That time was just taken, please pick another.",
            "unavailable": "That time is not one we offer. Please pick one of the times below.",
        }
        super().__init__(code, messages[code])


# --- Slots ------------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Slot:
    start: datetime  # aware, UTC
    end: datetime
    staff_id: int

    @property
    def value(self):
        """What a radio button submits: the staff member and the UTC start, nothing else."""
        return f"{self.staff_id}-{self.start.astimezone(UTC):%Y%m%dT%H%MZ}"

    @property
    def local_start(self):
        return self.start.astimezone(clinic_tz())

    @property
    def local_end(self):
        return self.end.astimezone(clinic_tz())


def slot_value_parse(value):
    """`(staff_id, start)` from a submitted slot value, or None when it is malformed."""
    staff_part, _, start_part = (value or "").partition("-")
    if not staff_part.isdigit() or len(staff_part) > 12:
        return None
    try:
        start = datetime.strptime(start_part, "%Y%m%dT%H%MZ").replace(tzinfo=UTC)
    except ValueError:
        return None
    return int(staff_part), start


def _minutes(t):
    return t.hour * 60 + t.minute


def _subtract(windows, removed):
    """Wall-clock minute intervals `windows` minus `removed`."""
    result = []
    for start, end in windows:
        pieces = [(start, end)]
        for r_start, r_end in removed:
            next_pieces = []
            for p_start, p_end in pieces:
                if r_end <= p_start or r_start >= p_end:
                    next_pieces.append((p_start, p_end))
                    continue
                if p_start < r_start:
                    next_pieces.append((p_start, r_start))
                if r_end < p_end:
                    next_pieces.append((r_end, p_end))
            pieces = next_pieces
        result.extend(pieces)
    return sorted(result)


def _local_to_utc(day, minutes, tz):
    """The UTC instant of a wall-clock time on `day`, or None if that time does not exist."""
    naive = datetime.combine(day, time(minutes // 60, minutes % 60))
    aware = naive.replace(tzinfo=tz)
    if aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != naive:
        return None  # inside the hour skipped when clocks go forward
    return aware.astimezone(UTC)


def _day_windows(day, weekly, exceptions):
    """Free wall-clock windows (minutes) for one staff member on one day."""
    windows = [(_minutes(w.start_time), _minutes(w.end_time)) for w in weekly]
    windows += [
        (_minutes(e.start_time), _minutes(e.end_time))
        for e in exceptions
        if e.kind == AvailabilityException.Kind.EXTRA
    ]
    closed = [e for e in exceptions if e.kind == AvailabilityException.Kind.CLOSED]
    if any(e.whole_day for e in closed):
        return []
    # Merge overlapping windows so one time is never offered twice.
    merged = []
    for start, end in sorted(windows):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return _subtract(merged, [(_minutes(e.start_time), _minutes(e.end_time)) for e in closed])


def available_slots(
    *,
    consultation_type,
    now=None,
    staff_id=None,
    exclude_booking=None,
    apply_notice=True,
    first_day=None,
    last_day=None,
    ignore_bookings=False,
):
    """Every free slot of this consultation type, soonest first.

    A slot is free when it lies inside a staff member's availability (weekly windows plus extra
    hours, minus closed times), does not overlap an active booking or its buffer, starts in the
    future and (for patients, `apply_notice`) after the minimum notice and within the horizon.
    `exclude_booking` leaves one booking out of the conflicts (moving a booking);
    `ignore_bookings` gives the times offered at all (to tell "taken" from "never offered").
    """
    tz = clinic_tz()
    now = now or timezone.now()
    rules = BookingSettings.get_solo()
    earliest = now + timedelta(hours=rules.minimum_notice_hours) if apply_notice else now
    horizon = now + timedelta(days=rules.horizon_days)
    first_day = first_day or now.astimezone(tz).date()
    last_day = last_day or horizon.astimezone(tz).date()
    # Staff (no notice rules) may book beyond the horizon, on the days they ask for.
    latest = horizon if apply_notice else datetime.combine(last_day, time.max, tzinfo=tz)
    length = timedelta(minutes=consultation_type.duration_minutes)
    buffer = timedelta(minutes=consultation_type.buffer_minutes)

    weekly = Availability.objects.for_type(consultation_type)
    exceptions = AvailabilityException.objects.filter(
        date__gte=first_day, date__lte=last_day
    ).exclude(kind=AvailabilityException.Kind.EXTRA, consultation_type__isnull=False)
    extra_for_type = AvailabilityException.objects.filter(
        date__gte=first_day,
        date__lte=last_day,
        kind=AvailabilityException.Kind.EXTRA,
        consultation_type=consultation_type,
    )
    if staff_id is not None:
        weekly = weekly.filter(staff_id=staff_id)
        exceptions = exceptions.filter(staff_id=staff_id)
        extra_for_type = extra_for_type.filter(staff_id=staff_id)
    weekly_by_staff = {}
    for window in weekly:
        weekly_by_staff.setdefault(window.staff_id, {}).setdefault(window.weekday, []).append(
            window
        )
    exceptions_by_staff = {}
    for exception in [*exceptions, *extra_for_type]:
        exceptions_by_staff.setdefault(exception.staff_id, {}).setdefault(
            exception.date, []
        ).append(exception)

    staff_ids = set(weekly_by_staff) | set(exceptions_by_staff)
    busy = {}
    range_start = datetime.combine(first_day, time.min, tzinfo=tz) - timedelta(days=1)
    range_end = datetime.combine(last_day, time.max, tzinfo=tz) + timedelta(days=1)
    bookings = Booking.objects.active().filter(
        staff_id__in=staff_ids, start__lt=range_end, end__gt=range_start
    )
    if exclude_booking is not None:
        bookings = bookings.exclude(pk=exclude_booking.pk)
    if ignore_bookings:
        bookings = bookings.none()
    for staff, start, end, booked_buffer in bookings.values_list(
        "staff_id", "start", "end", "consultation_type__buffer_minutes"
    ):
        busy.setdefault(staff, []).append((start, end + timedelta(minutes=booked_buffer)))

    slots = []
    day = first_day
    while day <= last_day:
        for staff in staff_ids:
            day_exceptions = exceptions_by_staff.get(staff, {}).get(day, [])
            day_weekly = weekly_by_staff.get(staff, {}).get(day.weekday(), [])
            for window_start, window_end in _day_windows(day, day_weekly, day_exceptions):
                slots.extend(
                    _window_slots(
                        day,
                        window_start,
                        window_end,
                        staff=staff,
                        length=length,
                        buffer=buffer,
                        tz=tz,
                        earliest=earliest,
                        latest=latest,
                        busy=busy.get(staff, ()),
                    )
                )
        day += timedelta(days=1)
    return sorted(slots)


def _window_slots(day, window_start, window_end, *, staff, length, buffer, tz, **limits):
    step = int((length + buffer).total_seconds() // 60)
    length_minutes = int(length.total_seconds() // 60)
    minute = window_start
    while minute + length_minutes <= window_end:
        start = _local_to_utc(day, minute, tz)
        minute += step
        if start is None:
            continue
        end = start + length
        if start < limits["earliest"] or start > limits["latest"]:
            continue
        if any(start < b_end and b_start < end + buffer for b_start, b_end in limits["busy"]):
            continue
        yield Slot(start=start, end=end, staff_id=staff)


def slots_by_day(slots):
    """[(local date, [slots])], for the patient's page: one fieldset per day."""
    days = {}
    for slot in slots:
        days.setdefault(slot.local_start.date(), []).append(slot)
    return sorted(days.items())


def slot_check(*, consultation_type, staff_id, start, now=None, exclude_booking=None, by=None):
    """Return the free Slot at `start`, or raise SlotUnavailable saying why it is not free.

    Staff (`by` given) may book inside the notice period and beyond the horizon; never outside
    availability or onto another booking.
    """
    now = now or timezone.now()
    rules = BookingSettings.get_solo()
    patient = by is None
    if start < now:
        raise SlotUnavailable("past", rules)
    if patient and start < now + timedelta(hours=rules.minimum_notice_hours):
        raise SlotUnavailable("notice", rules)
    if patient and start > now + timedelta(days=rules.horizon_days):
        raise SlotUnavailable("horizon", rules)
    local_day = start.astimezone(clinic_tz()).date()
    offer_that_day = functools.partial(
        available_slots,
        consultation_type=consultation_type,
        now=now,
        staff_id=staff_id,
        apply_notice=patient,
        first_day=local_day,
        last_day=local_day,
    )
    for slot in offer_that_day(exclude_booking=exclude_booking):
        if slot.start == start:
            return slot
    # Not free: another booking holds it, or it was never a time we offer.
    offered = offer_that_day(ignore_bookings=True)
    if any(slot.start == start for slot in offered):
        raise SlotUnavailable("taken", rules)
    raise SlotUnavailable("unavailable", rules)


# --- Links ------------------------------------------------------------------------------------


class BookingLinkInvalid(Exception):
    """A booking link that is expired, altered, or points at nothing."""

    def __init__(self, expired=False):
        self.expired = expired
        super().__init__("expired" if expired else "invalid")


def booking_invitation_get_or_create(*, consultation_request):
    invitation, _ = BookingInvitation.objects.get_or_create(
        consultation_request=consultation_request
    )
    return invitation


def booking_link_token(*, invitation):
    """A signed, timestamped token carrying only the invitation's random key (no PHI)."""
    return signing.TimestampSigner(salt=_LINK_SALT).sign(invitation.key.hex)


def link_max_age_days():
    return settings.BOOKING_LINK_MAX_AGE_DAYS


def booking_invitation_from_token(token):
    """The invitation a link points at; raises BookingLinkInvalid when expired or tampered."""
    max_age = timedelta(days=link_max_age_days())
    try:
        key = signing.TimestampSigner(salt=_LINK_SALT).unsign(token, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise BookingLinkInvalid(expired=True) from exc
    except signing.BadSignature as exc:
        raise BookingLinkInvalid() from exc
    invitation = (
        BookingInvitation.objects.filter(key=key).select_related("consultation_request").first()
    )
    if invitation is None:
        raise BookingLinkInvalid()
    return invitation


def booking_links(*, invitation):
    """Absolute addresses of the patient's pick/move page and cancel page."""
    token = booking_link_token(invitation=invitation)
    site = settings.SITE_URL.rstrip("/")
    return {
        "pick_url": site + reverse("consultations:booking_pick", args=[token]),
        "cancel_url": site + reverse("consultations:booking_cancel", args=[token]),
    }


def booking_link_for_request(*, consultation_request):
    """The pick page's address (absolute) for a request, making its invitation if needed."""
    invitation = booking_invitation_get_or_create(consultation_request=consultation_request)
    return booking_links(invitation=invitation)["pick_url"]


def booking_pick_path(*, reference):
    """The pick page's path for the request with this reference (the confirmation page's link)."""
    from .models import ConsultationRequest

    consultation_request = ConsultationRequest.objects.filter(reference=reference).first()
    if consultation_request is None:
        return None
    invitation = booking_invitation_get_or_create(consultation_request=consultation_request)
    return reverse("consultations:booking_pick", args=[booking_link_token(invitation=invitation)])


def booking_active_for(*, consultation_request):
    """The request's requested or confirmed booking, or None."""
    return (
        Booking.objects.active()
        .filter(consultation_request=consultation_request)
        .select_related("consultation_type")
        .first()
    )


def change_allowed(*, booking, now=None):
    """Whether the patient may still move or cancel this booking through their link."""
    now = now or timezone.now()
    notice = timedelta(hours=BookingSettings.get_solo().change_notice_hours)
    return booking.is_active and booking.start - now >= notice


# --- Writes -----------------------------------------------------------------------------------


def _lock_staff(staff_id):
    """Serialise every booking write for one staff member (a row lock on PostgreSQL)."""
    list(
        get_user_model()
        .objects.select_for_update()
        .filter(pk=staff_id)
        .values_list("pk", flat=True)
    )


def _audit_change(booking, *, by, what):
    """The audit entry for a change: who (none for the patient's own link), which request."""
    audit_record(
        actor=by,
        action=AuditEntry.Action.BOOKING_CHANGED,
        reference=booking.consultation_request.reference,
        detail=f"booking {what}" + ("" if by is not None else " by the patient"),
    )


def _save_or_taken(booking, **save_kwargs):
    """Save; the database's no-overlap guarantee refusing it means someone else won the slot."""
    try:
        with transaction.atomic():
            booking.save(**save_kwargs)
    except IntegrityError as exc:
        raise SlotUnavailable("taken") from exc


@transaction.atomic
def booking_request_create(
    *, consultation_request, consultation_type, staff_id, start, by=None, confirm=False, now=None
):
    """Hold a time for a request: the patient's pick (`by` None) or staff booking for them.

    Raises SlotUnavailable (with the reason) when the time cannot be had, BookingError when the
    request already has an active booking. `confirm=True` (staff only) confirms it at once.
    """
    now = now or timezone.now()
    if consultation_request.status == consultation_request.Status.CLOSED:
        raise BookingError("request_closed")
    _lock_staff(staff_id)
    if Booking.objects.active().filter(consultation_request=consultation_request).exists():
        raise BookingError("already_booked")
    slot = slot_check(
        consultation_type=consultation_type, staff_id=staff_id, start=start, now=now, by=by
    )
    booking = Booking(
        consultation_request=consultation_request,
        consultation_type=consultation_type,
        staff_id=staff_id,
        start=slot.start,
        end=slot.end,
        created_at=now,
    )
    _save_or_taken(booking, force_insert=True)
    logger.info("Booking %s requested for %s", booking.public_id, consultation_request.reference)
    _audit_change(booking, by=by, what="requested")
    if confirm and by is not None:
        return booking_confirm(booking=booking, by=by, now=now)
    _queue_staff_alert(booking, "picked a consultation time")
    return booking


def booking_choice_apply(
    *, consultation_request, consultation_type, active_booking, staff_id, start, now=None
):
    """The patient's pick from their booking page: a new request, or moving the one they have."""
    if active_booking is not None:
        return booking_reschedule(booking=active_booking, start=start, staff_id=staff_id, now=now)
    return booking_request_create(
        consultation_request=consultation_request,
        consultation_type=consultation_type,
        staff_id=staff_id,
        start=start,
        now=now,
    )


@transaction.atomic
def booking_confirm(*, booking, by, now=None):
    """Staff confirm a requested time; the patient gets the calendar file and their links."""
    now = now or timezone.now()
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    if booking.status != Booking.Status.REQUESTED:
        raise BookingError("not_requested")
    booking.status = Booking.Status.CONFIRMED
    booking.confirmed_at = now
    booking.save(update_fields=["status", "confirmed_at"])
    _queue_patient_email(booking, OutboundEmail.Kind.BOOKING_CONFIRMED)
    _audit_change(booking, by=by, what="confirmed")
    logger.info("Booking %s confirmed", booking.public_id)
    return booking


@transaction.atomic
def booking_reschedule(*, booking, start, by=None, staff_id=None, now=None):
    """Move an active booking to `start` (with `staff_id`, possibly another staff member).

    A taken or unavailable time raises SlotUnavailable and the old booking stays as it was.
    The patient (`by` None) can move only within the change-notice rules, and their new time
    is a request again; a time staff choose stays confirmed and the patient gets the new .ics.
    """
    now = now or timezone.now()
    current = Booking.objects.select_for_update().get(pk=booking.pk)
    if not current.is_active:
        raise BookingError("not_active")
    if by is None and not change_allowed(booking=current, now=now):
        raise BookingError("too_late")
    staff_id = staff_id if staff_id is not None else current.staff_id
    _lock_staff(staff_id)
    slot = slot_check(
        consultation_type=current.consultation_type,
        staff_id=staff_id,
        start=start,
        now=now,
        exclude_booking=current,
        by=by,
    )
    current.staff_id = staff_id
    current.start, current.end = slot.start, slot.end
    current.sequence += 1
    current.reminder_queued_at = None
    if by is None:
        current.status = Booking.Status.REQUESTED
        current.confirmed_at = None
    fields = ["staff", "start", "end", "sequence", "reminder_queued_at", "status", "confirmed_at"]
    _save_or_taken(current, update_fields=fields)
    if by is None:
        # Staff confirm the new time; that mail's calendar file (same UID, higher SEQUENCE)
        # moves the event in the patient's calendar.
        _queue_staff_alert(current, "asked to move their consultation")
    elif current.status == Booking.Status.CONFIRMED:
        _queue_patient_email(current, OutboundEmail.Kind.BOOKING_CONFIRMED)
    _audit_change(current, by=by, what="moved")
    logger.info("Booking %s moved", current.public_id)
    return current


@transaction.atomic
def booking_cancel(*, booking, by=None, now=None):
    """Cancel an active booking; the time is free again as soon as this commits.

    The patient (`by` None) can cancel only within the change-notice rules.
    """
    now = now or timezone.now()
    current = Booking.objects.select_for_update().get(pk=booking.pk)
    if not current.is_active:
        raise BookingError("not_active")
    if by is None and not change_allowed(booking=current, now=now):
        raise BookingError("too_late")
    current.status = Booking.Status.CANCELLED
    current.cancelled_at = now
    current.cancelled_by = Booking.CancelledBy.PATIENT if by is None else Booking.CancelledBy.STAFF
    current.save(update_fields=["status", "cancelled_at", "cancelled_by"])
    _queue_patient_email(current, OutboundEmail.Kind.BOOKING_CANCELLED)
    if by is None:
        _queue_staff_alert(current, "cancelled their consultation")
    _audit_change(current, by=by, what="cancelled")
    logger.info("Booking %s cancelled", current.public_id)
    return current


@transaction.atomic
def booking_callback_request(*, invitation, now=None):
    """The patient asks to be called to arrange a time instead of picking one."""
    invitation = BookingInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.callback_requested_at is None:
        invitation.callback_requested_at = now or timezone.now()
        invitation.save(update_fields=["callback_requested_at"])
        _queue_request_staff_alert(
            invitation.consultation_request, "asked us to call them to arrange a time"
        )
    return invitation


@transaction.atomic
def booking_reminders_queue(*, now=None):
    """Queue the PHI-free reminder for every confirmed booking starting in the next 24 hours.

    Idempotent: a booking is marked when its reminder is queued (with a conditional UPDATE, so
    two runs at once queue one reminder), and moving a booking clears the mark.
    """
    now = now or timezone.now()
    due = Booking.objects.filter(
        status=Booking.Status.CONFIRMED,
        reminder_queued_at__isnull=True,
        start__gt=now,
        start__lte=now + timedelta(hours=settings.BOOKING_REMINDER_HOURS),
    ).values_list("pk", flat=True)
    queued = 0
    for booking_id in list(due):
        claimed = Booking.objects.filter(pk=booking_id, reminder_queued_at__isnull=True).update(
            reminder_queued_at=now
        )
        if claimed:
            booking = Booking.objects.select_related("consultation_request").get(pk=booking_id)
            _queue_patient_email(booking, OutboundEmail.Kind.BOOKING_REMINDER)
            queued += 1
    return queued


# --- E-mail -----------------------------------------------------------------------------------

_SUBJECTS = {
    OutboundEmail.Kind.BOOKING_CONFIRMED: "Your consultation time is confirmed ({reference})",
    OutboundEmail.Kind.BOOKING_CANCELLED: "Your consultation has been cancelled ({reference})",
    OutboundEmail.Kind.BOOKING_REMINDER: "Reminder: your consultation tomorrow ({reference})",
}
_TEMPLATES = {
    OutboundEmail.Kind.BOOKING_CONFIRMED: "consultations/email/booking_confirmed.txt",
    OutboundEmail.Kind.BOOKING_CANCELLED: "consultations/email/booking_cancelled.txt",
    OutboundEmail.Kind.BOOKING_REMINDER: "consultations/email/booking_reminder.txt",
}


def _after_commit_send():
    if settings.OUTBOX_SEND_IN_PROCESS:
        transaction.on_commit(_send_queued_email_now)


def _queue_patient_email(booking, kind):
    consultation_request = booking.consultation_request
    if not consultation_request.email:
        return  # answers removed by the retention purge: nobody to write to
    context = {
        **_email_context(),
        "reference": consultation_request.reference,
        "booking": booking,
        "local_start": booking.start.astimezone(clinic_tz()),
        "local_end": booking.end.astimezone(clinic_tz()),
        "change_notice_hours": BookingSettings.get_solo().change_notice_hours,
    }
    invitation = booking_invitation_get_or_create(consultation_request=consultation_request)
    context.update(booking_links(invitation=invitation))
    calendar = ""
    if kind == OutboundEmail.Kind.BOOKING_CONFIRMED:
        calendar = booking_calendar_file(booking=booking)
    elif kind == OutboundEmail.Kind.BOOKING_CANCELLED and booking.confirmed_at is not None:
        calendar = booking_calendar_file(booking=booking, cancelled=True)
    outbound_email_queue(
        kind=kind,
        recipients=[consultation_request.email],
        subject=_SUBJECTS[kind].format(reference=consultation_request.reference),
        body=render_to_string(_TEMPLATES[kind], context),
        consultation_request=consultation_request,
        calendar_file=calendar,
    )
    _after_commit_send()


def _queue_staff_alert(booking, what):
    _queue_request_staff_alert(booking.consultation_request, what)


def _queue_request_staff_alert(consultation_request, what):
    if not settings.CONSULTATION_ALERT_RECIPIENTS:
        return
    context = {**_email_context(), "reference": consultation_request.reference, "what": what}
    context["admin_url"] = context["site_url"] + consultation_request.get_admin_url()
    outbound_email_queue(
        kind=OutboundEmail.Kind.BOOKING_STAFF_ALERT,
        recipients=list(settings.CONSULTATION_ALERT_RECIPIENTS),
        subject=f"Consultation booking: {consultation_request.reference} {what}",
        body=render_to_string("consultations/email/booking_staff_alert.txt", context),
        consultation_request=consultation_request,
    )
    _after_commit_send()


def booking_calendar_file(*, booking, cancelled=False):
    """The booking as an iCalendar file: time, clinic address or call details, nothing clinical."""
    import icalendar

    from pages.models import SiteSettings

    site = SiteSettings.get_solo()
    consultation_type = booking.consultation_type
    if consultation_type.mode == consultation_type.Mode.IN_PERSON:
        location = ", ".join([site.clinic_name, *site.address_lines])
    else:
        location = consultation_type.get_mode_display()
    description = [
        f"Your reference: {booking.consultation_request.reference}",
        consultation_type.joining_details,
        f"To change or cancel, call us at {site.phone}." if site.phone else "",
    ]
    calendar = icalendar.Calendar()
    calendar.add("prodid", f"-//{site.clinic_name}//Consultations//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    event = icalendar.Event()
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    event.add("uid", f"{booking.public_id}@{host}")
    event.add("dtstamp", timezone.now().astimezone(UTC))
    event.add("dtstart", booking.start.astimezone(UTC))
    event.add("dtend", booking.end.astimezone(UTC))
    event.add("sequence", booking.sequence)
    event.add("summary", f"{consultation_type.name}: {site.clinic_name}")
    event.add("location", location)
    event.add("description", "\n".join(line for line in description if line))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    calendar.add_component(event)
    return calendar.to_ical().decode()


def todays_bookings(*, day=None):
    """Active bookings on one clinic day (default today), soonest first, for the admin."""
    tz = clinic_tz()
    day = day or timezone.now().astimezone(tz).date()
    start = datetime.combine(day, time.min, tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)
    return (
        Booking.objects.active()
        .filter(start__gte=start, start__lt=end)
        .select_related("staff", "consultation_type", "consultation_request")
        .only(
            "start",
            "end",
            "status",
            "staff__username",
            "staff__first_name",
            "staff__last_name",
            "consultation_type__name",
            "consultation_request__reference",
        )
    )


__all__ = [
    "booking_active_for",
    "BookingError",
    "BookingLinkInvalid",
    "Slot",
    "SlotUnavailable",
    "available_slots",
    "booking_calendar_file",
    "booking_callback_request",
    "booking_choice_apply",
    "booking_cancel",
    "booking_confirm",
    "booking_invitation_from_token",
    "booking_invitation_get_or_create",
    "booking_link_for_request",
    "booking_links",
    "booking_pick_path",
    "booking_reminders_queue",
    "booking_request_create",
    "booking_reschedule",
    "change_allowed",
    "link_max_age_days",
    "slot_check",
    "slot_value_parse",
    "slots_by_day",
    "todays_bookings",
]
