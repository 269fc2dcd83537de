from django.contrib.sitemaps import Sitemap

from .models import Page


class PageSitemap(Sitemap):
    changefreq = "monthly"

    def __init__(self, domain=None):
        self.domain = domain

    def get_domain(self, site=None):
        # The host the visitor asked, not django.contrib.sites' stored placeholder domain
        # (the sites app is installed for the redirects only).
        return self.domain or super().get_domain(site)

    def items(self):
        return Page.objects.published().order_by("url_path")

    def location(self, item):
        return item.url_path

    def lastmod(self, item):
        return item.updated_at
