"""CSV downloads that a spreadsheet opens without running anything in them."""

import csv
import unicodedata
from collections.abc import Iterable

from django.http import HttpResponse

# A spreadsheet reads a cell starting with one of these as a formula (or a DDE command).
FORMULA_STARTS = frozenset("=+-@|")
# Starting a cell with these makes some spreadsheets skip to the next character.
LEADING_BREAKS = frozenset("\t\r")


def _ignorable(char: str) -> bool:
    return char.isspace() or unicodedata.category(char) in ("Cc", "Cf")


def neutralise(value: object) -> str:
    """The cell as text; one that a spreadsheet could run as a formula gets a leading ``'``.

    Leading whitespace and control characters are looked through, as spreadsheets do.
    """
    text = "" if value is None else str(value)
    if not text:
        return text
    if text[0] in LEADING_BREAKS:
        return "'" + text
    significant = next((char for char in text if not _ignorable(char)), "")
    if significant in FORMULA_STARTS:
        return "'" + text
    return text


def csv_response(filename: str, header: Iterable, rows: Iterable[Iterable]) -> HttpResponse:
    """A CSV download as German spreadsheets expect it: semicolons, UTF-8 with BOM."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow([neutralise(cell) for cell in header])
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return response
