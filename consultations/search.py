"""Staff search for a request: by reference, or a person's exact e-mail or phone.

An e-mail address or phone number is PHI, so it never travels in an address: the admin's search
box posts it, the term is turned into its blind index here, and the change list is filtered by
an opaque id that points at that index in the staff member's session.
"""

import secrets
from dataclasses import dataclass

from phonenumber_field.phonenumber import PhoneNumber

from audit.models import AuditEntry
from phi.crypto import email_blind_index, phone_blind_index

from .models import REFERENCE_PREFIX

SESSION_KEY = "consultations:person-searches"
#: How many searches a session remembers (the oldest go first).
SESSION_SEARCHES_KEPT = 20


@dataclass(frozen=True)
class PersonSearch:
    """A search through a blind index: which column, its value, and what to call it."""

    field: str
    blind_index: str
    label: str
    audit_action: str


def reference_in(term):
    """The reference when the term is one (any case, spaces around), else None."""
    term = term.strip().upper()
    return term if term.startswith(f"{REFERENCE_PREFIX}-") else None


def person_search_for(term):
    """The blind-index search an e-mail address or phone number stands for, or None."""
    term = term.strip()
    if "@" in term:
        return PersonSearch(
            "email_blind_index",
            email_blind_index(term),
            "an e-mail address",
            AuditEntry.Action.SEARCHED_EMAIL,
        )
    phone = PhoneNumber.from_string(term) if any(c.isdigit() for c in term) else None
    if phone is not None and phone.is_valid():
        return PersonSearch(
            "phone_blind_index",
            phone_blind_index(phone.as_e164),
            "a phone number",
            AuditEntry.Action.SEARCHED_PHONE,
        )
    return None


def person_search_remember(session, search):
    """Keep the search in the session; returns the opaque id the change list's address uses."""
    searches = dict(session.get(SESSION_KEY, {}))
    search_id = secrets.token_urlsafe(12)
    searches[search_id] = [search.field, search.blind_index, search.label]
    session[SESSION_KEY] = dict(list(searches.items())[-SESSION_SEARCHES_KEPT:])
    return search_id


def person_search_recall(session, search_id):
    """(field, blind index, label) of a remembered search, or None (another session's id)."""
    found = session.get(SESSION_KEY, {}).get(search_id)
    return tuple(found) if found else None
