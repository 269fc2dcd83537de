"""Root URLs of the benchmark (clinic_site.settings.bench): the site's own, plus a bare view.

The bare view goes through the same middleware as every page and does nothing else, so the
benchmark can report each page as a share of what the framework itself can serve.
"""

from django.http import HttpResponse
from django.urls import path

from .urls import handler404, handler500  # noqa: F401  (the site's error pages)
from .urls import urlpatterns as site_urlpatterns

# A body as big as a page's, so the cost of moving its bytes can be told from the app's work.
MAX_BARE_BYTES = 1024 * 1024


def bare_ok(request):
    size = min(int(request.GET.get("bytes", "0") or 0), MAX_BARE_BYTES)
    return HttpResponse("x" * size if size else "ok", content_type="text/plain")


urlpatterns = [path("bench/ok/", bare_ok, name="bench_ok"), *site_urlpatterns]
