"""Booking: staff availability, consultation types, and the bookings patients and staff make.

A booking is for a consultation request (`consultations.ConsultationRequest`, named by string,
never imported). Of the request the engine reads only what any booked-for record must offer:
`reference`, `email`, `accepts_bookings` and `get_admin_url()`; triage statuses are the
consultations app's business. The tables keep the names they had when these models were part
of the consultations app (`consultations_booking`, …).

Times: weekly windows and date exceptions are wall-clock times in the clinic's time zone
(settings.TIME_ZONE, America/Chicago); slots are computed from them on demand (never stored)
and a booking's start and end are stored as aware UTC datetimes.

No double booking, in the database itself (see booking/README.md):
- PostgreSQL: an exclusion constraint over (staff, tstzrange(start, end)) for active bookings
  (btree_gist gives the GiST index its equality operator on the staff id).
- SQLite: a trigger (consultations migration 0002) refuses an insert or update that overlaps another active
  booking of the same staff member; SQLite runs one writer at a time, so the trigger's check
  and the write cannot interleave with another writer's.
- Both: one active booking per staff member and start time (a partial unique index), which
  also gives the admin's form validation a clear message.
"""

import uuid

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeBoundary, RangeOperators
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Func, Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy
from solo.models import SingletonModel


class TsTzRange(Func):
    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class PostgresOnlyExclusionConstraint(ExclusionConstraint):
    """An exclusion constraint that exists only on PostgreSQL.

    Other databases have no exclusion constraints; there the SQLite trigger of consultations migration 0002
    gives the same guarantee, so this constraint creates, drops and validates nothing.
    """

    def constraint_sql(self, model, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return None
        return super().constraint_sql(model, schema_editor)

    def create_sql(self, model, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return None
        return super().create_sql(model, schema_editor)

    def remove_sql(self, model, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return None
        return super().remove_sql(model, schema_editor)

    def validate(self, model, instance, exclude=None, using="default"):
        from django.db import connections

        if connections[using].vendor != "postgresql":
            return
        super().validate(model, instance, exclude=exclude, using=using)


class BookingEmailKind(models.TextChoices):
    """The booking engine's mails, as the outbox records their kind."""

    STAFF_ALERT = "booking_alert", "Staff alert: a patient picked a time"
    CONFIRMED = "booking_confirmed", "Patient: consultation time confirmed"
    CANCELLED = "booking_cancelled", "Patient: consultation cancelled"
    REMINDER = "booking_reminder", "Patient: reminder the day before"
    MOVE_RECEIVED = "booking_move_received", "Patient: their new time is received"


# What staff read when a rule of the database refuses a row: one wording for the constraint and
# for the model's clean(), which puts it beside the field the form shows.
ENDS_AFTER_START = "The end time must be after the start time."
EXCEPTION_TIMES = (
    "Give both times with the end after the start, or leave both empty to mark the whole day "
    "not available; extra hours always need both times."
)
CLOSURE_LAST_DAY = "The last day must be the same as the first day or after it."


def end_after_start_clean(entry):
    """Refuse an end at or before the start, beside the end time."""
    if entry.start_time is not None and entry.end_time is not None:
        if entry.end_time <= entry.start_time:
            raise ValidationError({"end_time": ENDS_AFTER_START}, code="ends_before_start")


class Weekday(models.IntegerChoices):
    # datetime.date.weekday() numbering.
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


#: A consultation's way of meeting in the patient's words (the staff's choices stay English).
PATIENT_MODE_LABELS = {
    "phone": gettext_lazy("Phone call"),
    "video": gettext_lazy("Video call"),
    "in_person": gettext_lazy("In person at the clinic"),
}


class ConsultationType(models.Model):
    """A kind of consultation patients can book: phone, video or in person, with its length."""

    class Mode(models.TextChoices):
        PHONE = "phone", "Phone call"
        VIDEO = "video", "Video call"
        IN_PERSON = "in_person", "In person at the clinic"

    name = models.CharField(
        max_length=80,
        help_text="What patients see, e.g. “Phone consultation (30 minutes)”.",
    )
    slug = models.SlugField(
        "web address part",
        max_length=40,
        unique=True,
        help_text="Short name used in the booking page's address, e.g. “phone”.",
    )
    mode = models.CharField(
        max_length=10,
        choices=Mode.choices,
        help_text="How the consultation happens; in-person bookings get the clinic's address.",
    )
    duration_minutes = models.PositiveSmallIntegerField(
        "length (minutes)",
        default=30,
        validators=[MinValueValidator(5), MaxValueValidator(480)],
        help_text="How long one consultation lasts.",
    )
    buffer_minutes = models.PositiveSmallIntegerField(
        "buffer (minutes)",
        default=10,
        validators=[MaxValueValidator(240)],
        help_text="Free time kept after each consultation before the next one can start.",
    )
    joining_details = models.TextField(
        "how to join",
        blank=True,
        max_length=500,
        help_text=(
            "Sent to the patient with the calendar file, e.g. “We will call you on the number "
            "you gave us.” or how to join the video call. Never anything clinical."
        ),
    )
    joining_details_es = models.TextField(
        "how to join, in Spanish",
        blank=True,
        max_length=500,
        help_text=(
            "The same words for patients who wrote to us in Spanish (“Le llamaremos al número "
            "que nos dio.”). Left blank, they get the English text above."
        ),
    )
    is_active = models.BooleanField(
        "bookable",
        default=True,
        help_text="Untick to stop offering this type; existing bookings stay.",
    )
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Types are listed to patients in this order (smallest first)."
    )

    class Meta:
        db_table = "consultations_consultationtype"
        ordering = ["position", "name"]
        verbose_name = "consultation type"
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5),
                name="consultation_type_duration_min",
                violation_error_message="A consultation must last at least 5 minutes.",
            ),
        ]

    def __str__(self):
        return self.name

    def patient_label(self):
        """How a patient reads this type: its name (the clinic's English words) in English, its
        way of meeting in another language ("Videollamada"), as names are not translated."""
        if (translation.get_language() or "en").split("-")[0] == "en":
            return self.name
        return str(PATIENT_MODE_LABELS.get(self.mode, self.name))

    def patient_joining_details(self):
        """How to join, in the active language: the Spanish text for a Spanish-speaking patient
        when the clinic entered one, else the English."""
        language = (translation.get_language() or "en").split("-")[0]
        if language == "es" and self.joining_details_es.strip():
            return self.joining_details_es
        return self.joining_details


class BookingSettings(SingletonModel):
    """The clinic's booking rules, edited in the admin."""

    minimum_notice_hours = models.PositiveSmallIntegerField(
        "minimum notice (hours)",
        default=24,
        help_text="Patients cannot book a time sooner than this from now.",
    )
    horizon_days = models.PositiveSmallIntegerField(
        "booking horizon (days)",
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text="Patients can book at most this many days ahead.",
    )
    change_notice_hours = models.PositiveSmallIntegerField(
        "change notice (hours)",
        default=24,
        help_text=(
            "Patients can cancel or move a booking through their link until this many hours "
            "before it; closer to the time they are asked to call the clinic."
        ),
    )

    class Meta:
        db_table = "consultations_bookingsettings"
        verbose_name = "booking settings"

    def __str__(self):
        return "Booking settings"


# Who may hold consultations: offered to patients, chosen as the staff of windows, exceptions
# and bookings (superusers hold every permission). Given to the Clinician role by booking 0002.
TAKE_CONSULTATIONS = "booking.take_consultations"
# Who keeps everyone's availability and date exceptions; without it, staff keep only their own.
# Given to the Intake coordinator role by booking 0002.
MANAGE_SCHEDULES = "booking.manage_schedules"
# Who sees the day and week calendars and "My consultations". Given to the Intake coordinator
# and Clinician roles by booking 0003.
VIEW_CALENDAR = "booking.view_calendar"


def consultation_staff_choices():
    """The staff a window, date exception or booking may name: active staff accounts allowed
    to take consultations. As `limit_choices_to`, it limits the admin's choices and makes model
    validation refuse anyone else, whatever a form was sent."""
    from django.contrib.auth import get_user_model

    allowed = get_user_model().objects.with_perm(
        TAKE_CONSULTATIONS,
        is_active=True,
        include_superusers=True,
        backend="django.contrib.auth.backends.ModelBackend",
    )
    return Q(is_active=True, is_staff=True, pk__in=allowed.values("pk"))


class StaffCalendarEntry(models.Model):
    """What weekly windows and date exceptions share: whose time, for which type."""

    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="staff member",
        on_delete=models.CASCADE,
        related_name="+",
        limit_choices_to=consultation_staff_choices,
        help_text="Whose consultation time this is: a staff member who takes consultations.",
    )
    consultation_type = models.ForeignKey(
        ConsultationType,
        verbose_name="consultation type",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="Leave empty for every consultation type.",
    )

    class Meta:
        abstract = True


class AvailabilityQuerySet(models.QuerySet):
    def for_type(self, consultation_type):
        return self.filter(
            Q(consultation_type__isnull=True) | Q(consultation_type=consultation_type)
        )


class Availability(StaffCalendarEntry):
    """A weekly window in which one staff member takes consultations (clinic time)."""

    weekday = models.PositiveSmallIntegerField(
        choices=Weekday.choices, help_text="The day of the week this window repeats on."
    )
    start_time = models.TimeField(
        "from", help_text="Clinic time (Central), e.g. 09:00. The first consultation starts here."
    )
    end_time = models.TimeField(
        "until", help_text="Clinic time (Central). The last consultation ends by this time."
    )

    objects = AvailabilityQuerySet.as_manager()

    class Meta:
        db_table = "consultations_availability"
        ordering = ["staff", "weekday", "start_time"]
        verbose_name = "weekly availability"
        verbose_name_plural = "weekly availability"
        permissions = [
            (
                "take_consultations",
                "Can take consultations (offered to patients, keeps own availability)",
            ),
            (
                "manage_schedules",
                "Can manage every staff member's availability and date exceptions",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=F("start_time")),
                name="availability_ends_after_start",
                violation_error_message=ENDS_AFTER_START,
            ),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}–{self.end_time:%H:%M}"

    def clean(self):
        end_after_start_clean(self)


def availability_overlap(windows):
    """The first two weekly windows of one staff member that overlap on the same weekday for
    a common consultation type, as (earlier, later), or None. Windows for two different types
    may overlap: each type's slots are stepped on their own."""
    ordered = sorted(windows, key=lambda w: (w.weekday, w.start_time, w.end_time))
    for index, earlier in enumerate(ordered):
        for later in ordered[index + 1 :]:
            if later.weekday != earlier.weekday or later.start_time >= earlier.end_time:
                continue
            types = {earlier.consultation_type_id, later.consultation_type_id}
            if len(types) == 1 or None in types:
                return earlier, later
    return None


def availability_overlap_message(earlier, later):
    return (
        f"These hours overlap {earlier.get_weekday_display()} "
        f"{earlier.start_time:%H:%M}–{earlier.end_time:%H:%M}; join them into one range or "
        "change one of them."
    )


class AvailabilityException(StaffCalendarEntry):
    """A date that differs from the weekly pattern: closed (all day or some hours) or extra hours.

    A closed date applies to every consultation type; extra hours can be for one type.
    """

    class Kind(models.TextChoices):
        CLOSED = "closed", "Not available"
        EXTRA = "extra", "Extra hours"

    date = models.DateField(help_text="The day (clinic time).")
    kind = models.CharField(
        max_length=6,
        choices=Kind.choices,
        help_text="“Not available” removes time from the weekly pattern; “Extra hours” adds time.",
    )
    start_time = models.TimeField(
        "from",
        null=True,
        blank=True,
        help_text="Leave both times empty to mark the whole day not available.",
    )
    end_time = models.TimeField("until", null=True, blank=True, help_text="Clinic time (Central).")
    note = models.CharField(
        max_length=120,
        blank=True,
        help_text="For staff only, e.g. “Conference”. Never a patient's details.",
    )

    class Meta:
        db_table = "consultations_availabilityexception"
        ordering = ["date", "start_time"]
        verbose_name = "date exception"
        constraints = [
            # Both times or neither; extra hours always need times; times in order.
            models.CheckConstraint(
                condition=(Q(start_time__isnull=True) & Q(end_time__isnull=True) & Q(kind="closed"))
                | (
                    Q(start_time__isnull=False)
                    & Q(end_time__isnull=False)
                    & Q(end_time__gt=F("start_time"))
                ),
                name="availability_exception_times",
                violation_error_message=EXCEPTION_TIMES,
            ),
        ]

    def __str__(self):
        hours = (
            f" {self.start_time:%H:%M}–{self.end_time:%H:%M}" if self.start_time else " (all day)"
        )
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}{hours}"

    def clean(self):
        if (self.start_time is None) != (self.end_time is None):
            missing = "end_time" if self.end_time is None else "start_time"
            raise ValidationError(
                {missing: "Give both times, or leave both empty to mark the whole day."},
                code="one_time_only",
            )
        if self.kind == self.Kind.EXTRA and self.start_time is None:
            raise ValidationError(
                {"start_time": "Extra hours need a start and an end time."}, code="extra_no_times"
            )
        end_after_start_clean(self)

    @property
    def whole_day(self):
        return self.start_time is None


class BookingInvitation(models.Model):
    """The patient's way back to scheduling: signed links carry this random key, nothing else.

    One per consultation request, made the first time a link is issued. It also records a
    patient's "please call me to arrange a time".
    """

    consultation_request = models.OneToOneField(
        "consultations.ConsultationRequest",
        verbose_name="consultation request",
        on_delete=models.CASCADE,
        related_name="booking_invitation",
        help_text="The request the patient is booking a consultation for.",
    )
    key = models.UUIDField(
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text="Random; signed into the patient's booking links. Not the request's reference.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    callback_requested_at = models.DateTimeField(
        "asked to be called",
        null=True,
        blank=True,
        help_text="When the patient asked us to call them to arrange a time instead of picking one.",
    )
    # The link's state as staff see it on the request (sent, opened, used, expired): links are
    # signed, not stored, so what happened to the current one is stamped here.
    link_sent_at = models.DateTimeField(
        "link last sent",
        default=timezone.now,
        help_text="When the patient was last sent a link to pick a time; a link works for a "
        "set number of days (45 unless changed) after it is sent.",
    )
    first_opened_at = models.DateTimeField(
        "link first opened",
        null=True,
        blank=True,
        help_text="When the patient first opened their current booking link.",
    )
    used_at = models.DateTimeField(
        "link first used",
        null=True,
        blank=True,
        help_text="When the patient first picked, moved or cancelled a time, or asked to be "
        "called, through their current booking link.",
    )

    class Meta:
        db_table = "consultations_bookinginvitation"
        verbose_name = "booking link"

    def __str__(self):
        return f"Booking link for {self.consultation_request}"


class BookingQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=Booking.ACTIVE_STATUSES)

    def overlapping(self, *, staff, start, end):
        return self.active().filter(staff=staff, start__lt=end, end__gt=start)


class Booking(models.Model):
    """A consultation time held for one request with one staff member.

    Requested (the patient picked it; the slot is held) → confirmed (staff agreed) →
    cancelled (by either side). Cancelling frees the slot at once.
    """

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested by the patient"
        CONFIRMED = "confirmed", "Confirmed"
        CANCELLED = "cancelled", "Cancelled"

    class CancelledBy(models.TextChoices):
        PATIENT = "patient", "The patient"
        STAFF = "staff", "The clinic"

    ACTIVE_STATUSES = (Status.REQUESTED, Status.CONFIRMED)

    public_id = models.UUIDField(
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text="Identifies the booking in calendar files; random, not the row id.",
    )
    consultation_request = models.ForeignKey(
        "consultations.ConsultationRequest",
        verbose_name="consultation request",
        on_delete=models.CASCADE,
        related_name="bookings",
        help_text="Whose consultation this is.",
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="staff member",
        on_delete=models.PROTECT,
        related_name="consultation_bookings",
        limit_choices_to=consultation_staff_choices,
        help_text="Who holds the consultation: a staff member who takes consultations.",
    )
    consultation_type = models.ForeignKey(
        ConsultationType,
        verbose_name="consultation type",
        on_delete=models.PROTECT,
        related_name="bookings",
        help_text="Phone, video or in person, and its length.",
    )
    start = models.DateTimeField(help_text="Stored in UTC; shown in clinic time.")
    end = models.DateTimeField(help_text="Start plus the consultation type's length.")
    status = models.CharField(
        max_length=10,
        choices=Status.choices,
        default=Status.REQUESTED,
        db_index=True,
        help_text="Requested holds the time until staff confirm or cancel it.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)
    cancelled_at = models.DateTimeField(null=True, blank=True, editable=False)
    cancelled_by = models.CharField(
        max_length=7,
        choices=CancelledBy.choices,
        blank=True,
        editable=False,
        help_text="Who cancelled it.",
    )
    sequence = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Calendar revision: goes up each time the time changes, so calendars update.",
    )
    reminder_queued_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the 24-hour reminder was queued (it is queued once).",
    )

    objects = BookingQuerySet.as_manager()

    class Meta:
        db_table = "consultations_booking"
        ordering = ["start", "pk"]
        verbose_name = "booking"
        permissions = [
            # Intake coordinator and Clinician roles (booking 0003).
            ("view_calendar", "Can see the consultation calendar"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")),
                name="booking_ends_after_start",
                violation_error_message="A booking must end after it starts.",
            ),
            models.CheckConstraint(
                condition=Q(status="cancelled", cancelled_at__isnull=False)
                | (~Q(status="cancelled") & Q(cancelled_at__isnull=True)),
                name="booking_cancelled_at_iff_cancelled",
                violation_error_message=(
                    "A cancelled booking records when it was cancelled, and only a cancelled "
                    "booking does."
                ),
            ),
            models.UniqueConstraint(
                fields=["staff", "start"],
                condition=Q(status__in=["requested", "confirmed"]),
                name="booking_one_active_per_staff_start",
                violation_error_message="This staff member already has a booking at that time.",
            ),
            models.UniqueConstraint(
                fields=["consultation_request"],
                condition=Q(status__in=["requested", "confirmed"]),
                name="booking_one_active_per_request",
                violation_error_message="This request already has an active booking.",
            ),
            PostgresOnlyExclusionConstraint(
                name="booking_no_overlap_per_staff",
                expressions=[
                    (TsTzRange("start", "end", RangeBoundary()), RangeOperators.OVERLAPS),
                    ("staff", RangeOperators.EQUAL),
                ],
                condition=Q(status__in=["requested", "confirmed"]),
                violation_error_message="This staff member already has a booking at that time.",
            ),
        ]

    def __str__(self):
        local = timezone.localtime(self.start)
        return f"{self.consultation_request} · {local:%Y-%m-%d %H:%M} ({self.get_status_display()})"

    @property
    def is_active(self):
        return self.status in self.ACTIVE_STATUSES


class ClinicClosureQuerySet(models.QuerySet):
    def touching(self, *, first_day, last_day):
        """Closures with at least one day between `first_day` and `last_day` (inclusive)."""
        return self.filter(first_day__lte=last_day, last_day__gte=first_day)


class ClinicClosure(models.Model):
    """Days the whole clinic is closed (a holiday): no time is offered or booked on them.

    Applies to every staff member's calendar at once; one staff member's day off is a date
    exception instead.
    """

    label = models.CharField(
        "name",
        max_length=80,
        help_text="Shown to staff on the calendar and when booking, e.g. “Christmas Day”.",
    )
    first_day = models.DateField(
        "first day", help_text="The first day the clinic is closed (clinic time)."
    )
    last_day = models.DateField(
        "last day",
        help_text="The last day the clinic is closed: the same as the first day for one day.",
    )

    objects = ClinicClosureQuerySet.as_manager()

    class Meta:
        ordering = ["first_day", "label"]
        verbose_name = "clinic closure"
        constraints = [
            models.CheckConstraint(
                condition=Q(last_day__gte=F("first_day")),
                name="clinic_closure_last_day_not_before_first",
                violation_error_message=CLOSURE_LAST_DAY,
            ),
        ]

    def __str__(self):
        if self.first_day == self.last_day:
            return f"{self.label} ({self.first_day:%Y-%m-%d})"
        return f"{self.label} ({self.first_day:%Y-%m-%d} to {self.last_day:%Y-%m-%d})"

    def clean(self):
        if self.first_day and self.last_day and self.last_day < self.first_day:
            raise ValidationError({"last_day": CLOSURE_LAST_DAY}, code="last_before_first")
