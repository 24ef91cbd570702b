"""Input forms for providers, assignments and positions.

They only parse and type the input; the business rules (overlaps, districts, versions)
live in organisation.services, whose errors are put back on the form with add_service_error.
"""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from durchstarten.core.forms import CheckboxSelectMultiple, DateInput, VersionedForm
from durchstarten.organisation.models import Module


def _module_field() -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=_("Förderbaustein"),
        coerce=int,
        choices=[("", _("Bitte wählen"))] + list(Module.choices),
    )


class ProviderForm(VersionedForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    short_name = forms.CharField(
        label=_("Kurzname"),
        max_length=60,
        required=False,
        help_text=_("Wird in Listen angezeigt, z. B. „asH“."),
    )
    address = forms.CharField(
        label=_("Anschrift"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    email = forms.EmailField(
        label=_("E-Mail"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    phone = forms.CharField(
        label=_("Telefon"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    is_active = forms.BooleanField(
        label=_("aktiv"),
        required=False,
        initial=True,
    )


class AssignmentForm(VersionedForm):
    provider = forms.ModelChoiceField(
        label=_("Träger"),
        queryset=None,
        empty_label=_("Bitte wählen"),
        to_field_name="public_id",
    )
    module = _module_field()
    municipalities = forms.ModelMultipleChoiceField(
        label=_("Kommunen"),
        queryset=None,
        widget=CheckboxSelectMultiple,
        to_field_name="public_id",
        error_messages={"required": _("Bitte wählen Sie mindestens eine Kommune.")},
    )
    valid_from = forms.DateField(label=_("gültig ab"), widget=DateInput)
    valid_until = forms.DateField(
        label=_("gültig bis"),
        required=False,
        widget=DateInput,
        help_text=_("Leer lassen, wenn die Zuständigkeit unbefristet ist."),
    )
    note = forms.CharField(
        label=_("Bemerkung"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, providers, municipalities, with_provider=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipalities"].queryset = municipalities
        if with_provider:
            self.fields["provider"].queryset = providers
        else:
            # The service keeps an assignment's provider; a new provider means a new assignment.
            del self.fields["provider"]


class PositionForm(VersionedForm):
    provider = forms.ModelChoiceField(
        label=_("Arbeitgeber"),
        queryset=None,
        required=False,
        empty_label=_("Koordinierungsstelle (Kreis)"),
        to_field_name="public_id",
    )
    module = _module_field()
    title = forms.CharField(
        label=_("Bezeichnung"),
        max_length=150,
        required=False,
        help_text=_("z. B. „Teilhabemanagement Nord“"),
    )
    fte = forms.DecimalField(
        label=_("Stellenanteil (VZÄ)"),
        localize=True,
        max_digits=4,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=Decimal("10"),
        help_text=_("Vollzeitäquivalente mit Komma, z. B. 0,5 für eine halbe Stelle."),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    holder = forms.ModelChoiceField(
        label=_("Stelleninhaber*in"),
        queryset=None,
        required=False,
        empty_label=_("nicht besetzt / nicht erfasst"),
    )
    valid_from = forms.DateField(label=_("gültig ab"), widget=DateInput)
    valid_until = forms.DateField(
        label=_("gültig bis"),
        required=False,
        widget=DateInput,
        help_text=_("Leer lassen, wenn die Stelle unbefristet ist."),
    )

    def __init__(self, *args, providers, holders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers
        self.fields["holder"].queryset = holders
