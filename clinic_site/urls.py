"""Root URLs. The page catch-all comes last: every other path wins over an editor's slug.

The public addresses are inside i18n_patterns: English without a prefix, Spanish under /es/.
"""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from pages.views import language_choose, robots_txt, sitemap_xml


def media_served_by_the_app():
    """Uploads served by Django when SERVE_MEDIA says no web server is in front (`make serve`).

    Django's static() does this only with DEBUG on; here the production settings run.
    """
    if not settings.SERVE_MEDIA or settings.DEBUG:
        return []
    prefix = settings.MEDIA_URL.lstrip("/")
    return [re_path(rf"^{prefix}(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})]


# Error pages in the site's frame (header, menus, search, phone), even with the database down.
handler404 = "pages.views.page_not_found"
handler500 = "pages.views.server_error"

# One language for every visitor, at unprefixed addresses: staff, machines and files.
urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    path("", include("ops.urls")),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap_xml, name="django.contrib.sitemaps.views.sitemap"),
    path("language/<str:code>/", language_choose, name="language_choose"),
    # Uploaded images in development (and with SERVE_MEDIA, as `make serve` sets); in
    # production the web server serves MEDIA_ROOT.
    *static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT),
    *media_served_by_the_app(),
]

# What patients read and fill in, in each language: English unprefixed as always, Spanish
# under /es/ (docs/i18n.md). Last, because the page catch-all ends it.
urlpatterns += i18n_patterns(
    # Before consultations/: the patient's booking link lives under the request's address.
    path("consultation/booking/", include("booking.urls")),
    path("consultation/", include("consultations.urls")),
    path("", include("pages.urls")),
    prefix_default_language=False,
)
