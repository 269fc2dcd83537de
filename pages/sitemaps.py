from django.contrib.sitemaps import Sitemap

from .models import Page


class PageSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Page.objects.published().order_by("url_path")

    def location(self, item):
        return item.url_path

    def lastmod(self, item):
        return item.updated_at
