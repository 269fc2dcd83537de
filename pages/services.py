"""Writes to pages that follow a rule. Editors' own edits go through the admin."""

import datetime
import logging
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import reversion
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import DatabaseError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from reversion.models import Version

from . import checks, drafts, images, revisions, selectors
from .languages import SOURCE_LANGUAGE, language_codes
from .models import (
    BLOCK_DRAFT_FIELDS,
    PAGE_DRAFT_FIELDS,
    Block,
    Image,
    LoadedContent,
    Page,
    PageDraft,
    SiteSettings,
)
from .roles import CONTENT_EDITOR

logger = logging.getLogger(__name__)

CONTENT_DIR = Path(__file__).resolve().parent / "content"

_PAGE_FIELDS = (
    "title",
    "seo_title",
    "meta_description",
    "menu_title",
    "summary",
    "menu_order",
    "show_in_menu",
)
_BLOCK_FIELDS = ("heading", "text", "button_label", "button_target")


LOADED_COMMENT = "Loaded the clinic's starting content."


@dataclass
class ContentLoadReport:
    created: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    # Loaded once before and deleted by the editors since: not brought back.
    deleted: list[str] = field(default_factory=list)
    # Their parent page is gone or was never loaded: nothing to put them under.
    skipped: list[str] = field(default_factory=list)


def read_page_file(path):
    with open(path, "rb") as handle:
        return tomllib.load(handle)


def content_key(path):
    """A content file's stable name: its file name without the ordering number
    (`50-privacy.toml` → `privacy`)."""
    stem = Path(path).stem
    number, _, name = stem.partition("-")
    return name if number.isdigit() and name else stem


@transaction.atomic
def clinic_content_load(*, content_dir=CONTENT_DIR):
    """Create the clinic's starting pages and settings, each item once in the database's life.

    A loaded page is marked with its content key and the key is remembered, so a page the
    editors renamed, moved or deleted is never loaded again: loading twice changes nothing
    and duplicates nothing. Pages loaded before keys existed are matched once, by the address
    they were loaded at (read from their first revision), else by their address now.

    The translations under `es/` come after the English pages they translate, with keys of
    their own (`es/privacy`); each names its English source by address (`translation_of`).
    """
    report = ContentLoadReport()
    if SiteSettings.objects.exists():
        report.kept.append("site settings")
    else:
        with open(content_dir / "site.toml", "rb") as handle:
            SiteSettings.objects.create(**tomllib.load(handle))
        report.created.append("site settings")

    legacy = _loaded_before_keys() if Page.objects.filter(content_key__isnull=True).exists() else {}
    _load_page_files(content_dir / "pages", SOURCE_LANGUAGE, report, legacy=legacy)
    for language in language_codes():
        if language == SOURCE_LANGUAGE or not (content_dir / language).is_dir():
            continue
        _load_site_settings_translation(content_dir / language / "site.toml", language, report)
        _load_page_files(content_dir / language / "pages", language, report, legacy={})
    return report


def _language_key(language, key):
    return key if language == SOURCE_LANGUAGE else f"{language}/{key}"


def _load_site_settings_translation(path, language, report):
    """Fill the site settings' `<field>_<language>` texts from `path`, once, and only those
    the editors have left empty."""
    key = f"{language}/site settings"
    if not path.exists():
        return
    if LoadedContent.objects.filter(key=key).exists():
        report.kept.append(key)
        return
    with open(path, "rb") as handle:
        data = tomllib.load(handle)
    site = SiteSettings.get_solo()
    filled = []
    for name in SiteSettings.TRANSLATED_FIELDS:
        field_name = f"{name}_{language}"
        if name in data and not getattr(site, field_name, "").strip():
            setattr(site, field_name, data[name])
            filled.append(field_name)
    if filled:
        site.save(update_fields=filled)
    LoadedContent.objects.create(key=key)
    (report.created if filled else report.kept).append(key)


def _load_page_files(directory, language, report, *, legacy):
    loaded = set(LoadedContent.objects.values_list("key", flat=True))
    keys_by_address = {}
    for path in sorted(directory.glob("*.toml")):
        data = read_page_file(path)
        key = _language_key(language, content_key(path))
        parent_address = data.get("parent")
        address = f"{parent_address}{data['slug']}/" if parent_address else "/"
        keys_by_address[address] = key
        if key in loaded:
            gone = not Page.objects.filter(content_key=key).exists()
            (report.deleted if gone else report.kept).append(key)
            continue
        outcome = _adopt_loaded_before_keys(key, address, language, legacy)
        if outcome is not None:
            LoadedContent.objects.create(key=key)
            getattr(report, outcome).append(key)
            continue
        parent = None
        if parent_address:
            parent = _loaded_page(keys_by_address.get(parent_address), parent_address, language)
            if parent is None:
                report.skipped.append(key)
                continue
        source = None
        if data.get("translation_of"):
            source = Page.objects.filter(
                language=SOURCE_LANGUAGE,
                translation_of__isnull=True,
                url_path=data["translation_of"],
            ).first()
            if source is not None and source.translations.filter(language=language).exists():
                source = None  # the editors gave it another translation: leave that one be
        # One revision per page, so the page's history starts with the loaded copy.
        with reversion.create_revision(atomic=False):
            reversion.set_comment(LOADED_COMMENT)
            page = Page.objects.create(
                parent=parent,
                slug=data["slug"],
                status=Page.Status.PUBLISHED,
                content_key=key,
                language=language,
                translation_of=source,
                **{name: data[name] for name in _PAGE_FIELDS if name in data},
            )
            for position, block_data in enumerate(data.get("blocks", [])):
                _block_from_content(page, position, block_data).save()
        LoadedContent.objects.create(key=key)
        report.created.append(key)


def _loaded_page(key, address, language=SOURCE_LANGUAGE):
    """The page loaded from `key` wherever it is now; else, for a key never recorded, the page
    at `address` in `language`."""
    page = Page.objects.filter(content_key=key).first() if key else None
    if page is None and key not in set(LoadedContent.objects.values_list("key", flat=True)):
        page = Page.objects.filter(url_path=address, language=language).first()
    return page


def _loaded_before_keys():
    """Address at load time → page id, for every page loaded before content keys existed,
    deleted ones included (their revisions outlive them)."""
    found = {}
    versions = (
        Version.objects.get_for_model(Page)
        .filter(revision__comment=LOADED_COMMENT)
        .order_by("revision__date_created", "pk")
    )
    for version in versions:
        found.setdefault(version.field_dict.get("url_path"), version.object_id)
    return found


def _adopt_loaded_before_keys(key, address, language, legacy):
    """Match a page loaded before keys existed, once: "kept" (now marked with its key),
    "deleted" (loaded once and deleted since), or None (never loaded: load it)."""
    if address in legacy:
        page = Page.objects.filter(pk=legacy[address], content_key__isnull=True).first()
        if page is None:
            return "deleted"
    else:
        page = Page.objects.filter(
            url_path=address, language=language, content_key__isnull=True
        ).first()
        if page is None:
            return None
    Page.objects.filter(pk=page.pk).update(content_key=key)
    return "kept"


def _block_from_content(page, position, data):
    block = Block(
        page=page,
        position=position,
        kind=data["kind"],
        heading_level=data.get("level"),
        items="\n".join(data.get("items", [])),
        **{name: data[name] for name in _BLOCK_FIELDS if name in data},
    )
    block.full_clean()
    return block


@dataclass
class ContentReviewReport:
    due: list
    never_reviewed: list
    recipients: list[str]

    @property
    def is_empty(self):
        return not self.due and not self.never_reviewed


def content_review_report_build(*, today=None):
    today = today or timezone.localdate()
    recipients = sorted(
        get_user_model()
        .objects.filter(groups__name=CONTENT_EDITOR, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
    return ContentReviewReport(
        due=list(selectors.pages_due_for_review(on=today)),
        never_reviewed=list(selectors.published_pages_never_reviewed()),
        recipients=recipients,
    )


def content_review_report_send(*, today=None):
    """Mail the content editors the pages whose medical review is overdue or due soon.

    Pages only, never anything about patients. Nothing is sent when no page needs attention or
    no content editor has an e-mail address; the returned report says which.
    """
    today = today or timezone.localdate()
    report = content_review_report_build(today=today)
    if report.is_empty or not report.recipients:
        return report
    body = render_to_string(
        "pages/email/content_review_report.txt",
        {
            "report": report,
            "today": today,
            "site_url": settings.SITE_URL.rstrip("/"),
            "admin_url": settings.SITE_URL.rstrip("/") + "/" + settings.ADMIN_URL,
            "soon_days": settings.MEDICAL_REVIEW_DUE_SOON_DAYS,
        },
    )
    subject = f"Medical review: {len(report.due)} page(s) overdue or due soon"
    send_mail(subject, body, None, report.recipients)
    return report


def image_save(*, image):
    """Save an image; a new upload is first stripped of metadata and cut into renditions.

    Renditions are made once, here, never on a page view. Files a new upload replaces are
    deleted after the transaction commits.
    """
    replaced = None
    if _is_new_upload(image):
        if image.pk:
            replaced = Image.objects.filter(pk=image.pk).values_list("file", "renditions").first()
        processed = images.process_upload(image.file.file)
        image.file = processed.name
        image.width, image.height = processed.width, processed.height
        image.renditions = processed.renditions
    image.save()
    if replaced:
        transaction.on_commit(lambda: images.delete_files(*replaced))
    return image


def _is_new_upload(image):
    if not image.file:
        return False
    if image.pk:
        stored_name = Image.objects.filter(pk=image.pk).values_list("file", flat=True).first()
        if stored_name == image.file.name:
            return False  # the stored file, left as it was
    # A file chosen in a form arrives as an UploadedFile; one already in storage does not.
    return isinstance(image.file.file, UploadedFile)


def page_reading_ease_store(*, page, blocks):
    """Work out and keep the page's reading-ease score, shown in the admin's page list."""
    page.reading_ease = checks.reading_ease(checks.reading_text(page, blocks))
    Page.objects.filter(pk=page.pk).update(reading_ease=page.reading_ease)
    return page.reading_ease


@dataclass
class EditConflict:
    """Someone saved the page after an editor opened it: who, when, and what they changed."""

    by: object  # the user, or None when the change was not made through the admin
    at: datetime.datetime
    diff: revisions.RevisionDiff | None


def _last_saved(page_pk, updated_at):
    """When the page, or its pending draft, was last saved."""
    draft_saved = PageDraft.objects.filter(page_id=page_pk).values_list("saved_at", flat=True)
    return max([updated_at, *draft_saved])


def page_edit_token(page):
    """What a change form remembers of the page it opened: when the page (or its pending
    draft) was last saved, and its newest revision (to show what changed since, should
    someone else save first)."""
    latest = revisions.page_versions(page.pk).values_list("pk", flat=True).first()
    return f"{_last_saved(page.pk, page.updated_at).isoformat()}|{latest or ''}"


def page_edit_conflict(*, page, token):
    """None if the page is still as it was when its form was opened (`token`), else the
    other change. Every save of a page, blocks included, saves the page and so moves its
    last-updated time; a save of a published page's draft moves the draft's.

    The page's row stays locked until the caller's transaction ends, so of two saves of the
    same opened form only one can pass this check.
    """
    current = (
        Page.objects.select_for_update()
        .filter(pk=page.pk)
        .values_list("updated_at", flat=True)
        .first()
    )
    opened_at, _, opened_version = token.partition("|")
    try:
        opened = datetime.datetime.fromisoformat(opened_at)
    except ValueError:
        opened = None
    if current is None:
        return None
    draft = PageDraft.objects.filter(page_id=page.pk).select_related("saved_by").first()
    if draft is not None and draft.saved_at > current:
        # The other change is a draft of the published page: its author, no revision yet.
        if draft.saved_at == opened:
            return None
        return EditConflict(by=draft.saved_by, at=draft.saved_at, diff=None)
    if current == opened:
        return None
    versions = revisions.page_versions(page.pk)
    latest = versions.first()
    old = versions.filter(pk=opened_version).first() if opened_version.isdigit() else None
    diff = None
    if old is not None and latest is not None and old.pk != latest.pk:
        diff = revisions.revision_diff(old, latest)
    return EditConflict(by=latest.revision.user if latest else None, at=current, diff=diff)


# --- Drafts of published pages, publishing and unpublishing (issue 24) ----------------------

PUBLISHED_CHANGES_COMMENT = "Published the draft changes."
SCHEDULED_CHANGES_COMMENT = "Published the changes scheduled for this time."
DISCARDED_COMMENT = "Discarded the draft changes; the live version stays."


def page_draft_save(*, page, content, publish_at=None, by=None):
    """Keep an editor's changes to a published page as its draft: the live page is untouched.

    `content` is a drafts.snapshot. Saving again replaces the earlier draft.
    """
    if not Page.objects.filter(pk=page.pk, status=Page.Status.PUBLISHED).exists():
        raise ValidationError(
            "Only a published page keeps its changes as a draft.", code="not_live"
        )
    draft, _ = PageDraft.objects.update_or_create(
        page_id=page.pk,
        defaults={
            "content": content,
            "publish_at": publish_at,
            "saved_by": by if by is not None and by.is_authenticated else None,
            "saved_at": timezone.now(),
        },
    )
    return draft


def page_draft_saved_live(*, page, kept_block_ids):
    """The admin saved a published page's form, which showed its draft, straight to the
    live rows ("Save and publish"): drop the draft, and the live blocks the draft had
    removed (the form never showed them, so nothing deleted them)."""
    page.blocks.exclude(pk__in=kept_block_ids).delete()
    PageDraft.objects.filter(page_id=page.pk).delete()


def _apply_draft(page, draft):
    """Write the draft's page fields and blocks onto the page's rows, checked as the admin
    checks them (the medical review rules among them), and drop the draft."""
    blocks = drafts.apply_to_page(page, draft.content)
    page.full_clean()
    kept = {block.pk for block in blocks if block.pk is not None}
    # Removed blocks go first, so an anchor they held is free for the blocks that remain.
    page.blocks.exclude(pk__in=kept).delete()
    for block in blocks:
        block.full_clean(exclude=["page"])
        block.save()
    page.save()
    draft.delete()
    return blocks


@transaction.atomic
def page_draft_publish(*, page, by=None, comment=PUBLISHED_CHANGES_COMMENT):
    """Make a published page's draft its live version; one revision records it.

    Raises ValidationError, changing nothing, when the draft breaks a rule of the page (e.g.
    a review date without its reviewer). The page cache is retired by the saves themselves.
    """
    page = Page.objects.select_for_update().get(pk=page.pk)
    draft = PageDraft.objects.filter(page=page).first()
    if draft is None:
        raise ValidationError("This page has no draft changes to publish.", code="no_draft")
    with reversion.create_revision(atomic=False):
        reversion.set_user(by if by is not None and by.is_authenticated else None)
        reversion.set_comment(comment)
        blocks = _apply_draft(page, draft)
    page_reading_ease_store(page=page, blocks=blocks)
    return page


@transaction.atomic
def page_draft_discard(*, page, by=None):
    """Drop a published page's draft; the live version stays, and the history says so."""
    page = Page.objects.select_for_update().get(pk=page.pk)
    deleted, _ = PageDraft.objects.filter(page=page).delete()
    if not deleted:
        raise ValidationError("This page has no draft changes to discard.", code="no_draft")
    with reversion.create_revision(atomic=False):
        reversion.set_user(by if by is not None and by.is_authenticated else None)
        reversion.set_comment(DISCARDED_COMMENT)
        reversion.add_to_revision(page)
    return page


def page_drafts_publish_due(*, now=None):
    """Publish every draft whose scheduled time has come; run before each pass of the mail
    worker (as booking reminders are) and by `manage.py publish_scheduled_changes`.

    A draft that breaks a rule of its page stays a draft, logged, and is tried again on the
    next pass. Returns the pages published.
    """
    now = now or timezone.now()
    published = []
    due = PageDraft.objects.filter(publish_at__lte=now, page__status=Page.Status.PUBLISHED)
    for page_id in due.order_by("publish_at").values_list("page_id", flat=True):
        try:
            published.append(
                page_draft_publish(page=Page(pk=page_id), comment=SCHEDULED_CHANGES_COMMENT)
            )
        except (ValidationError, DatabaseError) as error:
            # One page's broken draft must not stop the others, nor the mail worker's pass.
            logger.warning("Scheduled changes to page %s not published: %s", page_id, error)
    return published


@transaction.atomic
def page_publish(*, page, by=None):
    """Make a page live: a draft page becomes published, a published page's draft goes live.

    Returns False when there was nothing to publish (published, no draft). Raises
    ValidationError, changing nothing, when the page breaks a rule (the medical review ones).
    """
    page = Page.objects.select_for_update().get(pk=page.pk)
    if page.is_published:
        if not PageDraft.objects.filter(page=page).exists():
            return False
        page_draft_publish(page=page, by=by)
        return True
    page.status = Page.Status.PUBLISHED
    page.full_clean()
    with reversion.create_revision(atomic=False):
        reversion.set_user(by if by is not None and by.is_authenticated else None)
        reversion.set_comment("Published.")
        page.save()
    return True


@transaction.atomic
def page_unpublish(*, page, by=None):
    """Take a published page off the site. Its draft, if any, becomes its content: the page
    is no longer live, so its rows may hold the editor's latest version.

    The admin asks first, naming what links to the page (selectors.pages_linking_to).
    Returns False when the page was not published.
    """
    page = Page.objects.select_for_update().get(pk=page.pk)
    if not page.is_published:
        return False
    draft = PageDraft.objects.filter(page=page).first()
    with reversion.create_revision(atomic=False):
        reversion.set_user(by if by is not None and by.is_authenticated else None)
        reversion.set_comment("Unpublished.")
        page.status = Page.Status.DRAFT
        if draft is not None:
            _apply_draft(page, draft)
        else:
            page.save()
    return True


@transaction.atomic
def page_copy(*, page, by=None):
    """A draft copy of a page and its blocks, beside it: “… (copy)”, its own address, not in
    the menus, never published. A published page's pending draft is what gets copied, as it
    is what the editor sees in the form."""
    source = Page.objects.get(pk=page.pk)
    draft = PageDraft.objects.filter(page=source).first()
    blocks = drafts.apply_to_page(source, draft.content) if draft else selectors.page_blocks(source)
    copy = Page(
        **{field.attname: getattr(source, field.attname) for field in PAGE_DRAFT_FIELDS},
        reading_ease=source.reading_ease,
    )
    copy.title = f"{source.title[:190]} (copy)"
    copy.slug = _free_slug(source.parent, source.language, f"{(source.slug or 'home')[:90]}-copy")
    copy.status = Page.Status.DRAFT
    copy.show_in_menu = False
    copy.publish_at = copy.expire_at = None
    with reversion.create_revision(atomic=False):
        reversion.set_user(by if by is not None and by.is_authenticated else None)
        reversion.set_comment(f"Copied from “{source.title}” ({source.url_path}).")
        copy.save()
        for block in blocks:
            Block(
                page=copy,
                **{field.attname: getattr(block, field.attname) for field in BLOCK_DRAFT_FIELDS},
            ).save()
    return copy


def _translation_parent(source, language):
    """Where a new translation of `source` sits: under the translation of the source's parent,
    else under the home page in `language`, else at the top (for a home page)."""
    if source.parent_id is None:
        return None
    parent = Page.objects.filter(translation_of_id=source.parent_id, language=language).first()
    if parent is None:
        parent = Page.objects.filter(url_path="/", language=language).first()
    return parent


def _free_slug(parent, language, slug):
    """`slug`, or `slug-2`, `slug-3`… when a page of `language` there already has it."""
    siblings = Page.objects.filter(language=language, parent=parent)
    taken = set(siblings.filter(slug__startswith=slug).values_list("slug", flat=True))
    candidate, number = slug, 1
    while candidate in taken:
        number += 1
        candidate = f"{slug[:90]}-{number}"
    return candidate


@transaction.atomic
def page_translation_create(*, page, language, by=None):
    """A draft translation of an English page: a page of its own in `language`, linked to
    it, with a copy of its live blocks and fields for the editor to translate (the slug too,
    kept as it is). Its schedule and medical review start empty: both are the translation's
    own. Raises ValidationError when the page is not an English source page or already has a
    translation in that language."""
    source = Page.objects.select_for_update().get(pk=page.pk)
    if language == SOURCE_LANGUAGE or language not in language_codes():
        raise ValidationError("Choose a language to translate into.", code="bad_language")
    if source.language != SOURCE_LANGUAGE or source.translation_of_id is not None:
        raise ValidationError(
            "Only an English page is translated; this page is itself a translation.",
            code="source_not_english",
        )
    existing = source.translations.filter(language=language).first()
    if existing is not None:
        raise ValidationError(
            f"This page already has a translation in this language: “{existing}”.",
            code="translation_exists",
        )
    translation = Page(
        **{field.attname: getattr(source, field.attname) for field in PAGE_DRAFT_FIELDS},
        reading_ease=None,
    )
    translation.language = language
    translation.translation_of = source
    translation.status = Page.Status.DRAFT
    translation.publish_at = translation.expire_at = None
    translation.medical_reviewer = None
    translation.last_reviewed_on = translation.next_review_due = None
    translation.parent = _translation_parent(source, language)
    translation.slug = _free_slug(translation.parent, language, source.slug) if source.slug else ""
    with reversion.create_revision(atomic=False):
        reversion.set_user(by if by is not None and by.is_authenticated else None)
        reversion.set_comment(f"Translation of “{source.title}” ({source.url_path}).")
        translation.save()
        for block in selectors.page_blocks(source):
            Block(
                page=translation,
                **{field.attname: getattr(block, field.attname) for field in BLOCK_DRAFT_FIELDS},
            ).save()
    return translation
