from django import forms
from django.contrib import admin

from durchstarten.core.audit import log_action
from durchstarten.organisation import services
from durchstarten.organisation.models import (
    District,
    Municipality,
    Position,
    Provider,
    ProviderAssignment,
)


class AuditedAdmin(admin.ModelAdmin):
    """Admin changes leave the same audit trail as changes made in the application."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        verb = "changed" if change else "created"
        log_action(
            f"admin.{obj._meta.label_lower}.{verb}",
            actor=request.user,
            obj=obj,
            data={"fields": sorted(form.changed_data)},
        )

    def delete_model(self, request, obj):
        log_action(f"admin.{obj._meta.label_lower}.deleted", actor=request.user, obj=obj)
        super().delete_model(request, obj)


class MunicipalityInline(admin.TabularInline):
    model = Municipality
    fields = ("name", "ags")
    extra = 0


@admin.register(District)
class DistrictAdmin(AuditedAdmin):
    list_display = ("name", "kind", "ags", "is_demo")
    list_filter = ("kind", "is_demo")
    search_fields = ("name", "ags")
    inlines = [MunicipalityInline]


@admin.register(Municipality)
class MunicipalityAdmin(AuditedAdmin):
    list_display = ("name", "ags", "district")
    list_filter = ("district",)
    search_fields = ("name", "ags")
    list_select_related = ("district",)


@admin.register(Provider)
class ProviderAdmin(AuditedAdmin):
    list_display = ("name", "short_name", "district", "is_active")
    list_filter = ("district", "is_active")
    search_fields = ("name", "short_name")
    list_select_related = ("district",)


class ProviderAssignmentAdminForm(forms.ModelForm):
    class Meta:
        model = ProviderAssignment
        fields = ("provider", "module", "municipalities", "valid_from", "valid_until", "note")

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        services.assignment_validate(
            provider=data["provider"],
            module=data["module"],
            municipalities=data["municipalities"],
            valid_from=data["valid_from"],
            valid_until=data.get("valid_until"),
            exclude_pk=self.instance.pk,
        )
        return data


@admin.register(ProviderAssignment)
class ProviderAssignmentAdmin(AuditedAdmin):
    form = ProviderAssignmentAdminForm
    list_display = ("provider", "module", "valid_from", "valid_until", "district")
    list_filter = ("district", "module")
    search_fields = ("provider__name",)
    filter_horizontal = ("municipalities",)
    list_select_related = ("provider", "district")

    def save_model(self, request, obj, form, change):
        obj.district_id = obj.provider.district_id
        super().save_model(request, obj, form, change)


@admin.register(Position)
class PositionAdmin(AuditedAdmin):
    list_display = ("__str__", "district", "module", "fte", "valid_from", "valid_until")
    list_filter = ("district", "module")
    list_select_related = ("district", "provider")
    raw_id_fields = ("holder",)
