"""Reads that other parts of the app share."""

import hashlib
from dataclasses import dataclass

from pages.models import Page

from .models import ConsultationRequest

PRIVACY_NOTICE_PATH = "/privacy/"
NOTICE_UNAVAILABLE = "unavailable"


@dataclass(frozen=True)
class PrivacyNotice:
    url: str
    version: str


def privacy_notice_current():
    """The published privacy notice and its version, as recorded with each consent.

    Version = "sha256:" + the first 16 hex digits of a SHA-256 over its heading and blocks'
    words in reading order, e.g. "sha256:3f9a1c0e5b7d2a41". Chosen over the page's pk and
    `updated_at`: the hash changes exactly when the words change (not when an editor only moves
    the page in the menu), and anyone holding an archived copy of the notice can recompute it to
    prove which text a patient agreed to. When no notice is published the version says
    "unavailable", honestly.
    """
    page = (
        Page.objects.published()
        .filter(url_path=PRIVACY_NOTICE_PATH)
        .prefetch_related("blocks")
        .first()
    )
    if page is None:
        return PrivacyNotice(url="", version=NOTICE_UNAVAILABLE)
    digest = hashlib.sha256()
    digest.update(page.title.encode())
    for block in page.blocks.all():
        for part in (block.kind, block.heading, block.text, block.items):
            digest.update(b"\x1f" + part.encode())
        digest.update(b"\x1e")
    version = f"sha256:{digest.hexdigest()[:16]}"
    return PrivacyNotice(url=page.get_absolute_url(), version=version)


def consultation_request_exists(*, idempotency_key):
    return ConsultationRequest.objects.filter(idempotency_key=idempotency_key).exists()
