"""Writing the audit trail. Callers pass what happened; nothing here ever takes PHI."""

import hashlib
import hmac

from django.conf import settings

from .models import AuditEntry


def _address_key():
    key = settings.AUDIT_ADDRESS_HASH_KEY
    if key:
        return key.encode()
    # No dedicated key configured: derive one from SECRET_KEY (never the key itself).
    return hashlib.sha256(b"audit-address:" + settings.SECRET_KEY.encode()).digest()


def client_address_hash(address):
    """Keyed HMAC-SHA256 of a client address: comparable between entries, not reversible."""
    if not address:
        return ""
    return hmac.new(_address_key(), address.encode(), hashlib.sha256).hexdigest()


def client_address_of(http_request):
    return http_request.META.get(settings.CONSULTATION_CLIENT_IP_META_KEY, "") or ""


def audit_record(*, actor, action, reference="", detail="", http_request=None):
    """Append one entry. `detail` must be PHI-free (a status name, a count, never a term)."""
    address = client_address_of(http_request) if http_request is not None else ""
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        reference=reference or "",
        detail=detail[:200],
        client_address_hash=client_address_hash(address),
    )


def audit_record_many(*, actor, action, references, detail="", http_request=None):
    """One entry per reference, in one INSERT (e.g. an export of many requests)."""
    address_hash = client_address_hash(
        client_address_of(http_request) if http_request is not None else ""
    )
    return AuditEntry.objects.bulk_create(
        AuditEntry(
            actor=actor,
            action=action,
            reference=reference,
            detail=detail[:200],
            client_address_hash=address_hash,
        )
        for reference in references
    )
