from adminsortable2.admin import CustomInlineFormSet
from django import forms
from django.core.exceptions import ValidationError

from .models import Block
from .search import MAX_QUERY_LENGTH


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
