"""Published pages served from the shared cache to visitors who are not signed in.

PageCacheMiddleware sits just inside the security-header middleware: a visitor without a
session cookie asking for a page it holds gets the stored copy before sessions, sign-in,
CSRF or the view do any work (only the address is routed, to see whether it leads to a
published page), and every header policy is still applied on the way out.
Only addresses routed to a view marked with `cache_published_page` are looked up, and their
responses are stored after the inner middleware has finished with them.

Every cached page is stored with the generation number current when it was rendered, and is
served only while that number is still current; any save or delete of a model of this app (a
page, its blocks, the site settings, a reviewer, whatever is added later) moves the number on,
so an edit shows at once on every page. Saving a draft of a published page (PageDraft) is
no such edit: the public still sees the live version, so cached pages stay until it is
published. The number and the page are read in one round trip.
Every page shows other pages' titles in its menus, breadcrumbs and listings, so clearing all
pages on any edit is the only simple rule that is right.

That round trip to the shared cache cost a cached page more than everything else it does, so
each process keeps its own copy of a page the shared cache has just confirmed and serves it for
PAGE_CACHE_LOCAL_SECONDS (1 s) before asking again. An edit therefore reaches anonymous visitors
of other processes within that second; the process that saved it drops its copies at once, and
signed-in editors never see cached pages at all.

published() is decided by the clock at query time: when a page's publish-from or unpublish-at
time comes, nothing is saved and no signal fires. So a cached copy is kept for
PAGE_CACHE_SECONDS at most, and never past the next scheduled publish or unpublish time of any
page; a process's own copy never outlives the shared one.

Never cached: requests with a session cookie (every signed-in person has one), requests with a
query string, anything but a plain 200, and responses that set a cookie, used the CSRF token or
a CSP nonce, or changed the session. The consultation form is never marked.

For the visits this cache does not serve, two smaller entries keep what every visit would read:
the menus and settings every page shows (site_frame_cached) and each published page's own rows
(page_content_cached). They are retired by the same generation number and schedule, so they
are right whenever a fresh reading would be; the page is still rendered on every such visit.
"""

import functools
import hashlib
import logging
import math
import time
from typing import NamedTuple

from django.apps import apps
from django.conf import settings
from django.core.cache import cache, caches
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http.request import split_domain_port
from django.urls import Resolver404, get_urlconf, resolve
from django.utils import timezone, translation

logger = logging.getLogger(__name__)

GENERATION_KEY = "pages:generation"
# "v2": the shape of the stored frame (a CachedValue of nav rows and settings).
SITE_FRAME_KEY = "pages:site-frame:v2"
# Followed by the shape of what is kept and the page's number (pages.selectors).
PAGE_CONTENT_KEY = "pages:page-content"


class CachedPage(NamedTuple):
    """A rendered page as the shared cache keeps it."""

    generation: int
    response: object
    expires_at: float  # time.time() after which it must not be served


class CachedValue(NamedTuple):
    """Rows every visit would read, as the shared cache keeps them (_kept_while_current)."""

    generation: int
    value: object
    expires_at: float  # time.time() after which it must not be used


def _recent_copies():
    """This process's own copies of pages just confirmed by the shared cache."""
    return caches["page_copies"]


def _start_generation():
    # A fresh, never-used number, so a lost counter can never bring back old entries.
    cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
    return cache.get(GENERATION_KEY)


def pages_cache_invalidate():
    """Retire every cached page: the next visitor to each gets it freshly rendered."""
    _recent_copies().clear()
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
    except Exception:
        logger.exception("Page cache: could not retire cached pages")


def _invalidate_on_change(sender, **kwargs):
    # Now, so the editor's next request sees the edit, and again once the transaction commits,
    # so a page rendered from the old rows in between is not kept.
    pages_cache_invalidate()
    transaction.on_commit(pages_cache_invalidate)


def connect_invalidation():
    """Called once from PagesConfig.ready(), so edits made anywhere (admin, shell) count."""
    for model in apps.get_app_config("pages").get_models():
        if not getattr(model, "affects_public_pages", True):
            continue  # a draft of a published page: the public sees it only once published
        uid = f"pages.cache:{model._meta.label}"
        post_save.connect(_invalidate_on_change, sender=model, dispatch_uid=f"{uid}:save")
        post_delete.connect(_invalidate_on_change, sender=model, dispatch_uid=f"{uid}:delete")
    m2m_changed.connect(_invalidate_on_change, dispatch_uid="pages.cache:m2m")


def _seconds_until_next_schedule_change():
    from .models import Page

    now = timezone.now()
    change = Page.objects.next_scheduled_change(now=now)
    return None if change is None else (change - now).total_seconds()


def _kept_while_current(key, load, *, seconds, what):
    """What `load()` returns, kept in the shared cache under `key` for `seconds` at most.

    The entry carries the generation number current when it was read, so any edit in this
    app retires it at once, and it is never kept past the next scheduled publish or unpublish
    time: it is right whenever a freshly read one would be. A cache outage reads afresh.
    """
    if seconds <= 0:
        return load()
    try:
        found = cache.get_many([GENERATION_KEY, key])
        generation = found.get(GENERATION_KEY) or _start_generation()
    except Exception:
        logger.exception("Page cache: unavailable, reading %s instead", what)
        return load()
    cached = found.get(key)
    if cached is not None and cached.generation == generation and cached.expires_at > time.time():
        return cached.value
    value = load()
    until_change = _seconds_until_next_schedule_change()
    timeout = seconds if until_change is None else min(seconds, math.floor(until_change))
    if timeout >= 1:
        try:
            cache.set(key, CachedValue(generation, value, time.time() + timeout), timeout)
        except Exception:
            logger.exception("Page cache: could not store %s", what)
    return value


def site_frame_cached(load):
    """What `load()` returns (the site's menus and settings), kept in the shared cache.

    Every page shows the menus and the clinic's settings, and they change only when an editor
    saves something in this app or a scheduled publish time passes. Its own setting,
    SITE_FRAME_CACHE_SECONDS, so it also serves the pages the page cache does not keep
    (signed-in visitors, the consultation form, search results).
    """
    return _kept_while_current(
        SITE_FRAME_KEY,
        load,
        seconds=settings.SITE_FRAME_CACHE_SECONDS,
        what="the menus and settings",
    )


def page_content_cached(key, load):
    """What `load()` reads of a published page (its own rows, the page and its blocks, or what
    is worked out from them, such as the privacy notice's version), kept in the shared cache
    under `key`, which names the page and the shape of what is kept.

    For the visits the page cache does not serve: a patient who has sent the form carries a
    session cookie, an address from an advert carries a query string, staff are signed in.
    Retired like the menus (see _kept_while_current); its own setting,
    PAGE_CONTENT_CACHE_SECONDS.
    """
    return _kept_while_current(
        f"{PAGE_CONTENT_KEY}:{key}",
        load,
        seconds=settings.PAGE_CONTENT_CACHE_SECONDS,
        what="the page",
    )


def _cache_key(request):
    # The path holds the language (/es/... is Spanish, the rest English, whatever the visitor's
    # cookie or browser says), so each language's copy of a page has a key of its own.
    address = f"{request.scheme}://{split_domain_port(request.get_host())[0]}{request.path}"
    # "v2": stored as a CachedPage. A page an earlier release stored, in another shape, is
    # never read, so a deploy or a rollback cannot fail on the other's entries.
    return f"pages:page:v2:{hashlib.sha256(address.encode()).hexdigest()}"


@functools.lru_cache(maxsize=1024)
def _routed_to_published_pages(urlconf, path_info):
    # Remembered per address: routing it again on every visit was a visible share of what a
    # cached page costs. Bounded, as anyone can type an address; keyed by the URLconf, which
    # tests and per-request routing may change. Routed in the address's own language, as the
    # language middleware (which runs after this one) will: /es/... is Spanish, the rest English.
    language = translation.get_language_from_path(path_info) or settings.LANGUAGE_CODE
    try:
        with translation.override(language):
            view = resolve(path_info, urlconf).func
    except Resolver404:
        return False
    return getattr(view, "serves_published_pages", False)


def _may_use_cache(request):
    if not (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and not request.GET
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    ):
        return False
    # Only addresses routed to a published-page view cost a trip to the cache.
    return _routed_to_published_pages(get_urlconf() or settings.ROOT_URLCONF, request.path_info)


def _may_store(request, response):
    session = getattr(request, "session", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not response.has_header("Cache-Control")
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and getattr(request, "_csp_nonce", None) is None
        and not (session is not None and session.modified)
    )


def cache_published_page(view):
    """Let PageCacheMiddleware keep `view`'s pages (see the module docstring)."""
    view.serves_published_pages = True
    return view


class PageCacheMiddleware:
    """Serves and stores published pages for visitors without a session (module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _may_use_cache(request):
            return self.get_response(request)
        key = _cache_key(request)
        recent = _recent_copies().get(key)
        if recent is not None:
            return recent
        try:
            found = cache.get_many([GENERATION_KEY, key])
            generation = found.get(GENERATION_KEY) or _start_generation()
        except Exception:
            # A cache outage slows the site down; it must not take it down.
            logger.exception("Page cache: unavailable, rendering the page instead")
            return self.get_response(request)
        cached = found.get(key)
        if cached is not None and cached.generation == generation:
            self._keep_recent_copy(key, cached)
            return cached.response
        response = self.get_response(request)
        if _may_store(request, response):
            self._store(key, generation, response)
        return response

    @staticmethod
    def _keep_recent_copy(key, cached):
        seconds = min(settings.PAGE_CACHE_LOCAL_SECONDS, cached.expires_at - time.time())
        if seconds > 0:
            # Kept pickled, as the shared cache does: every visitor gets a response of their
            # own, which the header middleware outside may change.
            _recent_copies().set(key, cached.response, seconds)

    @staticmethod
    def _store(key, generation, response):
        timeout = settings.PAGE_CACHE_SECONDS
        until_change = _seconds_until_next_schedule_change()
        if until_change is not None:
            timeout = min(timeout, math.floor(until_change))
        if timeout >= 1:
            try:
                cached = CachedPage(generation, response, expires_at=time.time() + timeout)
                cache.set(key, cached, timeout)
            except Exception:
                logger.exception("Page cache: could not store the page")
