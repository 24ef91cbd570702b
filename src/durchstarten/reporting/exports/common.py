"""What the XLSX and PDF renderers share: German number formats and a neutral table model.

Both renderers draw the same `Table`s (built in `content.py`), so a figure cannot appear in one
document and differ in the other. Each cell keeps the report's raw value: the spreadsheet writes
it as a number with a display format, the PDF writes `Cell.text()`.
"""

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from durchstarten.organisation.models import District

PROGRAMME = "Durchstarten in Ausbildung und Arbeit"
CREATOR = "Durchstarten"
# Shown where the report has no value (a rate without denominator); WinAnsi has the en dash.
MISSING = "–"


class Kind(StrEnum):
    """How a cell's value is written."""

    TEXT = "text"
    COUNT = "count"  # persons: 1.234
    RATE = "rate"  # fraction shown as percent: 0.7097 -> 71,0 %
    DECIMAL_1 = "decimal_1"  # 95,3
    DECIMAL_2 = "decimal_2"  # full-time equivalents: 1,50
    RATIO = "ratio"  # caseload ratio: 100 -> 1:100
    MET = "met"  # target met: True -> erreicht
    WITHIN = "within"  # within the caseload ratio: True -> eingehalten


# Display formats of number cells; a spreadsheet shows them with the reader's separators.
NUMBER_FORMATS = {
    Kind.COUNT: "#,##0",
    Kind.RATE: "0.0 %",
    Kind.DECIMAL_1: "#,##0.0",
    Kind.DECIMAL_2: "#,##0.00",
    Kind.RATIO: '"1:"0',
}
NUMERIC_KINDS = frozenset(NUMBER_FORMATS)


def _decimal(value: float | int, places: int) -> Decimal:
    # Through str(): the float 0.7125 is not exactly 0.7125, and halves must round up.
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def german_number(value: float | int | Decimal, places: int = 0) -> str:
    """1234.5 -> "1.234,5": dot for thousands, comma for decimals."""
    text = f"{_decimal(value, places):,.{places}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def german_percent(value: float | None) -> str:
    """A fraction as a German percentage with one decimal: 0.7097 -> "71,0 %"."""
    if value is None:
        return MISSING
    return f"{german_number(Decimal(str(value)) * 100, 1)} %"


def german_date(value: str | dt.date) -> str:
    """ISO date (string or date) -> "31.12.2025"."""
    day = dt.date.fromisoformat(value) if isinstance(value, str) else value
    return day.strftime("%d.%m.%Y")


def met_text(value: bool | None) -> str:
    if value is None:
        return _("nicht bestimmbar")
    return _("erreicht") if value else _("nicht erreicht")


def within_text(value: bool | None) -> str:
    if value is None:
        return _("nicht bestimmbar")
    return _("eingehalten") if value else _("nicht eingehalten")


@dataclass(frozen=True)
class Cell:
    value: object
    kind: Kind = Kind.TEXT

    def text(self) -> str:
        """The value as printed in the PDF (and meant by the spreadsheet's display format)."""
        value = self.value
        if self.kind == Kind.MET:
            return met_text(value)
        if self.kind == Kind.WITHIN:
            return within_text(value)
        if value is None:
            return MISSING
        match self.kind:
            case Kind.COUNT:
                return german_number(value)
            case Kind.RATE:
                return german_percent(value)
            case Kind.DECIMAL_1:
                return german_number(value, 1)
            case Kind.DECIMAL_2:
                return german_number(value, 2)
            case Kind.RATIO:
                return f"1:{german_number(value)}"
        return str(value)

    @property
    def is_number(self) -> bool:
        return self.kind in NUMERIC_KINDS


def text(value: object) -> Cell:
    """A text cell; None (e.g. no provider) is kept, shown as "–" in the PDF, empty in XLSX."""
    return Cell(None if value is None else str(value))


@dataclass(frozen=True)
class Table:
    """One section: a heading, column headers, rows of cells and each row's JSON path.

    `key_columns` says how many leading columns name the row (shown left-aligned); `widths`
    are relative column widths for the PDF and approximate characters for the spreadsheet.
    """

    title: str
    columns: Sequence[str]
    rows: Sequence[Sequence[Cell]]
    keys: Sequence[str]
    widths: Sequence[float]
    key_columns: int = 1
    # Said instead of the rows when there are none; `note_key` is its JSON path (an empty object).
    note: str = ""
    note_key: str = ""

    def __post_init__(self) -> None:
        if len(self.rows) != len(self.keys) or len(self.widths) != len(self.columns):
            raise ValueError("one JSON path per row and one width per column")
        if any(len(row) != len(self.columns) for row in self.rows):
            raise ValueError("every row needs a cell per column")


@dataclass(frozen=True)
class Sheet:
    """Tables written one below the other as a single list, so that the spreadsheet has one
    header row to freeze and filter: a leading column (`section_column`, unless empty) names
    each row's table. All tables of a sheet have the same columns."""

    name: str
    section_column: str
    tables: Sequence[Table]

    def __post_init__(self) -> None:
        if not self.tables or any(t.columns != self.tables[0].columns for t in self.tables):
            raise ValueError("a sheet needs tables with the same columns")

    @property
    def columns(self) -> Sequence[str]:
        return self.tables[0].columns


@dataclass(frozen=True)
class Definition:
    key: str
    label: str
    explanation: str


@dataclass(frozen=True)
class Document:
    """A whole report: what both renderers draw."""

    title: str
    short_title: str
    districts: Sequence[tuple[str, str]]  # (AGS, name or "")
    period: str
    created_on: dt.date
    sheets: Sequence[Sheet]
    definitions: Sequence[Definition]
    notes: Sequence[str] = ()

    @property
    def district_label(self) -> str:
        return ngettext(
            "Kreis / kreisfreie Stadt", "Kreise / kreisfreie Städte", len(self.districts)
        )

    @property
    def district_text(self) -> str:
        return ", ".join(district_text(ags, name) for ags, name in self.districts)

    def meta(self) -> list[tuple[str, str]]:
        """The lines under the title: who, which period, when made."""
        return [
            (self.district_label, self.district_text),
            (_("Berichtszeitraum"), self.period),
            (_("Erstellt am"), german_date(self.created_on)),
        ]


def district_text(ags: str, name: str) -> str:
    if not name:
        return _("AGS %(ags)s") % {"ags": ags}
    return _("%(name)s (AGS %(ags)s)") % {"name": name, "ags": ags}


def named_districts(codes: Iterable[str], given: Mapping[str, str] | None) -> list[tuple[str, str]]:
    """(AGS, name) for each district key, from `given` or else from the database (one query)."""
    codes = list(codes)
    if given is None:
        given = dict(District.objects.filter(ags__in=codes).values_list("ags", "name"))
    return [(code, given.get(code, "")) for code in codes]


def creation_date(created_on: dt.date | None) -> dt.date:
    return created_on or timezone.localdate()
