"""Search, filter, sort and page the organisation lists (core.lists.filter_data).

The querysets passed in come from the selectors and are already scoped; these forms
only narrow and order them further by what the user chose.
"""

from django import forms
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from durchstarten.core.lists import SortedFilterForm
from durchstarten.organisation.models import Module

OFFICE = "office"


class ProviderFilterForm(SortedFilterForm):
    sort_fields = {"name": (Lower("name"),), "created": ("created_at", Lower("name"))}

    q = forms.CharField(label=_("Name enthält"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("alle")), ("active", _("aktiv")), ("inactive", _("inaktiv"))],
    )

    def narrow(self, queryset, data):
        if q := (data.get("q") or "").strip():
            queryset = queryset.filter(Q(name__icontains=q) | Q(short_name__icontains=q))
        if data.get("status") == "active":
            queryset = queryset.filter(is_active=True)
        elif data.get("status") == "inactive":
            queryset = queryset.filter(is_active=False)
        return queryset


def _module_field() -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=_("Förderbaustein"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("alle"))] + list(Module.choices),
    )


class AssignmentFilterForm(SortedFilterForm):
    sort_fields = {
        "module": ("module", Lower("provider__name"), "valid_from"),
        "provider": (Lower("provider__name"), "module", "valid_from"),
        "valid_from": ("valid_from", "module"),
        "valid_until": ("valid_until", "module"),
    }

    module = _module_field()
    provider = forms.ModelChoiceField(
        label=_("Träger"),
        required=False,
        queryset=None,
        empty_label=_("alle"),
        to_field_name="public_id",
    )
    municipality = forms.ModelChoiceField(
        label=_("Kommune"),
        required=False,
        queryset=None,
        empty_label=_("alle"),
        to_field_name="public_id",
    )
    period = forms.ChoiceField(
        label=_("Zeitraum"),
        required=False,
        choices=[("", _("alle Zeiträume")), ("today", _("heute gültig"))],
    )

    def __init__(self, data=None, *, providers, municipalities, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["provider"].queryset = providers
        self.fields["municipality"].queryset = municipalities

    def narrow(self, queryset, data):
        if data.get("module"):
            queryset = queryset.filter(module=data["module"])
        if data.get("provider"):
            queryset = queryset.filter(provider=data["provider"])
        if data.get("municipality"):
            queryset = queryset.filter(municipalities=data["municipality"])
        if data.get("period") == "today":
            queryset = queryset.active_on(timezone.localdate())
        return queryset


class PositionFilterForm(SortedFilterForm):
    sort_fields = {
        "module": ("module", Lower("provider__name"), "valid_from"),
        "employer": (Lower("provider__name"), "module", "valid_from"),
        "fte": ("fte", "module"),
        "valid_from": ("valid_from", "module"),
    }

    module = _module_field()
    employer = forms.ChoiceField(label=_("Arbeitgeber"), required=False)

    def __init__(self, data=None, *, providers, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["employer"].choices = [
            ("", _("alle")),
            (OFFICE, _("Koordinierungsstelle (Kreis)")),
            *((str(p.public_id), p.name) for p in providers),
        ]

    def narrow(self, queryset, data):
        if data.get("module"):
            queryset = queryset.filter(module=data["module"])
        employer = data.get("employer")
        if employer == OFFICE:
            queryset = queryset.filter(provider__isnull=True)
        elif employer:
            queryset = queryset.filter(provider__public_id=employer)
        return queryset
