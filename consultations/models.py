"""Consultation requests (PHI, encrypted at rest) and the e-mails they cause (PHI-free).

What a patient types lives only in encrypted fields. Columns left in plain text are those staff
must filter or count on and that say nothing about the person: reference, dates, status,
screening flags, consent record. See consultations/README.md.
"""

import re
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outbox.models import OutboundEmail
from phi.fields import (
    EncryptedDateField,
    EncryptedField,
    EncryptedIntegerField,
    EncryptedListField,
    EncryptedTextField,
)

# Crockford's base32 alphabet: no I, L, O or U, so a reference read aloud over the phone is
# unambiguous. 8 characters = 40 random bits: not guessable, not the row id.
REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
REFERENCE_PREFIX = "TKW"


def new_reference():
    chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"{REFERENCE_PREFIX}-{chars[:4]}-{chars[4:]}"


class YesNoUnsure(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    NOT_SURE = "not_sure", _("Not sure")


class EmailKind(models.TextChoices):
    """The mails a new request causes, as the outbox records their kind."""

    STAFF_ALERT = "staff_alert", "Staff alert: new request"
    PATIENT_ACKNOWLEDGEMENT = "patient_ack", "Patient acknowledgement"
    PATIENT_MESSAGE = "patient_message", "Patient: a message from the request page"


class ConsultationRequestQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status=ConsultationRequest.Status.CLOSED)

    def from_same_person_as(self, consultation_request):
        """Other requests with the same e-mail or phone, matched through the blind indexes."""
        match = Q()
        if consultation_request.email_blind_index:
            match |= Q(email_blind_index=consultation_request.email_blind_index)
        if consultation_request.phone_blind_index:
            match |= Q(phone_blind_index=consultation_request.phone_blind_index)
        if not match:
            return self.none()
        return self.filter(match).exclude(pk=consultation_request.pk)


class ConsultationRequest(models.Model):
    """One request for a confidential consultation, as the patient sent it."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        IN_REVIEW = "in_review", "In review"
        CONTACTED = "contacted", "Contacted"
        SCHEDULED = "scheduled", "Consultation scheduled"
        CLOSED = "closed", "Closed"

    class Outcome(models.TextChoices):
        SUITABLE = "suitable", "Suitable for evaluation"
        NOT_SUITABLE = "not_suitable", "Not suitable"
        DECLINED = "declined", "Patient declined"
        NO_RESPONSE = "no_response", "No response"
        DUPLICATE = "duplicate", "Duplicate"
        SPAM = "spam", "Spam"

    class ContactMethod(models.TextChoices):
        PHONE = "phone", _("Phone call")
        EMAIL = "email", _("E-mail")
        TEXT = "text", _("Text message")

    class BestTime(models.TextChoices):
        MORNING = "morning", _("Morning (8 am – noon)")
        AFTERNOON = "afternoon", _("Afternoon (noon – 5 pm)")
        EVENING = "evening", _("Early evening (5 – 7 pm)")
        ANY = "any", _("Any time")

    class DailyImpact(models.TextChoices):
        NONE = "none", _("It does not limit my daily life")
        SOME = "some", _("A little: I manage most things")
        MODERATE = "moderate", _("Moderately: I have cut back on work, chores or activities")
        SEVERE = "severe", _("Severely: I cannot do many everyday things")
        UNABLE = "unable", _("I am unable to do most daily activities")

    class Symptom(models.TextChoices):
        # The eight "common features" listed on the fibromyalgia page, in its order.
        WIDESPREAD_PAIN = (
            "widespread_pain",
            _("Widespread, persistent pain in several parts of the body"),
        )
        SENSITIVITY = "sensitivity", _("Extra sensitivity to touch, pressure, temperature or sound")
        FATIGUE = "fatigue", _("Deep tiredness that rest does not fix")
        SLEEP = "sleep", _("Unrefreshing sleep or trouble sleeping")
        FIBRO_FOG = "fibro_fog", _("Trouble thinking or remembering (“fibro fog”)")
        HEADACHES = "headaches", _("Headaches or migraines")
        BOWEL = "bowel", _("Irritable bowel symptoms")
        MOOD = "mood", _("Low mood, anxiety or depression")

    class Treatment(models.TextChoices):
        OPIOIDS = "opioids", _("Opioid pain medicines (e.g. tramadol, oxycodone)")
        NSAIDS = "nsaids", _("Anti-inflammatory pain relievers (NSAIDs, e.g. ibuprofen, naproxen)")
        MUSCLE_RELAXANTS = "muscle_relaxants", _("Muscle relaxants (e.g. cyclobenzaprine)")
        ANTICONVULSANTS = "anticonvulsants", _("Anticonvulsants (e.g. pregabalin, gabapentin)")
        ANTIDEPRESSANTS = "antidepressants", _("Antidepressants (e.g. duloxetine, amitriptyline)")
        PHYSICAL_THERAPY = "physical_therapy", _("Physical therapy or graded activity")
        CBT = "cbt", _("Cognitive-behavioral therapy (CBT) or pain psychotherapy")
        SLEEP = "sleep", _("Treatment for sleep")
        OTHER = "other", _("Something else")

    class BloodPressure(models.TextChoices):
        NO = "no", _("No")
        CONTROLLED = "controlled", _("Yes, and it is under control")
        UNCONTROLLED = (
            "uncontrolled",
            _("Yes, and it is not under control (or I am not sure it is)"),
        )
        NOT_SURE = "not_sure", _("I don't know")

    class ScreeningOutcome(models.TextChoices):
        CLEARED = "cleared", "Cleared for a physician consultation"
        NEEDS_INFORMATION = "needs_info", "Needs more information first"
        NOT_APPROPRIATE = "not_appropriate", "Not appropriate for ketamine therapy"

    class HeardFrom(models.TextChoices):
        SEARCH = "search", _("Internet search")
        CLINICIAN = "clinician", _("My doctor or another clinician")
        FRIEND = "friend", _("Friend or family")
        SOCIAL = "social", _("Social media")
        OTHER = "other", _("Somewhere else")

    # --- Identity and triage (plain text: no PHI) --------------------------------------------
    language = models.CharField(
        max_length=8,
        choices=settings.LANGUAGES,
        default="en",
        db_index=True,
        editable=False,
        help_text="The language the patient used on the form. Every e-mail to them is written "
        "in it; their answers are stored the same way whatever the language.",
    )
    reference = models.CharField(
        max_length=13,
        unique=True,
        default=new_reference,
        editable=False,
        help_text="The code the patient was given, e.g. TKW-7Q4K-2M9X. Quote it when you call them back.",
    )
    created_at = models.DateTimeField(
        "received",
        default=timezone.now,
        editable=False,
        db_index=True,
        help_text="When the request arrived.",
    )
    status = models.CharField(
        max_length=12,
        choices=Status.choices,
        default=Status.NEW,
        db_index=True,
        help_text="Where the request is in the clinic's workflow.",
    )
    outcome = models.CharField(
        "closing outcome",
        max_length=14,
        choices=Outcome.choices,
        blank=True,
        help_text="Why the request was closed. Only closed requests have one.",
    )
    closed_at = models.DateTimeField(
        "closed",
        null=True,
        blank=True,
        help_text="When the request was closed. The retention period counts from here.",
    )
    idempotency_key = models.UUIDField(
        "submission key",
        unique=True,
        editable=False,
        help_text="Identifies one filled-in form, so pressing Send twice makes one request.",
    )
    contraindication_reported = models.BooleanField(
        "possible contraindication",
        default=False,
        editable=False,
        help_text=(
            "Worked out when the request arrived: the patient reported a heart or blood-vessel "
            "condition, uncontrolled high blood pressure, a substance use concern or relevant "
            "psychiatric history. A prompt for the physician, never a decision."
        ),
    )
    inclusion_criteria_met = models.BooleanField(
        "inclusion criteria met",
        default=False,
        editable=False,
        help_text=(
            "Worked out when the request arrived: a fibromyalgia diagnosis, significant impact on "
            "daily life, persistent pain despite earlier treatment, and no possible "
            "contraindication reported."
        ),
    )
    consent_notice_version = models.CharField(
        "privacy notice version",
        max_length=80,
        editable=False,
        help_text="Which version of the privacy notice the patient agreed to (see consultations/README.md).",
    )
    consent_language = models.CharField(
        "privacy notice language",
        max_length=8,
        choices=settings.LANGUAGES,
        default="en",
        editable=False,
        help_text="The language of the privacy notice the patient agreed to (its version above "
        "is that notice's).",
    )
    consented_at = models.DateTimeField(
        "consent given",
        editable=False,
        help_text="When the patient agreed to the privacy notice and confirmed the form is not for emergencies.",
    )
    email_blind_index = models.CharField(
        max_length=64,
        blank=True,
        db_index=True,
        editable=False,
        help_text="Keyed fingerprint of the e-mail address, to find a person's requests without decrypting.",
    )
    phone_blind_index = models.CharField(
        max_length=64,
        blank=True,
        db_index=True,
        editable=False,
        help_text="Keyed fingerprint of the phone number, to find a person's requests without decrypting.",
    )
    anonymised_at = models.DateTimeField(
        "answers removed",
        null=True,
        blank=True,
        editable=False,
        help_text="When the retention purge removed the patient's answers. The statistics stay.",
    )

    # --- Staff triage (plain text: no PHI; see consultations/README.md "Staff triage") -------
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="assigned to",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_consultation_requests",
        editable=False,
        help_text="The staff member working on this request.",
    )
    screening_outcome = models.CharField(
        "screening outcome",
        max_length=16,
        choices=ScreeningOutcome.choices,
        blank=True,
        editable=False,
        help_text="The clinician's reading of the safety screening. Recorded by a clinician only.",
    )
    screening_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="screening reviewed by",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        help_text="The clinician who recorded the screening outcome.",
    )
    screening_recorded_at = models.DateTimeField(
        "screening reviewed",
        null=True,
        blank=True,
        editable=False,
        help_text="When the screening outcome was recorded.",
    )
    version = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text=(
            "Goes up by one with every change staff make. A change made from an older copy of "
            "the request is refused, so two people never overwrite each other."
        ),
    )

    # --- About you (encrypted) ---------------------------------------------------------------
    full_name = EncryptedTextField("full name", help_text="As the patient wrote it.")
    preferred_name = EncryptedTextField("preferred name", help_text="What they like to be called.")
    date_of_birth = EncryptedDateField("date of birth", help_text="Confirms they are 18 or older.")
    email = EncryptedTextField("e-mail", help_text="Where to write to them.")
    phone = EncryptedTextField("phone", help_text="In international form, e.g. +15125550123.")
    preferred_contact_method = EncryptedTextField(
        "preferred contact method",
        choices=ContactMethod.choices,
        help_text="How they would like the clinic to reach them first.",
    )
    best_time_to_reach = EncryptedTextField(
        "best time to reach them", choices=BestTime.choices, help_text="Central Time."
    )
    voicemail_ok = EncryptedTextField(
        "voicemail allowed",
        choices=YesNoUnsure.choices,
        help_text="Whether the clinic may leave a voicemail that mentions the clinic.",
    )

    # --- Fibromyalgia (encrypted) ------------------------------------------------------------
    diagnosis = EncryptedTextField(
        "diagnosed by a clinician",
        choices=YesNoUnsure.choices,
        help_text="Whether a clinician has diagnosed fibromyalgia.",
    )
    diagnosis_when = EncryptedTextField("diagnosed when", help_text="Roughly when, in their words.")
    pain_level = EncryptedIntegerField(
        "current pain (0–10)", help_text="0 = no pain, 10 = worst imaginable."
    )
    fatigue_level = EncryptedIntegerField(
        "current fatigue (0–10)", help_text="0 = no fatigue, 10 = worst imaginable."
    )
    daily_impact = EncryptedTextField(
        "limits on daily life",
        choices=DailyImpact.choices,
        help_text="How much fibromyalgia limits daily life.",
    )
    daily_impact_details = EncryptedTextField(
        "daily life, in their words", help_text="What they find hard to do."
    )
    symptoms = EncryptedListField(
        "features they have", help_text="Which of the common features of fibromyalgia they have."
    )

    # --- Treatments so far (encrypted) -------------------------------------------------------
    treatments_tried = EncryptedListField(
        "treatments tried", help_text="What they have tried so far."
    )
    treatments_other = EncryptedTextField(
        "other treatments", help_text="Treatments not in the list."
    )
    treatment_response = EncryptedTextField(
        "how treatments helped", help_text="What helped, what did not, side effects."
    )
    current_medications = EncryptedTextField(
        "current medications", help_text="Medicines and doses they take now."
    )

    # --- Safety screening (encrypted) --------------------------------------------------------
    heart_condition = EncryptedTextField(
        "heart or blood-vessel condition", choices=YesNoUnsure.choices, help_text="As reported."
    )
    high_blood_pressure = EncryptedTextField(
        "high blood pressure", choices=BloodPressure.choices, help_text="As reported."
    )
    substance_use_concern = EncryptedTextField(
        "substance use concern", choices=YesNoUnsure.choices, help_text="As reported."
    )
    psychiatric_history = EncryptedTextField(
        "psychiatric history to know about",
        choices=YesNoUnsure.choices,
        help_text="E.g. psychosis or mania, as reported.",
    )
    psychiatric_details = EncryptedTextField(
        "psychiatric history, in their words", help_text="Anything they chose to add."
    )

    # --- Other (encrypted) -------------------------------------------------------------------
    heard_from = EncryptedTextField(
        "how they heard of us", choices=HeardFrom.choices, help_text="Optional."
    )
    anything_else = EncryptedTextField("anything else", help_text="Optional message.")

    objects = ConsultationRequestQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "consultation request"
        constraints = [
            models.CheckConstraint(
                condition=Q(status="closed", closed_at__isnull=False)
                | (~Q(status="closed") & Q(closed_at__isnull=True)),
                name="consultation_closed_at_iff_closed",
            ),
            models.CheckConstraint(
                condition=Q(status="closed") | Q(outcome=""),
                name="consultation_outcome_only_when_closed",
            ),
            models.CheckConstraint(
                condition=Q(screening_outcome="")
                | Q(screening_recorded_at__isnull=False, screening_recorded_by__isnull=False),
                name="consultation_screening_outcome_recorded_by_someone",
            ),
        ]
        # Staff roles (consultations/migrations: the role groups) are built from these.
        permissions = [
            ("assign_consultationrequest", "Can assign consultation requests"),
            ("transition_consultationrequest", "Can change the status of consultation requests"),
            ("reopen_consultationrequest", "Can reopen a closed consultation request"),
            ("add_internal_note", "Can add internal notes to consultation requests"),
            ("add_clinical_note", "Can add clinical notes to consultation requests"),
            ("record_screening_outcome", "Can record the screening outcome"),
            ("export_consultationrequest", "Can export consultation requests to CSV"),
            ("message_patient", "Can write to the patient and send a new booking link"),
        ]

    def __str__(self):
        return self.reference

    @property
    def accepts_bookings(self):
        """Whether a consultation time may be booked for it (the booking engine asks)."""
        return self.status != self.Status.CLOSED

    def get_admin_url(self):
        return reverse("admin:consultations_consultationrequest_change", args=[self.pk])

    #: Every field holding what the patient typed: the purge clears exactly these.
    @classmethod
    def encrypted_field_names(cls):
        return [f.name for f in cls._meta.concrete_fields if isinstance(f, EncryptedField)]


class ConsultationNoteQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise NotesAreAppendOnly("Notes cannot be changed.")


class NotesAreAppendOnly(Exception):
    """Raised on any attempt to change or delete a note through the app."""


class ConsultationNote(models.Model):
    """A note staff add to a request. Append-only: never edited, never deleted.

    Notes speak about a patient, so their text is encrypted like the answers. Only the
    retention purge removes them, together with the answers they comment on.
    """

    class Kind(models.TextChoices):
        INTERNAL = "internal", "Internal note"
        CLINICAL = "clinical", "Clinical note"

    consultation_request = models.ForeignKey(
        ConsultationRequest,
        verbose_name="consultation request",
        related_name="notes",
        on_delete=models.CASCADE,
        help_text="The request this note is about.",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="written by",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The staff member who wrote it.",
    )
    created_at = models.DateTimeField(
        "written", default=timezone.now, editable=False, help_text="When it was written."
    )
    kind = models.CharField(
        max_length=8,
        choices=Kind.choices,
        default=Kind.INTERNAL,
        help_text="Clinical notes are written by clinicians about the screening; internal notes by anyone working the queue.",
    )
    text = EncryptedTextField("note", help_text="What happened or what to know. Encrypted at rest.")

    objects = ConsultationNoteQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "note"

    def __str__(self):
        return f"{self.get_kind_display()} by {self.author} on {self.created_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise NotesAreAppendOnly("Notes cannot be changed.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise NotesAreAppendOnly("Notes cannot be deleted.")


#: What a message template may say about the request. Nothing else is filled in: a template is
#: the clinic's words, the same for every patient, so it cannot carry anything about one.
MESSAGE_PLACEHOLDERS = {
    "reference": "the request's reference",
    "booking_link": "the patient's link to pick a time (a new link is not made)",
    "clinic_phone": "the clinic's phone number from Site settings",
}
PLACEHOLDER_PATTERN = re.compile(r"\{([^{}]*)\}")


def message_placeholders_check(text):
    """Raise ValidationError naming any {placeholder} that is not one of MESSAGE_PLACEHOLDERS."""
    unknown = sorted(
        {name for name in PLACEHOLDER_PATTERN.findall(text) if name not in MESSAGE_PLACEHOLDERS}
    )
    if unknown:
        known = ", ".join(f"{{{name}}}" for name in MESSAGE_PLACEHOLDERS)
        raise ValidationError(
            f"Unknown placeholder {', '.join(f'{{{n}}}' for n in unknown)}: use only {known}.",
            code="unknown_placeholder",
        )


class PatientMessageTemplate(models.Model):
    """A message staff may send a patient from the request page, in the clinic's own words.

    Templates carry no PHI: the same words go to every patient, with only the placeholders of
    MESSAGE_PLACEHOLDERS filled in. One template ("free text") lets staff type the words
    instead, under a warning that they must say nothing about the patient's health.
    """

    name = models.CharField(
        max_length=80,
        unique=True,
        help_text="What staff choose on the request page, e.g. “We tried to call you”. The "
        "patient never sees it: every message's subject is “A message about your consultation "
        "request” and the reference.",
    )
    body = models.TextField(
        blank=True,
        help_text="The e-mail's words. Say nothing about any patient's health. Placeholders: "
        + "; ".join(f"{{{name}}} {what}" for name, what in MESSAGE_PLACEHOLDERS.items())
        + ". The clinic's phone, emergency notice and address are added below it. "
        "Leave empty for the free-text template.",
    )
    body_es = models.TextField(
        "body in Spanish",
        blank=True,
        help_text="The same message in Spanish, sent to patients who used the Spanish form. Say "
        "nothing about any patient's health. Same placeholders as the body, e.g. {reference}. "
        "Leave empty for the free-text template.",
    )
    staff_write_text = models.BooleanField(
        "staff write the words",
        default=False,
        help_text="Staff type the message each time (free text), under a warning that it must "
        "carry no health details. The body above is then not used.",
    )
    is_active = models.BooleanField(
        "offered",
        default=True,
        help_text="Offered on the request page. Untick instead of deleting: sent messages keep "
        "their template's name.",
    )
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Order on the request page, lowest first."
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name = "patient message template"

    def __str__(self):
        return self.name

    def clean(self):
        message_placeholders_check(self.name)
        message_placeholders_check(self.body)
        message_placeholders_check(self.body_es)
        if self.staff_write_text:
            return
        errors = {
            name: "Write the message, or tick “staff write the words”."
            for name in ("body", "body_es")
            if not getattr(self, name).strip()
        }
        if errors:
            raise ValidationError(errors, code="empty")

    def body_for(self, language):
        """The words for a patient who used the form in `language` (English unless Spanish)."""
        return self.body_es if language == "es" and self.body_es.strip() else self.body

    def carries_booking_link(self, language="en"):
        return "{booking_link}" in self.body_for(language) and not self.staff_write_text


class PatientMessage(models.Model):
    """One e-mail staff sent a patient from the request page; its delivery state is the
    outbox's. Holds what was sent (template's name) and by whom, never the words."""

    consultation_request = models.ForeignKey(
        ConsultationRequest,
        verbose_name="consultation request",
        related_name="patient_messages",
        on_delete=models.CASCADE,
        help_text="The request whose patient was written to.",
    )
    template = models.ForeignKey(
        PatientMessageTemplate,
        verbose_name="template",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The template used; empty for a new booking link.",
    )
    what = models.CharField(
        max_length=80,
        help_text="What was sent, in words: the template's name when it was sent, or “New "
        "booking link”.",
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="sent by",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The staff member who sent it.",
    )
    created_at = models.DateTimeField(
        "sent", default=timezone.now, editable=False, help_text="When staff sent it."
    )
    outbound_email = models.ForeignKey(
        OutboundEmail,
        verbose_name="queued e-mail",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The e-mail in the outbox, whose delivery state is shown. Empty once the "
        "retention purge removed it.",
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "message to a patient"
        verbose_name_plural = "messages to patients"

    def __str__(self):
        return f"{self.what} ({self.consultation_request})"
