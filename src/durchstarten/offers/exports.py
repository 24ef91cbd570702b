"""CSV downloads that a spreadsheet opens without running anything in them."""

import csv
from collections.abc import Iterable

from django.http import HttpResponse

# The sanitiser lives with the exports; importers of this module keep working.
from durchstarten.exports.sanitise import (  # noqa: F401
    FORMULA_STARTS,
    LEADING_BREAKS,
    _ignorable,
    neutralise,
)


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
