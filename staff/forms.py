"""Staff sign-in forms: password + authenticator code, and enrolling an authenticator app."""

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm

from .totp import code_is_valid, confirmed_device

CODE_WIDGET = forms.TextInput(
    attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]*"}
)


def _code_field():
    return forms.CharField(
        label="Code from your authenticator app",
        max_length=12,
        widget=CODE_WIDGET,
        help_text="The 6-digit code your app shows now.",
    )


class StaffLoginForm(AdminAuthenticationForm):
    """Username, password and the current TOTP code, checked together.

    Wrong username or password, or an account that is not staff: the same message as always
    (no way to learn which accounts exist). Right password, wrong code: "wrong code".
    """

    otp_token = _code_field()

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "no_device": (
            "This account has no authenticator app yet. Set one up with “Set up two-factor "
            "sign-in” below."
        ),
        "invalid_code": "That code is not right, or has expired. Enter the code your app shows now.",
    }

    def clean(self):
        cleaned = super().clean()
        user = self.get_user()
        if user is None:
            return cleaned
        device = confirmed_device(user)
        if device is None:
            raise forms.ValidationError(self.error_messages["no_device"], code="no_device")
        if not code_is_valid(device=device, code=cleaned.get("otp_token"), request=self.request):
            raise forms.ValidationError(self.error_messages["invalid_code"], code="invalid_code")
        user.otp_device = device  # django_otp persists it in the session at login
        return cleaned


class EnrolCredentialsForm(AuthenticationForm):
    """Step 1 of enrolment: who you are, by password (lockout applies as at sign-in)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": (
            "Please enter the correct username and password for a staff account. Note that "
            "both fields may be case-sensitive."
        ),
        "already_enrolled": (
            "This account already has an authenticator app: sign in with it. To replace a "
            "lost phone, ask an administrator to remove the old device."
        ),
    }

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not user.is_staff:
            raise forms.ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )
        if confirmed_device(user) is not None:
            raise forms.ValidationError(
                self.error_messages["already_enrolled"], code="already_enrolled"
            )


class EnrolCodeForm(forms.Form):
    """Step 2 of enrolment: the first code from the newly added app proves it works."""

    otp_token = _code_field()
