"""Published pages served from the shared cache to anonymous visitors.

One generation number is part of every cached page's key; any save or delete of a model of
this app (a page, its blocks, the site settings, a reviewer, whatever is added later) moves it
on, so an edit shows at once on every page. Every page shows other pages' titles in its menus,
breadcrumbs and listings, so clearing all pages on any edit is the only simple rule that is right.

published() is decided by the clock at query time: when a page's publish-from or unpublish-at
time comes, nothing is saved and no signal fires. So a cached copy is kept for
PAGE_CACHE_SECONDS at most, and never past the next scheduled publish or unpublish time of any
page.

Never cached: visitors who are signed in, requests with a query string, anything but a plain
200, and responses that set a cookie, used the CSRF token or a CSP nonce, or changed the session.
The consultation form is never decorated with this.
"""

import hashlib
import logging
import math
import time
from functools import wraps

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

logger = logging.getLogger(__name__)

GENERATION_KEY = "pages:generation"


def _generation():
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        # A fresh, never-used number, so a lost counter can never bring back old entries.
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        generation = cache.get(GENERATION_KEY)
    return generation


def pages_cache_invalidate():
    """Retire every cached page: the next visitor to each gets it freshly rendered."""
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
        uid = f"pages.cache:{model._meta.label}"
        post_save.connect(_invalidate_on_change, sender=model, dispatch_uid=f"{uid}:save")
        post_delete.connect(_invalidate_on_change, sender=model, dispatch_uid=f"{uid}:delete")
    m2m_changed.connect(_invalidate_on_change, dispatch_uid="pages.cache:m2m")


def _seconds_until_next_schedule_change():
    from .selectors import next_scheduled_change

    now = timezone.now()
    change = next_scheduled_change(now=now)
    return None if change is None else (change - now).total_seconds()


def _cache_key(request, generation):
    address = f"{request.scheme}://{request.get_host()}{request.path}"
    digest = hashlib.sha256(address.encode()).hexdigest()
    return f"pages:page:{generation}:{digest}"


def _may_use_cache(request):
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and not request.GET
        and not request.user.is_authenticated
    )


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
    """Serve `view`'s page from the cache to anonymous visitors (see the module docstring)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _may_use_cache(request):
            return view(request, *args, **kwargs)
        try:
            key = _cache_key(request, _generation())
            cached = cache.get(key)
        except Exception:
            # A cache outage slows the site down; it must not take it down.
            logger.exception("Page cache: unavailable, rendering the page instead")
            return view(request, *args, **kwargs)
        if cached is not None:
            return cached
        response = view(request, *args, **kwargs)
        if _may_store(request, response):
            timeout = settings.PAGE_CACHE_SECONDS
            until_change = _seconds_until_next_schedule_change()
            if until_change is not None:
                timeout = min(timeout, math.floor(until_change))
            if timeout >= 1:
                try:
                    cache.set(key, response, timeout)
                except Exception:
                    logger.exception("Page cache: could not store the page")
        return response

    return wrapper
