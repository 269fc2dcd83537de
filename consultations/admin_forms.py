"""The staff's forms on a request's detail page (the patient's form is in forms.py).

Each carries the request's `version` as it was when the page was drawn, so a change made from
a page someone else has since changed is refused (services._compare_and_swap).
"""

from django import forms
from django.contrib.auth import get_user_model

from .models import ConsultationNote, ConsultationRequest, PatientMessageTemplate
from .services import TRANSITIONS, staff_who_can_work_requests

NOTE_LIMIT = 4000


class _VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class TransitionForm(_VersionedForm):
    to = forms.ChoiceField(label="Move to", choices=ConsultationRequest.Status.choices)
    outcome = forms.ChoiceField(
        label="Closing outcome",
        required=False,
        choices=[("", "— only when closing —"), *ConsultationRequest.Outcome.choices],
        help_text="Needed when you close the request.",
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=NOTE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept with the request as an internal note.",
    )

    def __init__(self, *args, consultation_request=None, **kwargs):
        super().__init__(*args, **kwargs)
        if consultation_request is not None:
            allowed = TRANSITIONS[consultation_request.status]
            self.fields["to"].choices = [
                (value, label)
                for value, label in ConsultationRequest.Status.choices
                if value in allowed
            ]


class ReopenForm(_VersionedForm):
    reason = forms.CharField(
        label="Why reopen it",
        max_length=NOTE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept with the request as an internal note. It goes back to “In review”.",
    )


class AssignForm(_VersionedForm):
    assignee = forms.ModelChoiceField(
        label="Assign to",
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label="— nobody —",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff_who_can_work_requests()


class NoteForm(forms.Form):
    kind = forms.ChoiceField(choices=ConsultationNote.Kind.choices, widget=forms.HiddenInput)
    text = forms.CharField(
        label="New note",
        max_length=NOTE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Notes cannot be changed or deleted once added.",
    )


class ScreeningForm(_VersionedForm):
    outcome = forms.ChoiceField(
        label="Screening outcome", choices=ConsultationRequest.ScreeningOutcome.choices
    )


#: Said in words beside the free-text box: e-mail is not a confidential channel.
NO_HEALTH_DETAILS_WARNING = (
    "Only for a free-text message. E-mail is not confidential: write nothing about the "
    "patient's health (no symptoms, diagnoses, treatments, medicines or answers from their "
    "request), nothing but practical arrangements. The reference and the clinic's contact "
    "details are added below it."
)


class PatientMessageForm(forms.Form):
    template = forms.ModelChoiceField(
        label="Message",
        queryset=PatientMessageTemplate.objects.none(),
        empty_label=None,
        help_text="The clinic's words (see Patient message templates), or free text.",
    )
    text = forms.CharField(
        label="Your words (free text only)",
        required=False,
        max_length=NOTE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=NO_HEALTH_DETAILS_WARNING,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = PatientMessageTemplate.objects.filter(is_active=True)
