"""What a patient submits when picking a consultation time, and staff when choosing a calendar
or their week's hours."""

from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import (
    Availability,
    ConsultationType,
    Weekday,
    availability_overlap,
    availability_overlap_message,
)
from .selectors import consultation_staff, slot_value_parse


class ConsultationTypeChoiceForm(forms.Form):
    """Step one when several consultation types are offered (a GET form: works without JS)."""

    type = forms.ModelChoiceField(
        label=_("How would you like to talk with us?"),
        queryset=ConsultationType.objects.filter(is_active=True),
        to_field_name="slug",
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": _("Please choose how you would like to talk with us."),
            "invalid_choice": _("Please choose one of the ways listed."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].label_from_instance = ConsultationType.patient_label


class BookingSlotForm(forms.Form):
    """The chosen slot: a radio value `staff-UTCstart`; the page groups radios by day."""

    slot = forms.CharField(
        max_length=40,
        error_messages={"required": _("Please choose a time, or ask us to call you instead.")},
    )

    def clean_slot(self):
        parsed = slot_value_parse(self.cleaned_data["slot"])
        if parsed is None:
            raise ValidationError(gettext("Please choose one of the times listed."), code="invalid")
        return parsed


class CalendarChoiceForm(forms.Form):
    """Which calendar staff look at: a GET form of plain fields, so it works without scripts.

    Anything missing or malformed falls back to this week of the whole clinic.
    """

    DAY, WEEK = "day", "week"

    view = forms.ChoiceField(
        label="Show",
        choices=[(DAY, "Day"), (WEEK, "Week")],
        required=False,
    )
    date = forms.DateField(label="Date", required=False, help_text="e.g. 2031-03-05")
    staff = forms.ModelChoiceField(
        label="Staff member",
        queryset=None,  # set per form: who takes consultations can change at any time
        required=False,
        empty_label="Whole clinic",
        error_messages={"invalid_choice": "Choose a staff member who takes consultations."},
    )

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["staff"].queryset = consultation_staff().order_by(
            "first_name", "last_name", "username"
        )
        self.fields["staff"].label_from_instance = lambda u: u.get_full_name() or u.username

    def choice(self):
        """(view, first day shown, staff member or None): a week starts on its Monday."""
        data = self.cleaned_data if self.is_valid() else {}
        view = data.get("view") or self.WEEK
        day = data.get("date") or self.today
        if view == self.WEEK:
            day -= timedelta(days=day.weekday())
        return view, day, data.get("staff")


class WeekHoursForm(forms.ModelForm):
    """One range of one weekday on the week's hours screen; the day is fixed by its row."""

    class Meta:
        model = Availability
        fields = ["weekday", "start_time", "end_time", "consultation_type"]
        widgets = {
            "weekday": forms.HiddenInput,
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "end_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        # The model's own checks (end after start) need the whole row, staff included.
        self.instance.staff = staff
        self.fields["consultation_type"].empty_label = "Every type"
        # The screen's caption explains the columns once, rather than in every row.
        for field in self.fields.values():
            field.help_text = ""

    @property
    def weekday(self):
        value = self["weekday"].value()
        return int(value) if str(value).isdigit() else None


class BaseWeekHoursFormSet(forms.BaseModelFormSet):
    """All of one staff member's weekly windows, plus two empty ranges for every day."""

    def __init__(self, *args, staff, **kwargs):
        self.staff = staff
        kwargs.setdefault("initial", [{"weekday": day} for day in Weekday.values for _ in range(2)])
        super().__init__(
            *args,
            queryset=Availability.objects.filter(staff=staff).order_by("weekday", "start_time"),
            prefix="hours",
            **kwargs,
        )

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "staff": self.staff}

    def kept_forms(self):
        """The filled-in rows that stay: existing ones not marked for removal, new ones typed."""
        return [
            form
            for form in self.forms
            if form not in self.deleted_forms and (form.instance.pk or form.has_changed())
        ]

    def clean(self):
        super().clean()
        kept = [form for form in self.kept_forms() if not form.errors]
        overlap = availability_overlap([form.instance for form in kept])
        if overlap is not None:
            earlier, later = overlap
            form = next(form for form in kept if form.instance is later)
            form.add_error(
                "start_time",
                ValidationError(availability_overlap_message(earlier, later), code="overlap"),
            )

    def windows(self):
        """New, unsaved rows for what the form holds, for `services.availability_week_set`."""
        return [
            Availability(
                weekday=form.cleaned_data["weekday"],
                start_time=form.cleaned_data["start_time"],
                end_time=form.cleaned_data["end_time"],
                consultation_type=form.cleaned_data["consultation_type"],
            )
            for form in self.kept_forms()
        ]


WeekHoursFormSet = forms.modelformset_factory(
    Availability,
    form=WeekHoursForm,
    formset=BaseWeekHoursFormSet,
    extra=14,
    can_delete=True,
)
