"""The reports as spreadsheets (openpyxl): values only, no formulas.

Each sheet is one list under a short document header: a frozen, filterable header row, the
figures as number cells with a display format (rates as the exact fraction shown in percent),
and in the last column the JSON path of the row.
"""

import datetime as dt
import io
from collections.abc import Mapping

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from durchstarten.offers.exports import neutralise
from durchstarten.reporting.exports.common import (
    CREATOR,
    NUMBER_FORMATS,
    Cell,
    Document,
    Kind,
    Sheet,
    Table,
)
from durchstarten.reporting.exports.content import kpi_document, quarterly_document

TITLE_FONT = Font(bold=True, size=14)
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
HEADER_BORDER = Border(bottom=Side(style="thin", color="4D5A6B"))
TOP_WRAPPED = Alignment(vertical="top", wrap_text=True)
TOP = Alignment(vertical="top")
KEY_WIDTH = 34
A4 = 9  # openpyxl's paperSize code


def _definitions_sheet(document: Document) -> Sheet:
    items = document.definitions
    return Sheet(
        name=_("Definitionen"),
        section_column="",
        tables=[
            Table(
                title=_("Definitionen"),
                columns=[_("Kennzahl"), _("Definition")],
                rows=[[Cell(item.label), Cell(item.explanation)] for item in items],
                keys=[item.key for item in items],
                widths=(34, 100),
            )
        ],
    )


def _put(ws: Worksheet, row: int, column: int, cell: Cell) -> None:
    target = ws.cell(row=row, column=column)
    if cell.kind in (Kind.MET, Kind.WITHIN):
        target.value = cell.text()
    elif cell.is_number:
        target.value = cell.value
        target.number_format = NUMBER_FORMATS[cell.kind]
    else:
        # Names of municipalities and providers come from data: never let them be a formula.
        target.value = None if cell.value is None else neutralise(cell.value)
    target.alignment = TOP_WRAPPED if not cell.is_number else TOP


def _header_block(ws: Worksheet, document: Document) -> int:
    """Title and document data above the list; returns the next free row."""
    ws.cell(row=1, column=1, value=neutralise(document.title)).font = TITLE_FONT
    row = 2
    for label, value in document.meta():
        ws.cell(row=row, column=1, value=neutralise(f"{label}: {value}"))
        row += 1
    return row + 1


def _write_sheet(ws: Worksheet, document: Document, sheet: Sheet) -> None:
    header_row = _header_block(ws, document)
    leading = [sheet.section_column] if sheet.section_column else []
    headers = [*leading, *sheet.columns, _("Schlüssel")]
    for column, header in enumerate(headers, start=1):
        target = ws.cell(row=header_row, column=column, value=neutralise(header))
        target.font = BOLD
        target.fill = HEADER_FILL
        target.border = HEADER_BORDER
        target.alignment = TOP_WRAPPED
    row = header_row
    for table in sheet.tables:
        lines = list(zip(table.rows, table.keys, strict=True))
        if not lines and table.note:
            lines = [([Cell(table.note), *[Cell("")] * (len(sheet.columns) - 1)], table.note_key)]
        for cells, key in lines:
            row += 1
            column = 1
            if leading:
                _put(ws, row, column, Cell(table.title))
                column += 1
            for cell in cells:
                _put(ws, row, column, cell)
                column += 1
            ws.cell(row=row, column=column, value=neutralise(key))
    last_column = get_column_letter(len(headers))
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    ws.auto_filter.ref = f"A{header_row}:{last_column}{max(row, header_row)}"
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.paperSize = A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    _set_widths(ws, sheet, bool(leading))


def _set_widths(ws: Worksheet, sheet: Sheet, leading: bool) -> None:
    widths: list[float] = []
    if leading:
        longest = max(len(table.title) for table in sheet.tables)
        widths.append(min(max(longest, len(sheet.section_column)) + 2, 48))
    widths.extend(max(table.widths[i] for table in sheet.tables) for i in range(len(sheet.columns)))
    widths.append(KEY_WIDTH)
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width


def render(document: Document) -> bytes:
    workbook = Workbook()
    sheets = [*document.sheets, _definitions_sheet(document)]
    first = workbook.active
    for index, sheet in enumerate(sheets):
        ws = first if index == 0 else workbook.create_sheet()
        ws.title = sheet.name
        _write_sheet(ws, document, sheet)
    properties = workbook.properties
    properties.title = document.title
    properties.subject = f"{document.district_text}, {document.period}"
    properties.creator = CREATOR
    properties.lastModifiedBy = CREATOR
    properties.language = "de-DE"
    properties.keywords = f"{CREATOR}; {document.short_title}"
    now = timezone.now().astimezone(dt.UTC).replace(tzinfo=None)
    properties.created = properties.modified = now
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def kpi_xlsx(
    report: Mapping,
    *,
    district_names: Mapping[str, str] | None = None,
    created_on: dt.date | None = None,
) -> bytes:
    """The KPI report as an XLSX workbook: sheets Kennzahlen, Aufschlüsselung, Definitionen.

    `district_names` (AGS -> name) saves the one query that looks the names up.
    """
    document = kpi_document(report, district_names=district_names, created_on=created_on)
    return render(document)


def quarterly_xlsx(
    report: Mapping,
    *,
    district_names: Mapping[str, str] | None = None,
    created_on: dt.date | None = None,
) -> bytes:
    """The quarterly monitoring as an XLSX workbook: sheets Quartale, Kommunen,
    Teilnehmendengruppen, Umsetzungsstand, Definitionen."""
    document = quarterly_document(report, district_names=district_names, created_on=created_on)
    return render(document)
