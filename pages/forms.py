from adminsortable2.admin import CustomInlineFormSet
from django import forms
from django.core.exceptions import ValidationError

from . import services
from .models import Block, Page
from .search import MAX_QUERY_LENGTH


def normalise_line_endings(text):
    """Text with every line ended by \n, as it is stored: browsers send \r\n."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


class MultilineTextField(forms.CharField):
    """A text area's text with plain \n line endings.

    Browsers submit text areas with \r\n. Normalising in `to_python` makes the form compare
    like with like, so a block the editor did not touch is neither saved nor recorded as
    changed in the history, and what is saved never holds a \r.
    """

    def to_python(self, value):
        value = super().to_python(value)
        return normalise_line_endings(value) if isinstance(value, str) else value


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
    "image",
)


class BlockForm(forms.ModelForm):
    class Meta:
        model = Block
        fields = (*BLOCK_FIELDS, "position")
        field_classes = {"text": MultilineTextField, "items": MultilineTextField}


class PageAdminForm(forms.ModelForm):
    """The page form, which refuses to save over a change made since it was opened."""

    edit_token = forms.CharField(widget=forms.HiddenInput, required=False)

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
    """Checks that need the whole page: heading order and unique anchors."""

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
        label="Search for",
        max_length=MAX_QUERY_LENGTH,
        required=False,
        error_messages={
            "max_length": "Search for at most %(limit_value)d characters (you typed %(show_value)d)."
        },
    )
