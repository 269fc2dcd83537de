"""The admin site's names for admin-styled pages drawn outside the admin's own views.

The lockout page (django-axes), the 403 page and any page extending admin/base_site.html
without the admin's context would otherwise say "Django administration". A view's own
`site_header` (the admin's pages pass theirs) takes precedence over these.
"""

from django.contrib import admin


def admin_names(request):
    return {"site_header": admin.site.site_header, "site_title": admin.site.site_title}
