"""What patients read: pages made of ordered, typed blocks, and the clinic's site settings.

Every word on a public page comes from these models, so the clinic's editors can change it in
the admin without a deploy. Editor text is stored as typed: plain text with the small markup
of `richtext` (bold, italic, links), escaped and rendered by that module on output.
"""

import datetime

import reversion
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy
from solo.models import SingletonModel

from . import richtext
from .addresses import page_path
from .addresses import url as address
from .images import validate_image_upload
from .languages import SOURCE_LANGUAGE, active_language, language_name
from .redirects import redirect_record_move


class PageQuerySet(models.QuerySet):
    def published(self, *, at=None):
        """The only pages the public may see: views, menus, the sitemap and search start here.

        A published page is live between its publish-from and unpublish-at times, read against
        the clock at query time, so scheduled changes need no job to flip a flag.
        """
        now = at or timezone.now()
        return self.filter(
            Q(publish_at__isnull=True) | Q(publish_at__lte=now),
            Q(expire_at__isnull=True) | Q(expire_at__gt=now),
            status=Page.Status.PUBLISHED,
        )

    def next_scheduled_change(self, *, now=None):
        """When the set of live pages next changes by the clock alone, or None.

        A cached page or menu must not be kept past this moment: menus list every live page, so
        any page's publish-from or unpublish-at time can change any cached response.
        """
        now = now or timezone.now()
        upcoming = self.filter(status=Page.Status.PUBLISHED).aggregate(
            publish=models.Min("publish_at", filter=Q(publish_at__gt=now)),
            expire=models.Min("expire_at", filter=Q(expire_at__gt=now)),
        )
        moments = [moment for moment in upcoming.values() if moment is not None]
        return min(moments) if moments else None

    def review_due(self, *, on=None, within_days=None):
        """Pages whose next medical review is overdue or falls due within `within_days`."""
        today = on or timezone.localdate()
        if within_days is None:
            within_days = settings.MEDICAL_REVIEW_DUE_SOON_DAYS
        horizon = today + datetime.timedelta(days=within_days)
        return self.filter(next_review_due__lte=horizon).order_by("next_review_due", "title")


class Image(models.Model):
    """A picture for pages, stored without metadata and cut into sizes for every screen."""

    title = models.CharField(
        "name",
        max_length=200,
        help_text="To find the image in the admin, e.g. “Infusion room, daylight”. Not shown on the site.",
    )
    file = models.FileField(
        "image file",
        upload_to="images/uploads/",
        validators=[validate_image_upload],
        help_text=(
            "A JPEG, PNG or WebP photo or graphic. Location and camera details are removed "
            "on upload, and smaller copies are made for phones and tablets."
        ),
    )
    alt_text = models.CharField(
        "alt text",
        max_length=250,
        blank=True,
        help_text=(
            "What the image shows, for readers who cannot see it, e.g. “A nurse checks a "
            "patient's blood pressure in a quiet treatment room”. Required unless decorative."
        ),
    )
    decorative = models.BooleanField(
        "decorative only",
        default=False,
        help_text="Tick only if the image adds nothing to the text; screen readers then skip it.",
    )
    width = models.PositiveIntegerField("width (pixels)", default=0, editable=False)
    height = models.PositiveIntegerField("height (pixels)", default=0, editable=False)
    renditions = models.JSONField(
        "sizes made",
        default=list,
        editable=False,
        help_text="The WebP and JPEG/PNG copies made on upload, one pair per width.",
    )
    created_at = models.DateTimeField("uploaded", auto_now_add=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decorative=True) | ~Q(alt_text=""),
                name="image_alt_text_unless_decorative",
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if not self.decorative and not self.alt_text.strip():
            raise ValidationError(
                {
                    "alt_text": ValidationError(
                        "Describe the image for readers who cannot see it, or tick "
                        "“decorative only” if it adds nothing to the text.",
                        code="alt_text_missing",
                    )
                }
            )

    @property
    def alt(self):
        return "" if self.decorative else self.alt_text

    def rendition_for(self, width):
        """The smallest rendition at least `width` wide, else the largest there is."""
        ordered = sorted(self.renditions, key=lambda r: r["width"])
        return next((r for r in ordered if r["width"] >= width), ordered[-1] if ordered else None)


class MedicalReviewer(models.Model):
    """A clinician who checks pages for medical accuracy, named on the pages they review."""

    name = models.CharField(
        max_length=120,
        help_text="As it should appear on the page, e.g. “Dr. Jane Smith”.",
    )
    credentials = models.CharField(
        max_length=200,
        blank=True,
        help_text="Degrees and role, e.g. “MD, board-certified anesthesiologist”.",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = "medical reviewer"

    def __str__(self):
        return f"{self.name}, {self.credentials}" if self.credentials else self.name


class Page(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft (hidden from the public)"
        PUBLISHED = "published", "Published"

    title = models.CharField(
        "page heading",
        max_length=200,
        help_text="The main heading (H1) at the top of the page.",
    )
    seo_title = models.CharField(
        "title in search results",
        max_length=200,
        blank=True,
        help_text=(
            "Shown in the browser tab, search results and link previews. "
            "Leave blank to use the page heading."
        ),
    )
    meta_description = models.CharField(
        "summary for search results",
        max_length=300,
        blank=True,
        help_text="One or two plain sentences (about 150 characters) shown under the title in search results.",
    )
    slug = models.SlugField(
        "web address part",
        max_length=100,
        blank=True,
        help_text=(
            "Lowercase words joined by hyphens, e.g. “fibromyalgia”. Together with the parent "
            "page it makes the address: /conditions/fibromyalgia/. Leave blank only for the home page."
        ),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="parent page",
        null=True,
        blank=True,
        related_name="children",
        on_delete=models.PROTECT,
        help_text="The page this one sits under, e.g. “Conditions we treat”. Shapes the address and breadcrumbs.",
    )
    url_path = models.CharField(
        "address",
        max_length=500,
        editable=False,
        help_text=(
            "Worked out from the parent pages and the web address part. A translation's "
            "address is shown to the public under its language, e.g. /es/condiciones/."
        ),
    )
    language = models.CharField(
        "language",
        max_length=8,
        choices=settings.LANGUAGES,
        default=SOURCE_LANGUAGE,
        db_index=True,
        help_text=(
            "The language the page is written in. Its parent page must be in the same "
            "language; Spanish pages are shown at addresses starting with /es/."
        ),
    )
    translation_of = models.ForeignKey(
        "self",
        verbose_name="translation of",
        null=True,
        blank=True,
        related_name="translations",
        on_delete=models.SET_NULL,
        help_text=(
            "For a translation: the English page it translates. Visitors can switch between "
            "the two, and search engines learn they are the same page. Leave blank for an "
            "English page."
        ),
    )
    menu_order = models.PositiveSmallIntegerField(
        "order",
        default=100,
        help_text="Lower numbers come first in menus and listings.",
    )
    show_in_menu = models.BooleanField(
        "show in the main menu",
        default=False,
        help_text="Adds the page to the navigation at the top of every page.",
    )
    menu_title = models.CharField(
        "menu label",
        max_length=60,
        blank=True,
        help_text="A short label for menus and breadcrumbs. Leave blank to use the page heading.",
    )
    summary = models.CharField(
        "listing summary",
        max_length=300,
        blank=True,
        help_text="One sentence shown when this page is listed under its parent page.",
    )
    status = models.CharField(
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text="Only published pages are visible to the public. Drafts can be previewed by staff.",
    )
    publish_at = models.DateTimeField(
        "publish from",
        null=True,
        blank=True,
        help_text=(
            "Optional. A published page stays hidden until this time (clinic time, Central). "
            "Leave blank to show it as soon as it is published."
        ),
    )
    expire_at = models.DateTimeField(
        "unpublish at",
        null=True,
        blank=True,
        help_text=(
            "Optional. The page disappears from the site, menus, sitemap and search at this "
            "time. Must be later than “publish from”."
        ),
    )
    medical_reviewer = models.ForeignKey(
        MedicalReviewer,
        verbose_name="medically reviewed by",
        null=True,
        blank=True,
        related_name="pages",
        on_delete=models.PROTECT,
        help_text="The clinician who last checked this page for medical accuracy.",
    )
    last_reviewed_on = models.DateField(
        "last medical review",
        null=True,
        blank=True,
        help_text="The date the reviewer last checked this page.",
    )
    next_review_due = models.DateField(
        "next medical review due",
        null=True,
        blank=True,
        help_text=(
            "Leave blank to set it automatically one review interval (usually a year) "
            "after the last review."
        ),
    )
    hero_image = models.ForeignKey(
        Image,
        verbose_name="main image",
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.PROTECT,
        help_text="Optional. Shown under the page heading and in link previews on social media.",
    )
    reading_ease = models.FloatField(
        "reading ease",
        null=True,
        blank=True,
        editable=False,
        help_text=(
            "Flesch reading-ease score of the page's text at its last save in the admin: 60 or "
            "more reads as plain English."
        ),
    )
    first_published_at = models.DateTimeField(
        "first published",
        null=True,
        blank=True,
        editable=False,
    )
    content_key = models.CharField(
        "starting content",
        max_length=100,
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text=(
            "The item of the clinic's starting content this page was loaded from, if any. "
            "Loading the starting content again never touches or recreates it."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField("last updated", auto_now=True)

    objects = PageQuerySet.as_manager()

    class Meta:
        ordering = ["menu_order", "title"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(slug="") | Q(parent__isnull=True),
                name="page_slug_required_below_home",
            ),
            models.UniqueConstraint(
                fields=["language", "slug"],
                condition=Q(parent__isnull=True),
                name="page_unique_top_level_slug",
            ),
            models.UniqueConstraint(
                fields=["language", "url_path"], name="page_unique_address_per_language"
            ),
            # A translation's source is an English page (checked in clean()), so a
            # translation is never English itself.
            models.CheckConstraint(
                condition=Q(translation_of__isnull=True) | ~Q(language=SOURCE_LANGUAGE),
                name="page_translation_not_in_source_language",
            ),
            models.UniqueConstraint(
                fields=["translation_of", "language"],
                name="page_one_translation_per_language",
            ),
            models.UniqueConstraint(fields=["parent", "slug"], name="page_unique_slug_in_parent"),
            models.CheckConstraint(
                condition=Q(publish_at__isnull=True)
                | Q(expire_at__isnull=True)
                | Q(publish_at__lt=models.F("expire_at")),
                name="page_publish_before_expiry",
            ),
            models.CheckConstraint(
                condition=Q(last_reviewed_on__isnull=True)
                | Q(next_review_due__isnull=True)
                | Q(next_review_due__gt=models.F("last_reviewed_on")),
                name="page_review_due_after_last_review",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.status == self.Status.PUBLISHED and self.first_published_at is None:
            self.first_published_at = timezone.now()
        if self.last_reviewed_on and not self.next_review_due:
            self.next_review_due = self.default_next_review_due()
        old_path = self.url_path
        self.url_path = self.build_url_path()
        super().save(*args, **kwargs)
        if old_path and old_path != self.url_path:
            self.moved_from(old_path)

    def get_absolute_url(self):
        """The page's public address, with its language's prefix (/es/…) when not English."""
        return page_path(self.url_path, self.language)

    @property
    def is_translation(self):
        return self.translation_of_id is not None

    def moved_from(self, old_path):
        """After a change of address: redirect the old one if the public knew it, then the
        sub-pages follow (each making its own redirect)."""
        if self.is_published and old_path != self.url_path:
            redirect_record_move(
                old_path=page_path(old_path, self.language),
                new_path=page_path(self.url_path, self.language),
            )
        for child in self.children.all():
            child.save()

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED

    def visibility(self, *, at=None):
        """Where the page stands for the public right now: draft, scheduled, live or expired."""
        now = at or timezone.now()
        if not self.is_published:
            return "draft"
        if self.publish_at and self.publish_at > now:
            return "scheduled"
        if self.expire_at and self.expire_at <= now:
            return "expired"
        return "live"

    @property
    def is_live(self):
        return self.visibility() == "live"

    @property
    def medical_review_recorded(self):
        return self.medical_reviewer_id is not None and self.last_reviewed_on is not None

    def default_next_review_due(self):
        interval = datetime.timedelta(days=settings.MEDICAL_REVIEW_INTERVAL_DAYS)
        return self.last_reviewed_on + interval

    @property
    def document_title(self):
        return self.seo_title or self.title

    @property
    def label(self):
        return self.menu_title or self.title

    def build_url_path(self):
        if self.parent_id is None:
            return f"/{self.slug}/" if self.slug else "/"
        return f"{self.parent.url_path}{self.slug}/"

    def clean(self):
        super().clean()
        self._clean_schedule_and_review()
        if self.parent_id is not None and not self.slug:
            raise ValidationError(
                {"slug": "Every page below the home page needs a web address part."}
            )
        self._clean_language()
        ancestor = self.parent
        while ancestor is not None:
            if self.pk and ancestor.pk == self.pk:
                raise ValidationError(
                    {"parent": "A page cannot sit under itself or its own sub-pages."}
                )
            ancestor = ancestor.parent
        reserved = {
            "admin",
            "consultation",
            "static",
            "media",
            "sitemap.xml",
            "robots.txt",
            "preview",
            "search",
            "language",
            *(code for code, _name in settings.LANGUAGES),
        }
        if self.parent_id is None and self.slug in reserved:
            raise ValidationError({"slug": "This address is used by another part of the site."})

    def _clean_language(self):
        """A page sits among pages of its own language; a translation names an English page,
        and each English page has at most one translation per language."""
        errors = {}
        if self.parent_id is not None and self.parent.language != self.language:
            errors["parent"] = ValidationError(
                f"The parent page “{self.parent}” is in {language_name(self.parent.language)}, "
                f"but this page is in {language_name(self.language)}: choose a parent page in "
                f"{language_name(self.language)}.",
                code="parent_other_language",
            )
        if self.pk and self.language != SOURCE_LANGUAGE and self.translations.exists():
            errors["language"] = ValidationError(
                "Other pages are translations of this one, so it must stay in English.",
                code="source_not_english",
            )
        if self.pk and self.children.exclude(language=self.language).exists():
            errors["language"] = ValidationError(
                "This page's sub-pages are in another language: a page and its sub-pages share "
                "a language.",
                code="children_other_language",
            )
        source = self.translation_of
        if source is not None:
            if self.language == SOURCE_LANGUAGE:
                errors["translation_of"] = ValidationError(
                    "An English page is not a translation: clear this field, or set the "
                    "page's language to the one it is written in.",
                    code="translation_in_source_language",
                )
            elif source.language != SOURCE_LANGUAGE or source.translation_of_id is not None:
                errors["translation_of"] = ValidationError(
                    f"Choose the English page this one translates: “{source}” is not English.",
                    code="source_not_english",
                )
            elif (
                Page.objects.filter(translation_of=source, language=self.language)
                .exclude(pk=self.pk)
                .exists()
            ):
                errors["translation_of"] = ValidationError(
                    f"“{source}” already has a {language_name(self.language)} translation.",
                    code="translation_exists",
                )
        if errors:
            raise ValidationError(errors)

    def _clean_schedule_and_review(self):
        errors = {}
        if self.publish_at and self.expire_at and self.publish_at >= self.expire_at:
            errors["publish_at"] = ValidationError(
                "The page would be unpublished before it is published: choose a “publish from” "
                "time earlier than “unpublish at”, or clear one of them.",
                code="publish_after_expiry",
            )
        if self.last_reviewed_on and self.medical_reviewer_id is None:
            errors["medical_reviewer"] = ValidationError(
                "Say who reviewed the page on this date.", code="reviewer_missing"
            )
        if self.medical_reviewer_id is not None and not self.last_reviewed_on:
            errors["last_reviewed_on"] = ValidationError(
                "Enter the date of the review.", code="review_date_missing"
            )
        if self.last_reviewed_on and self.last_reviewed_on > timezone.localdate():
            errors["last_reviewed_on"] = ValidationError(
                "A review date cannot be in the future.", code="review_in_future"
            )
        if (
            self.last_reviewed_on
            and self.next_review_due
            and self.next_review_due <= self.last_reviewed_on
        ):
            errors["next_review_due"] = ValidationError(
                "The next review must fall after the last one. Clear this field to use the "
                "usual interval.",
                code="review_due_before_review",
            )
        if errors:
            raise ValidationError(errors)


class BlockQuerySet(models.QuerySet):
    def in_reading_order(self):
        return self.order_by("position", "pk")


# Shown to readers, in their language, where the editor left the title blank.
KEY_POINTS_TITLE = gettext_lazy("Key points")
REFERENCES_TITLE = gettext_lazy("References")

# Where the markup of `richtext` (bold, italic, links) is read: every block's text and items.
RICH_TEXT_FIELDS = ("text", "items")


class BlockContent:
    """What a block shows, read from its fields: shared by the Block model (admin, preview) and
    the plain rows public pages are read into (selectors.BodyBlock)."""

    @property
    def item_list(self):
        return [line.strip() for line in self.items.splitlines() if line.strip()]

    @property
    def plain_text(self):
        """The text as a reader sees it, without markup."""
        return richtext.plain_text(self.text)

    @property
    def plain_item_list(self):
        return [richtext.plain_text(item) for item in self.item_list]

    @property
    def reference_list(self):
        return [richtext.reference(item) for item in self.item_list]

    def target_url(self, pages):
        """Where a call to action's button leads: the consultation form, or a page of the site
        if it is live (`pages`: the live pages by number), else "" (no button)."""
        if self.button_target == self.Target.CONSULTATION_REQUEST:
            return address("consultations:request_create")
        if self.button_target == self.Target.PAGE:
            page = pages.get(self.button_page_id)
            return page.url if page is not None else ""
        return ""

    @property
    def starts_section(self):
        """Sections listed under “On this page”: H2 headings, references lists (under their
        own H2) and titled calls to action."""
        if self.kind == self.Kind.HEADING:
            return self.heading_level == self.Level.H2
        if self.kind == self.Kind.REFERENCES:
            return True
        return self.kind == self.Kind.CALL_TO_ACTION and bool(self.heading)

    @property
    def takes_anchor(self):
        return self.kind in (self.Kind.HEADING, self.Kind.KEY_POINTS) or self.starts_section

    @property
    def is_key_points(self):
        return self.kind == self.Kind.KEY_POINTS

    @property
    def title_or_default(self):
        """A key points box's or references list's title: the editor's, or the plain default."""
        if self.heading:
            return self.heading
        return REFERENCES_TITLE if self.kind == self.Kind.REFERENCES else KEY_POINTS_TITLE


# The fields each kind of block uses; the block editor shows only these. A kind not listed
# here shows them all.
BLOCK_KIND_FIELDS = {
    "heading": ("heading_level", "heading", "anchor"),
    "paragraph": ("text",),
    "list": ("text", "items"),
    "faq": ("heading", "text"),
    "cta": ("heading", "text", "button_label", "button_target", "button_page"),
    "callout": ("heading", "text"),
    "contact": (),
    "image": ("image", "text"),
    "key_points": ("heading", "anchor", "items"),
    "references": ("heading", "anchor", "items"),
}


class Block(BlockContent, models.Model):
    """One piece of a page body. Which fields a block uses depends on its kind."""

    class Kind(models.TextChoices):
        HEADING = "heading", "Heading"
        PARAGRAPH = "paragraph", "Paragraph"
        LIST = "list", "Bulleted list"
        FAQ = "faq", "FAQ: question and answer"
        CALL_TO_ACTION = "cta", "Call to action"
        CALLOUT = "callout", "Callout (notice or disclaimer)"
        CONTACT = "contact", "Clinic contact details (from site settings)"
        IMAGE = "image", "Image"
        KEY_POINTS = "key_points", "Key points (short list in a box under the page heading)"
        REFERENCES = "references", "References (numbered list of sources)"

    class Level(models.IntegerChoices):
        H2 = 2, "Section heading (H2)"
        H3 = 3, "Sub-heading (H3)"

    class Target(models.TextChoices):
        CONSULTATION_REQUEST = "consultation", "Consultation request form"
        PAGE = "page", "A page of this site"

    page = models.ForeignKey(Page, related_name="blocks", on_delete=models.CASCADE)
    position = models.PositiveIntegerField("order", default=0, db_index=True)
    kind = models.CharField(
        max_length=12,
        choices=Kind.choices,
        default=Kind.PARAGRAPH,
        help_text="What this block is. Each kind uses the fields named in their help texts.",
    )
    heading_level = models.PositiveSmallIntegerField(
        "heading level",
        choices=Level.choices,
        null=True,
        blank=True,
        help_text="Headings only: H2 starts a section (listed under “On this page”); H3 sits inside one.",
    )
    heading = models.CharField(
        "heading or question",
        max_length=300,
        blank=True,
        help_text=(
            "Heading: its text. FAQ: the question. Call to action and callout: an optional title. "
            "Key points and references: an optional title (“Key points” or “References” when "
            "blank)."
        ),
    )
    anchor = models.SlugField(
        "link anchor",
        max_length=80,
        blank=True,
        help_text=(
            "Headings only: the part after # in links to this section. Filled in from the "
            "heading the first time; keep it unchanged so existing links keep working."
        ),
    )
    text = models.TextField(
        "text",
        blank=True,
        help_text=(
            "Paragraph: the paragraph. Bulleted list: an optional sentence introducing the list. "
            "FAQ: the answer. Call to action and callout: the message. Image: an optional caption. "
            "Write **bold**, *italic* and links: [words](https://…), [words](page:12) for a "
            "page of this site, [words](tel:+15125550123), [words](mailto:…)."
        ),
    )
    items = models.TextField(
        "list items",
        blank=True,
        help_text=(
            "Bulleted lists and key points only: one item per line. Key points are three to "
            "five short, plain sentences that sum up the page; put the block first so it "
            "shows under the page heading. References: one source per line, its https:// "
            "address (if any) at the end of the line. Bold, italic and links as in “text”."
        ),
    )
    button_label = models.CharField(
        "button label",
        max_length=80,
        blank=True,
        help_text="Call to action only: the words on the button, e.g. “Request a confidential consultation”.",
    )
    button_target = models.CharField(
        "button leads to",
        max_length=20,
        choices=Target.choices,
        blank=True,
        help_text="Call to action only: where the button takes the reader.",
    )
    button_page = models.ForeignKey(
        Page,
        verbose_name="page the button leads to",
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
        help_text=(
            "Call to action leading to a page of this site: the page. The button follows the "
            "page if its address changes, and is left out while the page is not published."
        ),
    )

    image = models.ForeignKey(
        Image,
        verbose_name="image",
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.PROTECT,
        help_text="Image blocks only: the picture to show. Its caption goes in “text”.",
    )

    objects = BlockQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]
        # A page's blocks are read in reading order on every visit: the index hands them over
        # already sorted instead of the database sorting them each time.
        indexes = [models.Index(fields=["page", "position", "id"], name="block_reading_order")]
        constraints = [
            models.UniqueConstraint(
                fields=["page", "anchor"],
                condition=~Q(anchor=""),
                name="block_unique_anchor_per_page",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {(self.heading or self.plain_text)[:60]}"

    def save(self, *args, **kwargs):
        if self.takes_anchor and not self.anchor:
            fallback = {
                self.Kind.KEY_POINTS: "key-points",
                self.Kind.REFERENCES: "references",
            }.get(self.kind, "section")
            self.anchor = self._free_anchor(slugify(self.heading)[:70] or fallback)
        super().save(*args, **kwargs)

    def clean(self):
        """Refuse blocks that would render broken, with the message beside the field at fault."""
        super().clean()
        errors = {}
        kind = self.kind
        if kind == self.Kind.HEADING:
            if not self.heading.strip():
                errors["heading"] = "A heading needs its text."
            if self.heading_level is None:
                errors["heading_level"] = "Choose H2 for a section or H3 for a sub-heading."
        elif self.heading_level is not None:
            errors["heading_level"] = "Only headings have a level; clear this field."
        if kind == self.Kind.PARAGRAPH and not self.text.strip():
            errors["text"] = "A paragraph needs some text."
        if kind == self.Kind.LIST and not self.item_list:
            errors["items"] = "A bulleted list needs at least one item (one per line)."
        if kind == self.Kind.KEY_POINTS and not self.item_list:
            errors["items"] = "Key points need at least one point (one per line)."
        if kind == self.Kind.REFERENCES and not self.item_list:
            errors["items"] = "A references list needs at least one source (one per line)."
        if kind not in (self.Kind.LIST, self.Kind.KEY_POINTS, self.Kind.REFERENCES) and (
            self.items.strip()
        ):
            errors["items"] = (
                "Only bulleted lists, key points and references have items; clear this field."
            )
        if kind == self.Kind.FAQ:
            if not self.heading.strip():
                errors["heading"] = "An FAQ needs its question."
            if not self.text.strip():
                errors["text"] = "An FAQ needs an answer to its question."
        if kind == self.Kind.CALL_TO_ACTION:
            if not self.button_label.strip():
                errors["button_label"] = "A call to action needs the words for its button."
            if not self.button_target:
                errors["button_target"] = "Choose where the button leads."
            elif self.button_target == self.Target.PAGE and self.button_page_id is None:
                errors["button_page"] = "Choose the page the button leads to."
        if self.button_target != self.Target.PAGE:
            # The page is kept only while the button leads to one.
            self.button_page = None
        if kind == self.Kind.CALLOUT and not self.text.strip():
            errors["text"] = "A callout needs its message."
        if kind == self.Kind.IMAGE and self.image_id is None:
            errors["image"] = "Choose the image to show."
        if kind != self.Kind.IMAGE and self.image_id is not None:
            errors["image"] = "Only image blocks show an image; clear this field."
        for name, problems in self._link_problems().items():
            errors.setdefault(name, []).extend(problems)
        if errors:
            raise ValidationError(errors)

    def _link_problems(self):
        """Links the editor may not use, by field: schemes other than https, tel: and mailto:,
        and pages that do not exist."""
        found, page_ids = {}, {}
        for name in RICH_TEXT_FIELDS:
            problems, ids = richtext.link_problems(getattr(self, name))
            if self.kind == self.Kind.REFERENCES and name == "items":
                problems += richtext.reference_problems(self.item_list)
            found[name] = [ValidationError(p, code="link_not_allowed") for p in problems]
            page_ids[name] = ids
        wanted = set().union(*page_ids.values())
        existing = (
            set(Page.objects.filter(pk__in=wanted).values_list("pk", flat=True))
            if wanted
            else set()
        )
        for name, ids in page_ids.items():
            for missing in sorted(ids - existing):
                found[name].append(
                    ValidationError(
                        f"There is no page with the code page:{missing}: choose a page from "
                        "the list of pages and copy its code.",
                        code="link_to_missing_page",
                    )
                )
        return {name: problems for name, problems in found.items() if problems}

    def _free_anchor(self, base):
        """`base`, or `base-2`, `base-3`… when another block of the page already uses it."""
        taken = set(
            Block.objects.filter(page_id=self.page_id, anchor__startswith=base)
            .exclude(pk=self.pk)
            .values_list("anchor", flat=True)
        )
        candidate, number = base, 1
        while candidate in taken:
            number += 1
            candidate = f"{base}-{number}"
        return candidate


class LoadedContent(models.Model):
    """An item of the clinic's starting content that has been loaded once.

    Kept after the page itself is deleted, so that loading the starting content again never
    brings back a page the editors removed.
    """

    key = models.CharField(
        max_length=100,
        unique=True,
        help_text="The item's name in pages/content/, e.g. “privacy”.",
    )
    loaded_at = models.DateTimeField("loaded", auto_now_add=True)

    class Meta:
        ordering = ["key"]
        verbose_name = "loaded starting content"
        verbose_name_plural = "loaded starting content"

    def __str__(self):
        return self.key


class SiteSettings(SingletonModel):
    """The clinic's details, shown in the header, footer, contact block and search data."""

    clinic_name = models.CharField(
        max_length=120,
        default="Texas Ketamine & Wellness Center",
        help_text="The clinic's name as patients should see it.",
    )
    street_address = models.CharField(max_length=200, blank=True, help_text="Street and number.")
    locality = models.CharField("city", max_length=100, blank=True)
    region = models.CharField("state", max_length=50, blank=True, default="TX")
    postal_code = models.CharField("ZIP code", max_length=20, blank=True)
    phone = models.CharField(
        max_length=40,
        blank=True,
        help_text="The number patients call, written as it should appear, e.g. (512) 555-0123.",
    )
    email = models.EmailField("e-mail", blank=True, help_text="The clinic's public e-mail address.")
    hours = models.TextField(
        "opening hours",
        blank=True,
        help_text="One line per day or range, e.g. “Monday–Friday: 8 am – 5 pm”.",
    )
    emergency_notice = models.TextField(
        max_length=500,
        default=(
            "This website is not for emergencies. If you are in danger, call 911. "
            "If you are in crisis, call or text 988 (Suicide & Crisis Lifeline)."
        ),
        help_text="Shown in the footer of every page and beside the consultation form.",
    )
    medical_disclaimer = models.TextField(
        max_length=1000,
        default=(
            "The information on this website is general education, not medical advice. "
            "Talk with a physician about your own situation."
        ),
        help_text="Shown in the footer of every page.",
    )
    hours_es = models.TextField(
        "opening hours in Spanish",
        blank=True,
        help_text=(
            "The opening hours as Spanish pages show them, one line per day or range, e.g. "
            "“Lunes a viernes: 8:00 a. m. – 5:00 p. m.”. Leave blank to show the English ones."
        ),
    )
    emergency_notice_es = models.TextField(
        "emergency notice in Spanish",
        max_length=500,
        blank=True,
        help_text=(
            "The emergency notice on Spanish pages and in messages to Spanish-speaking "
            "patients. Leave blank to show the English one."
        ),
    )
    medical_disclaimer_es = models.TextField(
        "medical disclaimer in Spanish",
        max_length=1000,
        blank=True,
        help_text="The disclaimer in the footer of Spanish pages. Leave blank to show the English one.",
    )

    # The texts written once per language: the English field, and `<name>_<language>` beside it.
    TRANSLATED_FIELDS = ("hours", "emergency_notice", "medical_disclaimer")

    class Meta:
        verbose_name = "site settings"

    def __str__(self):
        return "Site settings"

    @property
    def address_lines(self):
        city_line = " ".join(
            p
            for p in [f"{self.locality}," if self.locality else "", self.region, self.postal_code]
            if p
        )
        return [line for line in [self.street_address, city_line.strip(" ,")] if line]

    @property
    def hours_lines(self):
        return [line.strip() for line in self.hours.splitlines() if line.strip()]

    def in_language(self, name, language=None):
        """One of TRANSLATED_FIELDS in `language` (the request's when None), the English text
        when no translation was entered."""
        if name not in self.TRANSLATED_FIELDS:
            raise ValueError(f"{name} is not a translated site setting")
        language = language or active_language()
        if language != SOURCE_LANGUAGE:
            text = getattr(self, f"{name}_{language}", "")
            if text.strip():
                return text
        return getattr(self, name)

    @property
    def local_emergency_notice(self):
        """The emergency notice in the language of the page being shown."""
        return self.in_language("emergency_notice")

    @property
    def local_medical_disclaimer(self):
        return self.in_language("medical_disclaimer")

    @property
    def local_hours_lines(self):
        """The opening hours in the language of the page being shown (hours_lines, which
        structured data reads, stay English)."""
        return [line.strip() for line in self.in_language("hours").splitlines() if line.strip()]

    @property
    def phone_href(self):
        digits = "".join(c for c in self.phone if c.isdigit() or c == "+")
        return f"tel:{digits}" if digits else ""


# Every save of a page through the admin is a revision holding the page and all its blocks.
reversion.register(Block)
reversion.register(Page, follow=["blocks"])


def _draft_fields(model, leave_out):
    """The fields of `model` an editor's draft holds: what the admin lets them change."""
    return tuple(
        field
        for field in model._meta.concrete_fields
        if field.editable and not field.primary_key and field.name not in leave_out
    )


class PageDraft(models.Model):
    """Changes to a published page, saved but not yet live.

    The page's own row and blocks stay the live version: everything the public reads (the
    page, menus, sitemap, search, JSON-LD, the page cache) keeps reading them, unchanged,
    until the draft is published onto them. The status is not part of a draft: taking a page
    down is “Unpublish”, which asks first.
    """

    page = models.OneToOneField(
        Page,
        verbose_name="page",
        related_name="pending_draft",
        on_delete=models.CASCADE,
        help_text="The published page these changes are for.",
    )
    content = models.JSONField(
        "changed content",
        encoder=DjangoJSONEncoder,
        help_text="The page's details and blocks as last saved in the admin, not yet live.",
    )
    publish_at = models.DateTimeField(
        "publish the changes at",
        null=True,
        blank=True,
        db_index=True,
        help_text=(
            "Optional. The changes go live at this time (clinic time, Central). Leave blank to "
            "publish them yourself with “Publish changes”."
        ),
    )
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="saved by",
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
        help_text="The editor who last saved the changes.",
    )
    saved_at = models.DateTimeField(
        "saved",
        default=timezone.now,
        help_text="When the changes were last saved.",
    )

    # Not shown to the public: saving or dropping a draft leaves cached pages as they are.
    affects_public_pages = False

    class Meta:
        verbose_name = "draft of a published page"

    def __str__(self):
        return f"Changes to “{self.page}”"


# What a draft holds: every field the editor changes, except the page's status.
PAGE_DRAFT_FIELDS = _draft_fields(Page, {"status"})
BLOCK_DRAFT_FIELDS = _draft_fields(Block, {"page"})
