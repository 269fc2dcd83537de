"""System checks for production settings that Django's own deployment checklist misses."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

#: Backends that never deliver: they print, save or drop the mail. With real patients, a
#: printed mail puts their address and a working booking link in the log.
NON_DELIVERING_EMAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
}


@register(Tags.security, deploy=True)
def email_is_delivered(app_configs, **kwargs):
    if settings.EMAIL_BACKEND not in NON_DELIVERING_EMAIL_BACKENDS:
        return []
    return [
        Warning(
            f"EMAIL_BACKEND is {settings.EMAIL_BACKEND}: mail is not delivered, and a console "
            "or file backend writes patients' addresses and booking links where logs go.",
            hint="Set EMAIL_URL to the clinic's SMTP server, e.g. smtp+tls://user:pw@host:587.",
            id="ops.W001",
        )
    ]
