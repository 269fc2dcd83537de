"""The patient's side: the consultation request form and its confirmation page."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods, require_safe

from pages.models import SiteSettings
from pages.selectors import site_frame_for_error_page
from pages.templating import PUBLIC_TEMPLATES
from pages.views import database_unavailable

from .forms import (
    ConsultationRequestForm,
    browser_binding_new,
    browser_binding_read,
    browser_binding_set,
    submission_token_issue,
)
from .selectors import (
    consultation_request_exists,
    privacy_notice_for_page,
    privacy_notice_path,
)
from .services import (
    client_rate_limit_hit,
    consultation_request_booking_path,
    consultation_request_create,
)

# The reference travels to the confirmation page in the session, never in the URL.
SESSION_REFERENCE_KEY = "consultations:reference"


def _rate_limited_message():
    phone = SiteSettings.get_solo().phone
    if phone:
        return gettext(
            "We have received several requests from your connection in a short time, so this "
            "one was not sent yet. Your answers are still here: please try again later or call "
            "us at {phone}."
        ).format(phone=phone)
    return gettext(
        "We have received several requests from your connection in a short time, so this one "
        "was not sent yet. Your answers are still here: please try again later."
    )


@sensitive_post_parameters()
@sensitive_variables()
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def consultation_request_create_view(request):
    notice = privacy_notice_for_page(request)
    browser = browser_binding_read(request) or browser_binding_new()
    status = 200
    if request.method == "POST":
        form = ConsultationRequestForm(
            request.POST, privacy_notice_url=notice.url, browser=browser_binding_read(request)
        )
        if form.is_valid():
            key = form.token.key
            # A resent form (refresh, double click) is never rate limited: it creates nothing.
            if not consultation_request_exists(idempotency_key=key) and client_rate_limit_hit(
                client_address=request.META.get(settings.CONSULTATION_CLIENT_IP_META_KEY, "")
            ):
                form.add_error(None, ValidationError(_rate_limited_message(), code="rate_limited"))
                status = 429
            else:
                consultation_request, _created = consultation_request_create(
                    answers=form.answers,
                    idempotency_key=key,
                    consent_notice_version=form.token.notice_version,
                    language=notice.language,
                )
                request.session[SESSION_REFERENCE_KEY] = consultation_request.reference
                return redirect("consultations:request_done")
        elif form.token_error() == "other_browser" and consultation_request_exists(
            idempotency_key=form.token.key
        ):
            # Someone else's used form: say it was sent, and nothing of whose or what.
            return _render_with_binding(
                request, "consultations/consultationrequest_already_sent.html", {}, browser
            )
        elif form.token_error():
            token = submission_token_issue(notice_version=notice.version, browser=browser)
            form.replace_token(token)
    else:
        token = submission_token_issue(notice_version=notice.version, browser=browser)
        form = ConsultationRequestForm(
            initial={"submission_token": token}, privacy_notice_url=notice.url
        )
    context = {
        "form": form,
        "privacy_notice": notice,
        "response_days": settings.CONSULTATION_RESPONSE_BUSINESS_DAYS,
    }
    return _render_with_binding(
        request, "consultations/consultationrequest_form.html", context, browser, status=status
    )


def _render_with_binding(request, template, context, browser, status=200):
    response = render(request, template, context, status=status, using=PUBLIC_TEMPLATES)
    browser_binding_set(response, browser)
    return response


@sensitive_post_parameters()
@sensitive_variables()
def consultation_request_unavailable_view(request):
    """The database went away while the form was sent: nothing was saved (the request is one
    transaction). Show the form again with every answer, its token kept so that sending it again
    creates the request once. Renders without the database (ops.middleware calls it)."""
    if request.method != "POST":
        return database_unavailable(request)
    site_frame_for_error_page(request, ask_the_database=False)
    form = ConsultationRequestForm(
        request.POST,
        privacy_notice_url=privacy_notice_path(get_language()),
        browser=browser_binding_read(request),
    )
    return render(
        request,
        "consultations/consultationrequest_unavailable.html",
        {"form": form},
        status=503,
        using=PUBLIC_TEMPLATES,
    )


consultation_request_create_view.database_unavailable = consultation_request_unavailable_view


@never_cache
@require_safe
def consultation_request_done_view(request):
    reference = request.session.get(SESSION_REFERENCE_KEY)
    if not reference:
        return redirect("consultations:request_create")
    return render(
        request,
        "consultations/consultationrequest_done.html",
        {
            "reference": reference,
            "response_days": settings.CONSULTATION_RESPONSE_BUSINESS_DAYS,
            "booking_url": consultation_request_booking_path(reference=reference),
        },
        using=PUBLIC_TEMPLATES,
    )
