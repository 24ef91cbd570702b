"""Input forms for participant records, residence status, outreach, consent and enrollment.

They only parse and type the input; the rules (dates, consent, districts, versions) live in
cases.services, whose errors are put back on the form with add_service_error.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from durchstarten.cases.choices import (
    LANGUAGES,
    ConsentPurpose,
    ExitReason,
    Gender,
    GermanLevel,
    Literacy,
    OutreachChannel,
    OutreachResult,
    ResidenceStatusKind,
)
from durchstarten.cases.services.participants import EDITABLE_FIELDS
from durchstarten.core.forms import (
    CheckboxSelectMultiple,
    DateInput,
    VersionedForm,
    add_service_error,
)

__all__ = [
    "ConsentForm",
    "ContactFirstForm",
    "EnrollmentEnterForm",
    "EnrollmentExitForm",
    "EnrollmentReassignForm",
    "OutreachForm",
    "ParticipantForm",
    "ResidenceStatusForm",
    "add_service_error",
]

CHOOSE = _("Bitte wählen")


def _choices(choices, *, empty=CHOOSE):
    return [("", empty), *choices]


def _date(label, *, required=True, help_text="", today=False):
    return forms.DateField(
        label=label,
        required=required,
        widget=DateInput,
        help_text=help_text,
        initial=timezone.localdate if today else None,
    )


def _note(label, max_length):
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def _staff(label, *, required=True, empty_label=CHOOSE):
    return forms.ModelChoiceField(
        label=label, queryset=None, required=required, empty_label=empty_label
    )


def _provider(label, *, empty_label, help_text=""):
    return forms.ModelChoiceField(
        label=label,
        queryset=None,
        required=False,
        empty_label=empty_label,
        to_field_name="public_id",
        help_text=help_text,
    )


# --- The record -----------------------------------------------------------------------------


class ParticipantForm(VersionedForm):
    """All fields of services.participants.EDITABLE_FIELDS."""

    given_names = forms.CharField(
        label=_("Vorname(n)"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    family_name = forms.CharField(
        label=_("Familienname"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    date_of_birth = _date(
        _("Geburtsdatum"),
        required=False,
        help_text=_("Nötig für den Eintritt und die Bestimmung der Zielgruppe."),
    )
    gender = forms.ChoiceField(label=_("Geschlecht"), choices=Gender.choices)
    nationality = forms.ChoiceField(label=_("Staatsangehörigkeit"), required=False)
    languages = forms.MultipleChoiceField(
        label=_("Sprachen"), choices=LANGUAGES, required=False, widget=CheckboxSelectMultiple
    )
    german_level = forms.ChoiceField(label=_("Deutschkenntnisse"), choices=GermanLevel.choices)
    literacy = forms.ChoiceField(label=_("Alphabetisierung"), choices=Literacy.choices)
    interpreter_needed = forms.BooleanField(label=_("Dolmetschung nötig"), required=False)
    municipality = forms.ModelChoiceField(
        label=_("Wohnort (Kommune)"),
        queryset=None,
        required=False,
        empty_label=_("nicht bekannt"),
        to_field_name="public_id",
        help_text=_("Nötig für den Eintritt; bestimmt den zuständigen Coaching-Träger."),
    )
    phone = forms.CharField(
        label=_("Telefon"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    email = forms.EmailField(
        label=_("E-Mail"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    address = _note(_("Anschrift"), 1000)
    schooling = _note(_("Schulbildung"), 2000)
    work_history = _note(_("Berufserfahrung und Ausbildung"), 2000)

    # Sections of the form page: (legend, field names).
    groups = (
        (_("Person"), ("given_names", "family_name", "date_of_birth", "gender", "nationality")),
        (_("Sprache"), ("languages", "german_level", "literacy", "interpreter_needed")),
        (_("Wohnort und Kontakt"), ("municipality", "phone", "email", "address")),
        (_("Schule und Beruf"), ("schooling", "work_history")),
    )

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities
        # Country names in the active language, sorted by it.
        self.fields["nationality"].choices = _choices(
            [(country.code, country.name) for country in countries],
            empty=_("keine Angabe"),
        )

    def fieldsets(self):
        return [(legend, [self[name] for name in names]) for legend, names in self.groups]

    @classmethod
    def initial_for(cls, participant) -> dict:
        initial = {name: getattr(participant, name) for name in EDITABLE_FIELDS}
        initial["nationality"] = participant.nationality.code or ""
        initial["version"] = participant.version
        return initial


class ContactFirstForm(forms.Form):
    """A minimal record from the first contact: names and how the person was reached."""

    given_names = forms.CharField(
        label=_("Vorname(n)"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    family_name = forms.CharField(
        label=_("Familienname"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    channel = forms.ChoiceField(label=_("Zugangsweg"), choices=_choices(OutreachChannel.choices))
    date = _date(_("Datum der Kontaktaufnahme"), today=True)
    # "Entered" needs an enrollment, which a new record cannot have yet.
    result = forms.ChoiceField(
        label=_("Ergebnis"),
        choices=_choices(
            [(v, label) for v, label in OutreachResult.choices if v != OutreachResult.ENTERED]
        ),
    )
    note = _note(_("Bemerkung"), 300)


# --- Sections of the participant page ------------------------------------------------------


class ResidenceStatusForm(forms.Form):
    prefix = "status"

    kind = forms.ChoiceField(
        label=_("Aufenthaltsstatus"), choices=_choices(ResidenceStatusKind.choices)
    )
    valid_from = _date(_("gültig ab"))
    valid_until = _date(
        _("gültig bis"), required=False, help_text=_("Leer lassen, wenn unbefristet.")
    )
    document_note = forms.CharField(
        label=_("Dokument / Vermerk"),
        max_length=200,
        required=False,
        help_text=_("z. B. Art des Dokuments; keine Gesprächsinhalte."),
    )


class OutreachForm(forms.Form):
    prefix = "outreach"

    channel = forms.ChoiceField(label=_("Zugangsweg"), choices=_choices(OutreachChannel.choices))
    date = _date(_("Datum"), today=True)
    result = forms.ChoiceField(label=_("Ergebnis"), choices=_choices(OutreachResult.choices))
    note = _note(_("Bemerkung"), 300)


class ConsentForm(forms.Form):
    prefix = "consent"

    purpose = forms.ChoiceField(label=_("Zweck"), choices=_choices(ConsentPurpose.choices))
    provider = _provider(
        _("Träger"),
        empty_label=_("kein Träger"),
        help_text=_("Nur bei „Weitergabe an einen Träger“: an welchen Träger."),
    )
    given_on = _date(_("erteilt am"), today=True)
    form_language = forms.ChoiceField(
        label=_("Sprache des Formulars"), choices=_choices(LANGUAGES), initial="de"
    )

    def __init__(self, *args, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers


class _StaffForm(forms.Form):
    case_manager = _staff(_("Teilhabemanager*in"))
    coaching_provider = _provider(_("Coaching-Träger"), empty_label="")
    coach = _staff(_("Coach"), required=False, empty_label=_("noch offen"))

    def __init__(self, *args, case_managers, providers, coaches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case_manager"].queryset = case_managers
        self.fields["coaching_provider"].queryset = providers
        self.fields["coach"].queryset = coaches


class EnrollmentEnterForm(_StaffForm):
    prefix = "enter"
    field_order = ["entry_date", "case_manager", "coaching_provider", "coach"]

    entry_date = _date(_("Eintrittsdatum"), today=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        provider = self.fields["coaching_provider"]
        provider.empty_label = _("der für den Wohnort zuständige Träger")
        provider.help_text = _("Nur ändern, wenn ein anderer Träger das Coaching übernimmt.")


class EnrollmentExitForm(VersionedForm):
    prefix = "exit"

    exit_date = _date(_("Austrittsdatum"), today=True)
    exit_reason = forms.ChoiceField(label=_("Austrittsgrund"), choices=_choices(ExitReason.choices))
    exit_note = _note(_("Bemerkung zum Austritt"), 300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].required = True


class EnrollmentReassignForm(_StaffForm, VersionedForm):
    prefix = "reassign"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].required = True
        self.fields["coaching_provider"].empty_label = _("kein Coaching-Träger")
