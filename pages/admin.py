from adminsortable2.admin import SortableAdminBase, SortableStackedInline
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.contrib.contenttypes.models import ContentType
from django.contrib.redirects import admin as stock_redirect_admin  # noqa: F401 - registers it first
from django.contrib.redirects.models import Redirect
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Case, IntegerField, Value, When
from django.forms.formsets import all_valid
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from reversion.admin import VersionAdmin
from reversion.models import Version
from solo.admin import SingletonModelAdmin

from . import checks, drafts, revisions, selectors, services, views
from .forms import BlockForm, BlockInlineFormSet, PageAdminForm
from .languages import SOURCE_LANGUAGE
from .models import Block, Image, MedicalReviewer, Page, SiteSettings
from .redirects import redirect_loop_check, redirect_target_validate


class BlockInline(SortableStackedInline):
    model = Block
    fk_name = "page"  # the page a block belongs to, not the one a button leads to
    form = BlockForm
    template = "admin/pages/page/block_inline.html"
    formset = BlockInlineFormSet
    extra = 0
    # Short fields share a line. block_fieldset.html leaves out the fields a block's kind does
    # not use, and a line whose first field it does not use.
    fields = (
        ("kind", "heading_level"),
        ("heading", "anchor"),
        "text",
        "items",
        ("button_label", "button_target", "button_page"),
        "image",
    )

    class Media:
        css = {"all": ("pages/admin/block_editor.css",)}
        js = ("pages/admin/rich_text.js",)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # Plain lists read once for every block form: no per-block query, and none of the
        # add/change links that would repeat on every block.
        if db_field.name == "image":
            field = db_field.formfield(queryset=Image.objects.order_by("title"))
            field.choices = list(field.choices)
            return field
        if db_field.name == "button_page":
            field = db_field.formfield(queryset=Page.objects.order_by("url_path"))
            field.choices = [("", "---------")] + [
                (page.pk, _page_choice_label(page)) for page in field.queryset
            ]
            return field
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # The pages an editor may link to from text, listed once above the blocks with their
        # link codes (page:12), and offered beside the text being edited by rich_text.js.
        formset.linkable_pages = [
            (page.pk, _page_choice_label(page))
            for page in Page.objects.order_by("url_path").only("title", "url_path", "status")
        ]
        return formset


def _page_choice_label(page):
    draft = "" if page.is_published else " – draft, not linked until published"
    return f"{page.title} ({page.url_path}){draft}"


# Staff screens stay English: the languages named in English, not in themselves.
_LANGUAGE_NAMES_IN_ENGLISH = {"en": "English", "es": "Spanish"}

_VISIBILITY_LABELS = {
    "draft": "No (draft)",
    "scheduled": "Not yet (scheduled)",
    "expired": "No longer (unpublished)",
    "live": "Yes",
}


class MedicalReviewFilter(admin.SimpleListFilter):
    title = "medical review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [
            ("overdue", "Overdue"),
            ("soon", f"Due within {settings.MEDICAL_REVIEW_DUE_SOON_DAYS} days"),
            ("due", "Overdue or due soon"),
            ("never", "Never reviewed"),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "overdue":
            return queryset.filter(next_review_due__lt=today)
        if self.value() == "soon":
            return queryset.review_due(on=today).filter(next_review_due__gte=today)
        if self.value() == "due":
            return queryset.review_due(on=today)
        if self.value() == "never":
            return queryset.filter(last_reviewed_on__isnull=True)
        return queryset


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    list_display = ("title", "thumbnail", "alt_text", "decorative", "width", "height")
    list_filter = ("decorative",)
    search_fields = ("title", "alt_text")
    fields = ("title", "file", "alt_text", "decorative", "thumbnail", "size", "sizes_made")
    readonly_fields = ("thumbnail", "size", "sizes_made")

    def save_model(self, request, obj, form, change):
        services.image_save(image=obj)

    @admin.display(description="preview")
    def thumbnail(self, image):
        rendition = image.rendition_for(0)
        if rendition is None:
            return "Shown after the upload is saved."
        return format_html(
            '<img src="{}" alt="" width="160" height="{}">',
            default_storage.url(rendition["fallback"]),
            round(160 * rendition["height"] / rendition["width"]),
        )

    @admin.display(description="size of the cleaned original")
    def size(self, image):
        return f"{image.width} × {image.height} pixels" if image.width else "—"

    @admin.display(description="sizes made for screens")
    def sizes_made(self, image):
        widths = sorted({r["width"] for r in image.renditions})
        return ", ".join(f"{w} px" for w in widths) + " (WebP, plus JPEG/PNG)" if widths else "—"


@admin.register(MedicalReviewer)
class MedicalReviewerAdmin(admin.ModelAdmin):
    list_display = ("name", "credentials")
    search_fields = ("name", "credentials")


@admin.register(Page)
class PageAdmin(SortableAdminBase, VersionAdmin):
    list_display = (
        "tree_title",
        "url_path",
        "language",
        "status",
        "public_visibility",
        "next_review_due",
        "reading_ease",
        "show_in_menu",
        "updated_at",
    )
    list_filter = ("status", "language", MedicalReviewFilter, "show_in_menu")
    actions = (
        "publish_selected",
        "unpublish_selected",
        "copy_selected",
        "translate_selected_into_spanish",
    )
    search_fields = ("title", "seo_title", "url_path")
    list_select_related = ("parent", "medical_reviewer")
    readonly_fields = (
        "url_path",
        "first_published_at",
        "updated_at",
        "preview_link",
        "editor_checks",
        "translations_overview",
    )
    form = PageAdminForm
    inlines = [BlockInline]
    object_history_template = "admin/pages/page/revision_history.html"
    revision_form_template = "admin/pages/page/revision_form.html"
    fieldsets = (
        (None, {"fields": ("title", "status", "preview_link", "edit_token")}),
        (
            "Schedule",
            {
                "fields": ("publish_at", "expire_at"),
                "description": "Optional times at which a published page appears and disappears.",
            },
        ),
        (
            "Medical review",
            {"fields": ("medical_reviewer", "last_reviewed_on", "next_review_due")},
        ),
        (
            "Language",
            {
                "fields": ("language", "translation_of", "translations_overview"),
                "description": (
                    "A translation is a page of its own, with its own blocks, schedule and "
                    "medical review, linked to the English page it translates."
                ),
            },
        ),
        (
            "Address and menus",
            {
                "fields": (
                    "parent",
                    "slug",
                    "url_path",
                    "menu_title",
                    "show_in_menu",
                    "menu_order",
                    "summary",
                )
            },
        ),
        ("Main image", {"fields": ("hero_image",)}),
        ("Search results and link previews", {"fields": ("seo_title", "meta_description")}),
        (
            "Checks",
            {
                "classes": ("collapse",),
                "fields": ("editor_checks",),
                "description": "Advice on the saved page. Warnings never stop you publishing.",
            },
        ),
        ("History", {"classes": ("collapse",), "fields": ("first_published_at", "updated_at")}),
    )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "translation_of":
            # A translation's source is an English page, never another translation.
            kwargs["queryset"] = Page.objects.filter(
                language=SOURCE_LANGUAGE, translation_of__isnull=True
            ).order_by("url_path")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def changelist_view(self, request, extra_context=None):
        request.page_list_as_tree = True
        return super().changelist_view(request, extra_context)

    def get_queryset(self, request):
        if not getattr(request, "page_list_as_tree", False):
            return super().get_queryset(request)
        # The page list as a tree: each page's place and depth, worked out from one query of
        # all pages, so the list is ordered by it (get_ordering, applied by the change list)
        # and indents titles without a query per row. Filters and search narrow it as usual.
        order = selectors.page_tree_order()
        return self.model._default_manager.annotate(
            tree_position=Case(
                *(When(pk=pk, then=Value(place)) for pk, (place, _) in order.items()),
                default=Value(len(order)),
                output_field=IntegerField(),
            ),
            tree_depth=Case(
                *(When(pk=pk, then=Value(depth)) for pk, (_, depth) in order.items()),
                default=Value(0),
                output_field=IntegerField(),
            ),
        )

    def get_ordering(self, request):
        if getattr(request, "page_list_as_tree", False):
            return ("tree_position",)
        return super().get_ordering(request)

    @admin.display(description="page heading", ordering="tree_position")
    def tree_title(self, page):
        """The title, indented under its parent's (a dash per level, readable without CSS)."""
        depth = getattr(page, "tree_depth", 0)
        return f"{'— ' * depth}{page.title}"

    @admin.display(description="public sees it")
    def public_visibility(self, page):
        return _VISIBILITY_LABELS[page.visibility()]

    @staticmethod
    def _keeps_live_version(request, form, change):
        # In the change view, a published page's edits become its draft (pages/drafts.py)
        # and its rows stay live, unless the editor chose "Save and publish"; restoring a
        # revision writes the rows, as it always did. The form's initial status is the
        # stored one: a draft never holds the status, and unpublishing is asked for first.
        return (
            change
            and getattr(request, "page_form_shows_draft", False)
            and form.initial.get("status") == Page.Status.PUBLISHED
            and (
                "_publish" not in request.POST
                or form.cleaned_data.get("status") != Page.Status.PUBLISHED
            )
        )

    def save_model(self, request, obj, form, change):
        if self._keeps_live_version(request, form, change):
            return  # kept as the page's draft, with its blocks, in save_related
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        if self._keeps_live_version(request, form, change):
            self._save_draft(request, form, formsets)
            return
        super().save_related(request, form, formsets, change)
        page = form.instance
        if getattr(page, "loaded_draft", None) is not None:
            # "Save and publish" of a form showing the draft: what it showed is now live.
            services.page_draft_saved_live(
                page=page,
                kept_block_ids=[
                    f.instance.pk for fs in formsets for f in fs.forms if f.instance.pk
                ],
            )
        blocks = selectors.page_blocks(page)
        services.page_reading_ease_store(page=page, blocks=blocks)
        for finding in checks.page_findings(page, blocks, score=page.reading_ease):
            level = messages.WARNING if finding.level == "warning" else messages.INFO
            messages.add_message(request, level, finding.message)

    def _save_draft(self, request, form, formsets):
        page = form.instance
        edited = bool(set(form.changed_data) - {"status", "edit_token"}) or any(
            formset.has_changed() for formset in formsets
        )
        if edited or getattr(page, "loaded_draft", None) is not None:
            services.page_draft_save(
                page=page,
                content=drafts.snapshot_from_forms(form, formsets),
                publish_at=form.cleaned_data.get("changes_publish_at"),
                by=request.user,
            )
            page.saved_as_draft = True
        for formset in formsets:
            # What formset.save() would have recorded, for the admin's change message.
            deleted = formset.deleted_forms if formset.can_delete else []
            kept = [f for f in formset.forms if f not in deleted and f.has_changed()]
            formset.deleted_objects = [f.instance for f in deleted if f.instance.pk]
            formset.changed_objects = [(f.instance, f.changed_data) for f in kept if f.instance.pk]
            formset.new_objects = [f.instance for f in kept if not f.instance.pk]
        if form.cleaned_data.get("status") != Page.Status.PUBLISHED:
            # Taking a live page down is asked for on a page of its own (unpublish_view).
            page.unpublish_requested = True

    def response_change(self, request, obj):
        if getattr(obj, "unpublish_requested", False):
            if getattr(obj, "saved_as_draft", False):
                messages.info(request, "Your other changes are saved as a draft.")
            return redirect(reverse("admin:pages_page_unpublish", args=[obj.pk]))
        if getattr(obj, "saved_as_draft", False):
            messages.info(
                request,
                "Saved as a draft: visitors still see the live version until you press "
                "“Publish changes” (or until the time set for the changes).",
            )
        return super().response_change(request, obj)

    def get_object(self, request, object_id, from_field=None):
        page = super().get_object(request, object_id, from_field)
        if page is not None and getattr(request, "page_form_shows_draft", False):
            draft = selectors.page_draft(page) if page.is_published else None
            if draft is not None:
                # The editor edits the draft; the live rows are left alone (pages/drafts.py).
                page.draft_blocks = drafts.apply_to_page(page, draft.content)
                page.loaded_draft = draft
        return page

    def change_view(self, request, object_id, form_url="", extra_context=None):
        request.page_form_shows_draft = True
        return super().change_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        draft = getattr(obj, "loaded_draft", None)
        if draft is not None:
            live = Page.objects.get(pk=obj.pk)
            context["page_draft"] = draft
            context["draft_diff"] = revisions.draft_diff(live, selectors.page_blocks(live), draft)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_fieldsets(self, request, obj=None):
        fieldsets = tuple(
            self._language_fieldset(obj, options)
            if name == "Language"
            else self._schedule_fieldset(obj, options)
            if name == "Schedule"
            else (name, options)
            for name, options in super().get_fieldsets(request, obj)
        )
        if obj is None or not obj.is_published:
            return fieldsets
        return tuple(
            (name, {**options, "fields": (*options["fields"], "changes_publish_at")})
            if name == "Schedule"
            else (name, options)
            for name, options in fieldsets
        )

    def _schedule_fieldset(self, page, options):
        """Folded while nothing is scheduled: most pages never use it, and the block editor
        below is long. Open as soon as a time is set, so a pending time is never hidden."""
        draft = getattr(page, "loaded_draft", None)
        if page is not None and (page.publish_at or page.expire_at or (draft and draft.publish_at)):
            return "Schedule", options
        return "Schedule", {**options, "classes": ("collapse",)}

    def _language_fieldset(self, page, options):
        """Folded to one line that names the page's language, so the long block editor keeps
        its height; open, and saying so, when a translation is older than its source."""
        if page is None:
            return "Language", options
        name = _LANGUAGE_NAMES_IN_ENGLISH.get(page.language, page.language)
        if any(state.older_than_source for state in self._translation_states(page)):
            return f"Language: {name}, a translation is older than its source", options
        return f"Language: {name}", {**options, "classes": ("collapse",)}

    @staticmethod
    def _translation_states(page):
        """The page's translation states, read once for the fieldset's name and its list."""
        if not hasattr(page, "translation_states"):
            page.translation_states = selectors.page_translations(page)
        return page.translation_states

    def _page_for_change(self, request, object_id):
        page = self.get_object(request, unquote(object_id))
        if page is None:
            raise Http404("No such page")
        if not self.has_change_permission(request, page):
            raise PermissionDenied
        return page

    def _draft_view(self, request, object_id, *, service, log, done, refused=""):
        # Buttons of the change form (formaction), so POST only; the form's fields are unused.
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        page = self._page_for_change(request, object_id)
        try:
            service(page=page, by=request.user)
        except ValidationError as error:
            messages.error(request, refused + " ".join(error.messages))
        else:
            self.log_change(request, page, log)
            messages.success(request, done)
        return redirect(reverse("admin:pages_page_change", args=[page.pk]))

    def draft_publish_view(self, request, object_id):
        """Publish the saved draft of a published page."""
        return self._draft_view(
            request,
            object_id,
            service=services.page_draft_publish,
            log=services.PUBLISHED_CHANGES_COMMENT,
            done="The changes are live.",
            refused="The changes were not published: ",
        )

    def draft_discard_view(self, request, object_id):
        """Drop the saved draft of a published page; the live version stays."""
        return self._draft_view(
            request,
            object_id,
            service=services.page_draft_discard,
            log=services.DISCARDED_COMMENT,
            done="The draft is discarded: the form shows the live version.",
        )

    def _unpublish_confirmation(self, request, pages, *, form_action, selected=()):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Unpublish pages?" if selected else f"Unpublish “{pages[0]}”?",
            "pages_with_links": [(page, selectors.pages_linking_to(page)) for page in pages],
            "form_action": form_action,
            "selected": selected,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/pages/page/unpublish_confirmation.html", context)

    def unpublish_view(self, request, object_id):
        """Take a published page off the site, after saying what links to it. Nothing changes
        until the editor confirms."""
        page = self._page_for_change(request, object_id)
        change_url = reverse("admin:pages_page_change", args=[page.pk])
        if not page.is_published:
            messages.info(request, "This page is not published.")
            return redirect(change_url)
        if request.method == "POST" and request.POST.get("post") == "yes":
            services.page_unpublish(page=page, by=request.user)
            self.log_change(request, page, "Unpublished.")
            messages.success(request, f"“{page}” is unpublished: the public no longer sees it.")
            return redirect(change_url)
        return self._unpublish_confirmation(request, [page], form_action=request.path)

    def copy_view(self, request, object_id):
        """Make a draft copy of the page and its blocks (asked first), and open it."""
        page = self._page_for_change(request, object_id)
        if not self.has_add_permission(request):
            raise PermissionDenied
        if request.method == "POST" and request.POST.get("post") == "yes":
            copy = services.page_copy(page=page, by=request.user)
            self.log_addition(request, copy, f"Copied from “{page}”.")
            messages.success(request, f"“{copy}” is a draft copy: change it, then publish it.")
            return redirect(reverse("admin:pages_page_change", args=[copy.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": page,
            "title": f"Copy “{page}”?",
        }
        return TemplateResponse(request, "admin/pages/page/copy_confirmation.html", context)

    @admin.action(
        description="Publish the selected pages (or their draft changes)", permissions=["change"]
    )
    def publish_selected(self, request, queryset):
        published = 0
        for page in queryset:
            try:
                changed = services.page_publish(page=page, by=request.user)
            except ValidationError as error:
                messages.error(request, f"“{page}” was not published: " + " ".join(error.messages))
                continue
            if changed:
                self.log_change(request, page, "Published.")
                published += 1
        messages.success(request, f"Published {published} page(s) or their changes.")

    @admin.action(description="Unpublish the selected pages…", permissions=["change"])
    def unpublish_selected(self, request, queryset):
        pages = [page for page in queryset if page.is_published]
        if not pages:
            messages.info(request, "None of the selected pages is published.")
            return None
        if request.POST.get("post") == "yes":
            for page in pages:
                if services.page_unpublish(page=page, by=request.user):
                    self.log_change(request, page, "Unpublished.")
            messages.success(request, f"Unpublished {len(pages)} page(s).")
            return None
        return self._unpublish_confirmation(
            request,
            pages,
            form_action=reverse("admin:pages_page_changelist"),
            selected=[page.pk for page in pages],
        )

    @admin.action(description="Copy the selected page as a draft", permissions=["add"])
    def copy_selected(self, request, queryset):
        copies = []
        for page in queryset:
            copies.append(services.page_copy(page=page, by=request.user))
            self.log_addition(request, copies[-1], f"Copied from “{page}”.")
        messages.success(
            request, f"Made {len(copies)} draft cop{'y' if len(copies) == 1 else 'ies'}."
        )
        if len(copies) == 1:
            return redirect(reverse("admin:pages_page_change", args=[copies[0].pk]))
        return None

    def translate_view(self, request, object_id, language):
        """Make a draft translation of the page (asked first), and open it."""
        page = self._page_for_change(request, object_id)
        if not self.has_add_permission(request):
            raise PermissionDenied
        if language not in dict(settings.LANGUAGES) or language == SOURCE_LANGUAGE:
            raise Http404("No such language")
        existing = page.translations.filter(language=language).first()
        if existing is not None:
            messages.info(request, f"“{page}” already has this translation: “{existing}”.")
            return redirect(reverse("admin:pages_page_change", args=[existing.pk]))
        if request.method == "POST" and request.POST.get("post") == "yes":
            try:
                translation = services.page_translation_create(
                    page=page, language=language, by=request.user
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return redirect(reverse("admin:pages_page_change", args=[page.pk]))
            self.log_addition(request, translation, f"Translation of “{page}”.")
            messages.success(
                request,
                f"“{translation}” is a draft translation: translate its heading, address part "
                "and blocks, then publish it.",
            )
            return redirect(reverse("admin:pages_page_change", args=[translation.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": page,
            "language_name": _LANGUAGE_NAMES_IN_ENGLISH.get(language, language),
            "title": f"Add a {_LANGUAGE_NAMES_IN_ENGLISH.get(language, language)} translation "
            f"of “{page}”?",
        }
        return TemplateResponse(request, "admin/pages/page/translate_confirmation.html", context)

    @admin.action(
        description="Add a Spanish translation of the selected pages", permissions=["add"]
    )
    def translate_selected_into_spanish(self, request, queryset):
        made = []
        for page in queryset:
            try:
                made.append(
                    services.page_translation_create(page=page, language="es", by=request.user)
                )
            except ValidationError as error:
                messages.error(request, f"“{page}”: " + " ".join(error.messages))
                continue
            self.log_addition(request, made[-1], f"Translation of “{page}”.")
        if made:
            messages.success(request, f"Made {len(made)} draft Spanish translation(s).")
        if len(made) == 1:
            return redirect(reverse("admin:pages_page_change", args=[made[0].pk]))
        return None

    @admin.display(description="translations")
    def translations_overview(self, page):
        """A source's translations, or a translation's source: language, title, state, link,
        and whether the translation is older than its source."""
        if page.pk is None:
            return "Save the page to translate it."
        states = self._translation_states(page)
        rows = format_html_join(
            "",
            '<li>{}: <a href="{}">{}</a> ({}){}</li>',
            (
                (
                    ("Source, " if page.is_translation else "")
                    + _LANGUAGE_NAMES_IN_ENGLISH.get(state.page.language, state.page.language),
                    reverse("admin:pages_page_change", args=[state.page.pk]),
                    state.page.title,
                    _VISIBILITY_LABELS[state.page.visibility()],
                    format_html(
                        ' <strong class="older-than-source">{}</strong>', "Older than its source"
                    )
                    if state.older_than_source
                    else "",
                )
                for state in states
            ),
        )
        missing = []
        if not page.is_translation and page.language == SOURCE_LANGUAGE:
            have = {state.page.language for state in states}
            missing = [
                (reverse("admin:pages_page_translate", args=[page.pk, code]), name)
                for code, name in _LANGUAGE_NAMES_IN_ENGLISH.items()
                if code != SOURCE_LANGUAGE and code not in have
            ]
        buttons = format_html_join(
            " ", '<a class="button" href="{}">Add a {} translation</a>', missing
        )
        if not states and not missing:
            return "This page is not linked to a translation."
        return format_html("<ul>{}</ul>{}", rows, buttons) if states else buttons

    @admin.display(description="checks")
    def editor_checks(self, page):
        if page.pk is None:
            return "Save the page to see the checks."
        blocks = selectors.page_blocks(page)
        score = checks.reading_ease(checks.reading_text(page, blocks))
        findings = checks.page_findings(page, blocks, score=score)
        return format_html(
            '<ul class="editor-checks">{}</ul>',
            format_html_join(
                "", '<li class="check-{}">{}</li>', ((f.level, f.message) for f in findings)
            ),
        )

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view
        return [
            path("add/preview/", view(self.preview_view), name=f"{prefix}_preview_add"),
            path(
                "<path:object_id>/preview/",
                view(self.preview_view),
                name=f"{prefix}_preview_change",
            ),
            path(
                "<path:object_id>/publish-changes/",
                view(self.draft_publish_view),
                name=f"{prefix}_draft_publish",
            ),
            path(
                "<path:object_id>/discard-draft/",
                view(self.draft_discard_view),
                name=f"{prefix}_draft_discard",
            ),
            path(
                "<path:object_id>/unpublish/", view(self.unpublish_view), name=f"{prefix}_unpublish"
            ),
            path("<path:object_id>/copy/", view(self.copy_view), name=f"{prefix}_copy"),
            path(
                "<path:object_id>/translate/<str:language>/",
                view(self.translate_view),
                name=f"{prefix}_translate",
            ),
            path(
                "<path:object_id>/history/compare/",
                view(self.compare_view),
                name=f"{prefix}_compare",
            ),
            *super().get_urls(),
        ]

    def _preview_formsets(self, request, unsaved, *, change):
        """The inline formsets of the posted page form, bound as the admin's own view binds
        them (get_formsets_with_inlines, get_formset_kwargs)."""
        formsets, prefixes = [], {}
        for formset_class, inline in self.get_formsets_with_inlines(
            request, *([unsaved] if change else [])
        ):
            prefix = formset_class.get_default_prefix()
            prefixes[prefix] = prefixes.get(prefix, 0) + 1
            if prefixes[prefix] != 1 or not prefix:
                prefix = f"{prefix}-{prefixes[prefix]}"
            kwargs = self.get_formset_kwargs(request, unsaved, inline, prefix)
            formsets.append(formset_class(**kwargs))
        return formsets

    def preview_view(self, request, object_id=None):
        """The change form's content rendered as the public page, without saving anything.

        Staff only (admin_view), never cached (admin_view), and marked noindex.
        """
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        page = None
        if object_id is not None:
            page = self.get_object(request, unquote(object_id))
            if page is None:
                raise Http404("No such page")
            allowed = self.has_change_permission(request, page)
        else:
            allowed = self.has_add_permission(request)
        if not allowed:
            raise PermissionDenied
        form_class = self.get_form(
            request,
            page,
            change=page is not None,
            fields=flatten_fieldsets(self.get_fieldsets(request, page)),
        )
        form = form_class(request.POST, request.FILES, instance=page)
        form.check_conflicts = False
        form_valid = form.is_valid()
        unsaved = form.instance
        formsets = self._preview_formsets(request, unsaved, change=page is not None)
        if not (all_valid(formsets) and form_valid):
            errors = [form.errors.as_text()] if form.errors else []
            errors += [str(formset.non_form_errors()) for formset in formsets]
            errors += [f.errors.as_text() for formset in formsets for f in formset if f.errors]
            context = {
                **self.admin_site.each_context(request),
                "title": "This change cannot be previewed yet",
                "errors": [error for error in errors if error],
            }
            return TemplateResponse(request, "admin/pages/page/preview_errors.html", context)
        blocks = [
            f.instance
            for formset in formsets
            for f in formset.forms
            if not (formset.can_delete and f.cleaned_data.get("DELETE"))
            and (f.instance.pk or f.has_changed())
        ]
        return views.render_unsaved_preview(request, unsaved, blocks)

    def compare_view(self, request, object_id):
        page = self.get_object(request, unquote(object_id))
        if page is None:
            raise Http404("No such page")
        if not self.has_view_or_change_permission(request, page):
            raise PermissionDenied
        versions = revisions.page_versions(page.pk)
        try:
            old = versions.get(pk=request.GET.get("old"))
            new = versions.get(pk=request.GET.get("new"))
        except (Version.DoesNotExist, ValueError):
            messages.warning(request, "Choose two revisions of this page to compare.")
            return redirect(reverse("admin:pages_page_history", args=[page.pk]))
        if old.revision.date_created > new.revision.date_created:
            old, new = new, old
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": page,
            "title": f"Changes to “{page}”",
            "diff": revisions.revision_diff(old, new),
        }
        return TemplateResponse(request, "admin/pages/page/revision_compare.html", context)

    def history_view(self, request, object_id, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        versions = list(revisions.page_versions(unquote(object_id)))
        return super().history_view(
            request, object_id, {"versions": versions, **(extra_context or {})}
        )

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """Restore an earlier revision, saying first which blocks come back or go.

        Restoring is itself saved as a new revision. A revision that refers to something
        deleted since is refused with the reason instead of failing in the database. Only
        staff who may change the page get this far; only this page's versions are found.
        """
        page = self.get_object(request, unquote(object_id))
        if page is None:
            raise Http404("No such page")
        # Before anything is read from the revision, let alone reverted.
        if not self.has_change_permission(request, page):
            raise PermissionDenied
        # A version of this page, not of a block or another page that shares its number.
        version = get_object_or_404(revisions.page_versions(page.pk), pk=version_id)
        plan = revisions.restore_plan(version)
        if not plan.possible:
            messages.error(
                request,
                "This revision cannot be restored because it refers to "
                + ", ".join(plan.missing)
                + ". Edit the page instead, or restore a later revision.",
            )
            return redirect(reverse("admin:pages_page_history", args=[unquote(object_id)]))
        context = {"restore_plan": plan, **(extra_context or {})}
        with transaction.atomic():
            response = super().revision_view(request, object_id, version_id, context)
            if request.method == "POST" and response.status_code == 302:
                restored = Page.objects.get(pk=page.pk)
                # The revert wrote the old address as it was; redirect and re-path from here.
                restored.moved_from(page.url_path)
                self._explain_restore(request, plan)
        return response

    def recover_view(self, request, version_id, extra_context=None):
        """Recover a deleted page; a version of anything else (a block) is not found here."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        page_type = ContentType.objects.get_for_model(Page)
        get_object_or_404(Version, pk=version_id, content_type=page_type)
        return super().recover_view(request, version_id, extra_context)

    def _explain_restore(self, request, plan):
        if plan.brought_back:
            messages.info(
                request,
                f"Restoring brought back {len(plan.brought_back)} block(s) deleted since that "
                "revision: " + "; ".join(str(block) for block in plan.brought_back),
            )
        if plan.removed:
            messages.info(
                request,
                f"Restoring removed {len(plan.removed)} block(s) added since that revision "
                "(they remain in the later revisions): "
                + "; ".join(str(block) for block in plan.removed),
            )

    @admin.display(description="preview")
    def preview_link(self, page):
        if page.pk is None:
            return "Save the page once to preview it."
        url = reverse("pages:preview", args=[page.pk])
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">Preview this page as the public will see it</a>',
            url,
        )


@admin.register(SiteSettings)
class SiteSettingsAdmin(SingletonModelAdmin):
    fieldsets = (
        (None, {"fields": ("clinic_name",)}),
        (
            "Contact details",
            {
                "fields": (
                    "street_address",
                    "locality",
                    "region",
                    "postal_code",
                    "phone",
                    "email",
                    "hours",
                )
            },
        ),
        ("Notices on every page", {"fields": ("emergency_notice", "medical_disclaimer")}),
        (
            "Spanish",
            {
                "fields": ("hours_es", "emergency_notice_es", "medical_disclaimer_es"),
                "description": (
                    "What Spanish pages show instead of the English texts above. A blank "
                    "field shows the English text."
                ),
            },
        ),
    )


class RedirectForm(forms.ModelForm):
    class Meta:
        model = Redirect
        fields = ("site", "old_path", "new_path")

    def clean_new_path(self):
        new_path = self.cleaned_data["new_path"]
        redirect_target_validate(new_path)
        return new_path

    def clean(self):
        cleaned = super().clean()
        site, old_path, new_path = (cleaned.get(k) for k in ("site", "old_path", "new_path"))
        if site and old_path and new_path:
            redirect_loop_check(
                site_id=site.pk, old_path=old_path, new_path=new_path, exclude_pk=self.instance.pk
            )
        return cleaned


# Replace the stock redirect admin with one that refuses loops and addresses off this site.
admin.site.unregister(Redirect)


@admin.register(Redirect)
class RedirectAdmin(admin.ModelAdmin):
    form = RedirectForm
    list_display = ("old_path", "new_path")
    list_filter = ("site",)
    search_fields = ("old_path", "new_path")
    radio_fields = {"site": admin.VERTICAL}
