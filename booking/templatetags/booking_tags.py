from django import template
from django.utils import timezone

from booking.models import VIEW_CALENDAR
from booking.selectors import todays_bookings

register = template.Library()


@register.inclusion_tag("admin/includes/todays_consultations_panel.html", takes_context=True)
def todays_consultations_panel(context):
    """Today's consultations (clinic time), for the admin's front page."""
    user = context["request"].user
    if not user.has_perm("booking.view_booking"):
        return {"show": False}
    return {
        "show": True,
        "today": timezone.localdate(),
        "bookings": list(todays_bookings()),
        "sees_calendar": user.has_perm(VIEW_CALENDAR),
    }
