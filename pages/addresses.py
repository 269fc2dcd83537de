"""A view's address, worked out once per process: `reverse()` walks the URLconf on every call,
and a public page asks for the same few addresses on every visit.

An address without arguments depends only on the URLconf, the script prefix the site runs
under and the active language (/es/ for Spanish), so it is kept per prefix and language; tests
that change the URLconf forget them.
"""

import functools

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, reverse
from django.utils.translation import get_language

from .languages import SOURCE_LANGUAGE


@functools.cache
def _address(script_prefix, language, viewname):
    return reverse(viewname)


def url(viewname, *args, **kwargs):
    """`reverse(viewname, args=args, kwargs=kwargs)`, remembered when there are neither."""
    if args or kwargs:
        return reverse(viewname, args=args or None, kwargs=kwargs or None)
    return _address(get_script_prefix(), get_language(), viewname)


def language_home(language):
    """The start of a public address in `language`, its home page: "/" for English (the
    default language, unprefixed), "/es/" for Spanish."""
    return "/" if language == settings.LANGUAGE_CODE else f"/{language}/"


def page_path(url_path, language):
    """A page's public address: its stored address (which never carries a language), under
    /<language>/ for a language other than English (/es/condiciones/ for "/condiciones/")."""
    if not language or language == SOURCE_LANGUAGE:
        return url_path
    return f"/{language}{url_path}"


def absolute_url(path):
    """The address on the public site, from SITE_URL, never from the request's Host header:
    pages are cached whatever port or alias a request named, and every visitor gets them."""
    return settings.SITE_URL.rstrip("/") + path


@receiver(setting_changed)
def _forget_addresses(*, setting, **kwargs):
    if setting in {"ROOT_URLCONF", "FORCE_SCRIPT_NAME"}:
        _address.cache_clear()
