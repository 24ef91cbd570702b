"""The column specification of the participant and offer lists: the file format of the import
template, of the import itself and of the participant and offer exports.

Every `Column` names the field it fills (`key`), its German header, the headers found for it in
real lists (`aliases`), its type (`kind`), whether it is required and, for choice columns, the
allowed values with the spellings accepted for each. The German headers and value labels are
the file format, not UI text: a file exported in an English session must still import, so they
are always rendered in German (`german`).

Exports render a model instance's value for a column with `export_value(column, obj)`; the
result imports back to the same value (import → export → import round-trips). For participants
the status, consent, outreach and enrollment columns come from the latest such record; prefetch
`PARTICIPANT_PREFETCH` (and select `PARTICIPANT_SELECT`) to avoid a query per row, and
`OFFER_PREFETCH` / `OFFER_SELECT` for offers.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from durchstarten.cases.choices import (
    LANGUAGES,
    ConsentPurpose,
    ExitReason,
    Gender,
    GermanLevel,
    Literacy,
    NeedCategory,
    OutreachChannel,
    OutreachResult,
    ResidenceStatusKind,
)
from durchstarten.offers.choices import OfferCategory

# Separator of several values in one cell (languages, needs, municipalities); "," and line
# breaks are accepted on import as well.
MULTI_SEPARATOR = "; "
TRUE_WORD, FALSE_WORD = "ja", "nein"


class Kind(StrEnum):
    TEXT = "text"
    DATE = "date"
    CHOICE = "choice"
    MULTI = "multi"  # several values of a closed list
    BOOL = "bool"
    INT = "int"
    COUNTRY = "country"
    MUNICIPALITY = "municipality"  # a Kommune of the district, by name or AGS
    MUNICIPALITIES = "municipalities"
    PROVIDER = "provider"  # a Träger of the district, by name or short name
    STAFF = "staff"  # a case manager or coordinator of the district: login name, e-mail or name


def normalise(text: object) -> str:
    """The form in which headers and choice values are compared: case, accents of the
    quotation kind, punctuation and spacing do not matter; umlauts do (ä = ae)."""
    value = unicodedata.normalize("NFKC", str(text or "")).casefold()
    value = value.replace("ß", "ss").replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
    value = re.sub(r"[^\w§]+", " ", value).replace("_", " ")
    return " ".join(value.split())


def german(text) -> str:
    with translation.override("de"):
        return str(text)


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: Kind = Kind.TEXT
    required: bool = False
    aliases: tuple[str, ...] = ()
    # Choice columns: a callable giving (value, label) pairs, and extra spellings per value.
    choices: Callable[[], Iterable[tuple[str, object]]] | None = None
    value_aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    max_length: int | None = None
    help: object = ""
    # Dates of birth in real lists: "00.00.1999" or "1999" stand for an unknown day and month,
    # which the lists (and the papers) record as 1 January of that year.
    year_only: bool = False

    def allowed(self) -> list[tuple[str, str]]:
        """(value, German label) of a choice column."""
        return [(str(value), german(label)) for value, label in (self.choices or (lambda: ()))()]

    def lookup(self) -> dict[str, str]:
        """Normalised spelling -> value, for every accepted spelling of a choice column."""
        table: dict[str, str] = {}
        for value, label in self.allowed():
            for spelling in (value, label, *self.value_aliases.get(value, ())):
                table.setdefault(normalise(spelling), value)
        return table

    def label_of(self, value: str) -> str:
        return dict(self.allowed()).get(value, value)


def _text(key, header, *, aliases=(), max_length=None, required=False, help=""):
    return Column(
        key, header, Kind.TEXT, required, tuple(aliases), max_length=max_length, help=help
    )


def _date(key, header, *, aliases=(), required=False, help="", year_only=False):
    return Column(key, header, Kind.DATE, required, tuple(aliases), help=help, year_only=year_only)


def _choice(key, header, choices, *, aliases=(), value_aliases=None, required=False, help=""):
    return Column(
        key,
        header,
        Kind.CHOICE,
        required,
        tuple(aliases),
        choices=choices,
        value_aliases=value_aliases or {},
        help=help,
    )


def _multi(key, header, choices, *, aliases=(), value_aliases=None, help=""):
    return Column(
        key,
        header,
        Kind.MULTI,
        False,
        tuple(aliases),
        choices=choices,
        value_aliases=value_aliases or {},
        help=help,
    )


def _bool(key, header, *, aliases=(), help=""):
    return Column(key, header, Kind.BOOL, False, tuple(aliases), help=help)


def _choices_of(text_choices):
    return lambda: text_choices.choices


def _languages():
    return LANGUAGES


def _modules():
    return [(str(number), str(number)) for number in range(1, 6)]


GENDER_ALIASES = {
    Gender.MALE: ("m", "mann", "maennlich", "male", "herr", "hr"),
    Gender.FEMALE: ("w", "f", "frau", "weiblich", "female", "fr"),
    Gender.DIVERSE: ("d", "x", "divers", "diverse", "other"),
    Gender.NOT_STATED: ("k a", "ka", "keine", "unbekannt", "-"),
}
STATUS_ALIASES = {
    ResidenceStatusKind.DULDUNG: ("geduldet", "§ 60a", "60a", "duldung § 60a"),
    ResidenceStatusKind.DULDUNG_TRAINING: ("ausbildungsduldung", "§ 60c", "60c"),
    ResidenceStatusKind.DULDUNG_EMPLOYMENT: ("beschaeftigungsduldung", "§ 60d", "60d"),
    ResidenceStatusKind.GESTATTUNG: ("gestattung", "aufenthaltsgestattung", "asylverfahren"),
    ResidenceStatusKind.RESIDENCE_PERMIT: ("aufenthaltserlaubnis", "ae", "aufenthaltstitel"),
    ResidenceStatusKind.OTHER: ("sonstiger", "sonstige", "sonstiges", "andere"),
}
LEVEL_ALIASES = {
    GermanLevel.NOT_ASSESSED: ("unbekannt", "offen", "-"),
    GermanLevel.A0: ("keine", "keine kenntnisse", "0"),
}
LITERACY_ALIASES = {
    Literacy.LATIN: ("ja", "lateinisch", "alphabetisiert"),
    Literacy.OTHER_SCRIPT: ("andere schrift", "nur andere schrift", "zweitschrift"),
    Literacy.NONE: ("nein", "nicht alphabetisiert", "keine"),
}
OUTREACH_CHANNEL_ALIASES = {
    OutreachChannel.FOREIGNERS_AUTHORITY: ("abh", "auslaenderbehoerde", "ausländerbehörde"),
    OutreachChannel.SOCIAL_WELFARE: ("sozialamt",),
    OutreachChannel.SELF_REFERRAL: ("selbstmelder", "selbstmelder*in", "eigeninitiative"),
    OutreachChannel.VOLUNTEER: ("ehrenamt", "netzwerk"),
    OutreachChannel.OTHER: ("sonstiges", "sonstige"),
}
DAY = "TT.MM.JJJJ"

PARTICIPANT_COLUMNS: Sequence[Column] = (
    _text(
        "given_names",
        "Vorname(n)",
        required=True,
        max_length=150,
        aliases=("Vorname", "Vornamen", "Rufname", "first name", "given name", "given names"),
    ),
    _text(
        "family_name",
        "Familienname",
        max_length=150,
        aliases=("Nachname", "Name", "Zuname", "surname", "last name", "family name"),
    ),
    _date(
        "date_of_birth",
        "Geburtsdatum",
        aliases=("geb", "geb am", "geboren am", "Geburtstag", "Geb Datum", "date of birth", "DOB"),
        year_only=True,
        help=_("%(day)s; unbekannter Tag und Monat: 01.01. des Jahres (oder nur das Jahr).")
        % {"day": DAY},
    ),
    _choice(
        "gender",
        "Geschlecht",
        _choices_of(Gender),
        aliases=("m w d", "Geschl", "gender", "sex"),
        value_aliases=GENDER_ALIASES,
    ),
    Column(
        "nationality",
        "Staatsangehörigkeit",
        Kind.COUNTRY,
        aliases=("Nationalität", "Staatsang", "Herkunftsland", "nationality"),
        help=_("Name des Staates oder Ländercode (z. B. SY, AFG)."),
    ),
    _multi(
        "languages",
        "Sprachen",
        _languages,
        aliases=("Sprache", "Muttersprache", "Herkunftssprache", "Herkunftssprachen", "languages"),
        help=_("Mehrere durch Semikolon getrennt."),
    ),
    _choice(
        "german_level",
        "Deutschkenntnisse",
        _choices_of(GermanLevel),
        aliases=("Deutschniveau", "Sprachniveau Deutsch", "Deutsch", "GER Niveau"),
        value_aliases=LEVEL_ALIASES,
    ),
    _choice(
        "literacy",
        "Alphabetisierung",
        _choices_of(Literacy),
        aliases=("alphabetisiert",),
        value_aliases=LITERACY_ALIASES,
    ),
    _bool(
        "interpreter_needed",
        "Dolmetschung nötig",
        aliases=("Dolmetschung", "Dolmetscher", "Dolmetscher in nötig", "Dolmetscher*in"),
    ),
    Column(
        "municipality",
        "Wohnort (Kommune)",
        Kind.MUNICIPALITY,
        aliases=("Wohnort", "Kommune", "Gemeinde", "Stadt Gemeinde", "Wohnort Kommune"),
        help=_("Name der Kommune im Kreis oder ihr AGS."),
    ),
    _text("phone", "Telefon", max_length=40, aliases=("Tel", "Telefonnummer", "Handy", "Mobil")),
    _text("email", "E-Mail", aliases=("Email", "Mail", "E-Mail-Adresse")),
    _text("address", "Anschrift", aliases=("Adresse", "Wohnanschrift", "Straße")),
    _text("schooling", "Schulbildung", aliases=("Schule", "Schulabschluss")),
    _text(
        "work_history",
        "Berufserfahrung und Ausbildung",
        aliases=("Berufserfahrung", "Beruf", "Ausbildung"),
    ),
    _choice(
        "status_kind",
        "Aufenthaltsstatus",
        _choices_of(ResidenceStatusKind),
        aliases=("Status", "Aufenthaltstitel", "aufenthaltsrechtlicher Status"),
        value_aliases=STATUS_ALIASES,
    ),
    _date(
        "status_valid_from",
        "Status gültig ab",
        aliases=("gültig ab", "Status seit", "Status ab"),
        help=_("Nötig, wenn ein Aufenthaltsstatus angegeben ist."),
    ),
    _date(
        "status_valid_until",
        "Status gültig bis",
        aliases=("gültig bis", "befristet bis", "Duldung bis", "Ablaufdatum"),
    ),
    _text(
        "status_note",
        "Dokument / Vermerk",
        max_length=200,
        aliases=("Vermerk", "Dokument", "Vermerk Status"),
    ),
    _date(
        "consent_on",
        "Einwilligung Fallarbeit erteilt am",
        aliases=("Einwilligung am", "Einwilligung", "Einwilligung erteilt am", "Einverständnis"),
        help=_("Nötig für einen Eintritt."),
    ),
    _choice(
        "consent_language",
        "Sprache der Einwilligung",
        _languages,
        aliases=("Sprache Einwilligung", "Sprache des Formulars"),
        help=_("Leer: Deutsch."),
    ),
    _choice(
        "outreach_channel",
        "Zugangsweg",
        _choices_of(OutreachChannel),
        aliases=("Zugang", "Kontakt über", "Kanal", "Quelle"),
        value_aliases=OUTREACH_CHANNEL_ALIASES,
    ),
    _date(
        "outreach_date",
        "Datum der Kontaktaufnahme",
        aliases=("Kontaktaufnahme", "Erstkontakt", "Kontakt am", "Datum Erstkontakt"),
    ),
    _choice(
        "outreach_result",
        "Ergebnis der Kontaktaufnahme",
        _choices_of(OutreachResult),
        aliases=("Ergebnis", "Kontaktergebnis"),
    ),
    _date("entry_date", "Eintrittsdatum", aliases=("Eintritt", "Eintritt am")),
    Column(
        "case_manager",
        "Teilhabemanager*in",
        Kind.STAFF,
        aliases=("Teilhabemanager", "Teilhabemanagerin", "Teilhabemanagement", "zuständig", "TM"),
        help=_("Anmeldename, E-Mail-Adresse oder Name; nötig für einen Eintritt."),
    ),
    Column(
        "coaching_provider",
        "Coaching-Träger",
        Kind.PROVIDER,
        aliases=("Coachingträger", "Coaching"),
        help=_("Leer: der für den Wohnort zuständige Träger."),
    ),
    _date("exit_date", "Austrittsdatum", aliases=("Austritt", "Austritt am")),
    _choice(
        "exit_reason",
        "Austrittsgrund",
        _choices_of(ExitReason),
        aliases=("Grund des Austritts", "Grund Austritt"),
    ),
)

OFFER_COLUMNS: Sequence[Column] = (
    _text(
        "title",
        "Titel",
        required=True,
        max_length=200,
        aliases=("Angebot", "Maßnahme", "Bezeichnung", "Kurs"),
    ),
    _choice(
        "category",
        "Angebotsform",
        _choices_of(OfferCategory),
        required=True,
        aliases=("Art", "Kategorie", "Angebotsart", "Form"),
        value_aliases={
            OfferCategory.INTEGRATION_COURSE: ("ik", "integrationskurs"),
            OfferCategory.JOB_LANGUAGE_COURSE: ("bsk", "deufoev", "berufssprachkurs"),
            OfferCategory.YOUTH_INTEGRATION_COURSE: ("jik", "jugendintegrationskurs"),
            OfferCategory.ASA_FLEX: ("asa", "asa flex"),
        },
    ),
    _choice(
        "module",
        "Förderbaustein",
        _modules,
        aliases=("Baustein", "FB", "Modul"),
        value_aliases={str(n): (f"fb {n}", f"baustein {n}", f"modul {n}") for n in range(1, 6)},
        help=_("1–5, nur für Maßnahmen der Landesinitiative."),
    ),
    Column("provider", "Träger", Kind.PROVIDER, aliases=("Träger der Landesinitiative",)),
    _text("organiser", "Anbieter", max_length=200, aliases=("Anbieter in", "Veranstalter")),
    _text("description", "Beschreibung", aliases=("Inhalt", "Bemerkung")),
    Column(
        "municipalities",
        "Einzugsgebiet (Kommunen)",
        Kind.MUNICIPALITIES,
        aliases=("Einzugsgebiet", "Kommunen", "Gemeinden"),
        help=_("Mehrere durch Semikolon getrennt; leer: der ganze Kreis."),
    ),
    _text("location", "Ort", max_length=200, aliases=("Veranstaltungsort", "Adresse")),
    _text("schedule", "Zeiten", max_length=200, aliases=("Uhrzeit", "Termine", "Zeit")),
    _date("start_date", "Beginn", aliases=("Start", "von", "Beginn am")),
    _date("end_date", "Ende", aliases=("bis", "Ende am")),
    Column("capacity", "Plätze", Kind.INT, aliases=("Platzzahl", "Anzahl Plätze", "Kapazität")),
    _multi("languages", "Sprachen", _languages, aliases=("Sprache", "Kurssprache")),
    _bool("women_only", "nur für Frauen", aliases=("Frauen", "Frauenkurs")),
    _bool("childcare", "mit Kinderbetreuung", aliases=("Kinderbetreuung",)),
    _multi("needs_covered", "deckt Bedarfe", _choices_of(NeedCategory), aliases=("Bedarfe",)),
    _multi(
        "allowed_statuses",
        "zugelassene Aufenthaltsstatus",
        _choices_of(ResidenceStatusKind),
        aliases=("Aufenthaltsstatus", "Zielgruppe Status"),
        value_aliases=STATUS_ALIASES,
        help=_("Leer: jeder Aufenthaltsstatus."),
    ),
    Column("min_age", "Mindestalter", Kind.INT, aliases=("Alter ab",)),
    Column("max_age", "Höchstalter", Kind.INT, aliases=("Alter bis",)),
    _bool("requires_employment", "setzt Ausbildung oder Beschäftigung voraus"),
    _choice(
        "min_german_level",
        "Deutschkenntnisse mindestens",
        lambda: [c for c in GermanLevel.choices if c[0] != GermanLevel.NOT_ASSESSED],
        aliases=("Deutschkenntnisse", "Sprachniveau"),
    ),
    _bool("requires_literacy", "setzt Alphabetisierung voraus"),
    _bool("is_active", "aktiv", aliases=("Status",), help=_("Leer: ja.")),
)

COLUMNS = {"participants": PARTICIPANT_COLUMNS, "offers": OFFER_COLUMNS}

BOOL_WORDS = {
    **dict.fromkeys(("ja", "j", "x", "1", "wahr", "true", "yes", "y"), True),
    **dict.fromkeys(("nein", "n", "0", "falsch", "false", "no", "-"), False),
}


def country_lookup() -> dict[str, str]:
    """Normalised country names (German and English) and codes -> ISO 3166 alpha-2 code."""
    table: dict[str, str] = {}
    for language in ("de", "en"):
        with translation.override(language):
            for code, name in countries:
                table.setdefault(normalise(name), code)
    for code, _name in countries:
        table.setdefault(normalise(code), code)
        alpha3 = countries.alpha3(code)
        if alpha3:
            table.setdefault(normalise(alpha3), code)
    return table


# --- Export ----------------------------------------------------------------------------------

PARTICIPANT_SELECT = ("municipality",)
PARTICIPANT_PREFETCH = (
    "residence_statuses",
    "outreaches",
    "consents",
    "enrollments__case_manager",
    "enrollments__coaching_provider",
)
OFFER_SELECT = ("provider",)
OFFER_PREFETCH = ("municipalities",)


def _latest(records, *keys):
    return max(
        records,
        key=lambda r: tuple(getattr(r, k) or dt.date.min for k in keys) + (r.pk,),
        default=None,
    )


def _related(participant):
    """The status, consent, outreach and enrollment the participant columns show."""
    consents = [c for c in participant.consents.all() if c.purpose == ConsentPurpose.CASE_WORK]
    return {
        "status": _latest(participant.residence_statuses.all(), "valid_from"),
        "consent": _latest(consents, "given_on"),
        "outreach": _latest(participant.outreaches.all(), "date"),
        "enrollment": _latest(participant.enrollments.all(), "entry_date"),
    }


SOURCE = {
    "status_kind": ("status", "kind"),
    "status_valid_from": ("status", "valid_from"),
    "status_valid_until": ("status", "valid_until"),
    "status_note": ("status", "document_note"),
    "consent_on": ("consent", "given_on"),
    "consent_language": ("consent", "form_language"),
    "outreach_channel": ("outreach", "channel"),
    "outreach_date": ("outreach", "date"),
    "outreach_result": ("outreach", "result"),
    "entry_date": ("enrollment", "entry_date"),
    "case_manager": ("enrollment", "case_manager"),
    "coaching_provider": ("enrollment", "coaching_provider"),
    "exit_date": ("enrollment", "exit_date"),
    "exit_reason": ("enrollment", "exit_reason"),
}


def staff_reference(user) -> str:
    return user.username


def raw_value(column: Column, obj):
    """The model value behind a column of a participant or an offer."""
    if column.key in SOURCE:
        record_name, attribute = SOURCE[column.key]
        record = _related(obj)[record_name]
        return None if record is None else getattr(record, attribute)
    if column.kind == Kind.MUNICIPALITIES:
        return list(obj.municipalities.all())
    return getattr(obj, column.key)


def export_value(column: Column, obj) -> str | dt.date | int | None:
    """The cell of a participant's or an offer's row, as the import reads it back."""
    value = raw_value(column, obj)
    if value is None or value == "" or value == []:
        return None
    match column.kind:
        case Kind.DATE | Kind.INT:
            return value
        case Kind.BOOL:
            return TRUE_WORD if value else FALSE_WORD
        case Kind.CHOICE:
            return column.label_of(str(value))
        case Kind.MULTI:
            return MULTI_SEPARATOR.join(column.label_of(str(v)) for v in value)
        case Kind.COUNTRY:
            return value.code or None
        case Kind.MUNICIPALITY | Kind.PROVIDER:
            return value.name
        case Kind.MUNICIPALITIES:
            return MULTI_SEPARATOR.join(m.name for m in value)
        case Kind.STAFF:
            return staff_reference(value)
    return str(value)
