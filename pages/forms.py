from adminsortable2.admin import CustomInlineFormSet
from django import forms
from django.contrib.admin.widgets import AdminSplitDateTime
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy

from . import drafts, services
from .models import BLOCK_KIND_FIELDS, Block, Page
from .search import MAX_QUERY_LENGTH


def normalise_line_endings(text):
    """Text with every line ended by a line feed, as it is stored (browsers send CR LF)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


# Every field a block may use; which of them a block shows depends on its kind.
BLOCK_FIELDS = (
    "kind",
    "heading_level",
    "heading",
    "anchor",
    "text",
    "items",
    "button_label",
    "button_target",
    "button_page",
    "image",
)


class PlainSelect(forms.Select):
    """A select drawn in one step rather than one template per option: the block editor
    draws a few of these for every block of a long page."""

    def render(self, name, value, attrs=None, renderer=None):
        selected = "" if value is None else str(value)
        final_attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (key, " selected" if str(key) == selected else "", label)
                for key, label in self.choices
            ),
        )
        return format_html("<select{}>{}</select>", flatatt(final_attrs), options)


# What each field holds, said for the kind of block it is shown in.
_KIND_HELP = {
    ("heading", "anchor"): "The part after # in links to this section; keep it once published.",
    ("list", "text"): "Optional: a sentence introducing the list.",
    ("list", "items"): "One item per line.",
    ("faq", "heading"): "The question.",
    ("faq", "text"): "The answer.",
    ("cta", "heading"): "Optional title.",
    ("cta", "button_target"): "Where the button takes the reader.",
    ("references", "heading"): "Optional title (“References” when blank).",
    ("references", "items"): (
        "One source per line, its https:// address (if any) at the end of the line."
    ),
    ("callout", "heading"): "Optional title.",
    ("image", "text"): "Optional caption.",
}


def _rows_for(text, *, width=90, least=1, most=12):
    """Text area rows enough for `text` at about `width` characters a line: long pages stay
    short to scroll, and nothing hides behind a scroll bar of its own."""
    lines = (text or "").splitlines() or [""]
    needed = sum(max(1, -(-len(line) // width)) for line in lines)
    return min(max(needed, least), most)


class BlockForm(forms.ModelForm):
    """One block, showing only the fields its kind uses.

    The others are disabled: not shown, not read from the post, and so never emptied by
    accident. A block whose kind changes gets the new kind's fields (shown, with any that
    are required flagged, when the form comes back) and loses the old kind's values.
    """

    class Meta:
        model = Block
        fields = (*BLOCK_FIELDS, "position")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:
            # Browsers send text areas with \r\n: normalised here, the form compares like
            # with like, so a block the editor did not touch is neither saved nor recorded
            # as changed, and nothing saved holds a \r.
            self.data = self.data.copy()
            for name in ("text", "items"):
                key = self.add_prefix(name)
                if isinstance(self.data.get(key), str):
                    self.data[key] = normalise_line_endings(self.data[key])
        used = BLOCK_KIND_FIELDS.get(self._kind())
        self.unused_fields = (
            set() if used is None else {n for n in BLOCK_FIELDS if n != "kind"} - set(used)
        )
        if used is not None and self._value("button_target") != Block.Target.PAGE:
            # The list of pages only for a button that leads to one: most lead to the form,
            # and a long page has several.
            self.unused_fields.add("button_page")
        for name in self.unused_fields:
            if name in self.fields:
                self.fields[name].disabled = True
        if used is not None:
            for name in used:
                if name in self.fields:
                    self.fields[name].help_text = _KIND_HELP.get((self._kind(), name), "")
            self.fields["kind"].help_text = (
                ""
                if self.instance.pk
                else "Choose the kind, then press “Save and continue editing” to fill it in."
            )
        for name in ("kind", "heading_level", "button_target", "button_page"):
            if name in self.fields:
                field = self.fields[name]
                field.widget = PlainSelect(attrs=field.widget.attrs, choices=field.choices)
        # Last: reading a field's value makes its bound field, which copies the help text.
        for name in ("text", "items"):
            if name in self.fields and name not in self.unused_fields:
                attrs = self.fields[name].widget.attrs
                attrs["rows"] = _rows_for(self[name].value())
                # Where rich_text.js offers the list of pages to link to.
                attrs["data-rich-text"] = ""

    def _kind(self):
        return self._value("kind") or self.fields["kind"].initial

    def _value(self, name):
        """A field's value as posted, else as saved."""
        if self.is_bound:
            posted = self.data.get(self.add_prefix(name))
            if posted:
                return posted
        return getattr(self.instance, name)

    def clean(self):
        cleaned = super().clean()
        if "kind" in self.changed_data:
            for name in self.unused_fields:
                if name in cleaned:
                    cleaned[name] = (
                        None if name in {"heading_level", "image", "button_page"} else ""
                    )
        return cleaned


class PageAdminForm(forms.ModelForm):
    """The page form, which refuses to save over a change made since it was opened."""

    edit_token = forms.CharField(widget=forms.HiddenInput, required=False)
    changes_publish_at = forms.SplitDateTimeField(
        label="publish the changes at",
        required=False,
        widget=AdminSplitDateTime,
        help_text=(
            "Published pages only. Saved changes stay a draft, and the live page stays as it "
            "is, until you press “Publish changes” or until this time (clinic time, Central)."
        ),
    )

    # The preview shows the form as typed and saves nothing: no conflict to refuse.
    check_conflicts = True

    class Meta:
        model = Page
        # The admin names the rest in PageAdmin.fieldsets.
        fields = ("title", "status")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict = None
        if self.instance.pk:
            self.fields["edit_token"].initial = services.page_edit_token(self.instance)
        draft = getattr(self.instance, "loaded_draft", None)
        if draft is not None:
            self.fields["changes_publish_at"].initial = draft.publish_at

    def clean(self):
        cleaned = super().clean()
        token = cleaned.get("edit_token")
        if not (self.check_conflicts and self.instance.pk and token):
            return cleaned
        self.conflict = services.page_edit_conflict(page=self.instance, token=token)
        if self.conflict is not None:
            # Saving again after reading the other change is a choice to replace it.
            self.data = self.data.copy()
            self.data[self.add_prefix("edit_token")] = services.page_edit_token(
                Page.objects.get(pk=self.instance.pk)
            )
            by = self.conflict.by.get_username() if self.conflict.by else "someone else"
            raise ValidationError(
                f"This page was saved by {by} after you opened it, so your changes were not "
                "saved: they are still in the form below, and the other changes are listed "
                "above. Press Save again to replace the other changes with yours, or open "
                "the page again to start from the saved version.",
                code="edited_since_opened",
            )
        return cleaned


class BlockInlineFormSet(CustomInlineFormSet):
    """Checks that need the whole page: heading order and unique anchors.

    For a published page with a pending draft (PageAdmin.get_object puts its blocks on the
    page as `draft_blocks`), the forms show the draft's blocks: those changed from live ones
    as they are, those added in the draft as new forms that are kept even when untouched.
    """

    def __init__(self, *args, **kwargs):
        added = [b for b in getattr(kwargs.get("instance"), "draft_blocks", ()) if b.pk is None]
        if added:
            kwargs["initial"] = [drafts.block_initial(block) for block in added]
        super().__init__(*args, **kwargs)
        self.draft_added = len(added)
        if added:
            self.min_num = len(self.get_queryset()) + len(added)

    def save_new_objects(self, commit=True):
        super().save_new_objects(commit)
        # Blocks added in the draft are new forms shown filled in: kept even when untouched.
        for form in self.extra_forms[: self.draft_added]:
            if form.has_changed() or (self.can_delete and form.cleaned_data.get("DELETE")):
                continue
            self.new_objects.append(self.save_new(form, commit=commit))
            if not commit:
                self.saved_forms.append(form)
        return self.new_objects

    def get_queryset(self):
        draft_blocks = getattr(self.instance, "draft_blocks", None)
        if draft_blocks is None:
            return super().get_queryset()
        return [block for block in draft_blocks if block.pk is not None]

    def clean(self):
        super().clean()
        seen_h2 = False
        anchors = {}
        for form in sorted(self._kept_forms(), key=lambda f: f.cleaned_data.get("position") or 0):
            data = form.cleaned_data
            is_heading = data.get("kind") == Block.Kind.HEADING
            if is_heading and data.get("heading_level") == Block.Level.H2:
                seen_h2 = True
            elif is_heading and data.get("heading_level") == Block.Level.H3 and not seen_h2:
                form.add_error(
                    "heading_level",
                    ValidationError(
                        "An H3 sub-heading must come after an H2 section heading. "
                        "Make this an H2, or move it below one.",
                        code="h3_before_h2",
                    ),
                )
            anchor = data.get("anchor")
            if anchor:
                if anchor in anchors:
                    form.add_error(
                        "anchor",
                        ValidationError(
                            "Another block on this page uses this anchor.", code="duplicate_anchor"
                        ),
                    )
                anchors[anchor] = form

    def _kept_forms(self):
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data:
                continue
            if self.can_delete and form.cleaned_data.get("DELETE"):
                continue
            yield form


class SearchForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Search for"),
        max_length=MAX_QUERY_LENGTH,
        required=False,
        error_messages={
            "max_length": gettext_lazy(
                "Search for at most %(limit_value)d characters (you typed %(show_value)d)."
            )
        },
    )
