"""Guards for staff-only views that live outside the admin.

Django's `staff_member_required` sends everyone else to the admin's sign-in page, which names
the admin's address; that address is kept out of sight (DJANGO_ADMIN_URL), so these views
answer anyone who may not see them with a plain 404 instead, as for an address that does not
exist.
"""

import functools

from django.core.exceptions import PermissionDenied
from django.http import Http404


def is_signed_in_staff(user):
    """An active staff account whose session passed the second factor, as the admin demands."""
    return bool(user.is_active and user.is_staff and getattr(user, "is_verified", lambda: False)())


def staff_only(permission):
    """Open `view` to verified staff holding `permission`; 404 for everyone else but staff.

    Staff who are signed in but lack the permission get a 403: they know the admin already.
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if not is_signed_in_staff(request.user):
                raise Http404("No such page")
            if not request.user.has_perm(permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
