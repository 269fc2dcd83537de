"""A published page's pending changes, kept apart from the live page (PageDraft.content).

The live page stays in its own rows, so every public read stays as it was; a draft is a
snapshot of what the editor saved: the page's fields (all but its status) and its blocks,
each block by its id, or without one for a block added in the draft. Nothing here writes to
the database; services.page_draft_publish applies a snapshot onto the page's rows.
"""

from django.forms.models import model_to_dict

from .models import BLOCK_DRAFT_FIELDS, PAGE_DRAFT_FIELDS, Block

_BLOCK_ID = "id"


def _values(instance, fields):
    return {field.attname: field.value_from_object(instance) for field in fields}


def snapshot(page, blocks):
    """The content of `page` and `blocks` (in reading order) as a draft stores it."""
    rows = []
    last_position = max((b.position for b in blocks if b.position is not None), default=0)
    for block in blocks:
        row = {_BLOCK_ID: block.pk, **_values(block, BLOCK_DRAFT_FIELDS)}
        if row["position"] is None:
            # A block added without the drag-and-drop script has no place yet: the end.
            last_position += 1
            row["position"] = last_position
        rows.append(row)
    rows.sort(key=lambda row: (row["position"], row[_BLOCK_ID] or 0))
    return {"page": _values(page, PAGE_DRAFT_FIELDS), "blocks": rows}


def snapshot_from_forms(form, formsets):
    """The draft an editor's valid change form describes: the page form's instance and every
    block form kept (not deleted, not an untouched empty extra form)."""
    blocks = []
    for formset in formsets:
        if formset.model is not Block:
            continue
        for block_form in formset.forms:
            if formset.can_delete and block_form.cleaned_data.get("DELETE"):
                continue
            if block_form.empty_permitted and not block_form.has_changed():
                continue
            blocks.append(block_form.instance)
    return snapshot(form.instance, blocks)


def apply_to_page(page, content):
    """Put the draft's page fields on `page` (in memory) and return its blocks, unsaved: each
    with its id when it is a live block changed in the draft, without one when new."""
    for field in PAGE_DRAFT_FIELDS:
        if field.attname in content["page"]:
            setattr(page, field.attname, field.to_python(content["page"][field.attname]))
    blocks = []
    for row in content["blocks"]:
        values = {}
        for field in Block._meta.concrete_fields:
            if field.primary_key:
                values[field.attname] = row.get(_BLOCK_ID)
            elif field.name == "page":
                values[field.attname] = page.pk
            elif field.attname in row:
                values[field.attname] = field.to_python(row[field.attname])
            else:
                values[field.attname] = field.get_default()
        if values["id"] is None:
            blocks.append(Block(**values))
        else:
            # As loaded from the database (Model.from_db), so forms treat it as the stored
            # block it changes, not as a new one.
            blocks.append(Block.from_db(Block.objects.db, list(values), list(values.values())))
    return blocks


def block_initial(block):
    """A block added in a draft, as the initial data of a new block form."""
    return model_to_dict(block, fields=[field.name for field in BLOCK_DRAFT_FIELDS])
