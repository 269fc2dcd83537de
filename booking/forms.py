"""What a patient submits when picking a consultation time, and staff when choosing a calendar
or their week's hours."""

from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError

from .models import ConsultationType
from .selectors import consultation_staff, slot_value_parse


class ConsultationTypeChoiceForm(forms.Form):
    """Step one when several consultation types are offered (a GET form: works without JS)."""

    type = forms.ModelChoiceField(
        label="How would you like to talk with us?",
        queryset=ConsultationType.objects.filter(is_active=True),
        to_field_name="slug",
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": "Please choose how you would like to talk with us.",
            "invalid_choice": "Please choose one of the ways listed.",
        },
    )


class BookingSlotForm(forms.Form):
    """The chosen slot: a radio value `staff-UTCstart`; the page groups radios by day."""

    slot = forms.CharField(
        max_length=40,
        error_messages={"required": "Please choose a time, or ask us to call you instead."},
    )

    def clean_slot(self):
        parsed = slot_value_parse(self.cleaned_data["slot"])
        if parsed is None:
            raise ValidationError("Please choose one of the times listed.", code="invalid")
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
        queryset=consultation_staff().order_by("first_name", "last_name", "username"),
        required=False,
        empty_label="Whole clinic",
        error_messages={"invalid_choice": "Choose a staff member who takes consultations."},
    )

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["staff"].label_from_instance = lambda u: u.get_full_name() or u.username

    def choice(self):
        """(view, first day shown, staff member or None): a week starts on its Monday."""
        data = self.cleaned_data if self.is_valid() else {}
        view = data.get("view") or self.WEEK
        day = data.get("date") or self.today
        if view == self.WEEK:
            day -= timedelta(days=day.weekday())
        return view, day, data.get("staff")
