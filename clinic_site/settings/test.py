"""Test runs: the SQLite file or DATABASE_URL, fast hashing, mail kept in memory."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105 - used by the test suite alone
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
# The address pages and e-mails give for the site: what the test client asks for.
SITE_URL = "http://testserver"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
REDIS_URL = env("REDIS_URL", default="")

# WhiteNoise serves from the source folders: tests never run collectstatic.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# The anonymous page cache is on only in the tests about it (tests/pages/test_cache.py), so
# no other test sees a page cached by an earlier one.
PAGE_CACHE_SECONDS = 0
SITE_FRAME_CACHE_SECONDS = 0
PAGE_CONTENT_CACHE_SECONDS = 0

# Consultation requests: fixed keys so tests are repeatable (never used outside tests).
FIELD_ENCRYPTION_KEYS = ["kZ0cQ0F0bm0rYl8wV2tGc2tHQnZ2Y1pGZ3hkR0s3ZXA="]
BLIND_INDEX_KEY = "test-only-blind-index-key-0123456789abcdef"
CONSULTATION_ALERT_RECIPIENTS = ["intake@clinic.test"]
OUTBOX_SEND_IN_PROCESS = False
