"""Search, filter and sort the grant and expenditure lists from GET parameters.

The querysets passed in come from the selectors and are already scoped; these forms only
narrow and order them further by what the user chose.
"""

from django import forms
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from durchstarten.core.forms import DateInput
from durchstarten.core.lists import SortedFilterForm
from durchstarten.funding.forms import grant_choice_label
from durchstarten.funding.models import ExpenditureCategory
from durchstarten.organisation.models import Module

ALL = ("", _("alle"))
WITHOUT_PROVIDER = "none"


class _DefaultSortForm(SortedFilterForm):
    """A filter form whose default sort may be descending (``default_sort``)."""

    default_sort = ""

    @property
    def current_sort(self) -> str:
        self.is_valid()
        wanted = self.cleaned_data.get("sort") or ""
        if wanted.removeprefix("-") in self.sort_fields:
            return wanted
        return self.default_sort or next(iter(self.sort_fields))


class GrantFilterForm(_DefaultSortForm):
    """Expects the queryset annotated by ``selectors.with_totals``."""

    default_sort = "-year"
    # Harmless in a URL (the overview links to a year's grants); searches go via the session.
    url_fields = ("year", "module")
    sort_fields = {
        "year": ("year", "module", "notice_date"),
        "module": ("module", "-year", "notice_date"),
        "notice_date": ("notice_date", "module"),
        "approved": ("approved_amount", "module"),
        "spent": ("spent_total", "module"),
    }

    q = forms.CharField(
        label=_("Aktenzeichen oder Behörde enthält"), required=False, max_length=100
    )
    year = forms.TypedChoiceField(
        label=_("Förderjahr"), required=False, coerce=int, empty_value=None
    )
    module = forms.TypedChoiceField(
        label=_("Förderbaustein"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[ALL, *Module.choices],
    )

    def __init__(self, data=None, *, years, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["year"].choices = [ALL, *((year, str(year)) for year in years)]

    def narrow(self, queryset, data):
        if q := (data.get("q") or "").strip():
            queryset = queryset.filter(
                Q(notice_reference__icontains=q) | Q(funding_authority__icontains=q)
            )
        if data.get("year"):
            queryset = queryset.filter(year=data["year"])
        if data.get("module"):
            queryset = queryset.filter(module=data["module"])
        return queryset


class ExpenditureFilterForm(_DefaultSortForm):
    default_sort = "-date"
    # Harmless in a URL (the grant page links to its payments); searches go via the session.
    url_fields = ("grant", "category", "provider")
    sort_fields = {
        "date": ("spent_on",),
        "amount": ("amount", "spent_on"),
        "category": ("category", "spent_on"),
        "provider": (Lower("provider__name"), "spent_on"),
    }

    q = forms.CharField(
        label=_("Belegnummer oder Beschreibung enthält"), required=False, max_length=100
    )
    grant = forms.ModelChoiceField(
        label=_("Bewilligung"),
        required=False,
        queryset=None,
        empty_label=_("alle"),
        to_field_name="public_id",
    )
    category = forms.ChoiceField(
        label=_("Ausgabenart"), required=False, choices=[ALL, *ExpenditureCategory.choices]
    )
    provider = forms.ChoiceField(label=_("Träger"), required=False)
    date_from = forms.DateField(label=_("Datum von"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("Datum bis"), required=False, widget=DateInput)

    def __init__(self, data=None, *, grants, providers, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["grant"].queryset = grants
        self.fields["grant"].label_from_instance = grant_choice_label
        self.fields["provider"].choices = [
            ALL,
            (WITHOUT_PROVIDER, _("ohne Träger (Ausgaben des Kreises)")),
            *((str(p.public_id), p.name) for p in providers),
        ]

    def narrow(self, queryset, data):
        if q := (data.get("q") or "").strip():
            queryset = queryset.filter(
                Q(receipt_reference__icontains=q) | Q(description__icontains=q)
            )
        if data.get("grant"):
            queryset = queryset.filter(grant=data["grant"])
        if data.get("category"):
            queryset = queryset.filter(category=data["category"])
        provider = data.get("provider")
        if provider == WITHOUT_PROVIDER:
            queryset = queryset.filter(provider__isnull=True)
        elif provider:
            queryset = queryset.filter(provider__public_id=provider)
        if data.get("date_from"):
            queryset = queryset.filter(spent_on__gte=data["date_from"])
        if data.get("date_to"):
            queryset = queryset.filter(spent_on__lte=data["date_to"])
        return queryset
