"""Input forms for grants, own shares, contracts, the budget and expenditures.

They only parse and type the input; the money rules live in funding.services, whose errors
are put back on the form with add_service_error.
"""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from durchstarten.core.forms import DateInput, VersionedForm
from durchstarten.funding.models import ExpenditureCategory, OwnShareSource
from durchstarten.funding.money import format_number
from durchstarten.funding.services import CONTRACT_FIELDS
from durchstarten.organisation.models import Module

CHOOSE = _("Bitte wählen")
MAX_AMOUNT = Decimal("9999999999.99")
# German thousands grouping without a decimal comma: "12.345" or "1.234.567".
_GROUPED = re.compile(r"^-?\d{1,3}(\.\d{3})+$")


def parse_amount(text: str) -> str:
    """Normalise what people type for an amount ("12.345,67 €", "12345,67", "12345.67")."""
    value = text.strip().replace("€", "").replace("\u00a0", "").replace(" ", "")
    if "," in value:
        return value.replace(".", "").replace(",", ".")
    if _GROUPED.match(value):
        return value.replace(".", "")
    return value


class MoneyField(forms.DecimalField):
    """An amount in euros with cents, typed the German way; shown as ``12.345,67``."""

    default_error_messages = {
        "invalid": _("Bitte geben Sie einen Betrag in Euro an, z. B. 1.234,56."),
    }

    def __init__(self, *, min_value=Decimal("0.00"), **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(
            max_digits=12,
            decimal_places=2,
            min_value=min_value,
            max_value=MAX_AMOUNT,
            **kwargs,
        )

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            number = Decimal(parse_amount(str(value)))
        except InvalidOperation:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not number.is_finite():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return number

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return format_number(value)
        return value


def _positive_money(label, **kwargs) -> MoneyField:
    return MoneyField(
        label=label,
        min_value=Decimal("0.01"),
        error_messages={"min_value": _("Der Betrag muss größer als 0,00 € sein.")},
        **kwargs,
    )


def _module_field() -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=_("Förderbaustein"), coerce=int, choices=[("", CHOOSE), *Module.choices]
    )


def initial_from(instance, names) -> dict:
    return {name: getattr(instance, name) for name in names} | {"version": instance.version}


class GrantForm(VersionedForm):
    module = _module_field()
    year = forms.IntegerField(
        label=_("Förderjahr"),
        min_value=2019,
        max_value=2100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    funding_authority = forms.CharField(
        label=_("Bewilligungsbehörde"),
        max_length=200,
        help_text=_("z. B. „Bezirksregierung Arnsberg“"),
    )
    notice_reference = forms.CharField(label=_("Aktenzeichen des Bescheids"), max_length=100)
    notice_date = forms.DateField(label=_("Bescheiddatum"), widget=DateInput)
    period_from = forms.DateField(label=_("Bewilligungszeitraum von"), widget=DateInput)
    period_to = forms.DateField(label=_("Bewilligungszeitraum bis"), widget=DateInput)
    eligible_costs = MoneyField(
        label=_("Zuwendungsfähige Ausgaben (€)"),
        help_text=_("Gesamtbetrag laut Bescheid, z. B. 125.000,00"),
    )
    approved_amount = MoneyField(
        label=_("Bewilligter Betrag (€)"),
        help_text=_("Die Zuwendung des Landes, z. B. 100.000,00"),
    )
    early_start_approved = forms.BooleanField(
        label=_("Vorzeitiger Maßnahmebeginn genehmigt"), required=False
    )
    early_start_date = forms.DateField(
        label=_("Vorzeitiger Maßnahmebeginn ab"),
        required=False,
        widget=DateInput,
        help_text=_("Nur, wenn der vorzeitige Maßnahmebeginn genehmigt ist."),
    )
    note = forms.CharField(
        label=_("Bemerkung"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("year", timezone.localdate().year)
        super().__init__(*args, **kwargs)
        self.order_fields(
            [
                "module",
                "year",
                "funding_authority",
                "notice_reference",
                "notice_date",
                "period_from",
                "period_to",
                "eligible_costs",
                "approved_amount",
            ]
        )


class OwnShareForm(VersionedForm):
    amount = _positive_money(_("Betrag (€)"))
    source = forms.ChoiceField(
        label=_("Herkunft der Mittel"), choices=[("", CHOOSE), *OwnShareSource.choices]
    )
    description = forms.CharField(
        label=_("Beschreibung"),
        max_length=200,
        required=False,
        help_text=_("z. B. Haushaltsstelle oder Bescheid der Integrationspauschale"),
    )
    use_by = forms.DateField(
        label=_("Zu verwenden bis"),
        required=False,
        widget=DateInput,
        help_text=_("Bis wann die Mittel verausgabt sein müssen; 60 Tage vorher wird gewarnt."),
    )


class ContractForm(VersionedForm):
    provider = forms.ModelChoiceField(
        label=_("Träger"), queryset=None, empty_label=CHOOSE, to_field_name="public_id"
    )
    reference = forms.CharField(label=_("Vertragsnummer"), max_length=100, required=False)
    amount = _positive_money(_("Betrag (€)"))
    fte = forms.DecimalField(
        label=_("Stellen (VZÄ)"),
        localize=True,
        required=False,
        max_digits=4,
        decimal_places=2,
        min_value=Decimal("0"),
        max_value=Decimal("99"),
        help_text=_("Vollzeitäquivalente mit Komma, z. B. 1,5"),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    period_from = forms.DateField(label=_("Laufzeit von"), widget=DateInput)
    period_to = forms.DateField(label=_("Laufzeit bis"), widget=DateInput)
    signed_on = forms.DateField(label=_("Unterzeichnet am"), required=False, widget=DateInput)
    note = forms.CharField(
        label=_("Bemerkung"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    field_order = list(CONTRACT_FIELDS)

    def __init__(self, *args, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers


class BudgetForm(VersionedForm):
    """One planned amount per expenditure category; empty means "not planned"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for value, label in ExpenditureCategory.choices:
            self.fields[value] = MoneyField(label=label, required=False)
        # The version goes last so that the amounts come first in the error summary.
        self.order_fields(ExpenditureCategory.values)

    def planned(self) -> dict:
        return {value: self.cleaned_data.get(value) for value in ExpenditureCategory.values}


class ExpenditureForm(VersionedForm):
    grant = forms.ModelChoiceField(
        label=_("Bewilligung"), queryset=None, empty_label=CHOOSE, to_field_name="public_id"
    )
    category = forms.ChoiceField(
        label=_("Ausgabenart"), choices=[("", CHOOSE), *ExpenditureCategory.choices]
    )
    spent_on = forms.DateField(label=_("Datum"), widget=DateInput)
    amount = _positive_money(_("Betrag (€)"))
    provider = forms.ModelChoiceField(
        label=_("Träger"),
        queryset=None,
        required=False,
        empty_label=_("kein Träger (Ausgabe des Kreises)"),
        to_field_name="public_id",
    )
    contract = forms.ModelChoiceField(
        label=_("Weiterleitungsvertrag"),
        queryset=None,
        required=False,
        empty_label=_("keiner"),
        to_field_name="public_id",
        help_text=_("Der Träger ergibt sich aus dem Vertrag."),
    )
    receipt_reference = forms.CharField(label=_("Belegnummer"), max_length=100, required=False)
    description = forms.CharField(label=_("Beschreibung"), max_length=300, required=False)

    def __init__(self, *args, grants, providers, contracts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grant"].queryset = grants
        self.fields["grant"].label_from_instance = grant_choice_label
        self.fields["provider"].queryset = providers
        self.fields["contract"].queryset = contracts
        self.fields["contract"].label_from_instance = contract_choice_label
        self.order_fields(
            [
                "grant",
                "category",
                "spent_on",
                "amount",
                "provider",
                "contract",
                "receipt_reference",
                "description",
            ]
        )


def grant_choice_label(grant) -> str:
    return f"{grant.year} · {grant.get_module_display()} · {grant.notice_reference}"


def contract_choice_label(contract) -> str:
    reference = f" ({contract.reference})" if contract.reference else ""
    grant = contract.grant
    return f"{grant.year} · {grant.get_module_display()} · {contract.provider}{reference}"
