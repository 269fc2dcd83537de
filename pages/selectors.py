"""Reads for the public pages, shaped so a page costs a fixed number of queries."""

import hashlib
import re
from dataclasses import dataclass, field, fields
from typing import ClassVar

from django.db import DatabaseError
from django.db.models import Q
from django.utils import timezone

from .addresses import page_path
from .cache import page_content_cached, site_frame_cached
from .languages import SOURCE_LANGUAGE, active_language, language_codes
from .models import Block, BlockContent, Image, Page, PageDraft, SiteSettings

_NAV_FIELDS = (
    "pk",
    "parent_id",
    "menu_title",
    "title",
    "url_path",
    "summary",
    "show_in_menu",
    "language",
    "translation_of_id",
)

# What a published page shows of itself, its reviewer and its hero image; the rest (schedule,
# menu order, status, the image's file...) is for editing, and stays deferred.
_PAGE_FIELDS = (
    "title",
    "seo_title",
    "menu_title",
    "meta_description",
    "parent_id",
    "url_path",
    "language",
    "translation_of_id",
    "medical_reviewer__name",
    "medical_reviewer__credentials",
    "last_reviewed_on",
    "next_review_due",
    "hero_image__alt_text",
    "hero_image__decorative",
    "hero_image__renditions",
    "first_published_at",
    "updated_at",
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
    "button_page",
)


def _loaded_in_model_order(model, names):
    # Model.from_db() takes the loaded fields in the model's own order.
    return tuple(
        field.attname
        for field in model._meta.get_fields()
        if field.concrete and field.attname in names
    )


# What a page shows of an image; its other fields stay deferred (reading one costs a query).
_IMAGE_FIELDS = _loaded_in_model_order(Image, {"id", "alt_text", "decorative", "renditions"})


@dataclass
class NavPage:
    """The few fields of a published page that menus, breadcrumbs and listings need."""

    pk: int
    parent_id: int | None
    label: str
    title: str
    url_path: str  # as stored, without the language's prefix
    summary: str
    show_in_menu: bool
    language: str
    translation_of_id: int | None
    url: str  # the public address: url_path under its language's prefix (/es/…)
    children: list["NavPage"] = field(default_factory=list)

    @property
    def translation_group(self):
        """The English source's number, shared by the source and its translations."""
        return self.translation_of_id or self.pk


class SiteTree:
    """Every published page, read in one query and linked in memory, seen in one language.

    A clinic site has tens of pages, not thousands, so one small query beats one per
    breadcrumb or listing. `by_pk` holds the live pages of every language (a link in a
    translation may still lead to an English page); menus, footer links and listings show the
    pages of the tree's language only.
    """

    def __init__(self, rows, *, language=SOURCE_LANGUAGE):
        self.language = language
        self.by_pk = {row.pk: row for row in rows}
        self._by_address = {(row.language, row.url_path): row for row in rows}
        self._groups = {}
        for row in rows:
            parent = self.by_pk.get(row.parent_id)
            if parent is not None:
                parent.children.append(row)
            self._groups.setdefault(row.translation_group, {})[row.language] = row

    @classmethod
    def load(cls, *, now=None, language=None):
        return cls.from_rows(_nav_rows(now=now), language=language)

    @classmethod
    def from_rows(cls, nav_rows, *, language=None):
        rows = [
            NavPage(
                pk=pk,
                parent_id=parent_id,
                label=menu_title or title,
                title=title,
                url_path=url_path,
                summary=summary,
                show_in_menu=show_in_menu,
                language=page_language,
                translation_of_id=translation_of_id,
                url=page_path(url_path, page_language),
            )
            for (
                pk,
                parent_id,
                menu_title,
                title,
                url_path,
                summary,
                show_in_menu,
                page_language,
                translation_of_id,
            ) in nav_rows
        ]
        return cls(rows, language=language or active_language())

    @classmethod
    def for_request(cls, request, *, now=None):
        """The tree, read once per request however many views and templates ask for it."""
        if getattr(request, "_site_tree", None) is None:
            _read_site_frame(request, now=now)
        return request._site_tree

    def _in_language(self, rows):
        return [row for row in rows if row.language == self.language]

    def page_at(self, url_path, language):
        """The live page at this address (as stored, without the language's prefix) in this
        language, or None."""
        return self._by_address.get((language, url_path))

    def menu(self):
        return [row for row in self._in_language(self.by_pk.values()) if row.show_in_menu]

    def home(self):
        """The live home page of the tree's language, or None."""
        return next(
            (row for row in self._in_language(self.by_pk.values()) if row.url_path == "/"), None
        )

    def footer_links(self):
        """The pages directly under the home page, the privacy notice among them."""
        home = self.home()
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

    def alternates(self, page):
        """The live versions of `page` in each language, itself included, in the order of
        settings.LANGUAGES: [(language, public address)]. Empty when the page has no live
        translation (nor source), as there is then nothing to point to."""
        group = (page.translation_of_id or page.pk) if page.pk else None
        versions = dict(self._groups.get(group, {}))
        if page.pk in self.by_pk:
            versions[page.language] = self.by_pk[page.pk]
        if len(versions) < 2:
            return []
        return [(code, versions[code].url) for code in language_codes() if code in versions]


def _nav_rows(*, now=None):
    return list(
        Page.objects.published(at=now).order_by("menu_order", "title").values_list(*_NAV_FIELDS)
    )


def _read_site_frame(request, *, now=None):
    """Give `request` the menus and the clinic's settings, which every page shows.

    Both come from one entry of the shared cache while nothing in this app changes
    (pages/cache.py, site_frame_cached), else from the database.
    """
    nav_rows, settings = site_frame_cached(lambda: (_nav_rows(now=now), site_settings()))
    request._site_tree = SiteTree.from_rows(nav_rows)
    request._site_settings = settings
    _last_known_frame.update(nav_rows=nav_rows, site_settings=settings)


def read_published_page(request, url_path):
    """The published page at this address (as stored, without the language's prefix) in the
    request's language, and its body blocks, or (None, []).

    Whether a live page is at this address is the site tree's answer: the tree holds every page
    `published()` lets the public see, read with the menus for this request, so a page and its
    menus agree on what is live, and an address without a live page costs no query. The page
    and its blocks are then read by the page's number, from the shared cache while nothing in
    this app changes (pages/cache.py, page_content_cached).
    """
    tree = SiteTree.for_request(request, now=timezone.now())
    live = tree.page_at(url_path, active_language())
    site_settings_for(request)
    if live is None:
        return None, []
    return page_content_cached(f"{_CONTENT_SHAPE}:{live.pk}", lambda: _page_and_body(live.pk))


def _page_and_body(pk):
    """The page with its reviewer and hero image in one query, and its body blocks in another."""
    page = (
        Page.objects.filter(pk=pk)
        .select_related("medical_reviewer", "hero_image")
        .only(*_PAGE_FIELDS)
        .first()
    )
    if page is None:  # deleted since the site tree was read
        return None, []
    return page, page_body(page)


def page_for_preview(pk):
    return Page.objects.select_related("medical_reviewer", "hero_image").filter(pk=pk).first()


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
    button_page_id: int | None
    image: Image | None


# Names what the shared cache keeps of a page (read_published_page), so a release that reads
# other fields never takes an entry of another shape for its own.
_CONTENT_SHAPE = hashlib.sha256(
    repr(
        (_PAGE_FIELDS, _BODY_BLOCK_FIELDS, _IMAGE_FIELDS, [f.name for f in fields(BodyBlock)])
    ).encode()
).hexdigest()[:12]


def page_body(page):
    """A page's blocks as the page shows them, in reading order, each image in the same query.

    Plain rows rather than Block instances (those are for editing: `page_blocks`): a long page
    has sixty blocks or more, and a model instance's upkeep buys a reader nothing.
    """
    rows = (
        Block.objects.filter(page_id=page.pk)
        .in_reading_order()
        .values_list(*_BODY_BLOCK_FIELDS, *(f"image__{name}" for name in _IMAGE_FIELDS))
    )
    image_starts = len(_BODY_BLOCK_FIELDS)
    return [
        BodyBlock(
            *row[:image_starts],
            image=None if row[image_starts] is None else _image_from_row(row[image_starts:]),
        )
        for row in rows
    ]


def blocks_linking_to_page(page):
    """The pages with a block linking to `page`: in text or list items (`[words](page:12)`) or
    by a call to action's button. For the editor deciding whether to unpublish or delete it."""
    code = f"(page:{page.pk})"  # the closing bracket keeps page:1 from matching page:12
    return (
        Page.objects.filter(
            Q(blocks__text__contains=code)
            | Q(blocks__items__contains=code)
            | Q(blocks__button_target=Block.Target.PAGE, blocks__button_page=page)
        )
        .exclude(pk=page.pk)
        .distinct()
        .order_by("url_path")
    )


def _image_from_row(values):
    # As a queryset builds a model from the columns it read: the others stay deferred.
    return Image.from_db(Image.objects.db, _IMAGE_FIELDS, values)


def site_settings():
    """The clinic's settings, created with their defaults the first time they are asked for."""
    return SiteSettings.get_solo()


def site_settings_for(request):
    """The clinic's settings, read once per request however many views and templates ask."""
    if getattr(request, "_site_settings", None) is None:
        _read_site_frame(request)
    return request._site_settings


# What this process last read of the menus and the clinic's settings: an error page shows them
# when the database cannot be asked (a 503 because it is down, a 500 whatever broke).
_last_known_frame = {}


def site_frame_for_error_page(request, *, ask_the_database):
    """Give `request` the menus and settings an error page shows, without ever raising.

    Read afresh when `ask_the_database` (a 404), else, or when that fails, the last ones this
    process read; a process that never read them gets the defaults (the clinic's name and
    notices, no phone number) and no menu.
    """
    if ask_the_database:
        try:
            SiteTree.for_request(request)
            site_settings_for(request)
            return
        except DatabaseError:
            pass
    request._site_tree = SiteTree.from_rows(_last_known_frame.get("nav_rows") or [])
    request._site_settings = _last_known_frame.get("site_settings") or SiteSettings()


def page_draft(page):
    """The published page's pending draft (PageDraft), or None."""
    return PageDraft.objects.filter(page_id=page.pk).select_related("saved_by").first()


@dataclass
class PageLinks:
    """What points readers to a page: told to an editor before the page is taken down."""

    menus: list[str]
    children: list[Page]
    linking_pages: list[Page]

    @property
    def is_empty(self):
        return not (self.menus or self.children or self.linking_pages)


def pages_linking_to(page):
    """The menus that list `page`, its sub-pages (which lose their parent in breadcrumbs and
    listings), and the other pages whose blocks link to it: by a stored page link or a call to
    action (blocks_linking_to_page), or by its address typed in their text."""
    menus = []
    if page.show_in_menu:
        menus.append("Main menu")
    if page.parent_id is not None and Page.objects.filter(pk=page.parent_id, url_path="/").exists():
        menus.append("Footer links (pages under the home page)")
    children = list(page.children.order_by("menu_order", "title"))
    linking_pages = []
    if page.url_path != "/":
        # The address itself, not a longer one it begins (a sub-page's address).
        exact = re.compile(re.escape(page.url_path) + r"(?![\w-])")
        text_fields = ("heading", "text", "items")
        contains = Q()
        for name in text_fields:
            contains |= Q(**{f"{name}__contains": page.url_path})
        candidates = (
            Block.objects.filter(contains)
            .exclude(page_id=page.pk)
            .values_list("page_id", *text_fields)
        )
        ids = {row[0] for row in candidates if any(exact.search(text) for text in row[1:])}
        linking_pages = list(Page.objects.filter(pk__in=ids).order_by("url_path"))
    by_link = list(blocks_linking_to_page(page))
    known = {linking.pk for linking in linking_pages}
    linking_pages += [linking for linking in by_link if linking.pk not in known]
    linking_pages.sort(key=lambda linking: linking.url_path)
    return PageLinks(menus=menus, children=children, linking_pages=linking_pages)


def page_tree_order():
    """Every page's place in the site's tree, read in one query: pk → (position, depth).

    Parents come before their sub-pages, and pages under one parent in menu order, then by
    title; depth is 0 for top-level pages. A clinic has tens of pages, so the tree is worked
    out here rather than stored.
    """
    rows = Page.objects.order_by("menu_order", "title", "pk").values_list("pk", "parent_id")
    children = {}
    for pk, parent_id in rows:
        children.setdefault(parent_id, []).append(pk)
    known = {pk for pk, _ in rows}
    roots = [pk for pk, parent_id in rows if parent_id is None or parent_id not in known]
    order = {}
    stack = [(pk, 0) for pk in reversed(roots)]
    while stack:
        pk, depth = stack.pop()
        if pk in order:
            continue
        order[pk] = (len(order), depth)
        stack.extend((child, depth + 1) for child in reversed(children.get(pk, [])))
    return order


@dataclass
class TranslationState:
    """A page of a translation pair as the admin shows it beside the other one."""

    page: Page
    older_than_source: bool


def _last_saved_at(page):
    """When the page, or its pending draft, was last saved."""
    draft_saved = PageDraft.objects.filter(page_id=page.pk).values_list("saved_at", flat=True)
    return max([page.updated_at, *draft_saved])


def translation_is_older_than_source(translation, source):
    """True when the source's published content changed after the translation was last
    saved (its rows or its pending draft): the translation may no longer say the same."""
    return source.updated_at > _last_saved_at(translation)


def page_translations(page):
    """For an English page: its translations, each with whether it is older than the page.
    For a translation: its source alone, with whether the translation is older than it."""
    if page.pk is None:
        return []
    if page.translation_of_id is not None:
        source = page.translation_of
        return [TranslationState(source, translation_is_older_than_source(page, source))]
    return [
        TranslationState(translation, translation_is_older_than_source(translation, page))
        for translation in page.translations.order_by("language")
    ]
