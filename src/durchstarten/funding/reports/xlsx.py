"""The spending-report draft as an Excel workbook: the figures on one sheet, the ledger on another.

Amounts are numbers with a euro format (the funding authority adds them up); text cells pass
through the CSV sanitiser of the offers export and are stored as text, so nothing in them
runs as a formula.
"""

import datetime as dt
import io
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from durchstarten.funding.reports.document import (
    Cell,
    Money,
    Percent,
    Quantity,
    ReportDocument,
    Table,
)
from durchstarten.offers.exports import neutralise

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EURO_FORMAT = '#,##0.00 "€"'
PERCENT_FORMAT = "0.0%"
QUANTITY_FORMAT = "0.00"
DATE_FORMAT = "DD.MM.YYYY"
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
HEADER_FILL = PatternFill("solid", fgColor="DDE3EA")
HUNDRED = Decimal(100)


def _write(sheet, row: int, column: int, value: Cell, *, bold=False) -> None:
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, Money):
        cell.value = value.value
        cell.number_format = EURO_FORMAT
    elif isinstance(value, Percent):
        if value.value is not None:
            cell.value = value.value / HUNDRED
            cell.number_format = PERCENT_FORMAT
    elif isinstance(value, Quantity):
        if value.value is not None:
            cell.value = value.value
            cell.number_format = QUANTITY_FORMAT
    elif isinstance(value, dt.date):
        cell.value = value
        cell.number_format = DATE_FORMAT
    elif isinstance(value, int):
        cell.value = value
    elif value is not None and value != "":
        cell.value = neutralise(value)
        # Stored as a string even if it looks like a formula to openpyxl.
        cell.data_type = "s"
    if bold:
        cell.font = BOLD


def _table(sheet, row: int, table: Table) -> int:
    """Write the table from ``row``; returns the next free row."""
    _write(sheet, row, 1, table.caption, bold=True)
    row += 1
    for column, label in enumerate(table.header, start=1):
        _write(sheet, row, column, label, bold=True)
        sheet.cell(row=row, column=column).fill = HEADER_FILL
    row += 1
    for values in table.rows:
        for column, value in enumerate(values, start=1):
            _write(sheet, row, column, value)
        row += 1
    if not table.rows:
        _write(sheet, row, 1, _("keine Einträge"))
        row += 1
    if table.footer:
        for column, value in enumerate(table.footer, start=1):
            _write(sheet, row, column, value, bold=True)
        row += 1
    return row + 1


def _widths(sheet, widths: dict[int, float]) -> None:
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = width


def render(document: ReportDocument) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Nachweis")
    sheet.cell(row=1, column=1, value=neutralise(document.title)).font = TITLE
    _write(sheet, 2, 1, document.subtitle)
    row = 4
    for label, value in document.meta:
        _write(sheet, row, 1, label, bold=True)
        _write(sheet, row, 2, value)
        row += 1
    row += 1
    for table in document.tables:
        row = _table(sheet, row, table)
    _write(sheet, row, 1, _("Hinweise"), bold=True)
    row += 1
    for text in document.warnings or [_("keine")]:
        _write(sheet, row, 1, text)
        sheet.cell(row=row, column=1).alignment = Alignment(wrap_text=False)
        row += 1
    _widths(sheet, {1: 46, 2: 40, **dict.fromkeys(range(3, 12), 18)})

    ledger = workbook.create_sheet(_("Belegliste"))
    _table(ledger, 1, document.ledger)
    ledger.freeze_panes = "A3"
    _widths(ledger, {1: 12, 2: 18, 3: 20, 4: 28, 5: 40, 6: 40, 7: 16, 8: 16})

    workbook.properties.title = document.title
    workbook.properties.creator = "Durchstarten"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
