"""Search, filter and sort the offer directory and the referral inbox (core.lists.filter_data).

The querysets passed in come from the selectors and are already scoped; these forms
only narrow and order them further by what the user chose.
"""

from django import forms
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from durchstarten.cases.choices import NeedCategory
from durchstarten.core.lists import SortedFilterForm
from durchstarten.offers.choices import OPEN_STATES, OfferCategory, OfferKind, ReferralState
from durchstarten.offers.models import Offer
from durchstarten.organisation.models import Module

ALL = ("", _("alle"))
_served = Offer.municipalities.through.objects


class OfferFilterForm(SortedFilterForm):
    """Expects the queryset annotated with `places_taken` and `free_sort`."""

    sort_fields = {
        "title": (Lower("title"),),
        "start": (F("start_date").asc(nulls_last=True), Lower("title")),
        "free": ("free_sort", Lower("title")),
    }

    q = forms.CharField(label=_("Titel oder Anbieter enthält"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("Art"), required=False, choices=[ALL, *OfferKind.choices])
    category = forms.ChoiceField(
        label=_("Angebotsform"), required=False, choices=[ALL, *OfferCategory.choices]
    )
    module = forms.TypedChoiceField(
        label=_("Förderbaustein"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[ALL, *((v, label) for v, label in Module.choices if v <= 5)],
    )
    municipality = forms.ModelChoiceField(
        label=_("Kommune"),
        required=False,
        queryset=None,
        empty_label=_("alle"),
        to_field_name="public_id",
    )
    need = forms.ChoiceField(
        label=_("deckt Bedarf"), required=False, choices=[ALL, *NeedCategory.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("nur aktive")),
            ("all", _("aktive und inaktive")),
            ("inactive", _("nur inaktive")),
        ],
    )
    free_only = forms.BooleanField(label=_("nur mit freien Plätzen"), required=False)

    def __init__(self, data=None, *, municipalities, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["municipality"].queryset = municipalities

    def narrow(self, queryset, data):
        if q := (data.get("q") or "").strip():
            queryset = queryset.filter(
                Q(title__icontains=q) | Q(organiser__icontains=q) | Q(provider__name__icontains=q)
            )
        for name in ("kind", "category", "module"):
            if data.get(name):
                queryset = queryset.filter(**{name: data[name]})
        if municipality := data.get("municipality"):
            # Offers without municipalities serve the whole district.
            queryset = queryset.filter(
                Exists(_served.filter(offer=OuterRef("pk"), municipality=municipality))
                | ~Exists(_served.filter(offer=OuterRef("pk")))
            )
        if need := data.get("need"):
            # The JSON list as text; the quotes make it match whole values only.
            queryset = queryset.filter(needs_covered__icontains=f'"{need}"')
        status = data.get("status")
        if status == "inactive":
            queryset = queryset.filter(is_active=False)
        elif status != "all":
            queryset = queryset.filter(is_active=True)
        if data.get("free_only"):
            queryset = queryset.filter(Q(capacity__isnull=True) | Q(capacity__gt=F("places_taken")))
        return queryset


class ReferralFilterForm(SortedFilterForm):
    # An offer's page links to the inbox of that offer.
    url_fields = ("offer",)
    sort_fields = {
        "proposed": ("proposed_on",),
        "name": (Lower("participant__family_name"), Lower("participant__given_names")),
        "offer": (Lower("offer__title"), "proposed_on"),
    }

    state = forms.ChoiceField(
        label=_("Stand"),
        required=False,
        choices=[("", _("alle")), ("open", _("alle laufenden")), *ReferralState.choices],
    )
    offer = forms.ModelChoiceField(
        label=_("Angebot"),
        required=False,
        queryset=None,
        empty_label=_("alle"),
        to_field_name="public_id",
    )

    def __init__(self, data=None, *, offers, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["offer"].queryset = offers

    def narrow(self, queryset, data):
        state = data.get("state")
        if state == "open":
            queryset = queryset.filter(state__in=OPEN_STATES)
        elif state:
            queryset = queryset.filter(state=state)
        if data.get("offer"):
            queryset = queryset.filter(offer=data["offer"])
        return queryset
