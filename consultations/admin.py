"""A minimal, read-only view of consultation requests for the staff alert's link.

It shows no answers: only the reference, dates, status and screening flags, to users holding
the "view consultation request" permission (superusers included). The triage screens (answers,
workflow, audit trail) are the staff triage issue's work and replace this registration.
"""

from django.contrib import admin

from .models import ConsultationRequest

_TRIAGE_FIELDS = (
    "reference",
    "created_at",
    "status",
    "outcome",
    "closed_at",
    "contraindication_reported",
    "inclusion_criteria_met",
    "consent_notice_version",
    "consented_at",
    "anonymised_at",
)


@admin.register(ConsultationRequest)
class ConsultationRequestAdmin(admin.ModelAdmin):
    list_display = (
        "reference",
        "created_at",
        "status",
        "contraindication_reported",
        "inclusion_criteria_met",
    )
    list_filter = ("status", "contraindication_reported", "inclusion_criteria_met")
    search_fields = ("=reference",)
    fields = _TRIAGE_FIELDS
    readonly_fields = _TRIAGE_FIELDS
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        # Load no encrypted column: nothing here needs to decrypt an answer.
        return super().get_queryset(request).only(*_TRIAGE_FIELDS)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Booking's admin (availability, types, bookings) lives in its own module.
from . import booking_admin  # noqa: E402, F401
