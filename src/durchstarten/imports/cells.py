"""Turning one cell of a list into the value a service expects (dates, choices, references).

Only the form of a value is checked here; whether it is allowed (a date in the future, a
municipality of another district, an entry without consent) is for the services to say.
Error messages name no cell content that could be personal data (names, dates of birth).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.utils.datetime import from_excel

from durchstarten.core.models import Membership, Role
from durchstarten.imports.columns import BOOL_WORDS, Column, Kind, country_lookup, normalise
from durchstarten.organisation.models import District

GERMAN_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})$")
ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
SLASH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
UNKNOWN_DAY = re.compile(r"^0{1,2}\.0{1,2}\.(\d{4})$|^(\d{4})$")
SERIAL = re.compile(r"^\d{5}(?:[.,]0+)?$")
SPLIT = re.compile(r"\s*[;,\n]\s*")
# Excel's serial numbers of 1 January 1900 and 31 December 9999.
FIRST_SERIAL, LAST_SERIAL = 1, 2958465
SHOWN_CHOICES = 12


class CellError(Exception):
    """A cell whose content cannot be read; the message is German."""


@dataclass
class Context:
    """The district's municipalities, providers and staff, loaded once per file."""

    district: District
    municipalities: dict = field(default_factory=dict)
    providers: dict = field(default_factory=dict)
    staff: dict = field(default_factory=dict)
    countries: dict = field(default_factory=dict)
    choices: dict = field(default_factory=dict)

    @classmethod
    def for_district(cls, district: District) -> Context:
        context = cls(district=district, countries=country_lookup())
        for municipality in district.municipalities.all():
            context.municipalities[normalise(municipality.name)] = municipality
            context.municipalities[municipality.ags] = municipality
        for provider in district.providers.all():
            context.providers[normalise(provider.name)] = provider
            if provider.short_name:
                context.providers.setdefault(normalise(provider.short_name), provider)
        memberships = Membership.objects.filter(
            Q(district=district), role__in=[Role.CASE_MANAGER, Role.COORDINATOR]
        ).select_related("user")
        names: dict[str, set] = {}
        for membership in memberships:
            user = membership.user
            context.staff[normalise(user.username)] = user
            if user.email:
                context.staff[normalise(user.email)] = user
            for name in (
                f"{user.first_name} {user.last_name}",
                f"{user.last_name} {user.first_name}",
            ):
                if name.strip():
                    names.setdefault(normalise(name), set()).add(user)
        for name, users in names.items():
            # The same name for two people identifies neither.
            context.staff.setdefault(name, next(iter(users)) if len(users) == 1 else None)
        return context

    def lookup(self, column: Column) -> dict:
        if column.key not in self.choices:
            self.choices[column.key] = column.lookup()
        return self.choices[column.key]


def is_empty(raw) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def as_text(raw) -> str:
    """Numbers typed into a text column (phone numbers, house numbers) without a '.0'."""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat() if raw.time() == dt.time() else raw.isoformat()
    return str(raw).strip()


def _year(text: str, *, past: bool) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000
        if past and year > timezone.localdate().year:
            year -= 100
    return year


def _from_serial(number: float) -> dt.date:
    if not FIRST_SERIAL <= number <= LAST_SERIAL:
        raise CellError(_("Kein gültiges Datum (erwartet TT.MM.JJJJ)."))
    return from_excel(number).date()


def parse_date(raw, *, year_only: bool = False) -> dt.date:
    """German (31.12.2001, 1.2.01), ISO (2001-12-31) and Excel serial dates; with `year_only`
    an unknown day and month ("00.00.2001", "2001") gives 1 January of the year."""
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        if year_only and float(raw).is_integer() and 1900 <= raw <= 2100:
            return dt.date(int(raw), 1, 1)
        return _from_serial(raw)
    text = str(raw).strip()
    try:
        if year_only and (match := UNKNOWN_DAY.match(text)):
            return dt.date(int(match.group(1) or match.group(2)), 1, 1)
        if match := GERMAN_DATE.match(text):
            day, month, year = match.groups()
            return dt.date(_year(year, past=year_only), int(month), int(day))
        if match := ISO_DATE.match(text):
            year, month, day = match.groups()
            return dt.date(int(year), int(month), int(day))
        if match := SLASH_DATE.match(text):
            day, month, year = match.groups()
            return dt.date(int(year), int(month), int(day))
        if SERIAL.match(text):
            return _from_serial(float(text.replace(",", ".")))
    except ValueError:
        pass
    raise CellError(_("Kein gültiges Datum (erwartet TT.MM.JJJJ)."))


def _choice(column: Column, text: str, context: Context) -> str:
    value = context.lookup(column).get(normalise(text))
    if value is None:
        allowed = [label for _value, label in column.allowed()]
        shown = ", ".join(allowed[:SHOWN_CHOICES]) + (" …" if len(allowed) > SHOWN_CHOICES else "")
        raise CellError(
            _("„%(value)s“ ist kein erlaubter Wert. Erlaubt sind: %(allowed)s.")
            % {"value": text, "allowed": shown}
        )
    return value


def _parts(raw) -> list[str]:
    return [part for part in SPLIT.split(as_text(raw)) if part]


def _municipality(text: str, context: Context):
    found = context.municipalities.get(normalise(text)) or context.municipalities.get(text)
    if found is None:
        raise CellError(_("Die Kommune „%(value)s“ gibt es im Kreis nicht.") % {"value": text})
    return found


def parse_cell(column: Column, raw, context: Context):
    """The cell's value for the service, or None for an empty cell."""
    if is_empty(raw):
        return None
    match column.kind:
        case Kind.TEXT:
            return as_text(raw)
        case Kind.DATE:
            return parse_date(raw, year_only=column.year_only)
        case Kind.CHOICE:
            return _choice(column, as_text(raw), context)
        case Kind.MULTI:
            return list(dict.fromkeys(_choice(column, part, context) for part in _parts(raw)))
        case Kind.BOOL:
            if isinstance(raw, bool):
                return raw
            value = BOOL_WORDS.get(normalise(as_text(raw)) or "-")
            if value is None:
                raise CellError(_("Bitte „ja“ oder „nein“ angeben."))
            return value
        case Kind.INT:
            text = as_text(raw)
            if not re.fullmatch(r"\d+", text):
                raise CellError(_("Bitte eine ganze Zahl angeben."))
            return int(text)
        case Kind.COUNTRY:
            text = as_text(raw)
            code = context.countries.get(normalise(text))
            if code is None:
                raise CellError(_("Den Staat „%(value)s“ kennen wir nicht.") % {"value": text})
            return code
        case Kind.MUNICIPALITY:
            return _municipality(as_text(raw), context)
        case Kind.MUNICIPALITIES:
            return list(dict.fromkeys(_municipality(part, context) for part in _parts(raw)))
        case Kind.PROVIDER:
            text = as_text(raw)
            provider = context.providers.get(normalise(text))
            if provider is None:
                raise CellError(
                    _("Den Träger „%(value)s“ gibt es im Kreis nicht.") % {"value": text}
                )
            return provider
        case Kind.STAFF:
            text = as_text(raw)
            user = context.staff.get(normalise(text))
            if user is None:
                raise CellError(
                    _(
                        "„%(value)s“ ist im Kreis nicht eindeutig als Teilhabemanager*in oder "
                        "Koordinierung bekannt (Anmeldename, E-Mail-Adresse oder Name)."
                    )
                    % {"value": text}
                )
            return user
    raise CellError(_("Unbekannte Spalte."))
