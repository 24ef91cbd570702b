"""Input forms for offers, referral steps and outcomes.

They only parse and type the input; the rules (eligibility, consent, capacity, versions)
live in offers.services, whose errors are put back on the form with add_service_error.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from durchstarten.cases.choices import LANGUAGES, NeedCategory, ResidenceStatusKind
from durchstarten.core.forms import CheckboxSelectMultiple, DateInput, VersionedForm
from durchstarten.offers.choices import DeclinedBy, OfferCategory, ReferralState
from durchstarten.offers.models import Offer, Outcome
from durchstarten.offers.services import OFFER_FIELDS
from durchstarten.organisation.models import Module

CHOOSE = _("Bitte wählen")

# The steps of a referral a button can take: action -> (state reached, declined by).
ACTIONS = {
    "accept": (ReferralState.ACCEPTED, ""),
    "wait": (ReferralState.WAITING, ""),
    "decline_provider": (ReferralState.DECLINED, DeclinedBy.PROVIDER),
    "decline_participant": (ReferralState.DECLINED, DeclinedBy.PARTICIPANT),
    "start": (ReferralState.STARTED, ""),
    "complete": (ReferralState.COMPLETED, ""),
    "abort": (ReferralState.ABORTED, ""),
}
ACTION_LABELS = {
    "accept": _("Platz zusagen"),
    "wait": _("Auf die Warteliste setzen"),
    "decline_provider": _("Absagen (Anbieter)"),
    "decline_participant": _("Person hat abgesagt"),
    "start": _("Beginn erfassen"),
    "complete": _("Abschluss erfassen"),
    "abort": _("Abbruch erfassen"),
}


def _module_choices():
    return [("", _("keiner (kein Angebot der Landesinitiative)"))] + [
        (value, label) for value, label in Module.choices if value <= 5
    ]


class OfferForm(VersionedForm):
    title = forms.CharField(label=_("Titel"), max_length=200)
    category = forms.ChoiceField(
        label=_("Angebotsform"),
        choices=[("", CHOOSE), *OfferCategory.choices],
        help_text=_("Die Art (Maßnahme, Regelangebot, Fachstelle) ergibt sich daraus."),
    )
    module = forms.TypedChoiceField(
        label=_("Förderbaustein"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=_module_choices,
        help_text=_("Nur für Maßnahmen der Landesinitiative."),
    )
    provider = forms.ModelChoiceField(
        label=_("Träger"),
        queryset=None,
        required=False,
        empty_label=_("kein Träger der Landesinitiative"),
        to_field_name="public_id",
    )
    organiser = forms.CharField(
        label=_("Anbieter"),
        max_length=200,
        required=False,
        help_text=_("Für Angebote anderer Stellen, z. B. „VHS Gütersloh“."),
    )
    description = forms.CharField(
        label=_("Beschreibung"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    municipalities = forms.ModelMultipleChoiceField(
        label=_("Einzugsgebiet (Kommunen)"),
        queryset=None,
        required=False,
        widget=CheckboxSelectMultiple,
        to_field_name="public_id",
        help_text=_("Keine Auswahl: für den ganzen Kreis."),
    )
    location = forms.CharField(label=_("Ort"), max_length=200, required=False)
    schedule = forms.CharField(
        label=_("Zeiten"),
        max_length=200,
        required=False,
        help_text=_("z. B. „Mo–Fr 09:00–13:15 Uhr“"),
    )
    start_date = forms.DateField(label=_("Beginn"), required=False, widget=DateInput)
    end_date = forms.DateField(label=_("Ende"), required=False, widget=DateInput)
    capacity = forms.IntegerField(
        label=_("Plätze"),
        required=False,
        min_value=1,
        help_text=_("Leer lassen, wenn die Zahl der Plätze nicht begrenzt ist."),
    )
    languages = forms.MultipleChoiceField(
        label=_("Sprachen"), choices=LANGUAGES, required=False, widget=CheckboxSelectMultiple
    )
    women_only = forms.BooleanField(label=_("nur für Frauen"), required=False)
    childcare = forms.BooleanField(label=_("mit Kinderbetreuung"), required=False)
    needs_covered = forms.MultipleChoiceField(
        label=_("deckt Bedarfe"),
        choices=NeedCategory.choices,
        required=False,
        widget=CheckboxSelectMultiple,
    )
    allowed_statuses = forms.MultipleChoiceField(
        label=_("zugelassene Aufenthaltsstatus"),
        choices=ResidenceStatusKind.choices,
        required=False,
        widget=CheckboxSelectMultiple,
        help_text=_("Keine Auswahl: jeder Aufenthaltsstatus."),
    )
    min_age = forms.IntegerField(label=_("Mindestalter"), required=False, min_value=0)
    max_age = forms.IntegerField(label=_("Höchstalter"), required=False, min_value=0)
    requires_employment = forms.BooleanField(
        label=_("setzt Ausbildung oder Beschäftigung voraus"), required=False
    )
    min_german_level = forms.ChoiceField(
        label=_("Deutschkenntnisse mindestens"),
        required=False,
        choices=Offer._meta.get_field("min_german_level").choices,
    )
    requires_literacy = forms.BooleanField(
        label=_("setzt Alphabetisierung in lateinischer Schrift voraus"), required=False
    )
    is_active = forms.BooleanField(label=_("aktiv"), required=False, initial=True)

    def __init__(self, *args, providers, municipalities, provider_required=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers
        self.fields["municipalities"].queryset = municipalities
        if provider_required:
            self.fields["provider"].required = True
            self.fields["provider"].empty_label = CHOOSE

    @staticmethod
    def initial_for(offer: Offer) -> dict:
        initial = {name: getattr(offer, name) for name in OFFER_FIELDS}
        initial.update(municipalities=list(offer.municipalities.all()), version=offer.version)
        return initial

    def service_fields(self) -> dict:
        data = super().service_fields()
        data["municipalities"] = list(data.get("municipalities") or [])
        return data


class ReferralActionForm(forms.Form):
    """One step of a referral (a button; aborting also takes a reason)."""

    action = forms.ChoiceField(choices=[(key, key) for key in ACTIONS])
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Abbruchgrund"), max_length=200, required=False)

    def transition(self) -> dict:
        to_state, declined_by = ACTIONS[self.cleaned_data["action"]]
        return {
            "version": self.cleaned_data["version"],
            "to_state": to_state,
            "declined_by": declined_by,
            "reason": self.cleaned_data["reason"],
        }


class ReferralChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.offer.title} ({obj.get_state_display()})"


class OutcomeForm(forms.Form):
    prefix = "outcome"

    kind = forms.ChoiceField(
        label=_("Verbleib"), choices=[("", CHOOSE), *Outcome._meta.get_field("kind").choices]
    )
    start_date = forms.DateField(label=_("ab"), widget=DateInput, initial=timezone.localdate)
    end_date = forms.DateField(label=_("bis"), required=False, widget=DateInput)
    language_level = forms.ChoiceField(
        label=_("Sprachniveau"),
        required=False,
        choices=[("", _("–")), *Outcome._meta.get_field("language_level").choices],
        help_text=_("Nur bei einer bestandenen Sprachprüfung."),
    )
    referral = ReferralChoiceField(
        label=_("über Vermittlung"),
        queryset=None,
        required=False,
        empty_label=_("keine Vermittlung"),
        to_field_name="public_id",
    )
    note = forms.CharField(label=_("Bemerkung"), max_length=300, required=False)

    def __init__(self, *args, referrals, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referral"].queryset = referrals
