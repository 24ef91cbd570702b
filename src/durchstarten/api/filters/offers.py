"""Filters of the offer directory, referrals and outcomes; the same narrowing as the pages'
filter forms (offers.filters), applied to querysets the selectors have already scoped."""

import django_filters
from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from durchstarten.api.filters.organisation import DistrictAgsFilter
from durchstarten.cases.choices import NeedCategory
from durchstarten.offers.choices import (
    OPEN_STATES,
    OfferCategory,
    OfferKind,
    OutcomeKind,
    ReferralState,
)
from durchstarten.offers.models import Offer, Outcome, Referral
from durchstarten.organisation.models import Module

OPEN = "open"
_served = Offer.municipalities.through.objects


class OfferFilter(django_filters.FilterSet):
    """Expects the queryset annotated with `places_taken` (offers.selectors.with_free_places)."""

    district = DistrictAgsFilter()
    provider = django_filters.UUIDFilter(field_name="provider__public_id", label=_("Träger"))
    kind = django_filters.ChoiceFilter(choices=OfferKind.choices)
    category = django_filters.ChoiceFilter(choices=OfferCategory.choices)
    module = django_filters.TypedChoiceFilter(
        choices=[(v, label) for v, label in Module.choices if v <= 5], coerce=int
    )
    municipality = django_filters.CharFilter(
        label=_("AGS der Kommune (Angebote für den ganzen Kreis eingeschlossen)"),
        method="serving",
    )
    need = django_filters.ChoiceFilter(
        label=_("deckt Bedarf"), choices=NeedCategory.choices, method="covering"
    )
    free_only = django_filters.BooleanFilter(
        label=_("nur mit freien Plätzen"), method="with_places"
    )
    start_from = django_filters.DateFilter(field_name="start_date", lookup_expr="gte")
    start_to = django_filters.DateFilter(field_name="start_date", lookup_expr="lte")
    q = django_filters.CharFilter(label=_("Titel oder Anbieter enthält"), method="search")

    class Meta:
        model = Offer
        fields = ["district", "provider", "kind", "category", "module", "is_active"]

    def serving(self, queryset, name, value):
        # Offers without municipalities serve the whole district.
        return queryset.filter(
            Exists(_served.filter(offer=OuterRef("pk"), municipality__ags=value))
            | ~Exists(_served.filter(offer=OuterRef("pk")))
        )

    def covering(self, queryset, name, value):
        # The JSON list as text; the quotes make it match whole values only.
        return queryset.filter(needs_covered__icontains=f'"{value}"')

    def with_places(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(Q(capacity__isnull=True) | Q(capacity__gt=F("places_taken")))

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value)
            | Q(organiser__icontains=value)
            | Q(provider__name__icontains=value)
        )


class ReferralFilter(django_filters.FilterSet):
    district = DistrictAgsFilter()
    state = django_filters.ChoiceFilter(
        label=_("Stand („open“: alle laufenden)"),
        choices=[(OPEN, _("alle laufenden")), *ReferralState.choices],
        method="in_state",
    )
    offer = django_filters.UUIDFilter(field_name="offer__public_id", label=_("Angebot"))
    participant = django_filters.UUIDFilter(
        field_name="participant__public_id", label=_("Teilnehmende*r")
    )
    proposed_from = django_filters.DateFilter(field_name="proposed_on", lookup_expr="gte")
    proposed_to = django_filters.DateFilter(field_name="proposed_on", lookup_expr="lte")

    class Meta:
        model = Referral
        fields = ["district", "state", "offer", "participant"]

    def in_state(self, queryset, name, value):
        if value == OPEN:
            return queryset.filter(state__in=OPEN_STATES)
        return queryset.filter(state=value)


class OutcomeFilter(django_filters.FilterSet):
    participant = django_filters.UUIDFilter(
        field_name="participant__public_id", label=_("Teilnehmende*r")
    )
    kind = django_filters.ChoiceFilter(choices=OutcomeKind.choices)
    start_from = django_filters.DateFilter(field_name="start_date", lookup_expr="gte")
    start_to = django_filters.DateFilter(field_name="start_date", lookup_expr="lte")

    class Meta:
        model = Outcome
        fields = ["participant", "kind"]
