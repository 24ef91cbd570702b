"""Forms of the privacy pages: they parse input; privacy.services holds the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from durchstarten.core.forms import DateInput, VersionedForm
from durchstarten.core.lists import SortedFilterForm
from durchstarten.privacy.models import DataClass, Decision, LegalBasis, RequestKind

ALL = ("", _("alle"))


class RetentionPolicyForm(forms.Form):
    """One period in days per data class."""

    def __init__(self, *args, initial_days: dict[str, int], minimum: int, **kwargs):
        super().__init__(*args, **kwargs)
        for data_class in DataClass:
            self.fields[data_class.value] = forms.IntegerField(
                label=data_class.label,
                min_value=1,
                max_value=36500,
                initial=initial_days[data_class.value],
                help_text=_("in Tagen, mindestens %(minimum)s") % {"minimum": minimum},
            )


class LegalHoldForm(forms.Form):
    reason = forms.CharField(
        label=_("Grund"),
        max_length=300,
        help_text=_("z. B. Aktenzeichen eines Gerichtsverfahrens oder einer Prüfung"),
    )
    until = forms.DateField(label=_("gilt bis"), widget=DateInput())


class PrivacyRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Art des Antrags"), choices=RequestKind.choices)
    received_on = forms.DateField(label=_("eingegangen am"), widget=DateInput())
    legal_basis = forms.ChoiceField(label=_("Rechtsgrundlage"), choices=LegalBasis.choices)
    note = forms.CharField(label=_("Bemerkung"), max_length=300, required=False)


class DecisionForm(VersionedForm):
    decision = forms.ChoiceField(
        label=_("Entscheidung"),
        choices=[
            (Decision.GRANTED, Decision.GRANTED.label),
            (Decision.REFUSED, Decision.REFUSED.label),
        ],
        widget=forms.RadioSelect,
    )
    decision_reason = forms.CharField(
        label=_("Begründung"),
        max_length=300,
        required=False,
        help_text=_("Bei einer Ablehnung erforderlich"),
    )


class RequestFilterForm(SortedFilterForm):
    sort_fields = {"received": ("received_on",), "decision": ("decision", "received_on")}
    url_fields = ("kind", "decision")

    kind = forms.ChoiceField(label=_("Art"), required=False, choices=[ALL, *RequestKind.choices])
    decision = forms.ChoiceField(
        label=_("Entscheidung"), required=False, choices=[ALL, *Decision.choices]
    )

    def narrow(self, queryset, data):
        if data.get("kind"):
            queryset = queryset.filter(kind=data["kind"])
        if data.get("decision"):
            queryset = queryset.filter(decision=data["decision"])
        return queryset


class HoldFilterForm(SortedFilterForm):
    sort_fields = {"until": ("until",), "created": ("created_at",)}

    in_force = forms.BooleanField(label=_("nur geltende"), required=False)

    def __init__(self, data=None, *, today, **kwargs):
        super().__init__(data, **kwargs)
        self.today = today

    def narrow(self, queryset, data):
        if data.get("in_force"):
            queryset = queryset.filter(lifted_on__isnull=True, until__gte=self.today)
        return queryset


class DueFilterForm(SortedFilterForm):
    """The due list is computed, not queried: filtered and sorted by privacy.views."""

    sort_fields = {"reference": ("reference_day",)}
    url_fields = ("data_class",)

    data_class = forms.ChoiceField(
        label=_("Datenart"),
        required=False,
        choices=[ALL, *((c.value, c.label) for c in DataClass if c != DataClass.AUDIT_LOG)],
    )
