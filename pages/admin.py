from adminsortable2.admin import SortableAdminBase, SortableStackedInline
from django.conf import settings
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from solo.admin import SingletonModelAdmin

from .forms import BlockInlineFormSet
from .models import Block, MedicalReviewer, Page, SiteSettings


class BlockInline(SortableStackedInline):
    model = Block
    formset = BlockInlineFormSet
    extra = 0
    fields = (
        "kind",
        "heading_level",
        "heading",
        "anchor",
        "text",
        "items",
        "button_label",
        "button_target",
    )


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


@admin.register(MedicalReviewer)
class MedicalReviewerAdmin(admin.ModelAdmin):
    list_display = ("name", "credentials")
    search_fields = ("name", "credentials")


@admin.register(Page)
class PageAdmin(SortableAdminBase, admin.ModelAdmin):
    list_display = (
        "title",
        "url_path",
        "status",
        "public_visibility",
        "next_review_due",
        "show_in_menu",
        "updated_at",
    )
    list_filter = ("status", MedicalReviewFilter, "show_in_menu")
    search_fields = ("title", "seo_title", "url_path")
    list_select_related = ("parent", "medical_reviewer")
    readonly_fields = ("url_path", "first_published_at", "updated_at", "preview_link")
    inlines = [BlockInline]
    fieldsets = (
        (None, {"fields": ("title", "status", "preview_link")}),
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
        ("Search results and link previews", {"fields": ("seo_title", "meta_description")}),
        ("History", {"fields": ("first_published_at", "updated_at")}),
    )

    @admin.display(description="public sees it")
    def public_visibility(self, page):
        labels = {
            "draft": "No (draft)",
            "scheduled": "Not yet (scheduled)",
            "expired": "No longer (unpublished)",
            "live": "Yes",
        }
        return labels[page.visibility()]

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
    )
