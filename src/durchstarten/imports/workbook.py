"""The XLSX files of the import: the template to fill in and the rejected rows with errors."""

from __future__ import annotations

import io
from collections.abc import Iterable

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from durchstarten.imports.columns import COLUMNS, FALSE_WORD, TRUE_WORD, Kind, german
from durchstarten.imports.models import ImportBatch, ImportKind, RowStatus
from durchstarten.imports.readers import HINTS_SHEET
from durchstarten.offers.exports import neutralise

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LISTS_SHEET = "Listen"
ERROR_HEADER = "Fehler"
# Rows of the template that carry the validation lists.
TEMPLATE_ROWS = 5000

KIND_FORMAT = {
    Kind.TEXT: "Text",
    Kind.DATE: "Datum TT.MM.JJJJ",
    Kind.CHOICE: "ein Wert aus der Liste",
    Kind.MULTI: "Werte aus der Liste, durch Semikolon getrennt",
    Kind.BOOL: "ja / nein",
    Kind.INT: "ganze Zahl",
    Kind.COUNTRY: "Staat",
    Kind.MUNICIPALITY: "Kommune des Kreises",
    Kind.MUNICIPALITIES: "Kommunen des Kreises, durch Semikolon getrennt",
    Kind.PROVIDER: "Träger des Kreises",
    Kind.STAFF: "Person des Kreises",
}
SHEET_TITLES = {ImportKind.PARTICIPANTS: "Teilnehmende", ImportKind.OFFERS: "Angebote"}


def _save(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def template_xlsx(kind: str) -> bytes:
    """An empty list with the German headers, a help sheet and drop-down lists for the
    columns with fixed values."""
    columns = COLUMNS[kind]
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET_TITLES[kind]
    lists = book.create_sheet(LISTS_SHEET)
    hints = book.create_sheet(HINTS_SHEET)
    bold = Font(bold=True)
    sheet.append([column.header for column in columns])
    for cell in sheet[1]:
        cell.font = bold
    sheet.freeze_panes = "A2"
    list_column = 0
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(14, len(column.header) + 4)
        cells = f"{letter}2:{letter}{TEMPLATE_ROWS}"
        if column.kind == Kind.CHOICE:
            list_column += 1
            values = [label for _value, label in column.allowed()]
            target = get_column_letter(list_column)
            lists.cell(row=1, column=list_column, value=column.header)
            for row, value in enumerate(values, start=2):
                lists.cell(row=row, column=list_column, value=value)
            formula = f"={LISTS_SHEET}!${target}$2:${target}${len(values) + 1}"
            validation = DataValidation(type="list", formula1=formula, allow_blank=True)
        elif column.kind == Kind.BOOL:
            validation = DataValidation(
                type="list", formula1=f'"{TRUE_WORD},{FALSE_WORD}"', allow_blank=True
            )
        elif column.kind == Kind.DATE:
            validation = DataValidation(type="date", operator="greaterThan", formula1="1")
        else:
            continue
        validation.error = (
            _("Bitte geben Sie ein Datum ein (TT.MM.JJJJ).")
            if column.kind == Kind.DATE
            else _("Bitte wählen Sie einen Wert aus der Liste.")
        )
        validation.errorTitle = column.header
        validation.add(cells)
        sheet.add_data_validation(validation)
    lists.sheet_state = "hidden"
    hints.append([_("Spalte"), _("Pflicht"), _("Format"), _("erlaubte Werte"), _("Hinweis")])
    for cell in hints[1]:
        cell.font = bold
    for column in columns:
        allowed = ", ".join(label for _value, label in column.allowed())
        hints.append(
            [
                column.header,
                _("ja") if column.required else "",
                KIND_FORMAT[column.kind],
                allowed,
                german(column.help) if column.help else "",
            ]
        )
    hints.append([])
    hints.append(
        [
            _(
                "Die erste Zeile des Blatts enthält die Spaltenköpfe; jede weitere Zeile ist ein "
                "Datensatz. Andere Spaltennamen Ihrer Listen ordnen Sie beim Hochladen zu."
            )
        ]
    )
    for letter, width in zip("ABCDE", (34, 8, 28, 60, 60), strict=True):
        hints.column_dimensions[letter].width = width
    return _save(book)


def _cell(value):
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return neutralise(value)


def rejected_xlsx(batch: ImportBatch, rows: Iterable) -> bytes:
    """The rejected rows as they were in the file, with a column "Fehler" saying why."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(SHEET_TITLES[batch.kind])
    width = len(batch.headers)
    sheet.append([*(_cell(h) for h in batch.headers), ERROR_HEADER])
    for row in rows:
        if row.status not in (RowStatus.REJECTED, RowStatus.INVALID):
            continue
        cells = list(row.cells) + [None] * (width - len(row.cells))
        errors = "; ".join(f"{e['column']}: {e['message']}" for e in row.errors)
        sheet.append([*(_cell(c) for c in cells[:width]), neutralise(errors)])
    return _save(book)
