from adminsortable2.admin import SortableAdminBase, SortableStackedInline
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from solo.admin import SingletonModelAdmin

from .forms import BlockInlineFormSet
from .models import Block, Page, SiteSettings


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


@admin.register(Page)
class PageAdmin(SortableAdminBase, admin.ModelAdmin):
    list_display = ("title", "url_path", "status", "show_in_menu", "updated_at")
    list_filter = ("status", "show_in_menu")
    search_fields = ("title", "seo_title", "url_path")
    list_select_related = ("parent",)
    readonly_fields = ("url_path", "first_published_at", "updated_at", "preview_link")
    inlines = [BlockInline]
    fieldsets = (
        (None, {"fields": ("title", "status", "preview_link")}),
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
