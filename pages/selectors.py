"""Reads for the public pages, shaped so a page costs a fixed number of queries."""

from dataclasses import dataclass, field
from typing import ClassVar

from django.db.models import Min, Q
from django.utils import timezone

from .models import Block, BlockContent, Image, MedicalReviewer, Page, SiteSettings
from .prepared import SOME_PATH, SOME_PK, SOME_TIME, PreparedRead, fetch_together

_NAV_FIELDS = ("pk", "parent_id", "menu_title", "title", "url_path", "summary", "show_in_menu")

_published_nav_rows = PreparedRead(
    lambda now: (
        Page.objects.published(at=now).order_by("menu_order", "title").values_list(*_NAV_FIELDS)
    ),
    now=SOME_TIME,
)


def _in_model_order(model, names):
    # Model.from_db() takes a subset of the fields only in the model's own order.
    return tuple(field.attname for field in model._meta.concrete_fields if field.attname in names)


# What a published page shows of itself, its reviewer and its hero image; the rest (schedule,
# menu order, status, the image's file...) is for editing, and stays deferred.
_PAGE_FIELDS = _in_model_order(
    Page,
    {
        "id",
        "title",
        "seo_title",
        "menu_title",
        "meta_description",
        "parent_id",
        "url_path",
        "medical_reviewer_id",
        "last_reviewed_on",
        "next_review_due",
        "hero_image_id",
        "first_published_at",
        "updated_at",
    },
)
_REVIEWER_FIELDS = _in_model_order(MedicalReviewer, {"id", "name", "credentials"})
# What a page shows of an image; its other fields stay deferred (reading one costs a query).
_IMAGE_FIELDS = _in_model_order(Image, {"id", "alt_text", "decorative", "renditions"})
_published_page_at = PreparedRead(
    lambda path, now: (
        Page.objects.published(at=now)
        .filter(url_path=path)
        .order_by("pk")
        .values_list(
            *_PAGE_FIELDS,
            *(f"medical_reviewer__{name}" for name in _REVIEWER_FIELDS),
            *(f"hero_image__{name}" for name in _IMAGE_FIELDS),
        )[:1]
    ),
    path=SOME_PATH,
    now=SOME_TIME,
)
_BODY_BLOCK_FIELDS = (
    "kind",
    "heading_level",
    "heading",
    "anchor",
    "text",
    "items",
    "button_label",
    "button_target",
)


def _body_rows(**page):
    return (
        Block.objects.filter(**page)
        .in_reading_order()
        .values_list(*_BODY_BLOCK_FIELDS, *(f"image__{name}" for name in _IMAGE_FIELDS))
    )


_body_rows_of_page = PreparedRead(lambda page_id: _body_rows(page_id=page_id), page_id=SOME_PK)
# The same, found by the page's address: read alongside the page itself (`read_published_page`).
_body_rows_at_path = PreparedRead(lambda path: _body_rows(page__url_path=path), path=SOME_PATH)
_SETTINGS_FIELDS = tuple(field.attname for field in SiteSettings._meta.concrete_fields)
_site_settings_row = PreparedRead(
    lambda pk: SiteSettings.objects.filter(pk=pk).values_list(*_SETTINGS_FIELDS)[:1],
    pk=SOME_PK,
)


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
        return cls.from_rows(_published_nav_rows.fetch(now=timezone.now()))

    @classmethod
    def from_rows(cls, nav_rows):
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
            for pk, parent_id, menu_title, title, url_path, summary, show_in_menu in nav_rows
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


def _model_from_row(model, field_names, values):
    """A model instance from a read's columns, as a queryset builds it; None for a missing
    related row. Fields left out stay deferred."""
    if values[0] is None:
        return None
    return model.from_db(model.objects.db, field_names, values)


def fetch_with_menus_and_settings(request, *reads, now):
    """The rows of `reads`, each given as `(read, values)`, as `fetch_together` gives them,
    read with the site's menus and settings, which every public page shows.

    Those are kept for the request (`SiteTree.for_request`, `site_settings_for`), so a page
    costs no query of its own for them, and on PostgreSQL every read shares one round trip.
    The menus list the pages published at `now`: give the moment the other reads use, so that
    a page and its menus agree.
    """
    nav_rows, settings_rows, *rows = fetch_together(
        (_published_nav_rows, {"now": now}),
        (_site_settings_row, {"pk": SiteSettings.singleton_instance_id}),
        *reads,
    )
    request._site_tree = SiteTree.from_rows(nav_rows)
    request._site_settings = _site_settings_from_rows(settings_rows)
    return rows


def read_published_page(request, url_path):
    """The published page at this address and its body blocks, or (None, []), read with the
    site's menus and settings (`fetch_with_menus_and_settings`)."""
    now = timezone.now()
    page_rows, body_rows = fetch_with_menus_and_settings(
        request,
        (_published_page_at, {"path": url_path, "now": now}),
        (_body_rows_at_path, {"path": url_path}),
        now=now,
    )
    page = _page_from_rows(page_rows)
    if page is None:
        return None, []
    return page, _body_from_rows(body_rows)


def _page_from_rows(rows):
    """The page of a page read, or None, with its reviewer and hero image: read as plain
    columns and built into models here, as a select_related() query would build them,
    without its upkeep on every visit."""
    if not rows:
        return None
    row = rows[0]
    reviewer_starts = len(_PAGE_FIELDS)
    image_starts = reviewer_starts + len(_REVIEWER_FIELDS)
    page = _model_from_row(Page, _PAGE_FIELDS, row[:reviewer_starts])
    page.medical_reviewer = _model_from_row(
        MedicalReviewer, _REVIEWER_FIELDS, row[reviewer_starts:image_starts]
    )
    page.hero_image = _model_from_row(Image, _IMAGE_FIELDS, row[image_starts:])
    return page


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


@dataclass(slots=True)
class BodyBlock(BlockContent):
    """A block as a published page shows it: its fields, without a model instance's upkeep."""

    Kind: ClassVar = Block.Kind
    Level: ClassVar = Block.Level
    Target: ClassVar = Block.Target

    kind: str
    heading_level: int | None
    heading: str
    anchor: str
    text: str
    items: str
    button_label: str
    button_target: str
    image: Image | None


def page_body(page):
    """A page's blocks as the page shows them, in reading order, each image in the same query.

    Plain rows rather than Block instances (those are for editing: `page_blocks`). A long page
    has sixty blocks or more, and building models for them cost more than rendering them.
    """
    return _body_from_rows(_body_rows_of_page.fetch(page_id=page.pk))


def _body_from_rows(rows):
    image_starts = len(_BODY_BLOCK_FIELDS)
    return [
        BodyBlock(
            *row[:image_starts],
            # Most blocks have no image: no model to build, nor a call to find that out.
            image=None
            if row[image_starts] is None
            else _model_from_row(Image, _IMAGE_FIELDS, row[image_starts:]),
        )
        for row in rows
    ]


def site_settings():
    """The clinic's settings, created with their defaults the first time they are asked for."""
    return _site_settings_from_rows(_site_settings_row.fetch(pk=SiteSettings.singleton_instance_id))


def _site_settings_from_rows(rows):
    if not rows:
        return SiteSettings.get_solo()
    return _model_from_row(SiteSettings, _SETTINGS_FIELDS, rows[0])


def site_settings_for(request):
    """The clinic's settings, read once per request however many views and templates ask."""
    if getattr(request, "_site_settings", None) is None:
        request._site_settings = site_settings()
    return request._site_settings
