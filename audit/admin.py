"""The audit trail in the admin: read-only, and for superusers alone."""

from django.contrib import admin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "actor", "action", "reference", "detail", "client_address_hash")
    list_filter = ("action", "created_at")
    search_fields = ("=reference", "actor__username")
    list_select_related = ("actor",)
    date_hierarchy = None
    show_full_result_count = False

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
