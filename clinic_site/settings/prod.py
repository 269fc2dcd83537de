"""Production: every secret comes from the environment and has no default.

A missing DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL or EMAIL_URL stops the start-up
with ImproperlyConfigured naming the variable; so does a missing FIELD_ENCRYPTION_KEYS,
BLIND_INDEX_KEY or CONSULTATION_ALERT_RECIPIENTS (consultation requests are PHI).
"""

from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import LOGGING, REDIS_URL, database_from_environment, env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
# Rotation: the new key goes in DJANGO_SECRET_KEY, the old one here until sessions and open
# forms signed with it have aged out (docs/deploy.md, "Key rotation").
SECRET_KEY_FALLBACKS = env.list("DJANGO_SECRET_KEY_FALLBACKS", default=[])
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set the DJANGO_ALLOWED_HOSTS environment variable")
DATABASES = {"default": database_from_environment(conn_max_age=60)}
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# No default: base.py's console backend would print patients' addresses and booking links
# into the log. `check --deploy` also warns on a console or file backend set on purpose.
vars().update(env.email("EMAIL_URL"))

# --- Production hardening (issue 8) -----------------------------------------------------
# TLS ends at the proxy in front of gunicorn (docs/deploy.md); it must set X-Forwarded-Proto
# and strip any copy the client sent, so this header is only trusted from it.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# The load balancer probes over plain HTTP on the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True

# Hashed, compressed static files served by WhiteNoise; hashed names are cached for a year.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Without Redis each gunicorn worker has its own memory cache, and an edit saved through one
# worker could not clear the pages cached by the others: the page cache is then off by default.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=300 if REDIS_URL else 0)

# One JSON object per log line, for the log collector.
LOGGING["handlers"]["console"]["formatter"] = "json"

# Consultation requests: no default keys, ever. The message never repeats a key.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS")
if not FIELD_ENCRYPTION_KEYS:
    raise ImproperlyConfigured("Set the FIELD_ENCRYPTION_KEYS environment variable")
for _position, _key in enumerate(FIELD_ENCRYPTION_KEYS, start=1):
    try:
        Fernet(_key)
    except ValueError:
        raise ImproperlyConfigured(
            f"FIELD_ENCRYPTION_KEYS: key number {_position} is not a Fernet key"
        ) from None
BLIND_INDEX_KEY = env("BLIND_INDEX_KEY")
if len(BLIND_INDEX_KEY) < 32:
    raise ImproperlyConfigured("BLIND_INDEX_KEY must be at least 32 characters of random data")
CONSULTATION_ALERT_RECIPIENTS = env.list("CONSULTATION_ALERT_RECIPIENTS")
if not CONSULTATION_ALERT_RECIPIENTS:
    raise ImproperlyConfigured("Set the CONSULTATION_ALERT_RECIPIENTS environment variable")
