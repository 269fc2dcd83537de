from adminsortable2.admin import CustomInlineFormSet
from django import forms
from django.core.exceptions import ValidationError

from .models import Block
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
