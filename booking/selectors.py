"""Reads of the booking engine: free slots, a request's active booking, the day's bookings.

Slots are computed on demand from the weekly windows and date exceptions, in wall-clock time of
the clinic's zone (settings.TIME_ZONE), then turned into UTC. Stepping in wall-clock time is
what keeps a 9:00 window at 9:00 local on both sides of a daylight-saving change; local times
that do not exist (the skipped hour in March) are left out, and a repeated hour (November)
is offered once.
"""

import zoneinfo
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from .models import (
    Availability,
    AvailabilityException,
    Booking,
    BookingInvitation,
    BookingSettings,
    ClinicClosure,
    consultation_staff_choices,
)


def clinic_tz():
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


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


def consultation_staff():
    """Active staff allowed to take consultations: the only ones offered to patients."""
    return get_user_model().objects.filter(consultation_staff_choices())


def closed_days(*, first_day, last_day):
    """{date: the closure's name} for each day from `first_day` to `last_day` the clinic is
    closed (clinic closures: holidays that block every staff member's calendar)."""
    days = {}
    closures = ClinicClosure.objects.touching(first_day=first_day, last_day=last_day)
    for closure in closures.order_by("-first_day"):  # the earliest-starting name wins
        day = max(closure.first_day, first_day)
        while day <= min(closure.last_day, last_day):
            days[day] = closure.label
            day += timedelta(days=1)
    return days


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

    A slot is free when its day is not a clinic closure and it lies inside the availability (weekly windows plus extra hours, minus
    closed times) of a staff member who may take consultations (`consultation_staff`: windows
    of someone deactivated or no longer allowed are ignored), does not overlap an active
    booking or its buffer, starts in the future and (for patients, `apply_notice`) after the minimum notice and within the horizon.
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

    allowed = consultation_staff().values("pk")
    weekly = Availability.objects.for_type(consultation_type).filter(staff__in=allowed)
    exceptions = (
        AvailabilityException.objects.filter(date__gte=first_day, date__lte=last_day)
        .filter(staff__in=allowed)
        .exclude(kind=AvailabilityException.Kind.EXTRA, consultation_type__isnull=False)
    )
    extra_for_type = AvailabilityException.objects.filter(
        staff__in=allowed,
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

    closed = closed_days(first_day=first_day, last_day=last_day)
    slots = []
    day = first_day
    while day <= last_day:
        for staff in staff_ids if day not in closed else ():
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


def todays_bookings(*, day=None):
    """Active bookings on one clinic day (default today), soonest first, for the admin."""
    day = day or timezone.now().astimezone(clinic_tz()).date()
    return calendar_bookings(first_day=day, last_day=day)


# --- The staff calendar ---------------------------------------------------------------------

# The hours a calendar always shows (clinic time); bookings or hours outside widen it.
CALENDAR_FIRST_HOUR = 8
CALENDAR_LAST_HOUR = 18


@dataclass(frozen=True)
class CalendarCell:
    """One hour of one day: the bookings starting in it, and whether it is in working hours."""

    day: date
    bookings: tuple
    in_hours: bool


@dataclass(frozen=True)
class CalendarDay:
    day: date
    closure: str | None  # the clinic closure's name, when the clinic is closed that day
    hours: tuple  # (whose, "09:00–12:00, 14:00–17:00"); whose is "" on one person's calendar


@dataclass(frozen=True)
class CalendarGrid:
    days: tuple  # CalendarDay, one per column
    rows: tuple  # (hour, (CalendarCell per day)), one per row


def _hhmm(minutes):
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def calendar_bookings(*, first_day, last_day, staff=None):
    """Active bookings starting on `first_day`..`last_day` (clinic days), with what a calendar
    shows: the time, staff, type, status and the request's reference (never the patient's
    answers, which stay encrypted and unread)."""
    tz = clinic_tz()
    start = datetime.combine(first_day, time.min, tzinfo=tz)
    end = datetime.combine(last_day + timedelta(days=1), time.min, tzinfo=tz)
    bookings = (
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
    if staff is not None:
        bookings = bookings.filter(staff=staff)
    return bookings


def calendar_grid(*, first_day, days, staff=None):
    """A day (`days`=1) or week (`days`=7) of bookings in clinic time, one column per day and
    one row per hour, for one staff member or (`staff` None) everyone who takes consultations.

    Each column says whether the clinic is closed (a clinic closure) and whose hours it has
    (weekly windows plus extra hours minus date exceptions); on one person's calendar the
    cells inside their hours are marked, so the gaps show.
    """
    tz = clinic_tz()
    last_day = first_day + timedelta(days=days - 1)
    people = consultation_staff().order_by("first_name", "last_name", "username")
    if staff is not None:
        people = people.filter(pk=staff.pk)
    people = list(people)
    weekly = {}
    for window in Availability.objects.filter(staff__in=people).order_by("start_time"):
        weekly.setdefault((window.staff_id, window.weekday), []).append(window)
    exceptions = {}
    for exception in AvailabilityException.objects.filter(
        staff__in=people, date__gte=first_day, date__lte=last_day
    ):
        exceptions.setdefault((exception.staff_id, exception.date), []).append(exception)
    closed = closed_days(first_day=first_day, last_day=last_day)

    bookings_by_cell = {}
    for booking in calendar_bookings(first_day=first_day, last_day=last_day, staff=staff):
        local = booking.start.astimezone(tz)
        bookings_by_cell.setdefault((local.date(), local.hour), []).append(booking)

    columns, open_minutes = [], {}
    first_hour, last_hour = CALENDAR_FIRST_HOUR, CALENDAR_LAST_HOUR
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        hours = []
        windows_of_day = []
        if day not in closed:
            for person in people:
                windows = _day_windows(
                    day,
                    weekly.get((person.pk, day.weekday()), []),
                    exceptions.get((person.pk, day), []),
                )
                if windows:
                    whose = "" if staff is not None else person.get_full_name() or person.username
                    hours.append((whose, ", ".join(f"{_hhmm(s)}–{_hhmm(e)}" for s, e in windows)))
                    windows_of_day.extend(windows)
        open_minutes[day] = windows_of_day
        for start, end in windows_of_day:
            first_hour = min(first_hour, start // 60)
            last_hour = max(last_hour, (end - 1) // 60)
        columns.append(CalendarDay(day=day, closure=closed.get(day), hours=tuple(hours)))
    booked_hours = {hour for _, hour in bookings_by_cell}
    first_hour = min([first_hour, *booked_hours])
    last_hour = max([last_hour, *booked_hours])

    rows = []
    for hour in range(first_hour, last_hour + 1):
        cells = []
        for column in columns:
            in_hours = any(
                start < (hour + 1) * 60 and hour * 60 < end
                for start, end in open_minutes[column.day]
            )
            cells.append(
                CalendarCell(
                    day=column.day,
                    bookings=tuple(bookings_by_cell.get((column.day, hour), ())),
                    in_hours=in_hours,
                )
            )
        rows.append((hour, tuple(cells)))
    return CalendarGrid(days=tuple(columns), rows=tuple(rows))


def upcoming_bookings_for(*, staff, now=None):
    """One staff member's active bookings from now on, soonest first ("My consultations")."""
    now = now or timezone.now()
    return (
        Booking.objects.active()
        .filter(staff=staff, end__gt=now)
        .select_related("consultation_type", "consultation_request")
        .only(
            "start", "end", "status", "consultation_type__name", "consultation_request__reference"
        )
    )


def bookings_for_request(*, consultation_request):
    """Every booking of one request, cancelled ones included, soonest first (its admin page)."""
    return (
        Booking.objects.filter(consultation_request=consultation_request)
        .select_related("staff", "consultation_type")
        .order_by("start", "pk")
    )


@dataclass(frozen=True)
class LinkState:
    """What became of the last link sent to a patient to pick a time.

    `state` is one of STATES: the link's most advanced step, or "expired" once it no longer
    works (whatever happened before). No invitation at all: "not sent".
    """

    NOT_SENT = "not sent"
    SENT = "sent"
    OPENED = "opened"
    USED = "used"
    EXPIRED = "expired"

    state: str
    sent_at: datetime | None = None
    opened_at: datetime | None = None
    used_at: datetime | None = None
    expires_at: datetime | None = None
    callback_requested_at: datetime | None = None


def booking_link_state(*, consultation_request, now=None):
    """The state of the request's booking link (LinkState), for the request's admin page."""
    invitation = BookingInvitation.objects.filter(consultation_request=consultation_request).first()
    if invitation is None:
        return LinkState(state=LinkState.NOT_SENT)
    now = now or timezone.now()
    expires_at = invitation.link_sent_at + timedelta(days=settings.BOOKING_LINK_MAX_AGE_DAYS)
    if expires_at <= now:
        state = LinkState.EXPIRED
    elif invitation.used_at is not None:
        state = LinkState.USED
    elif invitation.first_opened_at is not None:
        state = LinkState.OPENED
    else:
        state = LinkState.SENT
    return LinkState(
        state=state,
        sent_at=invitation.link_sent_at,
        opened_at=invitation.first_opened_at,
        used_at=invitation.used_at,
        expires_at=expires_at,
        callback_requested_at=invitation.callback_requested_at,
    )
