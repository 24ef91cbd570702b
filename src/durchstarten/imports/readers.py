"""Reading real-world lists: XLSX and CSV, finding the header row and the columns.

Real lists are messy: titles above the header, headers spread over two rows (a merged group
cell above the single headers), other names for the same column, `;` or `,` separated CSV in
UTF-8 (with or without BOM) or Windows-1252, empty rows between the data.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _
from openpyxl import load_workbook

from durchstarten.imports.columns import Column, normalise

# The header is looked for in the first rows only; a title block is never longer.
HEADER_SEARCH_ROWS = 20
HINTS_SHEET = "Hinweise"

UNREADABLE = _(
    "Die Datei kann nicht gelesen werden. Erlaubt sind Excel-Dateien (XLSX) und CSV-Dateien."
)
NO_HEADER = _(
    "In den ersten %(rows)s Zeilen wurde keine Kopfzeile mit bekannten Spalten gefunden "
    "(z. B. „%(example)s“)."
)
NO_ROWS = _("Die Datei enthält keine Datenzeilen.")


class FileError(Exception):
    """The file as a whole cannot be read; the message is German."""


@dataclass
class Table:
    """The cells of a list below its header row; row numbers as the spreadsheet shows them."""

    headers: list[str]
    header_row: int
    rows: list[tuple[int, list]] = field(default_factory=list)


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _cell(value):
    if isinstance(value, str):
        return value.strip()
    return value


# --- Raw rows --------------------------------------------------------------------------------


def _xlsx_rows(data: bytes) -> Iterator[list]:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise FileError(str(UNREADABLE)) from error
    try:
        sheets = [s for s in book.worksheets if s.title != HINTS_SHEET] or book.worksheets
        for values in sheets[0].iter_rows(values_only=True):
            yield [_cell(value) for value in values]
    finally:
        book.close()


def decode(data: bytes) -> str:
    """UTF-8 (a BOM is dropped) or, failing that, Windows-1252 as Excel writes it."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def sniff_delimiter(text: str) -> str:
    sample = "\n".join(text.splitlines()[:HEADER_SEARCH_ROWS])
    try:
        return csv.Sniffer().sniff(sample, delimiters=";,\t").delimiter
    except csv.Error:
        counts = {d: sample.count(d) for d in ";,\t"}
        return max(counts, key=counts.get)


def _csv_rows(data: bytes) -> Iterator[list]:
    text = decode(data)
    if "\x00" in text:
        raise FileError(str(UNREADABLE))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    for values in reader:
        yield [_cell(value) for value in values]


def is_xlsx(data: bytes) -> bool:
    return data[:4] == b"PK\x03\x04"


def raw_rows(data: bytes) -> Iterator[list]:
    return _xlsx_rows(data) if is_xlsx(data) else _csv_rows(data)


# --- Header ----------------------------------------------------------------------------------


def header_lookup(columns: Sequence[Column], saved: dict[str, str] | None = None) -> dict:
    """Normalised header -> column key: the district's saved mapping first, then the German
    headers, then the aliases. A saved mapping to "" means "ignore this column"."""
    table: dict[str, str] = {}
    for column in columns:
        table.setdefault(normalise(column.header), column.key)
        table.setdefault(normalise(column.key), column.key)
    for column in columns:
        for alias in column.aliases:
            table.setdefault(normalise(alias), column.key)
    table.update({normalise(header): key for header, key in (saved or {}).items()})
    return table


def _filled_right(values: list) -> list[str]:
    """A group header merged over several columns carries its text only in the first one."""
    out, last = [], ""
    for value in values:
        if not _is_blank(value):
            last = str(value)
        out.append(last)
    return out


def _combine(upper: list, lower: list, lookup: dict) -> list[str]:
    """The headers of a two-row header: the lower cell if known, else "group lower" if that is
    known, else the upper cell where the lower one is empty (merged downwards)."""
    groups = _filled_right(upper)
    headers = []
    for index, value in enumerate(lower):
        text = "" if _is_blank(value) else str(value)
        group = groups[index] if index < len(groups) else ""
        above = upper[index] if index < len(upper) else None
        if text and normalise(text) in lookup:
            headers.append(text)
        elif text and group and normalise(f"{group} {text}") in lookup:
            headers.append(f"{group} {text}")
        elif not text and not _is_blank(above):
            headers.append(str(above))
        else:
            headers.append(text)
    return headers


def _score(values: list, lookup: dict) -> int:
    return len({lookup[n] for v in values if (n := normalise(v)) and n in lookup})


def read_table(data: bytes, columns: Sequence[Column], saved: dict | None = None) -> Table:
    """The header row (the row among the first ones that names most known columns, joined
    with a group row above it) and the non-empty rows below it."""
    lookup = header_lookup(columns, saved)
    rows = raw_rows(data)
    head: list[list] = []
    try:
        for values in rows:
            head.append(values)
            if len(head) >= HEADER_SEARCH_ROWS:
                break
    except (csv.Error, ValueError) as error:
        raise FileError(str(UNREADABLE)) from error
    best, best_score = -1, 0
    for index, values in enumerate(head):
        candidates = [values]
        if index > 0:
            candidates.append(_combine(head[index - 1], values, lookup))
        score = max(_score(c, lookup) for c in candidates)
        if score > best_score:
            best, best_score = index, score
    if best < 0:
        example = next(iter(columns)).header
        raise FileError(str(NO_HEADER % {"rows": HEADER_SEARCH_ROWS, "example": example}))
    headers = [("" if _is_blank(v) else str(v)) for v in head[best]]
    if best > 0:
        combined = _combine(head[best - 1], head[best], lookup)
        if _score(combined, lookup) > _score(headers, lookup):
            headers = combined
    table = Table(headers=headers, header_row=best + 1)
    number = best + 1
    for values in [*head[best + 1 :], *_rest(rows)]:
        number += 1
        if all(_is_blank(v) for v in values):
            continue
        table.rows.append((number, values))
    if not table.rows:
        raise FileError(str(NO_ROWS))
    return table


def _rest(rows: Iterator[list]) -> Iterator[list]:
    try:
        yield from rows
    except (csv.Error, ValueError) as error:
        raise FileError(str(UNREADABLE)) from error


def map_headers(headers: Sequence[str], columns: Sequence[Column], saved: dict | None = None):
    """Column index -> column key for the recognised headers (the first of two headers for the
    same column wins), and the headers left unrecognised."""
    lookup = header_lookup(columns, saved)
    mapping: dict[int, str] = {}
    unknown: list[str] = []
    for index, header in enumerate(headers):
        key = lookup.get(normalise(header)) if header else None
        if key and key not in mapping.values():
            mapping[index] = key
        elif header and key is None:
            unknown.append(header)
    return mapping, unknown
