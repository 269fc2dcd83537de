"""TOTP devices: creating, drawing as a QR code, checking a code. One device per staff member."""

import base64

import qrcode
import qrcode.image.svg
from django.contrib.auth.signals import user_login_failed
from django_otp.plugins.otp_totp.models import TOTPDevice

DEVICE_NAME = "Authenticator app"


def confirmed_device(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def pending_device(user):
    """The unconfirmed device awaiting its first code, made now if there is none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def secret_for_manual_entry(device):
    """The key as an authenticator app asks for it when typed in: base32, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_data_uri(device):
    """The otpauth:// URI as an SVG QR code in a data: URI (drawn here, no other host)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode("ascii")


def code_is_valid(*, device, code, request=None):
    """Check a code against the device, with django-otp's throttling.

    A wrong code also counts as a failed sign-in for the lockout (django-axes listens to
    `user_login_failed`), so guessing codes with a stolen password locks the account too.
    """
    code = "".join((code or "").split())
    allowed, _details = device.verify_is_allowed()
    if allowed and code.isdigit() and device.verify_token(code):
        return True
    count_as_failed_sign_in(device.user, request=request)
    return False


def count_as_failed_sign_in(user, *, request=None):
    """Count a refusal after a right password (wrong code, no app, ...) as a failed sign-in.

    django-axes listens to `user_login_failed`: every refusal then counts towards the lockout
    alike, so the count cannot tell a right password from a wrong one either.
    """
    user_login_failed.send(
        sender=__name__, credentials={"username": user.get_username()}, request=request
    )


def client_ip(request):
    """The client address for the lockout, from the same META key as the rest of the site."""
    from django.conf import settings

    return request.META.get(settings.CONSULTATION_CLIENT_IP_META_KEY) or request.META.get(
        "REMOTE_ADDR"
    )
