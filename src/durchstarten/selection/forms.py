"""Input forms of the provider selection.

They only parse and type the input; the rules (states, weights, deadlines, coverage) live in
selection.services, whose errors are put back on the form with add_service_error.
"""

from decimal import Decimal

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from durchstarten.core.forms import CheckboxSelectMultiple, DateInput, VersionedForm
from durchstarten.organisation.models import Module
from durchstarten.selection.models import MAX_SCORE, MIN_SCORE
from durchstarten.selection.services import EDITABLE, SCORE_RANGE

NO_AWARD = "none"
CHOOSE = _("Bitte wählen")


def _text(label, *, required=False, rows=3, help_text=""):
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class CallForm(VersionedForm):
    title = forms.CharField(
        label=_("Bezeichnung"),
        max_length=200,
        help_text=_("z. B. „Coaching Nord 2027–2029“"),
    )
    module = forms.TypedChoiceField(
        label=_("Förderbaustein"), coerce=int, choices=[("", CHOOSE), *Module.choices]
    )
    municipalities = forms.ModelMultipleChoiceField(
        label=_("Kommunen"),
        queryset=None,
        widget=CheckboxSelectMultiple,
        to_field_name="public_id",
        error_messages={"required": _("Bitte wählen Sie mindestens eine Kommune.")},
    )
    valid_from = forms.DateField(
        label=_("Zuständigkeit ab"),
        widget=DateInput,
        help_text=_("Beginn der Zuständigkeit, die mit dem Zuschlag entsteht."),
    )
    valid_until = forms.DateField(
        label=_("Zuständigkeit bis"),
        required=False,
        widget=DateInput,
        help_text=_("Leer lassen, wenn die Zuständigkeit unbefristet ist."),
    )
    deadline = forms.DateField(
        label=_("Abgabefrist"),
        widget=DateInput,
        help_text=_("Letzter Tag, an dem Interessenbekundungen eingehen können."),
    )
    reviewers = forms.ModelMultipleChoiceField(
        label=_("Bewertungsgremium"),
        queryset=None,
        required=False,
        widget=CheckboxSelectMultiple,
        help_text=_(
            "Personen mit der Rolle Koordinierung, die die Interessenbekundungen bewerten."
        ),
    )
    description = _text(_("Beschreibung"), rows=5)

    def __init__(self, *args, municipalities, reviewers, status=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipalities"].queryset = municipalities
        self.fields["reviewers"].queryset = reviewers
        if status is not None:
            # What the call's state no longer allows is shown, but not sent back.
            for name, field in self.fields.items():
                if name != "version" and name not in EDITABLE.get(status, ()):
                    field.disabled = True

    def service_fields(self) -> dict:
        return {
            name: value
            for name, value in super().service_fields().items()
            if not self.fields[name].disabled
        }


class CriterionForm(VersionedForm):
    name = forms.CharField(label=_("Kriterium"), max_length=150)
    weight = forms.DecimalField(
        label=_("Gewicht (%)"),
        localize=True,
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=Decimal("100"),
        help_text=_("Anteil an der Gesamtbewertung in Prozent; alle Gewichte ergeben 100."),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    description = _text(_("Beschreibung"), help_text=_("Worauf die Bewertung achtet."))


class BidForm(VersionedForm):
    provider = forms.ModelChoiceField(
        label=_("Träger"),
        queryset=None,
        empty_label=CHOOSE,
        to_field_name="public_id",
    )
    received_on = forms.DateField(label=_("eingegangen am"), widget=DateInput)
    municipalities = forms.ModelMultipleChoiceField(
        label=_("Kommunen, für die sich der Träger bewirbt"),
        queryset=None,
        widget=CheckboxSelectMultiple,
        to_field_name="public_id",
        error_messages={"required": _("Bitte wählen Sie mindestens eine Kommune.")},
    )
    proposed_fte = forms.DecimalField(
        label=_("angebotene Stellenanteile (VZÄ)"),
        localize=True,
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=Decimal("100"),
        help_text=_("Vollzeitäquivalente mit Komma, z. B. 1,5."),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    note = _text(_("Bemerkung"))
    late_reason = _text(
        _("Begründung für verspäteten Eingang"),
        help_text=_("Nur nötig, wenn die Interessenbekundung nach der Abgabefrist einging."),
    )

    def __init__(self, *args, providers, municipalities, with_provider=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipalities"].queryset = municipalities
        if with_provider:
            self.fields["provider"].queryset = providers
        else:
            # A bid belongs to its provider; another provider means another bid.
            del self.fields["provider"]


class ScoreForm(forms.Form):
    """The signed-in reviewer's scores of one bid: points and comment per criterion."""

    def __init__(self, *args, criteria, scores, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            score = scores.get(criterion.pk)
            self.fields[f"score_{criterion.pk}"] = forms.IntegerField(
                label=_("%(name)s (Gewicht %(weight)s %%): Punkte")
                % {"name": criterion.name, "weight": formats.localize(criterion.weight)},
                required=False,
                min_value=MIN_SCORE,
                max_value=MAX_SCORE,
                initial=score.value if score else None,
                help_text=criterion.description or _("0 (ungenügend) bis 10 (hervorragend)"),
                error_messages={
                    "invalid": SCORE_RANGE,
                    "min_value": SCORE_RANGE,
                    "max_value": SCORE_RANGE,
                },
                widget=forms.NumberInput(attrs={"min": MIN_SCORE, "max": MAX_SCORE}),
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("%(name)s: Kommentar") % {"name": criterion.name},
                required=False,
                initial=score.comment if score else "",
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"version_{criterion.pk}"] = forms.IntegerField(
                required=False,
                min_value=1,
                initial=score.version if score else None,
                widget=forms.HiddenInput,
            )

    def entries(self) -> dict:
        data = self.cleaned_data
        return {
            c.pk: (
                data.get(f"score_{c.pk}"),
                data.get(f"comment_{c.pk}") or "",
                data.get(f"version_{c.pk}"),
            )
            for c in self.criteria
        }


class VersionOnlyForm(VersionedForm):
    """A state change: only carries the version the page was built from."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].required = True


class CancelForm(VersionOnlyForm):
    reason = _text(_("Grund des Abbruchs"), required=True, rows=4)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = _(
            "Bitte geben Sie den Grund für den Abbruch an."
        )


class DecideForm(VersionOnlyForm):
    """Per municipality of the call a radio group: the covering bids and "no award"."""

    note = _text(
        _("Begründung"),
        rows=4,
        help_text=_(
            "Erforderlich, wenn Sie bei einer Kommune nicht die bestplatzierte "
            "Interessenbekundung wählen."
        ),
    )

    def __init__(self, *args, record, proposal, **kwargs):
        super().__init__(*args, **kwargs)
        self.record = record
        self.municipality_fields = []
        results = {r.bid.pk: r for r in record.results}
        note = self.fields.pop("note")
        for municipality in record.municipalities:
            covering = [r for r in record.ranked if municipality in r.bid.municipalities.all()]
            choices = [
                (
                    str(r.bid.public_id),
                    _("%(provider)s – Rang %(rank)s, %(points)s Punkte")
                    % {
                        "provider": r.bid.provider.name,
                        "rank": r.rank,
                        "points": formats.localize(r.points),
                    },
                )
                for r in covering
            ]
            choices.append((NO_AWARD, _("kein Zuschlag")))
            top = proposal.get(municipality.pk, [])
            name = f"m_{municipality.public_id}"
            self.fields[name] = forms.ChoiceField(
                label=municipality.name,
                choices=choices,
                widget=forms.RadioSelect,
                # A tie at the top is for the coordinator to resolve, so nothing is preselected.
                initial=str(top[0].public_id) if len(top) == 1 else (None if top else NO_AWARD),
                error_messages={
                    "required": _(
                        "Bitte wählen Sie einen Träger oder „kein Zuschlag“ für diese Kommune."
                    )
                },
            )
            self.municipality_fields.append((municipality, name))
        self.fields["note"] = note
        self._bids = {str(r.bid.public_id): r.bid for r in results.values()}

    def choices(self) -> dict:
        """municipality pk -> chosen Bid or None."""
        return {
            m.pk: self._bids.get(self.cleaned_data[name]) for m, name in self.municipality_fields
        }

    def chosen(self) -> list[tuple]:
        """(municipality, bid or None) for the confirmation page."""
        picked = self.choices()
        return [(m, picked[m.pk]) for m, _name in self.municipality_fields]
