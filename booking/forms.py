"""What a patient submits when picking a consultation time (kept beside booking.py)."""

from django import forms
from django.core.exceptions import ValidationError

from .models import ConsultationType
from .selectors import slot_value_parse


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
