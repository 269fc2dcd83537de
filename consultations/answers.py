"""Names of the answers a patient sends, in the form's groups: every one is PHI.

The form's fieldsets and the staff's read-only view of a request both follow these groups.
Kept free of model imports so the logging filter can use it before Django's apps are ready.
"""

from django.utils.translation import gettext_lazy as _

ANSWER_GROUPS = (
    (
        _("About you"),
        (
            "full_name",
            "preferred_name",
            "date_of_birth",
            "email",
            "phone",
            "preferred_contact_method",
            "best_time_to_reach",
            "voicemail_ok",
        ),
    ),
    (
        _("Your fibromyalgia"),
        (
            "diagnosis",
            "diagnosis_when",
            "pain_level",
            "fatigue_level",
            "daily_impact",
            "daily_impact_details",
            "symptoms",
        ),
    ),
    (
        _("Treatments so far"),
        ("treatments_tried", "treatments_other", "treatment_response", "current_medications"),
    ),
    (
        _("Safety questions"),
        (
            "heart_condition",
            "high_blood_pressure",
            "substance_use_concern",
            "psychiatric_history",
            "psychiatric_details",
        ),
    ),
    (_("Anything else"), ("heard_from", "anything_else")),
)

ANSWER_FIELDS = tuple(name for _legend, names in ANSWER_GROUPS for name in names)
