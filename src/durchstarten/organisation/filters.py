"""Search, filter, sort and page the organisation lists from GET parameters.

The querysets passed in come from the selectors and are already scoped; these forms
only narrow and order them further by what the user chose.
"""

from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from durchstarten.organisation.models import Module

PAGE_SIZE = 25
OFFICE = "office"


class SortedFilterForm(forms.Form):
    """A GET filter form with a ``sort`` parameter: ``key`` ascending, ``-key`` descending."""

    # sort key -> order_by fields; the first entry is the default.
    sort_fields: dict[str, tuple[str, ...]] = {}

    sort = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, data=None, **kwargs):
        super().__init__(data if data is not None else {}, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.Select):
                field.widget.attrs.setdefault("class", "kern-form-input__select")
            elif not isinstance(field.widget, forms.HiddenInput):
                field.widget.attrs.setdefault("class", "kern-form-input__input")

    @property
    def current_sort(self) -> str:
        """The valid sort parameter in effect, falling back to the default."""
        wanted = (self.cleaned_data.get("sort") or "") if self.is_valid() else ""
        if wanted.removeprefix("-") in self.sort_fields:
            return wanted
        return next(iter(self.sort_fields))

    def order(self, queryset: QuerySet) -> QuerySet:
        key = self.current_sort
        fields = self.sort_fields[key.removeprefix("-")]
        if key.startswith("-"):
            fields = tuple(f"-{f}" for f in fields[:1]) + fields[1:]
        return queryset.order_by(*fields, "pk")

    def narrow(self, queryset: QuerySet, data: dict) -> QuerySet:
        return queryset

    def apply(self, queryset: QuerySet) -> QuerySet:
        """The queryset narrowed by the valid filters and ordered; invalid input is ignored."""
        data = self.cleaned_data if self.is_valid() else {}
        return self.order(self.narrow(queryset, data))


class ProviderFilterForm(SortedFilterForm):
    sort_fields = {"name": ("name",), "created": ("created_at", "name")}

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
        "module": ("module", "provider__name", "valid_from"),
        "provider": ("provider__name", "module", "valid_from"),
        "valid_from": ("valid_from", "module"),
        "valid_until": ("valid_until", "module"),
    }

    module = _module_field()
    provider = forms.ModelChoiceField(
        label=_("Träger"), required=False, queryset=None, empty_label=_("alle"), to_field_name="public_id"
    )
    municipality = forms.ModelChoiceField(
        label=_("Kommune"), required=False, queryset=None, empty_label=_("alle"), to_field_name="public_id"
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
        "module": ("module", "provider__name", "valid_from"),
        "employer": ("provider__name", "module", "valid_from"),
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


def paginate(request, queryset: QuerySet) -> Page:
    """The requested page (25 rows); out-of-range or invalid numbers give the nearest page."""
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    page.elided_range = list(
        page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    )
    return page
