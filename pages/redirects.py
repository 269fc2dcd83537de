"""Redirects from old page addresses (django.contrib.redirects), kept free of chains and loops.

The redirect middleware consults them only when an address has no page (a 404), so a live
page always wins over a stale redirect.
"""

from django.conf import settings
from django.contrib.redirects.models import Redirect
from django.core.exceptions import ValidationError

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
