"""Field encryption and blind indexes: the PHI toolkit's keys and tokens.

Every value an app stores in an encrypted field (see fields.py) is stored as a Fernet token (AES-128-CBC + HMAC-SHA256, so a
changed byte is detected, never silently decrypted). Keys come from FIELD_ENCRYPTION_KEYS: the
first key encrypts, every key decrypts, which lets operators add a new key, run
`manage.py rotate_field_keys`, then drop the old one.

Blind indexes are keyed HMACs of normalised e-mail and phone (their own key, BLIND_INDEX_KEY), so
staff can find "every request from this address" by exact match without decrypting the table.
"""

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class DecryptionError(Exception):
    """A stored value could not be decrypted: it was changed, or no configured key fits."""


@lru_cache(maxsize=8)
def _fernets(keys):
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty: set at least one Fernet key.")
    try:
        return tuple(Fernet(key) for key in keys)
    except (ValueError, TypeError) as exc:
        # The message names the position, never the key itself.
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS holds a value that is not a Fernet key "
            "(32 url-safe base64-encoded bytes)."
        ) from exc


def _configured_keys():
    return tuple(settings.FIELD_ENCRYPTION_KEYS)


def multi_fernet():
    return MultiFernet(list(_fernets(_configured_keys())))


def encrypt_text(plaintext: str) -> str:
    return multi_fernet().encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt_text(token: str) -> str:
    try:
        return multi_fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError) as exc:
        raise DecryptionError(
            "A stored consultation value failed its integrity check or no key fits it."
        ) from exc


def is_under_primary_key(token: str) -> bool:
    """True when the first (encrypting) key opens the token: rotation can skip it."""
    primary = _fernets(_configured_keys())[0]
    try:
        primary.decrypt(token.encode("ascii"))
    except (InvalidToken, UnicodeError):
        return False
    return True


def rotate_token(token: str) -> str:
    try:
        return multi_fernet().rotate(token.encode("ascii")).decode("ascii")
    except (InvalidToken, UnicodeError) as exc:
        raise DecryptionError("A stored value could not be re-encrypted: no key fits it.") from exc


def _blind_index(kind: str, normalised: str) -> str:
    key = settings.BLIND_INDEX_KEY
    if not key:
        raise ImproperlyConfigured("BLIND_INDEX_KEY is empty.")
    message = f"{kind}:{normalised}".encode()
    return hmac.new(key.encode("utf-8"), message, hashlib.sha256).hexdigest()


def normalise_email(email: str) -> str:
    return email.strip().casefold()


def email_blind_index(email: str) -> str:
    """Keyed HMAC of the e-mail address, case and surrounding spaces ignored."""
    return _blind_index("email", normalise_email(email))


def phone_blind_index(e164: str) -> str:
    """Keyed HMAC of the phone number in E.164 form (+15125550123)."""
    return _blind_index("phone", e164.strip())
