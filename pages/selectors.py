"""Reads for the public pages, shaped so a page costs a fixed number of queries."""

from dataclasses import dataclass, field

from django.db.models import Min, Q
from django.utils import timezone

from .models import Page


@dataclass
class NavPage:
    """The few fields of a published page that menus, breadcrumbs and listings need."""

    pk: int
    parent_id: int | None
    label: str
    title: str
    url_path: str
    summary: str
    show_in_menu: bool
    children: list["NavPage"] = field(default_factory=list)


class SiteTree:
    """Every published page, read in one query and linked in memory.

    A clinic site has tens of pages, not thousands, so one small query beats one per
    breadcrumb or listing.
    """

    def __init__(self, rows):
        self.by_pk = {row.pk: row for row in rows}
        for row in rows:
            parent = self.by_pk.get(row.parent_id)
            if parent is not None:
                parent.children.append(row)

    @classmethod
    def load(cls):
        fields = ("pk", "parent_id", "menu_title", "title", "url_path", "summary", "show_in_menu")
        rows = [
            NavPage(
                pk=pk,
                parent_id=parent_id,
                label=menu_title or title,
                title=title,
                url_path=url_path,
                summary=summary,
                show_in_menu=show_in_menu,
            )
            for pk, parent_id, menu_title, title, url_path, summary, show_in_menu in (
                Page.objects.published().order_by("menu_order", "title").values_list(*fields)
            )
        ]
        return cls(rows)

    @classmethod
    def for_request(cls, request):
        """The tree, read once per request however many views and templates ask for it."""
        tree = getattr(request, "_site_tree", None)
        if tree is None:
            tree = request._site_tree = cls.load()
        return tree

    def menu(self):
        return [row for row in self.by_pk.values() if row.show_in_menu]

    def footer_links(self):
        """The pages directly under the home page, the privacy notice among them."""
        home = next((row for row in self.by_pk.values() if row.url_path == "/"), None)
        return home.children if home else []

    def ancestors(self, page):
        """Published pages above `page`, home first; a draft link in the chain is skipped."""
        chain = []
        parent = self.by_pk.get(page.parent_id)
        while parent is not None:
            chain.append(parent)
            parent = self.by_pk.get(parent.parent_id)
        return list(reversed(chain))

    def children(self, page):
        row = self.by_pk.get(page.pk)
        return row.children if row else []


def published_page_for_path(url_path):
    """The published page at this address, or None, with what its template shows beside it."""
    return (
        Page.objects.published()
        .select_related("medical_reviewer", "hero_image")
        .filter(url_path=url_path)
        .first()
    )


def page_for_preview(pk):
    return Page.objects.select_related("medical_reviewer", "hero_image").filter(pk=pk).first()


def next_scheduled_change(*, now=None):
    """When the set of live pages next changes by the clock alone, or None.

    A page cache must not keep a response past this moment: menus list every live page, so
    any page's publish-from or unpublish-at time can change any cached response.
    """
    now = now or timezone.now()
    upcoming = Page.objects.filter(status=Page.Status.PUBLISHED).aggregate(
        publish=Min("publish_at", filter=Q(publish_at__gt=now)),
        expire=Min("expire_at", filter=Q(expire_at__gt=now)),
    )
    moments = [moment for moment in upcoming.values() if moment is not None]
    return min(moments) if moments else None


def pages_due_for_review(*, on=None):
    return Page.objects.review_due(on=on).select_related("medical_reviewer")


def published_pages_never_reviewed():
    return Page.objects.published().filter(last_reviewed_on__isnull=True).order_by("url_path")


def page_blocks(page):
    """The page's blocks in reading order, each image block's image in the same query."""
    return list(page.blocks.in_reading_order().select_related("image"))
