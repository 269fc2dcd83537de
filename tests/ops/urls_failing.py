"""The site's URLs plus one view that fails, to see the 500 page as a visitor would."""

from django.urls import path

from clinic_site.urls import handler404, handler500  # noqa: F401  (the site's error pages)
from clinic_site.urls import urlpatterns as site_urlpatterns


def failing_view(request):
    raise RuntimeError("a bug, for the 500 page test")


urlpatterns = [path("failing/", failing_view), *site_urlpatterns]
