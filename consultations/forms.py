"""The public consultation request form: validation of what people type, and its layout."""

import functools
import secrets
import time
import uuid
from dataclasses import dataclass

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Field, Fieldset, Layout, Submit
from crispy_forms.utils import render_crispy_form
from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.signals import setting_changed
from django.core.validators import MaxLengthValidator
from django.dispatch import receiver
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.html import format_html, strip_tags
from django.utils.safestring import SafeString
from django.utils.text import format_lazy
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from .answers import ANSWER_FIELDS, ANSWER_GROUPS
from .models import ConsultationRequest as CR
from .models import YesNoUnsure

SAFETY_INTRO = _(
    "These questions help our physician prepare. Your answers do not decide anything on their "
    "own: a physician goes through them with you."
)
# Every required question says what to do when it is left out; a few say more.
FIELD_MESSAGES = {
    "full_name": {"required": _("Enter your full name.")},
    "date_of_birth": {
        "required": _("Enter your date of birth."),
        "invalid": _("Enter your date of birth like 04/23/1980."),
    },
    "email": {
        "required": _("Enter your e-mail address."),
        "invalid": _("Enter an e-mail address like name@example.com."),
    },
    "phone": {
        "required": _("Enter your phone number."),
        "invalid": _("Enter a US phone number, like (512) 555-0123."),
    },
    "preferred_contact_method": {"required": _("Choose how we should contact you first.")},
    "best_time_to_reach": {"required": _("Choose the best time to reach you.")},
    "voicemail_ok": {"required": _("Tell us whether we may leave a voicemail.")},
    "diagnosis": {"required": _("Tell us whether a clinician has diagnosed fibromyalgia.")},
    "pain_level": {
        "required": _("Enter your pain as a number from 0 to 10."),
        "number": _("Enter your pain as a whole number from 0 to 10."),
    },
    "fatigue_level": {
        "required": _("Enter your tiredness as a number from 0 to 10."),
        "number": _("Enter your tiredness as a whole number from 0 to 10."),
    },
    "daily_impact": {"required": _("Choose how much fibromyalgia limits your daily life.")},
    "heart_condition": {
        "required": _("Answer the question about heart or blood-vessel conditions.")
    },
    "high_blood_pressure": {"required": _("Answer the question about high blood pressure.")},
    "substance_use_concern": {
        "required": _("Answer the question about alcohol, drugs or medicines.")
    },
    "psychiatric_history": {"required": _("Answer the question about mental health history.")},
    "consent_privacy": {"required": _("Tick the box to agree to the privacy notice.")},
    "acknowledge_not_emergency": {
        "required": _("Tick the box to confirm you know this form is not for emergencies.")
    },
}
SUBMISSION_SALT = "consultations.submission-token"
TEXT_LIMIT = 2000
SHORT_TEXT_LIMIT = 200
OLDEST_BIRTH_YEAR = 1900


#: The signed cookie that ties a submission token to the browser it was shown in.
BROWSER_COOKIE = "consultation_form"
BROWSER_COOKIE_SALT = "consultations.browser"


@dataclass(frozen=True)
class SubmissionToken:
    """What the hidden field carries, signed: which form this is, when it was shown, which
    privacy notice version the page linked to, and which browser it was shown in."""

    key: uuid.UUID
    issued_at: float
    notice_version: str
    browser: str

    def expired(self, now=None):
        max_age = settings.CONSULTATION_SUBMISSION_TOKEN_MAX_AGE_HOURS * 3600
        return (time.time() if now is None else now) - self.issued_at > max_age


def browser_binding_new():
    return secrets.token_hex(16)


def browser_binding_read(request):
    """This browser's binding from its signed cookie, or "" when it has none (or a forged one)."""
    return request.get_signed_cookie(BROWSER_COOKIE, default="", salt=BROWSER_COOKIE_SALT)


def browser_binding_set(response, binding):
    """Keep the binding in the browser for as long as a token can be used (no PHI: random)."""
    response.set_signed_cookie(
        BROWSER_COOKIE,
        binding,
        salt=BROWSER_COOKIE_SALT,
        max_age=settings.CONSULTATION_SUBMISSION_TOKEN_MAX_AGE_HOURS * 3600,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def submission_token_issue(*, notice_version, browser, issued_at=None):
    payload = {
        "k": uuid.uuid4().hex,
        "t": time.time() if issued_at is None else issued_at,
        "v": notice_version,
        "b": browser,
    }
    return signing.dumps(payload, salt=SUBMISSION_SALT)


def submission_token_read(value):
    """The token's contents; raises signing.BadSignature when it was changed or made up."""
    payload = signing.loads(value, salt=SUBMISSION_SALT)
    try:
        return SubmissionToken(
            key=uuid.UUID(hex=payload["k"]),
            issued_at=float(payload["t"]),
            notice_version=str(payload["v"]),
            browser=str(payload["b"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise signing.BadSignature("malformed submission token") from exc


def _years_ago(today, years):
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def _fixed(choices):
    """Choices handed to Django as a callable. Django copies every field of a form for each form
    it builds, and copies a list of choices item by item: for this form's twelve lists that was
    a quarter of the empty form page's time. A callable is copied as a reference."""
    return lambda: choices


def _radio(choices):
    return forms.ChoiceField(choices=_fixed(choices), widget=forms.RadioSelect)


def _ticks(label, choices, help_text):
    return forms.MultipleChoiceField(
        label=_optional(label),
        required=False,
        choices=_fixed(choices),
        widget=forms.CheckboxSelectMultiple,
        help_text=help_text,
    )


def _score(label, help_text):
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=10,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text=help_text,
    )


def _text(label, *, limit=TEXT_LIMIT, help_text="", rows=4):
    return forms.CharField(
        label=label,
        required=False,
        max_length=limit,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def _optional_now(label):
    return format_html('{} <span class="optional">{}</span>', label, gettext("(optional)"))


#: Optional questions say so in their label, so nobody has to guess. Worded when the label is
#: shown, in the visitor's language.
_optional = lazy(_optional_now, SafeString)


def _plain_label(label):
    return strip_tags(str(label))


def _word_messages(fields):
    """Messages that make sense on their own, in the summary as beside the field."""
    for name, field in fields.items():
        messages = FIELD_MESSAGES.get(name, {})
        field.error_messages.update(messages)
        if "number" in messages:
            for code in ("invalid", "min_value", "max_value"):
                field.error_messages[code] = messages["number"]
        field.validators = [
            MaxLengthValidator(
                validator.limit_value,
                message=format_lazy(
                    _(
                        "Your answer to “{label}” is too long: please keep it to "
                        "%(limit_value)d characters (it has %(show_value)d)."
                    ),
                    label=lazy(_plain_label, str)(field.label),
                ),
            )
            if isinstance(validator, MaxLengthValidator)
            else validator
            for validator in field.validators
        ]


class ConsultationRequestForm(forms.Form):
    # --- About you -------------------------------------------------------------------------
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=SHORT_TEXT_LIMIT,
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
        help_text=_("As it appears on your medical records."),
    )
    preferred_name = forms.CharField(
        label=_optional(_("What should we call you?")),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "nickname", "spellcheck": "false"}),
    )
    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        input_formats=["%Y-%m-%d", "%m/%d/%Y"],
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}, format="%Y-%m-%d"),
        help_text=_("You need to be 18 or older. For example 04/23/1980."),
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        help_text=_("We send a short confirmation here. It contains no health details."),
    )
    phone = PhoneNumberField(
        label=_("Phone number"),
        region="US",
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
        help_text=_("A US number, for example (512) 555-0123."),
    )
    preferred_contact_method = _radio(CR.ContactMethod.choices)
    preferred_contact_method.label = _("How should we contact you first?")
    best_time_to_reach = _radio(CR.BestTime.choices)
    best_time_to_reach.label = _("When is the best time to reach you? (Central Time)")
    voicemail_ok = forms.ChoiceField(
        label=_("If we miss you, may we leave a voicemail that mentions the clinic?"),
        choices=_fixed([(YesNoUnsure.YES, _("Yes")), (YesNoUnsure.NO, _("No"))]),
        widget=forms.RadioSelect,
    )

    # --- Your fibromyalgia -----------------------------------------------------------------
    diagnosis = _radio(YesNoUnsure.choices)
    diagnosis.label = _("Has a doctor or other clinician diagnosed you with fibromyalgia?")
    diagnosis_when = forms.CharField(
        label=_optional(_("Roughly when?")),
        required=False,
        max_length=100,
        help_text=_("For example “2019” or “about five years ago”."),
    )
    pain_level = _score(
        _("How bad is your pain these days, from 0 to 10?"),
        _("0 means no pain, 10 the worst pain you can imagine."),
    )
    fatigue_level = _score(
        _("How bad is your tiredness these days, from 0 to 10?"),
        _("0 means not tired at all, 10 the worst exhaustion you can imagine."),
    )
    daily_impact = _radio(CR.DailyImpact.choices)
    daily_impact.label = _("How much does fibromyalgia limit your daily life?")
    daily_impact_details = _text(
        _optional(_("What is hardest for you day to day?")),
        help_text=_("For example work, chores, sleep, time with family."),
    )
    symptoms = _ticks(
        _("Which of these do you have?"), CR.Symptom.choices, _("Tick all that apply.")
    )

    # --- Treatments so far ------------------------------------------------------------------
    treatments_tried = _ticks(
        _("Which treatments have you tried?"),
        CR.Treatment.choices,
        _("Tick all that apply, past or present."),
    )
    treatments_other = forms.CharField(
        label=_optional(_("If something else, what?")),
        required=False,
        max_length=SHORT_TEXT_LIMIT,
    )
    treatment_response = _text(
        _optional(_("How did these treatments help, or not?")),
        help_text=_("Side effects are useful to know too."),
    )
    current_medications = _text(
        _optional(_("Which medicines do you take now?")),
        help_text=_("Include doses if you know them. Supplements count too."),
    )

    # --- Safety questions -------------------------------------------------------------------
    heart_condition = _radio(YesNoUnsure.choices)
    heart_condition.label = _("Do you have a heart or blood-vessel condition?")
    high_blood_pressure = _radio(CR.BloodPressure.choices)
    high_blood_pressure.label = _("Do you have high blood pressure?")
    substance_use_concern = _radio(YesNoUnsure.choices)
    substance_use_concern.label = _(
        "Have you, or has anyone treating you, been concerned about your use of alcohol, "
        "drugs or medicines?"
    )
    psychiatric_history = _radio(YesNoUnsure.choices)
    psychiatric_history.label = _(
        "Is there mental health history our physician should know about, such as psychosis "
        "or mania?"
    )
    psychiatric_details = _text(
        _optional(_("Anything you would like to add?")),
        help_text=_("Only what you are comfortable sharing now; we can talk about it in person."),
        rows=3,
    )

    # --- Anything else ------------------------------------------------------------------------
    heard_from = forms.ChoiceField(
        label=_optional(_("How did you hear about us?")),
        required=False,
        choices=_fixed([("", _("Choose one"))] + CR.HeardFrom.choices),
    )
    anything_else = _text(_optional(_("Anything else you would like us to know?")))

    # --- Consent --------------------------------------------------------------------------------
    consent_privacy = forms.BooleanField(
        label=_(
            "I have read the privacy notice and agree that the clinic may use my answers to "
            "respond to this request."
        ),
    )
    acknowledge_not_emergency = forms.BooleanField(
        label=_(
            "I understand this form is not for emergencies: in an emergency I will call 911, "
            "and in a crisis I will call or text 988."
        ),
    )

    # --- Not questions: spam defence and one-request-per-form ----------------------------------
    submission_token = forms.CharField(widget=forms.HiddenInput)
    # Honeypot: hidden from people by CSS (.hp-field), left in for robots that fill every box.
    website = forms.CharField(
        label=_("Leave this box empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    MESSAGES = {
        "token": _(
            "We could not check this form, so nothing was sent. Your answers are still here: "
            "please press “Send my request” again."
        ),
        "too_fast": _(
            "That was quicker than we expected, so nothing was sent yet. Please check your "
            "answers and press “Send my request” again."
        ),
        "expired": _(
            "This form was open for a long time, so for your safety nothing was sent yet. Your "
            "answers are still here: please check them and press “Send my request” again."
        ),
        "other_browser": _(
            "This form was opened in another browser window or session, so nothing was sent "
            "yet. Your answers are still here: please press “Send my request” again."
        ),
    }
    #: Token problems the patient fixes by sending again with a fresh token.
    RENEWABLE_TOKEN_ERRORS = ("tampered", "expired", "other_browser")

    def __init__(self, *args, privacy_notice_url="", browser="", **kwargs):
        super().__init__(*args, **kwargs)
        self.token = None
        self.browser = browser
        self.privacy_notice_url = privacy_notice_url
        if privacy_notice_url:
            self.fields["consent_privacy"].help_text = format_html(
                '<a href="{}">{}</a>.', privacy_notice_url, gettext("Read the privacy notice")
            )

    def questions_html(self):
        """The questions as crispy lays them out. The template writes the <form>, the CSRF
        and submission tokens, and the error summary around them.

        crispy's layout is most of the cost of this page, and every visitor's empty form is the
        same, so that one is rendered once per process; a form holding answers is rendered every
        time.
        """
        if self.is_bound or self.initial.keys() - {"submission_token"}:
            return render_crispy_form(self)
        return _empty_questions_html(self.privacy_notice_url, get_language())

    @functools.cached_property
    def helper(self):
        """crispy's layout, built when the form is rendered (an empty form rarely is)."""
        helper = FormHelper()
        # The template writes the <form>, the CSRF token, the summary and the submission token
        # (the one thing in an empty form that differs between visitors).
        helper.form_tag = False
        helper.disable_csrf = True
        groups = []
        safety_intro = format_html('<p class="form-intro">{}</p>', SAFETY_INTRO)
        for legend, names in ANSWER_GROUPS:
            intro = [HTML(safety_intro)] if names[0] == "heart_condition" else []
            groups.append(Fieldset(str(legend), *intro, *names))
        helper.layout = Layout(
            *groups,
            Fieldset(gettext("Your consent"), "consent_privacy", "acknowledge_not_emergency"),
            Field("website", wrapper_class="hp-field"),
            Submit("send", gettext("Send my request"), css_class="btn-primary btn-lg"),
        )
        return helper

    # --- Validation ------------------------------------------------------------------------------
    def clean_date_of_birth(self):
        born = self.cleaned_data["date_of_birth"]
        today = timezone.localdate()
        if born > today:
            raise ValidationError(
                gettext("Your date of birth cannot be in the future."), code="future"
            )
        if born.year < OLDEST_BIRTH_YEAR:
            raise ValidationError(gettext("Check the year of your date of birth."), code="too_old")
        if born > _years_ago(today, 18):
            raise ValidationError(
                gettext(
                    "You need to be 18 or older to request a consultation online. Please ask a "
                    "parent or guardian to call the clinic."
                ),
                code="under_18",
            )
        return born

    def clean_website(self):
        if self.cleaned_data["website"]:
            raise ValidationError(gettext("Please leave this box empty."), code="honeypot")
        return ""

    def clean_submission_token(self):
        try:
            self.token = submission_token_read(self.cleaned_data["submission_token"])
        except signing.BadSignature:
            raise ValidationError(self.MESSAGES["token"], code="tampered") from None
        if self.token.expired():
            raise ValidationError(self.MESSAGES["expired"], code="expired")
        if not self.browser or not secrets.compare_digest(self.token.browser, self.browser):
            raise ValidationError(self.MESSAGES["other_browser"], code="other_browser")
        return self.cleaned_data["submission_token"]

    def clean(self):
        cleaned = super().clean()
        if self.token is not None:
            elapsed = time.time() - self.token.issued_at
            if elapsed < settings.CONSULTATION_MIN_FILL_SECONDS:
                raise ValidationError(self.MESSAGES["too_fast"], code="too_fast")
        return cleaned

    def token_error(self):
        """The code of the submission token's error ("tampered", "expired", "other_browser")."""
        errors = self.errors.as_data().get("submission_token", [])
        return next((e.code for e in errors if e.code in self.RENEWABLE_TOKEN_ERRORS), None)

    def replace_token(self, new_token):
        """Give a form whose token failed its check a fresh one, keeping every answer."""
        data = self.data.copy()
        data["submission_token"] = new_token
        self.data = data

    @property
    def answers(self):
        """The patient's answers, keyed by ConsultationRequest field names (valid forms only)."""
        answers = {name: self.cleaned_data[name] for name in ANSWER_FIELDS}
        answers["phone"] = answers["phone"].as_e164
        return answers


# The same words for every form: worded once, on the fields each form copies.
_word_messages(ConsultationRequestForm.base_fields)


@functools.lru_cache(maxsize=8)
def _empty_questions_html(privacy_notice_url, language):
    # `language` is the active one, which the rendering uses: it keys the cache.
    return render_crispy_form(ConsultationRequestForm(privacy_notice_url=privacy_notice_url))


@receiver(setting_changed)
def _forget_empty_questions(*, setting, **kwargs):
    # Tests that change how forms render must not see a form rendered the old way.
    if setting in {"TEMPLATES", "FORM_RENDERER", "CRISPY_TEMPLATE_PACK", "CRISPY_FAIL_SILENTLY"}:
        _empty_questions_html.cache_clear()
