"""Local development: works with no environment file at all."""

import base64
import hashlib
import logging

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure-key-never-used-in-production")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])

# Consultation requests: development derives its own keys from the dev secret key unless real
# ones are given. Anything encrypted with them is only as safe as that well-known key.
OUTBOX_SEND_IN_PROCESS = env.bool("OUTBOX_SEND_IN_PROCESS", default=True)
CONSULTATION_ALERT_RECIPIENTS = env.list(
    "CONSULTATION_ALERT_RECIPIENTS", default=["intake@localhost"]
)
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
BLIND_INDEX_KEY = env("BLIND_INDEX_KEY", default="")
if not FIELD_ENCRYPTION_KEYS or not BLIND_INDEX_KEY:
    _dev_seed = f"dev-only:{SECRET_KEY}".encode()
    if not FIELD_ENCRYPTION_KEYS:
        _digest = hashlib.sha256(b"field-encryption:" + _dev_seed).digest()
        FIELD_ENCRYPTION_KEYS = [base64.urlsafe_b64encode(_digest).decode()]
    if not BLIND_INDEX_KEY:
        BLIND_INDEX_KEY = hashlib.sha256(b"blind-index:" + _dev_seed).hexdigest()
    logging.getLogger("clinic_site.settings").warning(
        "Using DEVELOPMENT-ONLY encryption and blind-index keys derived from the dev secret "
        "key. Never enter real patient data here; production requires FIELD_ENCRYPTION_KEYS "
        "and BLIND_INDEX_KEY."
    )
