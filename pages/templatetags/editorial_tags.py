from django import template
from django.conf import settings
from django.utils import timezone

from pages import selectors

register = template.Library()


@register.inclusion_tag("admin/includes/content_review_panel.html", takes_context=True)
def content_review_panel(context):
    """Pages whose medical review is overdue or due soon, for the admin's front page."""
    user = context["request"].user
    if not user.has_perm("pages.view_page"):
        return {"show": False}
    today = timezone.localdate()
    return {
        "show": True,
        "today": today,
        "due": list(selectors.pages_due_for_review(on=today)),
        "never_reviewed_count": selectors.published_pages_never_reviewed().count(),
        "soon_days": settings.MEDICAL_REVIEW_DUE_SOON_DAYS,
    }
