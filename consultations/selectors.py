"""Reads that other parts of the app share."""

import datetime
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone, translation

from booking.models import Booking
from pages.addresses import page_path
from pages.cache import page_content_cached
from pages.languages import SOURCE_LANGUAGE
from pages.models import Page
from pages.selectors import SiteTree, site_settings_for

from .models import ConsultationRequest

#: The privacy notice's stored address (never with a language prefix) in each language.
PRIVACY_NOTICE_PATHS = {"en": "/privacy/", "es": "/privacidad/"}
PRIVACY_NOTICE_PATH = PRIVACY_NOTICE_PATHS[SOURCE_LANGUAGE]
NOTICE_UNAVAILABLE = "unavailable"


def _notice_language(language):
    language = (language or "").split("-")[0]
    return language if language in PRIVACY_NOTICE_PATHS else SOURCE_LANGUAGE


def privacy_notice_path(language):
    """Where the notice in `language` is read on the public site (Spanish under /es/)."""
    language = _notice_language(language)
    return page_path(PRIVACY_NOTICE_PATHS[language], language)


def privacy_notice_page(language, *, now=None):
    """The published privacy page in `language`, as a queryset of its one row (or none)."""
    language = _notice_language(language)
    return Page.objects.published(at=now or timezone.now()).filter(
        language=language, url_path=PRIVACY_NOTICE_PATHS[language]
    )


def _privacy_notice_words(*, now, language):
    # The published notice's title and words in reading order, in one query: the form shows
    # the notice's version on every visit. A notice without blocks gives one row of Nones.
    return (
        privacy_notice_page(language, now=now)
        .order_by("blocks__position", "blocks__pk")
        .values_list("title", "blocks__kind", "blocks__heading", "blocks__text", "blocks__items")
    )


@dataclass(frozen=True)
class PrivacyNotice:
    url: str
    version: str
    language: str = "en"


def privacy_notice_current(language=None):
    """The published privacy notice in `language` (the active one by default) and its version,
    as recorded with each consent.

    Version = "sha256:" + the first 16 hex digits of a SHA-256 over its heading and blocks'
    words in reading order, e.g. "sha256:3f9a1c0e5b7d2a41". Chosen over the page's pk and
    `updated_at`: the hash changes exactly when the words change (not when an editor only moves
    the page in the menu), and anyone holding an archived copy of the notice can recompute it to
    prove which text a patient agreed to. Each language's notice is its own text, so it has its
    own version. When no notice is published the version says "unavailable", honestly.
    """
    language = _notice_language(language or translation.get_language())
    return _read_privacy_notice(now=timezone.now(), language=language)


def privacy_notice_for_page(request):
    """The published privacy notice in the page's language, as `privacy_notice_current` gives
    it, read with the menus and settings of the page that shows it, at the same moment, so that
    they agree on what is published. Like a page's own rows, it comes from the shared cache
    while nothing in the pages app changes (pages.cache.page_content_cached)."""
    now = timezone.now()
    SiteTree.for_request(request, now=now)
    site_settings_for(request)
    language = _notice_language(translation.get_language())
    return page_content_cached(
        f"privacy-notice:v1:{language}", lambda: _read_privacy_notice(now=now, language=language)
    )


def _read_privacy_notice(*, now, language):
    rows = list(_privacy_notice_words(now=now, language=language))
    if not rows:
        return PrivacyNotice(url="", version=NOTICE_UNAVAILABLE, language=language)
    title = rows[0][0]
    digest = hashlib.sha256()
    digest.update(title.encode())
    for _title, kind, heading, text, items in rows:
        if kind is None:  # a notice without blocks: its title alone
            continue
        for part in (kind, heading, text, items):
            digest.update(b"\x1f" + part.encode())
        digest.update(b"\x1e")
    version = f"sha256:{digest.hexdigest()[:16]}"
    return PrivacyNotice(url=privacy_notice_path(language), version=version, language=language)


def consultation_request_exists(*, idempotency_key):
    return ConsultationRequest.objects.filter(idempotency_key=idempotency_key).exists()


# --- Staff triage (issue 5) -------------------------------------------------------------------

_SATURDAY = 5


def _start_of_day(moment):
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def response_overdue_cutoff(*, now=None, business_days=None):
    """Requests received before this moment (and still open) are past the response target.

    The target is CONSULTATION_RESPONSE_BUSINESS_DAYS business days (Monday to Friday, in the
    clinic's time zone; public holidays are not counted out). Counting back from `now`: a
    weekend moment counts as the end of the Friday before, then each step back skips Saturday
    and Sunday. E.g. with 2 days, a request received Friday 10:00 is overdue from Tuesday 10:00.
    """
    days = settings.CONSULTATION_RESPONSE_BUSINESS_DAYS if business_days is None else business_days
    moment = timezone.localtime(now or timezone.now())
    if moment.weekday() >= _SATURDAY:
        moment = _start_of_day(moment) - datetime.timedelta(days=moment.weekday() - _SATURDAY)
    for _ in range(days):
        moment -= datetime.timedelta(days=1)
        while moment.weekday() >= _SATURDAY:
            moment -= datetime.timedelta(days=1)
    return moment


#: The response target is about the first contact: only requests still waiting for it can be
#: overdue. Once staff have contacted the patient (or scheduled, or closed), the clock stops.
AWAITING_FIRST_CONTACT = (ConsultationRequest.Status.NEW, ConsultationRequest.Status.IN_REVIEW)


def consultation_request_overdue_q(*, now=None):
    """Overdue: still awaiting first contact and received before the response cutoff."""
    return Q(created_at__lt=response_overdue_cutoff(now=now), status__in=AWAITING_FIRST_CONTACT)


def consultation_request_is_overdue(consultation_request, *, cutoff):
    """The same rule as `consultation_request_overdue_q`, for one request already loaded."""
    return (
        consultation_request.status in AWAITING_FIRST_CONTACT
        and consultation_request.created_at < cutoff
    )


def consultation_request_callback_q():
    """A "please call me" still to do: the patient asked through their booking link, and the
    request is open with no time booked (booking one, or closing the request, ends the task)."""
    return (
        Q(booking_invitation__callback_requested_at__isnull=False)
        & ~Q(status=ConsultationRequest.Status.CLOSED)
        & ~Exists(Booking.objects.active().filter(consultation_request=OuterRef("pk")))
    )


@dataclass(frozen=True)
class QueueCounts:
    by_status: list  # (status value, label, count), in workflow order
    open: int
    overdue: int
    unassigned: int
    callback: int


def consultation_queue_counts(*, now=None):
    """Counts for the admin's front page, in one query: by status, open, overdue, unassigned,
    asked to be called."""
    open_q = ~Q(status=ConsultationRequest.Status.CLOSED)
    aggregates = {
        f"status_{value}": Count("pk", filter=Q(status=value))
        for value in ConsultationRequest.Status.values
    }
    aggregates["overdue"] = Count("pk", filter=consultation_request_overdue_q(now=now))
    aggregates["unassigned"] = Count("pk", filter=open_q & Q(assigned_to__isnull=True))
    aggregates["callback"] = Count("pk", filter=consultation_request_callback_q())
    totals = ConsultationRequest.objects.order_by().aggregate(**aggregates)
    by_status = [
        (value, label, totals[f"status_{value}"])
        for value, label in ConsultationRequest.Status.choices
    ]
    return QueueCounts(
        by_status=by_status,
        open=sum(count for value, _label, count in by_status if value != "closed"),
        overdue=totals["overdue"],
        unassigned=totals["unassigned"],
        callback=totals["callback"],
    )
