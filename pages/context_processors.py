from django.utils.functional import SimpleLazyObject

from .models import SiteSettings
from .selectors import SiteTree


def site(request):
    """Site settings and navigation for every template, read only if a template uses them.

    Lazy so that error pages, which must render with the database down, touch nothing.
    """
    return {
        "site_settings": SimpleLazyObject(SiteSettings.get_solo),
        "site_tree": SimpleLazyObject(lambda: SiteTree.for_request(request)),
    }
