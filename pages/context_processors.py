from django.utils.functional import SimpleLazyObject

from .selectors import SiteTree, site_settings


def site(request):
    """Site settings and navigation for every template, read only if a template uses them.

    Lazy so that error pages, which must render with the database down, touch nothing.
    """
    return {
        "site_settings": SimpleLazyObject(site_settings),
        "site_tree": SimpleLazyObject(lambda: SiteTree.for_request(request)),
    }
