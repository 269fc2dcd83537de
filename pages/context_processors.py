from django.utils.functional import SimpleLazyObject

from .selectors import SiteTree, site_settings_for


def site(request):
    """Site settings and navigation for every template, read once and only if a template uses them.

    Lazy so that error pages, which must render with the database down, touch nothing. A page
    view reads both for itself first; its templates then get the objects as they are, without
    a lazy proxy to pass through on each of the hundred-odd times a page reads them.
    """
    return {
        "site_settings": getattr(request, "_site_settings", None)
        or SimpleLazyObject(lambda: site_settings_for(request)),
        "site_tree": getattr(request, "_site_tree", None)
        or SimpleLazyObject(lambda: SiteTree.for_request(request)),
    }
