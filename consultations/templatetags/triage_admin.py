"""The consultation queue panel on the admin's front page."""

from django import template
from django.urls import reverse

from outbox.selectors import outbox_health

from ..selectors import consultation_queue_counts
from ..services import PERMISSION_VIEW

register = template.Library()


@register.inclusion_tag("admin/includes/consultation_queue_panel.html", takes_context=True)
def consultation_queue_panel(context):
    """Counts by status, overdue and asked to be called, and the health of the queued mail
    (oldest unsent, failed), for staff who may see requests (nothing for others)."""
    request = context.get("request")
    if request is None or not request.user.has_perm(PERMISSION_VIEW):
        return {"show": False}
    changelist = reverse("admin:consultations_consultationrequest_changelist")
    return {
        "show": True,
        "counts": consultation_queue_counts(),
        "changelist": changelist,
        "mail": outbox_health(),
    }
