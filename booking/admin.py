"""Admin for booking: availability, consultation types, rules, and the bookings themselves.

Bookings change only through booking/services.py: the list's actions confirm or cancel,
the "Move" page reschedules, and "Book for a patient" books on a request's behalf. The list
is a day/week view per staff member (filters "When" and "Staff member"). Permissions: the
model permissions of Booking ("view booking" to see, "change booking" to confirm, move, cancel
and book).

The calendar (day and week grids, "My consultations") needs "Can see the consultation
calendar" (booking.view_calendar); clinic closures have their model permissions.

Weekly availability and date exceptions name only staff allowed to take consultations. Staff
with "manage every staff member's availability" (and superusers) keep everyone's; anyone else
sees and keeps only their own rows, with the staff field fixed to themselves.
"""

from datetime import datetime, timedelta
from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from solo.admin import SingletonModelAdmin

from audit.models import AuditEntry
from audit.services import audit_record
from phi.fields import EncryptedField

from . import selectors, services
from .forms import CalendarChoiceForm, WeekHoursFormSet
from .models import (
    MANAGE_SCHEDULES,
    VIEW_CALENDAR,
    Availability,
    AvailabilityException,
    Booking,
    BookingSettings,
    ClinicClosure,
    ConsultationType,
    Weekday,
)


@admin.register(ConsultationType)
class ConsultationTypeAdmin(admin.ModelAdmin):
    list_display = ("name", "mode", "duration_minutes", "buffer_minutes", "is_active", "position")
    list_editable = ("is_active", "position")
    list_filter = ("mode", "is_active")
    prepopulated_fields = {"slug": ("name",)}


admin.site.register(BookingSettings, SingletonModelAdmin)


class StaffCalendarAdmin(admin.ModelAdmin):
    """Whose hours a person may keep: everyone's with MANAGE_SCHEDULES, otherwise their own.

    The list holds only the rows one may keep; another's change, delete or history address is
    404, and the permission checks refuse another's row anyway. The staff field offers active
    staff allowed to take consultations (only oneself when keeping one's own), and a sent id
    outside those choices is refused beside the field.
    """

    def manages_all_schedules(self, request):
        return request.user.has_perm(MANAGE_SCHEDULES)

    def _may_keep(self, request, obj):
        return obj is None or self.manages_all_schedules(request) or obj.staff_id == request.user.pk

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if self.manages_all_schedules(request):
            return queryset
        return queryset.filter(staff=request.user)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None and not self.manages_all_schedules(request):
            raise Http404("No such row among your own hours.")
        return obj

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._may_keep(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_keep(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_keep(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "staff":
            allowed = selectors.consultation_staff()
            if self.manages_all_schedules(request):
                kwargs["queryset"] = allowed
                refused = "Choose a staff member who takes consultations; this account does not."
            else:
                kwargs["queryset"] = allowed.filter(pk=request.user.pk)
                kwargs["initial"] = request.user.pk
                kwargs["empty_label"] = None
                refused = "You can keep only your own hours."
            kwargs["error_messages"] = {"invalid_choice": refused}
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Availability)
class AvailabilityAdmin(StaffCalendarAdmin):
    list_display = ("staff", "weekday", "start_time", "end_time", "consultation_type")
    list_filter = (("staff", admin.RelatedOnlyFieldListFilter), "weekday", "consultation_type")
    ordering = ("staff", "weekday", "start_time")
    change_list_template = "admin/booking/availability/change_list.html"

    def get_urls(self):
        return [
            path(
                "week/",
                self.admin_site.admin_view(self.week_view),
                name="booking_availability_week",
            ),
            *super().get_urls(),
        ]

    def week_view(self, request):
        """One staff member's weekly hours, every day at once (a formset of ranges)."""
        keeps = (self.has_add_permission, self.has_change_permission, self.has_delete_permission)
        if not all(may(request) for may in keeps):
            raise PermissionDenied
        people = selectors.consultation_staff().order_by("first_name", "last_name", "username")
        if not self.manages_all_schedules(request):
            people = people.filter(pk=request.user.pk)
        chosen = request.GET.get("staff", "")
        staff = people.filter(pk=chosen).first() if chosen.isdigit() else None
        if staff is None and not self.manages_all_schedules(request):
            staff = people.first()  # one's own hours, when one takes consultations
        formset = None
        if staff is not None:
            formset = WeekHoursFormSet(request.POST or None, staff=staff)
            if request.method == "POST" and formset.is_valid():
                try:
                    added, removed = services.availability_week_set(
                        staff=staff, windows=formset.windows(), by=request.user
                    )
                except ValidationError as exc:
                    formset.non_form_errors().extend(exc.messages)
                else:
                    self.message_user(
                        request,
                        f"Weekly hours saved for {staff.get_full_name() or staff.get_username()}"
                        f" ({len(added)} added, {len(removed)} removed).",
                    )
                    return redirect(f"{request.path}?{urlencode({'staff': staff.pk})}")
        days = [
            (label, [form for form in formset.forms if form.weekday == day] if formset else [])
            for day, label in Weekday.choices
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Weekly hours",
            "people": people,
            "staff": staff,
            "formset": formset,
            "days": days,
        }
        return TemplateResponse(request, "admin/booking/availability/week.html", context)


@admin.register(AvailabilityException)
class AvailabilityExceptionAdmin(StaffCalendarAdmin):
    list_display = ("date", "staff", "kind", "start_time", "end_time", "consultation_type", "note")
    list_filter = (("staff", admin.RelatedOnlyFieldListFilter), "kind")
    date_hierarchy = "date"


@admin.register(ClinicClosure)
class ClinicClosureAdmin(admin.ModelAdmin):
    """Holidays: no time is offered or booked on these days, whoever's calendar."""

    list_display = ("label", "first_day", "last_day")
    date_hierarchy = "first_day"
    search_fields = ("label",)


class WhenFilter(admin.SimpleListFilter):
    """Day and week views in clinic time. Default: from today on, soonest first."""

    title = "when"
    parameter_name = "when"

    def lookups(self, request, model_admin):
        return [
            ("today", "Today"),
            ("tomorrow", "Tomorrow"),
            ("week", "This week"),
            ("next_week", "Next week"),
            ("past", "Past"),
            ("all", "All"),
        ]

    def choices(self, changelist):
        for choice in super().choices(changelist):
            if choice["query_string"] == changelist.get_query_string(remove=[self.parameter_name]):
                choice["display"] = "From today on"
            yield choice

    def queryset(self, request, queryset):
        tz = selectors.clinic_tz()
        today = timezone.now().astimezone(tz).date()

        def midnight(day):
            return datetime.combine(day, datetime.min.time(), tzinfo=tz)

        monday = today - timedelta(days=today.weekday())
        ranges = {
            None: (midnight(today), None),
            "today": (midnight(today), midnight(today + timedelta(days=1))),
            "tomorrow": (midnight(today + timedelta(days=1)), midnight(today + timedelta(days=2))),
            "week": (midnight(monday), midnight(monday + timedelta(days=7))),
            "next_week": (midnight(monday + timedelta(days=7)), midnight(monday + timedelta(14))),
            "past": (None, midnight(today)),
            "all": (None, None),
        }
        start, end = ranges.get(self.value(), ranges[None])
        if start is not None:
            queryset = queryset.filter(start__gte=start)
        if end is not None:
            queryset = queryset.filter(start__lt=end)
        return queryset


class SlotField(forms.ChoiceField):
    """Offers the free times; a time taken since the page was shown still reaches the service,
    which says why it cannot be had."""

    def valid_value(self, value):
        return True


class SlotChoiceForm(forms.Form):
    """Staff pick a free time (every staff member's, notice rules off) for a type."""

    slot = SlotField(label="Time (Central)", widget=forms.RadioSelect)

    def __init__(self, *args, slots, **kwargs):
        super().__init__(*args, **kwargs)
        names = {}
        choices = []
        for slot in slots:
            if slot.staff_id not in names:
                names[slot.staff_id] = _staff_name(slot.staff_id)
            label = f"{slot.local_start:%a %d %b %Y, %H:%M}–{slot.local_end:%H:%M} · {names[slot.staff_id]}"
            choices.append((slot.value, label))
        self.fields["slot"].choices = choices

    def clean_slot(self):
        parsed = selectors.slot_value_parse(self.cleaned_data["slot"])
        if parsed is None:
            raise forms.ValidationError("Please choose one of the times listed.")
        return parsed


class BookForPatientForm(SlotChoiceForm):
    reference = forms.CharField(
        label="Request reference",
        max_length=13,
        help_text="The patient's reference, e.g. TKW-7Q4K-2M9X.",
    )
    confirm = forms.BooleanField(
        label="Confirm now (sends the patient the calendar file)", required=False, initial=True
    )
    field_order = ["reference", "slot", "confirm"]

    def clean_reference(self):
        reference = self.cleaned_data["reference"].strip().upper()
        found = _booked_for_model().objects.filter(reference=reference).only("pk").first()
        if found is None:
            raise forms.ValidationError("No request has this reference.", code="unknown")
        return found


def _staff_name(staff_id):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(pk=staff_id).first()
    return (user.get_full_name() or user.get_username()) if user else "?"


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = (
        "when",
        "staff",
        "consultation_type",
        "status",
        "request_link",
    )
    list_filter = (
        WhenFilter,
        ("staff", admin.RelatedOnlyFieldListFilter),
        "status",
        "consultation_type",
    )
    list_select_related = ("staff", "consultation_type", "consultation_request")
    search_fields = ("=consultation_request__reference",)
    search_help_text = "Search by request reference, e.g. TKW-7Q4K-2M9X."
    ordering = ("start", "pk")
    actions = ("confirm_selected", "cancel_selected")
    readonly_fields = (
        "when",
        "staff",
        "consultation_type",
        "status",
        "request_link",
        "created_at",
        "confirmed_at",
        "cancelled_at",
        "cancelled_by",
        "reminder_queued_at",
    )
    fields = readonly_fields
    change_form_template = "admin/booking/booking/change_form.html"
    change_list_template = "admin/booking/booking/change_list.html"

    def get_queryset(self, request):
        # Only the reference of the request: nothing here needs the patient's answers.
        return (
            super()
            .get_queryset(request)
            .select_related("staff", "consultation_type", "consultation_request")
            .defer(*[f"consultation_request__{n}" for n in _encrypted_request_fields()])
        )

    @admin.display(description="when (Central)", ordering="start")
    def when(self, obj):
        start, end = timezone.localtime(obj.start), timezone.localtime(obj.end)
        return f"{start:%a %d %b %Y, %H:%M}–{end:%H:%M}"

    @admin.display(description="request", ordering="consultation_request__reference")
    def request_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            obj.consultation_request.get_admin_url(),
            obj.consultation_request.reference,
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            self._audit_view(request, response.context_data["original"])
        return response

    def _audit_view(self, request, booking):
        audit_record(
            actor=request.user,
            action=AuditEntry.Action.BOOKING_VIEWED,
            reference=booking.consultation_request.reference,
            http_request=request,
        )

    def has_add_permission(self, request):
        return False  # "Book for a patient" goes through the booking service

    def has_delete_permission(self, request, obj=None):
        return False  # cancel instead: the history stays

    # --- Actions (each calls a service) ----------------------------------------------------

    @admin.action(description="Confirm selected bookings", permissions=["change"])
    def confirm_selected(self, request, queryset):
        self._apply(request, queryset, services.booking_confirm, "confirmed")

    @admin.action(description="Cancel selected bookings", permissions=["change"])
    def cancel_selected(self, request, queryset):
        self._apply(request, queryset, services.booking_cancel, "cancelled")

    def _apply(self, request, queryset, service, done):
        count = 0
        for booking in queryset:
            try:
                service(booking=booking, by=request.user)
            except services.BookingError as exc:
                self.message_user(request, f"{booking}: {exc.message}", messages.WARNING)
            else:
                count += 1
        if count:
            self.message_user(request, f"{count} booking{'s' if count != 1 else ''} {done}.")

    # --- Move and book-for-a-patient pages -------------------------------------------------

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "<int:booking_id>/move/",
                self.admin_site.admin_view(self.move_view),
                name=f"{opts.app_label}_{opts.model_name}_move",
            ),
            path(
                "book/",
                self.admin_site.admin_view(self.book_view),
                name=f"{opts.app_label}_{opts.model_name}_book",
            ),
            # admin_view: staff sign-in (with the second factor) and never_cache.
            path(
                "calendar/",
                self.admin_site.admin_view(self.calendar_view),
                name=f"{opts.app_label}_{opts.model_name}_calendar",
            ),
            path(
                "calendar/mine/",
                self.admin_site.admin_view(self.my_consultations_view),
                name=f"{opts.app_label}_{opts.model_name}_mine",
            ),
            *super().get_urls(),
        ]

    def _free_slots(self, consultation_type, exclude_booking=None):
        # Staff are not bound by the patients' notice period; the horizon still bounds the list.
        return selectors.available_slots(
            consultation_type=consultation_type, exclude_booking=exclude_booking, apply_notice=False
        )

    def move_view(self, request, booking_id):
        if not self.has_change_permission(request):
            raise PermissionDenied
        booking = get_object_or_404(self.get_queryset(request), pk=booking_id)
        slots = self._free_slots(booking.consultation_type, exclude_booking=booking)
        form = SlotChoiceForm(request.POST or None, slots=slots)
        if request.method == "GET":
            self._audit_view(request, booking)
        if request.method == "POST" and form.is_valid() and booking.is_active:
            staff_id, start = form.cleaned_data["slot"]
            try:
                moved = services.booking_reschedule(
                    booking=booking, start=start, staff_id=staff_id, by=request.user
                )
            except services.BookingError as exc:
                form.add_error("slot", exc.message)
            else:
                # Only a confirmed booking's move is sent to the patient (with the new .ics);
                # a requested one waits for staff to confirm it.
                if moved.status == moved.Status.CONFIRMED:
                    told = "the patient has been sent the new time and calendar file"
                else:
                    told = "the patient is told when you confirm it"
                self.message_user(request, f"Booking moved; {told}.")
                return redirect(reverse("admin:booking_booking_change", args=[booking.pk]))
        return self._render_form(request, f"Move booking {booking}", form, booking=booking)

    def book_view(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied
        types = list(ConsultationType.objects.filter(is_active=True))
        chosen = next((t for t in types if t.slug == request.GET.get("type")), None)
        chosen = chosen or (types[0] if types else None)
        slots = self._free_slots(chosen) if chosen else []
        # "Book for this patient" on a request's page names it (a reference, never PHI).
        reference = request.GET.get("reference", "")[:13]
        form = BookForPatientForm(
            request.POST or None, slots=slots, initial={"reference": reference}
        )
        if request.method == "POST" and chosen and form.is_valid():
            staff_id, start = form.cleaned_data["slot"]
            try:
                booking = services.booking_request_create(
                    consultation_request=form.cleaned_data["reference"],
                    consultation_type=chosen,
                    staff_id=staff_id,
                    start=start,
                    by=request.user,
                    confirm=form.cleaned_data["confirm"],
                )
            except services.BookingError as exc:
                form.add_error(None, exc.message)
            else:
                self.message_user(request, f"Booked: {booking}.")
                return redirect(reverse("admin:booking_booking_change", args=[booking.pk]))
        return self._render_form(
            request,
            "Book a consultation for a patient",
            form,
            types=types,
            chosen=chosen,
            reference=reference,
        )

    # --- Calendar (permission "Can see the consultation calendar") -------------------------

    def calendar_view(self, request):
        if not request.user.has_perm(VIEW_CALENDAR):
            raise PermissionDenied
        today = timezone.now().astimezone(selectors.clinic_tz()).date()
        form = CalendarChoiceForm(request.GET or None, today=today)
        view, first_day, staff = form.choice()
        days = 1 if view == form.DAY else 7

        def link(day, view=view):
            query = {"view": view, "date": day.isoformat(), "staff": staff.pk if staff else ""}
            return f"?{urlencode(query)}"

        if staff is None:
            whose = "whole clinic"
        else:
            whose = staff.get_full_name() or staff.get_username()
        shown = date_format(first_day, "l j F Y")
        if days == 1:
            title = f"Calendar for {shown}, {whose}"
        else:
            title = f"Calendar for the week of {shown}, {whose}"
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "form": form,
            "view": view,
            "staff": staff,
            "grid": selectors.calendar_grid(first_day=first_day, days=days, staff=staff),
            "previous_url": link(first_day - timedelta(days=days)),
            "next_url": link(first_day + timedelta(days=days)),
            "today_url": link(today),
            "day_url": link(first_day, view=form.DAY),
            "week_url": link(first_day, view=form.WEEK),
            "period": "day" if days == 1 else "week",
        }
        return TemplateResponse(request, "admin/booking/booking/calendar.html", context)

    def my_consultations_view(self, request):
        if not request.user.has_perm(VIEW_CALENDAR):
            raise PermissionDenied
        calendar_url = reverse("admin:booking_booking_calendar")
        if selectors.consultation_staff().filter(pk=request.user.pk).exists():
            calendar_url += "?" + urlencode({"view": "week", "staff": request.user.pk})
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "My consultations",
            "bookings": selectors.upcoming_bookings_for(staff=request.user),
            "calendar_url": calendar_url,
        }
        return TemplateResponse(request, "admin/booking/booking/my_consultations.html", context)

    def _render_form(self, request, title, form, **extra):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "form": form,
            **extra,
        }
        return TemplateResponse(request, "admin/booking/booking/slot_form.html", context)


def _booked_for_model():
    """The model bookings are for (the consultation request), found through the relation."""
    return Booking._meta.get_field("consultation_request").related_model


def _encrypted_request_fields():
    return [
        field.name
        for field in _booked_for_model()._meta.concrete_fields
        if isinstance(field, EncryptedField)
    ]
