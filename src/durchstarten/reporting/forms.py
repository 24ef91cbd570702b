"""Input forms of the reporting pages: targets, their list filter and the report period.

They parse and type the input (a rate typed as percent becomes a fraction); the rules
live in reporting.services.
"""

import datetime as dt
from decimal import Decimal

from django import forms
from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from durchstarten.core.forms import DateInput, VersionedForm
from durchstarten.core.lists import SortedFilterForm
from durchstarten.reporting.choices import RATE_METRICS, TargetMetric
from durchstarten.reporting.services import COUNT_WHOLE, RATE_RANGE

HUNDRED = Decimal(100)
# A report over more years than this is no report a district sends; it also bounds the
# per-month trend series.
MAX_PERIOD_DAYS = 366 * 5 + 1

PERIOD_ORDER = _("Das Ende des Zeitraums darf nicht vor dem Beginn liegen.")
PERIOD_TOO_LONG = _("Der Zeitraum darf höchstens fünf Jahre umfassen.")
PERIOD_YEARS = _("Bitte wählen Sie Daten zwischen den Jahren 2000 und 2100.")


def _metric_order() -> Case:
    """Order of the figures as in TargetMetric, not alphabetically by code."""
    return Case(
        *(When(metric=value, then=Value(i)) for i, value in enumerate(TargetMetric.values)),
        output_field=IntegerField(),
    )


def _plain(value: Decimal) -> Decimal:
    """Without trailing zeros, and never in exponent notation (30, not 3E+1)."""
    value = value.normalize()
    return value.quantize(Decimal(1)) if value.as_tuple().exponent > 0 else value


class TargetForm(VersionedForm):
    year = forms.IntegerField(
        label=_("Jahr"),
        min_value=2000,
        max_value=2100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    metric = forms.ChoiceField(
        label=_("Kennzahl"), choices=[("", _("Bitte wählen")), *TargetMetric.choices]
    )
    value = forms.DecimalField(
        label=_("Zielwert"),
        localize=True,
        min_value=Decimal(0),
        max_digits=9,
        decimal_places=2,
        help_text=_(
            "Quoten in Prozent, z. B. 30 für „mindestens 30 %“; Anzahlen als ganze Zahl, "
            "z. B. 100 für „mindestens 100 Personen“."
        ),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    note = forms.CharField(label=_("Bemerkung"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        initial = kwargs.get("initial") or {}
        if initial.get("metric") in RATE_METRICS and initial.get("value") is not None:
            # Stored as a fraction, shown as percent.
            initial = {**initial, "value": _plain(initial["value"] * HUNDRED)}
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        if not self.is_bound and "year" not in initial:
            self.fields["year"].initial = timezone.localdate().year

    def clean(self):
        data = super().clean()
        metric, value = data.get("metric"), data.get("value")
        if metric is None or value is None:
            return data
        if metric in RATE_METRICS:
            if value > HUNDRED:
                self.add_error("value", RATE_RANGE)
            else:
                data["value"] = (value / HUNDRED).quantize(Decimal("0.0001"))
        elif value != value.to_integral_value():
            self.add_error("value", COUNT_WHOLE)
        return data


class TargetFilterForm(SortedFilterForm):
    sort_fields = {
        "year": ("year", _metric_order()),
        "metric": (_metric_order(), "-year"),
        "value": ("value", "-year"),
    }
    # Newest year first unless the user chose otherwise.
    default_sort = "-year"
    # Harmless in a URL (the note searched for goes through the session, core.lists).
    url_fields = ("year", "metric")

    q = forms.CharField(label=_("Bemerkung enthält"), required=False, max_length=100)
    year = forms.TypedChoiceField(label=_("Jahr"), required=False, coerce=int, empty_value=None)
    metric = forms.ChoiceField(
        label=_("Kennzahl"), required=False, choices=[("", _("alle")), *TargetMetric.choices]
    )

    def __init__(self, data=None, *, years=(), **kwargs):
        super().__init__(data, **kwargs)
        self.fields["year"].choices = [("", _("alle")), *((y, str(y)) for y in years)]

    @property
    def current_sort(self) -> str:
        self.is_valid()
        wanted = self.cleaned_data.get("sort") or ""
        return wanted if wanted.removeprefix("-") in self.sort_fields else self.default_sort

    def narrow(self, queryset, data):
        if q := (data.get("q") or "").strip():
            queryset = queryset.filter(note__icontains=q)
        if data.get("year"):
            queryset = queryset.filter(year=data["year"])
        if data.get("metric"):
            queryset = queryset.filter(metric=data["metric"])
        return queryset


# --- Report period -----------------------------------------------------------------------------


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The current calendar year up to today."""
    today = today or timezone.localdate()
    return dt.date(today.year, 1, 1), today


class PeriodForm(forms.Form):
    """The period of a report from GET parameters ``from`` and ``to`` (ISO dates)."""

    hide_optional_marker = True

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        start, end = default_period()
        # "from" is a Python keyword, so the fields are added here rather than declared.
        self.fields["from"] = forms.DateField(
            label=_("von"), required=False, widget=DateInput, initial=start
        )
        self.fields["to"] = forms.DateField(
            label=_("bis"), required=False, widget=DateInput, initial=end
        )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        default_start, default_end = default_period()
        start = data.get("from") or default_start
        end = data.get("to") or (default_end if start <= default_end else start)
        if not (2000 <= start.year <= 2100 and 2000 <= end.year <= 2100):
            raise forms.ValidationError(PERIOD_YEARS, code="years")
        if end < start:
            self.add_error("to", PERIOD_ORDER)
        elif (end - start).days > MAX_PERIOD_DAYS:
            self.add_error("to", PERIOD_TOO_LONG)
        data["from"], data["to"] = start, end
        return data

    @property
    def period(self) -> tuple[dt.date, dt.date] | None:
        """(start, end) of a valid period, or None."""
        if not self.is_valid():
            return None
        return self.cleaned_data["from"], self.cleaned_data["to"]
