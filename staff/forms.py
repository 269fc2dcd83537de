"""Staff sign-in forms: password + authenticator code, and enrolling an authenticator app."""

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm

from .totp import code_is_valid, confirmed_device, count_as_failed_sign_in

# Every failed sign-in or enrolment reads the same, whatever was wrong: an unknown username, a
# wrong password or code, no authenticator app yet, an app already set up, or a lockout. Any
# difference would tell a guesser that a password was right.
SIGN_IN_FAILED = (
    "Sign-in failed. Check your username, password and the code from your authenticator app, "
    "then try again. After several failed attempts sign-in pauses for a while. New staff: set "
    "up your authenticator app first; if sign-in keeps failing, ask an administrator."
)

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

    Whatever is wrong (username, password, code, no app yet, a lockout), the message is the
    same, SIGN_IN_FAILED: no way to learn which accounts exist or which passwords are right.
    """

    otp_token = _code_field()

    error_messages = {
        "invalid_login": SIGN_IN_FAILED,
        "inactive": SIGN_IN_FAILED,
        "no_device": SIGN_IN_FAILED,
        "invalid_code": SIGN_IN_FAILED,
    }

    def clean(self):
        cleaned = super().clean()
        user = self.get_user()
        if user is None:
            return cleaned
        device = confirmed_device(user)
        if device is None:
            count_as_failed_sign_in(user, request=self.request)
            raise forms.ValidationError(self.error_messages["no_device"], code="no_device")
        if not code_is_valid(device=device, code=cleaned.get("otp_token"), request=self.request):
            raise forms.ValidationError(self.error_messages["invalid_code"], code="invalid_code")
        user.otp_device = device  # django_otp persists it in the session at login
        return cleaned


class EnrolCredentialsForm(AuthenticationForm):
    """Step 1 of enrolment: who you are, by password (lockout applies as at sign-in).

    An account that already has an app gets SIGN_IN_FAILED, as a wrong password does: saying
    "already set up" would confirm the password. (To replace a lost phone, an administrator
    removes the old device.)
    """

    error_messages = {
        "invalid_login": SIGN_IN_FAILED,
        "inactive": SIGN_IN_FAILED,
        "already_enrolled": SIGN_IN_FAILED,
    }

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not user.is_staff:
            count_as_failed_sign_in(user, request=self.request)
            raise forms.ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )
        if confirmed_device(user) is not None:
            count_as_failed_sign_in(user, request=self.request)
            raise forms.ValidationError(
                self.error_messages["already_enrolled"], code="already_enrolled"
            )


class EnrolCodeForm(forms.Form):
    """Step 2 of enrolment: the first code from the newly added app proves it works."""

    otp_token = _code_field()
