from django.contrib.sitemaps import Sitemap

from .languages import SOURCE_LANGUAGE, language_codes
from .models import Page


class PageSitemap(Sitemap):
    """Every live page in every language, each with its live translations as `xhtml:link`
    alternates (and `x-default`, the English page), as the pages' own `hreflang` links say."""

    changefreq = "monthly"

    def __init__(self, domain=None):
        self.domain = domain

    def get_domain(self, site=None):
        # The host the visitor asked, not django.contrib.sites' stored placeholder domain
        # (the sites app is installed for the redirects only).
        return self.domain or super().get_domain(site)

    def items(self):
        return Page.objects.published().order_by("language", "url_path")

    def location(self, item):
        return item.get_absolute_url()

    def lastmod(self, item):
        return item.updated_at

    def get_urls(self, page=1, site=None, protocol=None):
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        origin = f"{self.get_protocol(protocol)}://{self.get_domain(site)}"
        groups = {}
        for info in urls:
            item = info["item"]
            groups.setdefault(item.translation_of_id or item.pk, {})[item.language] = item
        for info in urls:
            item = info["item"]
            versions = groups[item.translation_of_id or item.pk]
            if len(versions) < 2:
                continue
            info["alternates"] = [
                {"lang_code": code, "location": origin + versions[code].get_absolute_url()}
                for code in language_codes()
                if code in versions
            ]
            if SOURCE_LANGUAGE in versions:
                info["alternates"].append(
                    {
                        "lang_code": "x-default",
                        "location": origin + versions[SOURCE_LANGUAGE].get_absolute_url(),
                    }
                )
        return urls
