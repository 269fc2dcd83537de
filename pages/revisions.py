"""Page revisions (django-reversion): readable diffs and what a restore will change.

Each revision of a page holds the page and all its blocks as they were when it was saved.
"""

import difflib
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from reversion.models import Version

from . import drafts
from .models import Block, Page

# Runs of unchanged lines longer than this are folded in the diff.
_CONTEXT_LINES = 2


@dataclass
class DiffLine:
    kind: str  # "same", "removed", "added" or "folded"
    text: str


@dataclass
class FieldChange:
    label: str
    lines: list[DiffLine]


@dataclass
class RevisionDiff:
    old: Version | None  # None: not a saved revision (a draft, the live page)
    new: Version | None
    fields: list[FieldChange] = field(default_factory=list)
    body: list[DiffLine] = field(default_factory=list)

    @property
    def has_changes(self):
        return bool(self.fields) or any(line.kind in {"removed", "added"} for line in self.body)


def page_versions(page_pk):
    """Versions of one page, newest first, with their revision and its author."""
    return (
        Version.objects.get_for_object_reference(Page, page_pk)
        .select_related("revision", "revision__user")
        .order_by("-revision__date_created", "-pk")
    )


def revision_page(version):
    """The page as it was in this version (an unsaved instance)."""
    return version._object_version.object


def revision_blocks(version):
    """The blocks of the page as they were in this version's revision, in reading order."""
    block_type = ContentType.objects.get_for_model(Block)
    blocks = [
        block_version._object_version.object
        for block_version in version.revision.version_set.filter(content_type=block_type)
    ]
    blocks = [block for block in blocks if str(block.page_id) == str(version.object_id)]
    return sorted(blocks, key=lambda block: (block.position, block.pk))


def _related_label(instance, field_obj):
    value = getattr(instance, field_obj.attname)
    if value is None:
        return ""
    related = field_obj.related_model._default_manager.filter(pk=value).first()
    return str(related) if related is not None else f"(deleted {field_obj.verbose_name})"


def page_field_texts(page):
    """Every field an editor sets, as label → readable text."""
    texts = {}
    for field_obj in Page._meta.concrete_fields:
        if not field_obj.editable or field_obj.primary_key:
            continue
        if field_obj.is_relation:
            value = _related_label(page, field_obj)
        elif field_obj.choices:
            value = str(getattr(page, f"get_{field_obj.name}_display")())
        else:
            value = getattr(page, field_obj.attname)
            value = "" if value is None else str(value)
        texts[str(field_obj.verbose_name)] = value
    return texts


def block_text(block):
    """One block as the lines a reader would see, headed by its kind."""
    kind = block.get_kind_display()
    if block.kind == Block.Kind.HEADING:
        level = f"H{block.heading_level}" if block.heading_level else "heading"
        return [f"[{level}] {block.heading}"]
    lines = [f"[{kind}]"]
    if block.heading:
        lines.append(block.heading)
    lines.extend(line for line in block.plain_text.splitlines() if line.strip())
    lines.extend(f"• {item}" for item in block.plain_item_list)
    if block.button_label:
        lines.append(f"Button: {block.button_label}")
    image_id = getattr(block, "image_id", None)
    if image_id:
        lines.append(f"Image: {_related_label(block, Block._meta.get_field('image'))}")
    return lines


def body_text(blocks):
    lines = []
    for block in blocks:
        lines.extend(block_text(block))
        lines.append("")
    return lines


def diff_lines(old_lines, new_lines):
    """Line diff with long unchanged stretches folded, for reading rather than patching."""
    result = []
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            same = old_lines[i1:i2]
            if len(same) > 2 * _CONTEXT_LINES + 1:
                folded = len(same) - 2 * _CONTEXT_LINES
                head = same[:_CONTEXT_LINES] if result else []
                tail = same[-_CONTEXT_LINES:] if i2 < len(old_lines) or j2 < len(new_lines) else []
                result.extend(DiffLine("same", line) for line in head)
                result.append(DiffLine("folded", f"… {folded} unchanged lines …"))
                result.extend(DiffLine("same", line) for line in tail)
            else:
                result.extend(DiffLine("same", line) for line in same)
            continue
        result.extend(DiffLine("removed", line) for line in old_lines[i1:i2])
        result.extend(DiffLine("added", line) for line in new_lines[j1:j2])
    return result


def content_diff(old_page, old_blocks, new_page, new_blocks, *, old=None, new=None):
    """What changed from one state of a page to another: its fields, then its body."""
    diff = RevisionDiff(old=old, new=new)
    old_fields = page_field_texts(old_page)
    new_fields = page_field_texts(new_page)
    for label, new_value in new_fields.items():
        old_value = old_fields.get(label, "")
        if old_value != new_value:
            diff.fields.append(
                FieldChange(label, diff_lines(old_value.splitlines(), new_value.splitlines()))
            )
    diff.body = diff_lines(body_text(old_blocks), body_text(new_blocks))
    return diff


def revision_diff(old, new):
    """What changed between two versions of a page: its fields, then its body of blocks."""
    return content_diff(
        revision_page(old),
        revision_blocks(old),
        revision_page(new),
        revision_blocks(new),
        old=old,
        new=new,
    )


def draft_diff(live_page, live_blocks, draft):
    """What publishing `draft` (a PageDraft) would change on the live page."""
    draft_page = Page.objects.get(pk=live_page.pk)
    draft_blocks = drafts.apply_to_page(draft_page, draft.content)
    return content_diff(live_page, live_blocks, draft_page, draft_blocks)


@dataclass
class RestorePlan:
    """What restoring a revision does to the page's blocks, told to the editor beforehand."""

    brought_back: list[Block]
    removed: list[Block]
    missing: list[str]

    @property
    def possible(self):
        return not self.missing


def restore_plan(version):
    """Blocks a restore brings back (deleted since) or removes (added since), and blockers.

    A revision that points at something deleted since (its parent page, reviewer or an image)
    cannot be restored as it is: the database would refuse it.
    """
    old_blocks = revision_blocks(version)
    old_pks = {block.pk for block in old_blocks}
    current = list(Block.objects.filter(page_id=version.object_id))
    current_pks = {block.pk for block in current}
    missing = []
    page = revision_page(version)
    objects = [(page, Page), *((block, Block) for block in old_blocks)]
    for instance, model in objects:
        for field_obj in model._meta.concrete_fields:
            if not field_obj.many_to_one or (model is Block and field_obj.name == "page"):
                continue
            value = getattr(instance, field_obj.attname)
            if (
                value is not None
                and not field_obj.related_model._default_manager.filter(pk=value).exists()
            ):
                missing.append(f"{field_obj.verbose_name} (no longer exists)")
    return RestorePlan(
        brought_back=[block for block in old_blocks if block.pk not in current_pks],
        removed=[block for block in current if block.pk not in old_pks],
        missing=sorted(set(missing)),
    )
