"""The admin site: every staff account signs in with password + TOTP code.

`ClinicAdminSite` is django-otp's `OTPAdminSite` (a session counts for the admin only once a
TOTP device verified it) with our sign-in form (username, password and code on one page) and
the enrolment page for a new staff member (`two-factor/setup/` under the admin's address).
"""

import time

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django_otp.admin import OTPAdminSite

from .forms import SIGN_IN_FAILED, EnrolCodeForm, EnrolCredentialsForm, StaffLoginForm
from .totp import code_is_valid, pending_device, qr_code_data_uri, secret_for_manual_entry


def lockout_response(request, original_response, credentials):
    """django-axes' answer to a locked-out attempt: the page a failed attempt gets.

    The form already refused the attempt with SIGN_IN_FAILED (axes makes authentication fail),
    so that page is shown as it is. A lockout page of its own would tell a guesser, from
    another address, that a password it tried was right.
    """
    if original_response is not None:
        return original_response
    return TemplateResponse(request, "staff/locked_out.html", {"message": SIGN_IN_FAILED})


ENROL_SESSION_KEY = "staff:enrol"
ENROL_SECONDS = 600  # the QR code shown in step 1 is good for ten minutes


class ClinicAdminSite(OTPAdminSite):
    login_form = StaffLoginForm
    login_template = "admin/staff_login.html"

    def __init__(self, name="admin"):
        super().__init__(name)

    # The clinic's name, never Django's "Django administration" (read when a page is drawn,
    # so the CLINIC_NAME setting is the one place to change it).
    @property
    def site_header(self):
        return f"{settings.CLINIC_NAME}: staff"

    @property
    def site_title(self):
        return f"{settings.CLINIC_NAME} staff"

    @property
    def index_title(self):
        return "Staff home"

    def get_urls(self):
        return [
            path("two-factor/setup/", self.two_factor_setup, name="two_factor_setup"),
            *super().get_urls(),
        ]

    @method_decorator(sensitive_post_parameters())
    @method_decorator(csrf_protect)
    @method_decorator(never_cache)
    def two_factor_setup(self, request):
        """Enrol an authenticator app: password first, then a first code from the app.

        Only for an active staff account with no confirmed device yet (an administrator
        removes the old device when a phone is lost). Success signs the person in, verified.
        """
        pending = request.session.get(ENROL_SESSION_KEY)
        if pending and pending["until"] < time.time():
            pending = None
        if request.method == "POST" and "otp_token" in request.POST and pending:
            return self._enrol_confirm(request, pending)
        if request.method == "POST" and "otp_token" not in request.POST:
            form = EnrolCredentialsForm(request, data=request.POST)
            if form.is_valid():
                user = form.get_user()
                request.session.cycle_key()
                request.session[ENROL_SESSION_KEY] = {
                    "user": user.pk,
                    "until": time.time() + ENROL_SECONDS,
                }
                return self._enrol_step_two(request, user, EnrolCodeForm())
            return self._enrol_step_one(request, form)
        request.session.pop(ENROL_SESSION_KEY, None)
        return self._enrol_step_one(request, EnrolCredentialsForm(request))

    def _enrol_step_one(self, request, form):
        context = {**self.each_context(request), "form": form, "title": "Set up two-factor sign-in"}
        return TemplateResponse(request, "staff/two_factor_setup.html", context)

    def _enrol_step_two(self, request, user, form):
        device = pending_device(user)
        context = {
            **self.each_context(request),
            "form": form,
            "title": "Add this account to your authenticator app",
            "qr_code": qr_code_data_uri(device),
            "secret": secret_for_manual_entry(device),
            "enrolling": user,
        }
        return TemplateResponse(request, "staff/two_factor_setup.html", context)

    def _enrol_confirm(self, request, pending):
        user = (
            get_user_model()
            .objects.filter(pk=pending["user"], is_active=True, is_staff=True)
            .first()
        )
        if user is None:
            request.session.pop(ENROL_SESSION_KEY, None)
            return redirect("admin:two_factor_setup")
        form = EnrolCodeForm(request.POST)
        device = pending_device(user)
        if form.is_valid() and code_is_valid(
            device=device, code=form.cleaned_data["otp_token"], request=request
        ):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            type(device).objects.filter(user=user, confirmed=False).delete()
            request.session.pop(ENROL_SESSION_KEY, None)
            auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            django_otp.login(request, device)
            messages.success(
                request, "Two-factor sign-in is set up. Use your app's code each time."
            )
            return redirect("admin:index")
        if form.is_valid():
            form.add_error(
                "otp_token", "That code is not right. Enter the code your app shows now."
            )
        return self._enrol_step_two(request, user, form)
