from django.contrib import admin

from durchstarten.organisation.admin import AuditedAdmin
from durchstarten.reporting.models import Target


@admin.register(Target)
class TargetAdmin(AuditedAdmin):
    """For IT operations; coordinators set their district's targets in the application."""

    list_display = ("district", "year", "metric", "value", "note")
    list_filter = ("year", "metric", "district")
    search_fields = ("district__name", "district__ags", "note")
    list_select_related = ("district",)
    ordering = ("district__name", "-year", "metric")
