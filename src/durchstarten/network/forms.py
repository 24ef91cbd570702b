"""Input forms of the network area. They parse and type the input; the rules live in the
services, whose errors are put back on the form with add_service_error."""

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from durchstarten.core.forms import CheckboxSelectMultiple, DateInput, VersionedForm
from durchstarten.network.choices import ActivityKind, DocumentKind, MeetingFormat, PartnerKind
from durchstarten.network.uploads import ACCEPT, max_bytes


def _choose(choices) -> list:
    return [("", _("Bitte wählen")), *choices]


def _text(label, *, rows=4, required=False, help_text="", max_length=None):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def _multiple(label, *, help_text=""):
    return forms.ModelMultipleChoiceField(
        label=label,
        queryset=None,
        required=False,
        widget=CheckboxSelectMultiple,
        to_field_name="public_id",
        help_text=help_text,
    )


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


# --- Steering group ---------------------------------------------------------------------------


class MeetingForm(VersionedForm):
    title = forms.CharField(
        label=_("Titel"),
        max_length=200,
        help_text=_("z. B. „3. Sitzung der Bündniskerngruppe 2026“"),
    )
    date = forms.DateField(label=_("Datum"), widget=DateInput)
    start_time = forms.TimeField(label=_("Beginn"), required=False, widget=TimeInput)
    end_time = forms.TimeField(label=_("Ende"), required=False, widget=TimeInput)
    format = forms.ChoiceField(
        label=_("Form"), choices=MeetingFormat.choices, widget=forms.RadioSelect
    )
    place = forms.CharField(
        label=_("Ort"),
        max_length=200,
        required=False,
        help_text=_("Bei Sitzungen in Präsenz oder hybrid, z. B. „Kreishaus, Raum 2.14“."),
    )
    link = forms.URLField(
        label=_("Link zur Videokonferenz"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("Bei digitalen oder hybriden Sitzungen; beginnt mit https://."),
    )
    providers = _multiple(_("teilnehmende Träger"))
    partners = _multiple(_("teilnehmende Netzwerkpartner"))
    other_attendees = _text(
        _("weitere teilnehmende Organisationen"),
        rows=3,
        help_text=_("Organisationen, die nicht im Verzeichnis stehen. Eine je Zeile."),
    )
    agenda = _text(_("Tagesordnung"), rows=5, help_text=_("Ein Tagesordnungspunkt je Zeile."))
    minutes = _text(_("Protokoll"), rows=10)
    decisions = _text(_("Beschlüsse"), rows=5, help_text=_("Ein Beschluss je Zeile."))

    def __init__(self, *args, providers, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["providers"].queryset = providers
        self.fields["partners"].queryset = partners


class ActionItemForm(forms.Form):
    text = forms.CharField(label=_("Aufgabe"), max_length=160)
    owner = forms.ModelChoiceField(
        label=_("zuständig"),
        queryset=None,
        empty_label=_("Bitte wählen"),
        help_text=_("Die Aufgabe erscheint in der Aufgabenliste dieser Person."),
    )
    due_date = forms.DateField(label=_("fällig am"), widget=DateInput)

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners


# --- Documents --------------------------------------------------------------------------------


FILE_HINT = _("PDF, Word (DOCX), Excel (XLSX) oder OpenDocument-Text (ODT), höchstens %(mb)s MB.")


def _file_hint() -> str:
    return FILE_HINT % {"mb": max_bytes() // (1024 * 1024)}


def _file_field(label):
    return forms.FileField(
        label=label,
        # The limit is a setting: the text follows it (lazily, so a changed setting shows).
        help_text=lazy(_file_hint, str)(),
        widget=forms.FileInput(attrs={"accept": ACCEPT}),
        error_messages={"required": _("Bitte wählen Sie eine Datei aus.")},
    )


class DocumentForm(VersionedForm):
    kind = forms.ChoiceField(label=_("Art"), choices=_choose(DocumentKind.choices))
    title = forms.CharField(label=_("Titel"), max_length=200)
    description = _text(_("Beschreibung"), rows=3)


class DocumentCreateForm(DocumentForm):
    file = _file_field(_("Datei (erste Fassung)"))
    change_note = forms.CharField(
        label=_("Hinweis zur Fassung"),
        max_length=500,
        required=False,
        help_text=_("z. B. „beschlossen in der Sitzung vom 12.03.2026“"),
    )


class VersionForm(forms.Form):
    file = _file_field(_("Datei (neue Fassung)"))
    change_note = forms.CharField(
        label=_("Was hat sich geändert?"),
        max_length=500,
        required=False,
    )


# --- Partners ---------------------------------------------------------------------------------


class PartnerForm(VersionedForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Art"), choices=_choose(PartnerKind.choices))
    municipalities = _multiple(
        _("zuständig für (Kommunen)"),
        help_text=_("Keine Auswahl bedeutet: für den ganzen Kreis."),
    )
    offering = _text(
        _("Angebot und Leistungen"),
        rows=4,
        help_text=_("Was der Partner anbietet und wobei er unterstützen kann."),
    )
    specialist_offers = _multiple(
        _("Fachstellen-Angebote"),
        help_text=_("Angebote der Verweisberatung aus dem Angebotsverzeichnis."),
    )
    address = _text(_("Anschrift"), rows=3)
    website = forms.URLField(
        label=_("Internetseite"), max_length=300, required=False, assume_scheme="https"
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
    is_active = forms.BooleanField(label=_("aktiv"), required=False, initial=True)

    def __init__(self, *args, municipalities, offers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipalities"].queryset = municipalities
        self.fields["specialist_offers"].queryset = offers


class PartnerContactForm(VersionedForm):
    name = forms.CharField(label=_("Name"), max_length=150)
    function = forms.CharField(
        label=_("Funktion"),
        max_length=150,
        required=False,
        help_text=_("z. B. „Sachbearbeitung Asylbewerberleistungen“"),
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


# --- Activities -------------------------------------------------------------------------------


class ActivityForm(VersionedForm):
    date = forms.DateField(label=_("Datum"), widget=DateInput)
    kind = forms.ChoiceField(label=_("Art"), choices=_choose(ActivityKind.choices))
    municipality = forms.ModelChoiceField(
        label=_("Kommune"),
        queryset=None,
        required=False,
        empty_label=_("ganzer Kreis"),
        to_field_name="public_id",
    )
    partners = _multiple(_("beteiligte Partner"))
    description = _text(_("Kurzbeschreibung"), rows=4, required=True, max_length=2000)

    def __init__(self, *args, municipalities, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities
        self.fields["partners"].queryset = partners
