"""Filters of the organisation lists. The querysets come scoped from the selectors; a filter
only narrows them further, so an id from beyond the user's reach simply finds nothing."""

import uuid

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from durchstarten.organisation.models import (
    Module,
    Municipality,
    Position,
    Provider,
    ProviderAssignment,
)

OFFICE = "office"


class DistrictAgsFilter(django_filters.CharFilter):
    """The district by its AGS (8 digits)."""

    def __init__(self, field_name="district__ags", **kwargs):
        kwargs.setdefault("label", _("AGS des Kreises"))
        super().__init__(field_name=field_name, **kwargs)


class ActiveOnFilter(django_filters.DateFilter):
    """Records whose period covers the day."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("gültig am (JJJJ-MM-TT)"))
        super().__init__(field_name="valid_from", **kwargs)

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        return qs.active_on(value)


class MunicipalityFilter(django_filters.FilterSet):
    district = DistrictAgsFilter()

    class Meta:
        model = Municipality
        fields = ["district"]


class ProviderFilter(django_filters.FilterSet):
    district = DistrictAgsFilter()
    q = django_filters.CharFilter(label=_("Name enthält"), method="search")

    class Meta:
        model = Provider
        fields = ["district", "is_active"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(short_name__icontains=value))


class AssignmentFilter(django_filters.FilterSet):
    district = DistrictAgsFilter()
    provider = django_filters.UUIDFilter(field_name="provider__public_id", label=_("Träger"))
    module = django_filters.TypedChoiceFilter(choices=Module.choices, coerce=int)
    municipality = django_filters.CharFilter(
        field_name="municipalities__ags", label=_("AGS der Kommune")
    )
    active_on = ActiveOnFilter()

    class Meta:
        model = ProviderAssignment
        fields = ["district", "provider", "module", "municipality", "active_on"]


class PositionFilter(django_filters.FilterSet):
    district = DistrictAgsFilter()
    provider = django_filters.CharFilter(
        label=_("Träger (öffentliche ID) oder „office“ für die Koordinierungsstelle"),
        method="by_employer",
    )
    module = django_filters.TypedChoiceFilter(choices=Module.choices, coerce=int)
    active_on = ActiveOnFilter()

    class Meta:
        model = Position
        fields = ["district", "provider", "module", "active_on"]

    def by_employer(self, queryset, name, value):
        if value == OFFICE:
            return queryset.filter(provider__isnull=True)
        try:
            public_id = uuid.UUID(value)
        except ValueError:
            # A malformed id finds nothing, like an unknown one.
            return queryset.none()
        return queryset.filter(provider__public_id=public_id)
