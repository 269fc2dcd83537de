"""Redirects from old page addresses (django.contrib.redirects), kept free of chains and loops.

The redirect middleware consults them only when an address has no page (a 404), so a live
page always wins over a stale redirect.

A redirect only ever leads to an address on this site. An editor's account is worth more to
an attacker if it can turn the clinic's own links into a way to another website (phishing), so
targets are refused on the way in (the admin form, and any save at all) and again on the way
out, for a row written before the rule or straight into the database.
"""

import logging

from django.conf import settings
from django.contrib.redirects.middleware import RedirectFallbackMiddleware
from django.contrib.redirects.models import Redirect
from django.core.exceptions import DisallowedRedirect, ValidationError
from django.db.models.signals import pre_save
from django.http import HttpResponsePermanentRedirect

logger = logging.getLogger(__name__)

# django.contrib.redirects stores addresses in 200 characters.
_MAX_PATH = Redirect._meta.get_field("old_path").max_length
_MAX_HOPS = 50


def redirect_record_move(*, old_path, new_path):
    """Send visitors of a published page's old address to its new one.

    Earlier redirects to the old address are pointed at the new one (no chains), and a
    redirect away from the new address is dropped: the page lives there again.
    """
    if old_path == new_path or len(old_path) > _MAX_PATH or len(new_path) > _MAX_PATH:
        return
    redirects = Redirect.objects.filter(site_id=settings.SITE_ID)
    redirects.filter(new_path=old_path).update(new_path=new_path)
    redirects.filter(old_path=new_path).delete()
    redirects.update_or_create(
        site_id=settings.SITE_ID, old_path=old_path, defaults={"new_path": new_path}
    )


def redirect_loop_check(*, site_id, old_path, new_path, exclude_pk=None):
    """Raise ValidationError on `new_path` if following the redirects leads back round."""
    chain = [old_path]
    target = new_path
    others = Redirect.objects.filter(site_id=site_id).exclude(pk=exclude_pk)
    for _ in range(_MAX_HOPS):
        if target in chain:
            route = " → ".join([*chain, target])
            raise ValidationError(
                {"new_path": f"This would send visitors round in a loop: {route}."},
                code="redirect_loop",
            )
        chain.append(target)
        target = others.filter(old_path=target).values_list("new_path", flat=True).first()
        if not target:
            return
    raise ValidationError(
        {"new_path": "This address starts a chain of too many redirects."},
        code="redirect_chain_too_long",
    )


def is_site_relative(path):
    """True for an address on this site: one leading "/", no scheme, host or backslash.

    Browsers read "//host" and "/\\host" as another host and drop tabs and newlines inside
    addresses, so none of these may appear. The empty path (410 Gone) is allowed.
    """
    if path == "":
        return True
    return (
        path.startswith("/")
        and not path.startswith("//")
        and "\\" not in path
        and not any(char.isspace() or not char.isprintable() for char in path)
    )


def redirect_target_validate(new_path):
    if not is_site_relative(new_path):
        raise ValidationError(
            "Redirect only to an address on this website, starting with a single “/” (for "
            "example /conditions/fibromyalgia/). Addresses of other websites are not allowed "
            "here.",
            code="redirect_off_site",
        )


def _refuse_off_site_target(sender, instance, **kwargs):
    redirect_target_validate(instance.new_path)


def connect_target_check():
    """Called once from PagesConfig.ready(): every save of a redirect, from anywhere, is checked."""
    pre_save.connect(
        _refuse_off_site_target, sender=Redirect, dispatch_uid="pages.redirects:target"
    )


class SiteRelativeRedirect(HttpResponsePermanentRedirect):
    """A permanent redirect that refuses, before any response exists, to leave this site."""

    def __init__(self, redirect_to, *args, **kwargs):
        if not is_site_relative(redirect_to):
            raise DisallowedRedirect("Redirect target is not an address on this site")
        super().__init__(redirect_to, *args, **kwargs)


class SiteRedirectFallbackMiddleware(RedirectFallbackMiddleware):
    """Django's redirect fallback, which never sends a visitor to another website.

    A stored redirect off the site is left unused: the visitor gets the 404 it replaced.
    """

    response_redirect_class = SiteRelativeRedirect

    def process_response(self, request, response):
        try:
            return super().process_response(request, response)
        except DisallowedRedirect:
            logger.warning("Stored redirect to another website ignored for %s", request.path)
            return response
