"""The patient's booking pages, reached through a signed link (no PHI in any address).

Thin: each view reads the link, calls one service and renders or redirects. Works with
JavaScript off: times are plain radio buttons grouped by day. Every change through a link is
counted (`services.booking_link_change`); past the hour's limit the page answers 429 with the
patient's booking, their choice and the clinic's phone number still on it.
"""

import functools

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from pages.templating import PUBLIC_TEMPLATES

from . import selectors, services
from .forms import BookingSlotForm, ConsultationTypeChoiceForm
from .models import BookingSettings, ConsultationType


def booking_link_required(view):
    """Open the signed link first; an expired or altered one gets the "new link" page."""

    @functools.wraps(view)
    @never_cache
    @require_http_methods(["GET", "HEAD", "POST"])
    def wrapper(request, token):
        try:
            invitation = services.booking_invitation_from_token(token)
        except services.BookingLinkInvalid as exc:
            return render(
                request,
                "booking/booking_link_invalid.html",
                {"expired": exc.expired, "max_age_days": services.link_max_age_days()},
                status=410 if exc.expired else 404,
                using=PUBLIC_TEMPLATES,
            )
        services.booking_link_opened(invitation=invitation)
        return view(request, token, invitation)

    return wrapper


def _consultation_type(request, active_booking):
    """The type whose times to show: the booking's, the only one offered, or the one chosen."""
    if active_booking is not None:
        return active_booking.consultation_type, None
    offered = ConsultationType.objects.filter(is_active=True)
    if len(offered) == 1:
        return offered[0], None
    chooser = ConsultationTypeChoiceForm(request.GET if "type" in request.GET else None)
    if chooser.is_valid():
        return chooser.cleaned_data["type"], chooser
    return None, chooser


@booking_link_required
def booking_pick_view(request, token, invitation):
    consultation_request = invitation.consultation_request
    active = selectors.booking_active_for(consultation_request=consultation_request)
    context = {
        "token": token,
        "booking": active,
        "invitation": invitation,
        "rules": BookingSettings.get_solo(),
        "request_closed": not consultation_request.accepts_bookings,
        "can_change": active is None or selectors.change_allowed(booking=active),
    }
    if context["request_closed"] or not context["can_change"]:
        return render(request, "booking/booking_pick.html", context, using=PUBLIC_TEMPLATES)

    consultation_type, chooser = _consultation_type(request, active)
    context.update(consultation_type=consultation_type, type_form=chooser)
    form = BookingSlotForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and request.POST.get("action") == "callback":
        try:
            with services.booking_link_change(invitation=invitation):
                services.booking_callback_request(invitation=invitation)
        except services.LinkChangesExhausted as exc:
            form = BookingSlotForm()
            context["callback_error"] = exc.message
            status = 429
        else:
            messages.success(request, gettext("Thank you: we will call you to arrange a time."))
            return redirect(request.path)
    elif request.method == "POST" and consultation_type is not None and form.is_valid():
        staff_id, start = form.cleaned_data["slot"]
        try:
            with services.booking_link_change(invitation=invitation):
                services.booking_choice_apply(
                    consultation_request=consultation_request,
                    consultation_type=consultation_type,
                    active_booking=active,
                    staff_id=staff_id,
                    start=start,
                )
        except services.LinkChangesExhausted as exc:
            # Nothing changed: their current booking, their choice and the phone number stay.
            form.add_error("slot", exc.message)
            context["chosen_start"] = start
            status = 429
        except services.BookingError as exc:
            form.add_error("slot", exc.message)
            context["chosen_start"] = start
            status = 409
        else:
            messages.success(
                request,
                gettext("Thank you: we have your chosen time. We will confirm it by e-mail."),
            )
            return redirect(request.path)
    elif request.method == "POST":
        status = 400
    if consultation_type is not None:
        # The patient's own time is held, so it is not offered again.
        slots = selectors.available_slots(consultation_type=consultation_type)
        context["days"] = selectors.slots_by_day(slots)
    context["form"] = form
    return render(
        request, "booking/booking_pick.html", context, status=status, using=PUBLIC_TEMPLATES
    )


@booking_link_required
def booking_cancel_view(request, token, invitation):
    active = selectors.booking_active_for(consultation_request=invitation.consultation_request)
    context = {
        "token": token,
        "booking": active,
        "can_change": active is not None and selectors.change_allowed(booking=active),
    }
    if request.method == "POST" and active is not None:
        try:
            with services.booking_link_change(invitation=invitation):
                services.booking_cancel(booking=active)
        except services.BookingError as exc:
            context["error"] = exc.message
            limited = isinstance(exc, services.LinkChangesExhausted)
            return render(
                request,
                "booking/booking_cancel.html",
                context,
                status=429 if limited else 409,
                using=PUBLIC_TEMPLATES,
            )
        messages.success(request, gettext("Your consultation has been cancelled."))
        return redirect("booking:pick", token=token)
    return render(request, "booking/booking_cancel.html", context, using=PUBLIC_TEMPLATES)
