from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from durchstarten.core.models import AuditEntry, Membership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ("role", "district", "provider", "can_export")
    extra = 0


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "district", "provider", "can_export")
    list_filter = ("role", "district", "can_export")
    search_fields = ("user__username", "user__last_name")
    list_select_related = ("user", "district", "provider")


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit log is never edited by hand (the database refuses it, too)."""

    list_display = (
        "sequence",
        "occurred_at",
        "actor",
        "actor_role",
        "action",
        "outcome",
        "object_type",
        "object_id",
        "district",
    )
    list_filter = ("outcome", "action", "district")
    list_select_related = ("actor", "district")
    search_fields = ("=object_id", "=action")
    date_hierarchy = "occurred_at"
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
