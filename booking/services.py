"""Booking services: every write that books, confirms, moves or cancels a time, and its mail.

Views and the admin call only these functions (reads are in selectors.py).

No double booking: each write locks the staff member's user row (`select_for_update`), so
bookings for one person are made one at a time, re-checks the slot under that lock, and the
database refuses an overlap anyway (see models.py). A lost race is reported as
`SlotUnavailable("taken")`, never as an error page.
"""

import contextlib
import functools
import logging
import uuid
from datetime import UTC, timedelta
from email.utils import parseaddr

import icalendar
from django.conf import settings
from django.contrib.admin.models import ADDITION, DELETION, LogEntry
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import dateformat, timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_lazy

from audit.models import AuditEntry
from audit.services import audit_record
from outbox.services import outbound_email_queue, outbound_email_withdraw, regarding_key
from pages.dates import long_date
from pages.models import SiteSettings
from pages.templating import PUBLIC_TEMPLATES

from .models import (
    MANAGE_SCHEDULES,
    PATIENT_MODE_LABELS,
    Availability,
    Booking,
    BookingEmailKind,
    BookingInvitation,
    BookingSettings,
    availability_overlap,
    availability_overlap_message,
)
from .selectors import available_slots, change_allowed, clinic_tz, closed_days, consultation_staff
from .signals import BookingEvent, booking_changed

logger = logging.getLogger(__name__)

# Kept from when the engine was part of the consultations app: links already sent stay valid.
_LINK_SALT = "consultations.booking.link"


# --- Errors -----------------------------------------------------------------------------------


class BookingError(Exception):
    """A booking rule said no. `code` is stable (tests, views); `message` is for the patient."""

    messages = {
        "not_active": gettext_lazy("This booking has already been cancelled."),
        "not_requested": gettext_lazy("Only a requested booking can be confirmed."),
        "too_late": gettext_lazy(
            "Your consultation is too soon to change online. Please call us and we will help."
        ),
        "already_booked": gettext_lazy("A consultation time is already booked for this request."),
        "request_closed": gettext_lazy(
            "This request is closed, so no time can be booked for it online."
        ),
    }

    def __init__(self, code, message=None):
        self.code = code
        self.message = message or self.messages.get(code, gettext_lazy("That cannot be done."))
        super().__init__(code)


class SlotUnavailable(BookingError):
    """The chosen time cannot be booked; `code` says why."""

    def __init__(self, code, rules=None, *, closure=None):
        rules = rules or BookingSettings.get_solo()
        messages = {
            "past": gettext_lazy(
                "That time has already passed. Please pick one of the times below."
            ),
            "notice": format_lazy(
                gettext_lazy("We need at least {hours} hours' notice. Please pick a later time."),
                hours=rules.minimum_notice_hours,
            ),
            "horizon": format_lazy(
                gettext_lazy("We book up to {days} days ahead. Please pick an earlier time."),
                days=rules.horizon_days,
            ),
            "taken": gettext_lazy("That time was just taken, please pick another."),
            "unavailable": gettext_lazy(
                "That time is not one we offer. Please pick one of the times below."
            ),
            "closed": format_lazy(
                gettext_lazy(
                    "The clinic is closed that day ({closure}), so no consultation can be "
                    "booked then. Please pick another day."
                ),
                closure=closure,
            ),
        }
        super().__init__(code, messages[code])


def slot_check(*, consultation_type, staff_id, start, now=None, exclude_booking=None, by=None):
    """Return the free Slot at `start`, or raise SlotUnavailable saying why it is not free.

    Staff (`by` given) may book inside the notice period and beyond the horizon; never on a day
    the clinic is closed, outside availability or onto another booking.
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
    closure = closed_days(first_day=local_day, last_day=local_day).get(local_day)
    if closure is not None:
        raise SlotUnavailable("closed", rules, closure=closure)
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
        "pick_url": site + reverse("booking:pick", args=[token]),
        "cancel_url": site + reverse("booking:cancel", args=[token]),
    }


def booking_link_for_request(*, consultation_request):
    """The pick page's address (absolute) for a request, making its invitation if needed."""
    invitation = booking_invitation_get_or_create(consultation_request=consultation_request)
    return booking_links(invitation=invitation)["pick_url"]


def booking_pick_path(*, consultation_request):
    """The pick page's path for a request (the confirmation page's link)."""
    invitation = booking_invitation_get_or_create(consultation_request=consultation_request)
    return reverse("booking:pick", args=[booking_link_token(invitation=invitation)])


@transaction.atomic
def booking_link_issue(*, consultation_request, renew=False, now=None):
    """The pick page's address (absolute) to send the patient now; stamps when it was sent.

    `renew=True` gives the invitation a new random key first: every link sent before stops
    working (it is answered as an altered link is), and the new one starts unopened and
    unused. The patient's "please call me" choice is kept. The caller sends the link and
    writes the audit entry. Raises BookingError("request_closed") for a request that takes no
    bookings: its link would only say so.
    """
    if not consultation_request.accepts_bookings:
        raise BookingError("request_closed")
    invitation = booking_invitation_get_or_create(consultation_request=consultation_request)
    invitation = BookingInvitation.objects.select_for_update().get(pk=invitation.pk)
    invitation.link_sent_at = now or timezone.now()
    fields = ["link_sent_at"]
    if renew:
        invitation.key = uuid.uuid4()
        invitation.first_opened_at = None
        invitation.used_at = None
        fields += ["key", "first_opened_at", "used_at"]
    invitation.save(update_fields=fields)
    return booking_links(invitation=invitation)["pick_url"]


def booking_link_opened(*, invitation, now=None):
    """Stamp the first time the patient opens their current link (staff see "opened")."""
    if invitation.first_opened_at is None:
        BookingInvitation.objects.filter(pk=invitation.pk, first_opened_at__isnull=True).update(
            first_opened_at=now or timezone.now()
        )


def _link_used(invitation):
    # One conditional UPDATE: the first use is what staff need to know.
    if invitation.used_at is None:
        BookingInvitation.objects.filter(pk=invitation.pk, used_at__isnull=True).update(
            used_at=timezone.now()
        )


# --- Changes through one link -----------------------------------------------------------------

_LINK_CHANGES_WINDOW_SECONDS = 3600


class LinkChangesExhausted(BookingError):
    """The link has made its changes for this hour; nothing was written."""

    def __init__(self):
        phone = SiteSettings.get_solo().phone
        if phone:
            message = format_lazy(
                gettext_lazy(
                    "You have changed your booking several times in a short while, so this "
                    "change was not made. Please try again in an hour, or call us at {phone} and "
                    "we will help."
                ),
                phone=phone,
            )
        else:
            message = gettext_lazy(
                "You have changed your booking several times in a short while, so this change "
                "was not made. Please try again in an hour."
            )
        super().__init__("too_many_changes", message)


def booking_link_changes_key(*, invitation, now=None):
    """The cache key counting this link's changes in the current hour.

    Made from a keyed hash of the invitation's random key: no reference, nothing about the
    patient, and not the key itself (which would open the link).
    """
    now = now or timezone.now()
    bucket = int(now.timestamp() // _LINK_CHANGES_WINDOW_SECONDS)
    link = salted_hmac("booking.link-changes", invitation.key.hex).hexdigest()[:32]
    return f"booking:link-changes:{bucket}:{link}"


@contextlib.contextmanager
def booking_link_change(*, invitation, now=None):
    """Count one change (pick, move, cancel, call-me request) made through a patient's link.

    Raises LinkChangesExhausted before anything is written once the link has made
    BOOKING_LINK_CHANGES_PER_HOUR changes in this clock hour, so one link cannot queue staff
    alerts without end. Counted in the shared cache (Redis in production), so every app process
    counts together, and counted before the change, so simultaneous requests cannot all slip
    under the limit. A change refused by a booking rule (BookingError) is given back.
    """
    key = booking_link_changes_key(invitation=invitation, now=now)
    timeout = _LINK_CHANGES_WINDOW_SECONDS + 60
    cache.add(key, 0, timeout=timeout)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=timeout)
        count = 1
    if count > settings.BOOKING_LINK_CHANGES_PER_HOUR:
        raise LinkChangesExhausted()
    try:
        yield
    except BookingError:
        with contextlib.suppress(ValueError):  # the hour has turned: nothing to give back
            cache.decr(key)
        raise
    _link_used(invitation)


# --- Writes -----------------------------------------------------------------------------------


def _lock_staff(staff_id):
    """Serialise every booking write for one staff member (a row lock on PostgreSQL)."""
    list(
        get_user_model()
        .objects.select_for_update()
        .filter(pk=staff_id)
        .values_list("pk", flat=True)
    )


def _lock_request(consultation_request_id):
    """Lock the booking's request row first, as the request's own services do.

    Every write that touches both a request and its booking takes the request's lock before
    the booking's, whichever side starts it, so a staff member closing a request and the
    patient cancelling its booking at the same moment wait for each other instead of
    deadlocking. The model is reached through the foreign key, never imported.
    """
    request_model = Booking._meta.get_field("consultation_request").related_model
    list(
        request_model.objects.select_for_update()
        .filter(pk=consultation_request_id)
        .values_list("pk", flat=True)
    )


def _audit_change(booking, *, by, what, system=False):
    """The audit entry for a change: who (none for the patient's own link), which request."""
    if by is not None:
        who = ""
    elif system:
        who = " by the clinic's system"
    else:
        who = " by the patient"
    audit_record(
        actor=by,
        action=AuditEntry.Action.BOOKING_CHANGED,
        reference=booking.consultation_request.reference,
        detail=f"booking {what}{who}",
    )


def _announce(booking, event, by):
    """Tell the layers above (the request's lifecycle) inside this change's transaction."""
    booking_changed.send(sender=Booking, booking=booking, event=event, by=by)


def _withdraw_reminder(booking):
    """A reminder queued for the old time must not go out after a move or a cancellation."""
    outbound_email_withdraw(
        kind=BookingEmailKind.REMINDER, regarding=regarding_key(booking.consultation_request)
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
    if not consultation_request.accepts_bookings:
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
    _announce(booking, BookingEvent.REQUESTED, by)
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
    _lock_request(booking.consultation_request_id)
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    if booking.status != Booking.Status.REQUESTED:
        raise BookingError("not_requested")
    booking.status = Booking.Status.CONFIRMED
    booking.confirmed_at = now
    booking.sequence += 1  # every change the patient's calendar hears of goes up by one
    booking.save(update_fields=["status", "confirmed_at", "sequence"])
    _queue_patient_email(booking, BookingEmailKind.CONFIRMED)
    _audit_change(booking, by=by, what="confirmed")
    _announce(booking, BookingEvent.CONFIRMED, by)
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
    _lock_request(booking.consultation_request_id)
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
    _withdraw_reminder(current)
    if by is None:
        # The patient hears their new time was received (with the moved calendar event, same
        # UID, higher SEQUENCE); staff confirm it, which sends the confirmation.
        _queue_staff_alert(current, "asked to move their consultation")
        _queue_patient_email(current, BookingEmailKind.MOVE_RECEIVED)
    elif current.status == Booking.Status.CONFIRMED:
        _queue_patient_email(current, BookingEmailKind.CONFIRMED)
    _audit_change(current, by=by, what="moved")
    _announce(current, BookingEvent.MOVED, by)
    logger.info("Booking %s moved", current.public_id)
    return current


@transaction.atomic
def booking_cancel(*, booking, by=None, system=False, now=None):
    """Cancel an active booking; the time is free again as soon as this commits.

    The patient (`by` None) can cancel only within the change-notice rules. `system=True`
    (with `by` None) is the clinic cancelling with nobody at the keyboard, e.g. the retention
    purge of a request that still had a booking: no notice rule, recorded as the clinic's.
    A reminder still waiting in the outbox is withdrawn; the patient gets the cancellation
    with a calendar file (same UID, SEQUENCE one higher) that removes the event.
    """
    now = now or timezone.now()
    _lock_request(booking.consultation_request_id)
    current = Booking.objects.select_for_update().get(pk=booking.pk)
    if not current.is_active:
        raise BookingError("not_active")
    patient = by is None and not system
    if patient and not change_allowed(booking=current, now=now):
        raise BookingError("too_late")
    current.status = Booking.Status.CANCELLED
    current.cancelled_at = now
    current.cancelled_by = Booking.CancelledBy.PATIENT if patient else Booking.CancelledBy.STAFF
    current.sequence += 1
    current.save(update_fields=["status", "cancelled_at", "cancelled_by", "sequence"])
    _withdraw_reminder(current)
    _queue_patient_email(current, BookingEmailKind.CANCELLED)
    if patient:
        _queue_staff_alert(current, "cancelled their consultation")
    _audit_change(current, by=by, what="cancelled", system=system)
    _announce(current, BookingEvent.CANCELLED, by)
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
            _queue_patient_email(booking, BookingEmailKind.REMINDER, now=now)
            queued += 1
    return queued


# --- E-mail -----------------------------------------------------------------------------------

_SUBJECTS = {
    BookingEmailKind.CONFIRMED: gettext_lazy("Your consultation time is confirmed ({reference})"),
    BookingEmailKind.CANCELLED: gettext_lazy("Your consultation has been cancelled ({reference})"),
    BookingEmailKind.REMINDER: gettext_lazy("Reminder: your consultation {day} ({reference})"),
    BookingEmailKind.MOVE_RECEIVED: gettext_lazy(
        "We received your new consultation time ({reference})"
    ),
}


def consultation_type_label(consultation_type):
    """A consultation type as the patient reads it, in the active language."""
    return consultation_type.patient_label()


_TEMPLATES = {
    BookingEmailKind.CONFIRMED: "booking/email/booking_confirmed.txt",
    BookingEmailKind.CANCELLED: "booking/email/booking_cancelled.txt",
    BookingEmailKind.REMINDER: "booking/email/booking_reminder.txt",
    BookingEmailKind.MOVE_RECEIVED: "booking/email/booking_move_received.txt",
}


def booking_time(local):
    """A clinic time as the patient's language writes it: "9:00 AM", "9:00 a. m."."""
    return dateformat.format(local, gettext("g:i A"))


def booking_when(local):
    """A clinic day and time in the active language: "Tuesday, December 1, 2026, 9:00 AM",
    "martes, 1 de diciembre de 2026, 9:00 a. m."."""
    return gettext("{weekday}, {date}, {time}").format(
        weekday=dateformat.format(local, "l"),
        date=long_date(local),
        time=booking_time(local),
    )


def booking_day(*, start, now):
    """The consultation's day as the reminder's subject says it, in the active language:
    "today", "tomorrow" or "on Wednesday 4 February"."""
    local_start = start.astimezone(clinic_tz())
    days = (local_start.date() - now.astimezone(clinic_tz()).date()).days
    if days == 0:
        return gettext("today")
    if days == 1:
        return gettext("tomorrow")
    return gettext("on {weekday} {day} {month}").format(
        weekday=dateformat.format(local_start, "l"),
        day=local_start.day,
        month=dateformat.format(local_start, "F"),
    )


def booking_day_phrase(*, start, now):
    """When the consultation is, as the patient's calendar says it, from the clinic's dates.

    "today at 10:00 PM", "tomorrow at 9:00 AM", or "on Wednesday 4 February at 9:00 AM" (in
    the active language): the days are compared in the clinic's zone, so a reminder queued at
    21:16 for a 22:00 consultation says "today", never "tomorrow" (as UTC dates would).
    """
    day = booking_day(start=start, now=now)
    time = booking_time(start.astimezone(clinic_tz()))
    return gettext("{day} at {time}").format(day=day, time=time)


def _email_context():
    return {
        "site_settings": SiteSettings.get_solo(),
        "site_url": settings.SITE_URL.rstrip("/"),
    }


def patient_email_context(language):
    """What every e-mail to a patient shows around its words, in their language."""
    context = _email_context()
    context["emergency_notice"] = context["site_settings"].in_language("emergency_notice", language)
    return context


def _queue_patient_email(booking, kind, now=None):
    consultation_request = booking.consultation_request
    if not consultation_request.email:
        return  # answers removed by the retention purge: nobody to write to
    # In the patient's language: words, dates, links (to the pages in it) and the .ics summary.
    with translation.override(consultation_request.language):
        _queue_patient_email_in_language(booking, kind, now=now)


def _queue_patient_email_in_language(booking, kind, now=None):
    consultation_request = booking.consultation_request
    now = now or timezone.now()
    local_start = booking.start.astimezone(clinic_tz())
    local_end = booking.end.astimezone(clinic_tz())
    context = {
        **patient_email_context(consultation_request.language),
        "reference": consultation_request.reference,
        "booking": booking,
        "type_label": consultation_type_label(booking.consultation_type),
        "start_when": booking_when(local_start),
        "end_time": booking_time(local_end),
        "change_notice_hours": BookingSettings.get_solo().change_notice_hours,
        "request_open": consultation_request.accepts_bookings,
        "day_phrase": booking_day_phrase(start=booking.start, now=now),
    }
    invitation = booking_invitation_get_or_create(consultation_request=consultation_request)
    context.update(booking_links(invitation=invitation))
    calendar = ""
    if kind in (BookingEmailKind.CONFIRMED, BookingEmailKind.MOVE_RECEIVED):
        calendar = booking_calendar_file(booking=booking)
    elif kind == BookingEmailKind.CANCELLED:
        # Always: a calendar that never held the event ignores a CANCEL for an unknown UID.
        calendar = booking_calendar_file(booking=booking, cancelled=True)
    day = booking_day(start=booking.start, now=now)
    outbound_email_queue(
        kind=kind,
        recipients=[consultation_request.email],
        subject=str(_SUBJECTS[kind]).format(reference=consultation_request.reference, day=day),
        body=render_to_string(_TEMPLATES[kind], context, using=PUBLIC_TEMPLATES),
        regarding=regarding_key(consultation_request),
        calendar_file=calendar,
    )


def _queue_staff_alert(booking, what):
    _queue_request_staff_alert(booking.consultation_request, what)


def _queue_request_staff_alert(consultation_request, what):
    if not settings.CONSULTATION_ALERT_RECIPIENTS:
        return
    context = {**_email_context(), "reference": consultation_request.reference, "what": what}
    context["admin_url"] = context["site_url"] + consultation_request.get_admin_url()
    outbound_email_queue(
        kind=BookingEmailKind.STAFF_ALERT,
        recipients=list(settings.CONSULTATION_ALERT_RECIPIENTS),
        subject=f"Consultation booking: {consultation_request.reference} {what}",
        body=render_to_string("booking/email/booking_staff_alert.txt", context),
        regarding=regarding_key(consultation_request),
    )


def booking_calendar_file(*, booking, cancelled=False):
    """The booking as an iCalendar file: time, clinic address or call details, nothing clinical.

    Its summary and description are in the active language (the patient's, when e-mailed)."""
    site = SiteSettings.get_solo()
    consultation_type = booking.consultation_type
    if consultation_type.mode == consultation_type.Mode.IN_PERSON:
        location = ", ".join([site.clinic_name, *site.address_lines])
    else:
        # The way of meeting in the patient's language ("Llamada telefónica").
        location = str(PATIENT_MODE_LABELS[consultation_type.mode])
    description = [
        gettext("Your reference: {reference}").format(
            reference=booking.consultation_request.reference
        ),
        consultation_type.patient_joining_details(),
        gettext("To change or cancel, call us at {phone}.").format(phone=site.phone)
        if site.phone
        else "",
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
    organizer = icalendar.vCalAddress(f"mailto:{booking_organizer_email()}")
    organizer.params["cn"] = icalendar.vText(site.clinic_name)
    event.add("organizer", organizer)
    event.add("summary", f"{consultation_type_label(consultation_type)}: {site.clinic_name}")
    event.add("location", location)
    event.add("description", "\n".join(line for line in description if line))
    if cancelled:
        event.add("status", "CANCELLED")
    else:
        confirmed = booking.status == Booking.Status.CONFIRMED
        event.add("status", "CONFIRMED" if confirmed else "TENTATIVE")
    calendar.add_component(event)
    return calendar.to_ical().decode()


def booking_organizer_email():
    """The calendar event's ORGANIZER: the clinic's public e-mail, else the sending address."""
    site_email = SiteSettings.get_solo().email
    return site_email or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]


# --- Weekly hours -----------------------------------------------------------------------------


@transaction.atomic
def availability_week_set(*, staff, windows, by):
    """Make `windows` the whole of `staff`'s weekly hours (the one-screen week form).

    `windows`: unsaved Availability rows (weekday, times, optional type). Someone without
    "manage every staff member's availability" may set only their own hours; the staff member
    must take consultations; each window is validated as the admin would, and no two may
    overlap. Unchanged windows stay as they are; the others are deleted or added, and each
    deletion and addition is recorded in the admin's history, as one-by-one editing would be.
    Returns (added, removed).
    """
    if by.pk != staff.pk and not by.has_perm(MANAGE_SCHEDULES):
        raise PermissionDenied("You can keep only your own hours.")
    _lock_staff(staff.pk)  # one week edit per staff member at a time
    if not consultation_staff().filter(pk=staff.pk).exists():
        raise ValidationError(
            "This staff member does not take consultations, so they have no hours to keep.",
            code="not_consultation_staff",
        )
    for window in windows:
        window.staff = staff
        window.full_clean()
    overlap = availability_overlap(windows)
    if overlap is not None:
        raise ValidationError(availability_overlap_message(*overlap), code="overlap")

    def key(window):
        return (window.weekday, window.start_time, window.end_time, window.consultation_type_id)

    current = list(Availability.objects.filter(staff=staff))
    wanted = {key(window) for window in windows}
    existing = {key(window) for window in current}
    removed = [window for window in current if key(window) not in wanted]
    added = [window for window in windows if key(window) not in existing]
    if removed:
        LogEntry.objects.log_actions(
            user_id=by.pk, queryset=removed, action_flag=DELETION, change_message="Week's hours"
        )
        Availability.objects.filter(pk__in=[window.pk for window in removed]).delete()
    for window in added:
        window.save(force_insert=True)
    if added:
        LogEntry.objects.log_actions(
            user_id=by.pk, queryset=added, action_flag=ADDITION, change_message="Week's hours"
        )
    logger.info(
        "Weekly hours of staff %s set: %s added, %s removed", staff.pk, len(added), len(removed)
    )
    return added, removed
