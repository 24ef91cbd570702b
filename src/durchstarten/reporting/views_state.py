"""The state view (Landesübersicht) for state analysts: suppressed figures per district, and
the same table as CSV or XLSX. No person is listed or linked anywhere."""

import io
from dataclasses import dataclass

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from openpyxl import Workbook
from openpyxl.styles import Font

from durchstarten.core.audit import log_action
from durchstarten.core.decorators import require_role
from durchstarten.offers.exports import csv_response, neutralise
from durchstarten.reporting import statewide
from durchstarten.reporting.forms import PeriodForm, default_period
from durchstarten.reporting.suppression import LOCKED_TEXT, Cell, Rate
from durchstarten.reporting.views._format import count, percent
from durchstarten.reporting.views._period import period_or_404, period_text, quick_choices

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Where the rates stand among the counts: each after the last count it is made of.
RATES_AFTER = {"entered": "entry_rate", "placed_both": "placement_rate"}


@dataclass(frozen=True)
class Item:
    """One shown value: its text, and the number behind it when it is shown (for XLSX)."""

    text: str
    number: int | float | None = None
    is_rate: bool = False


def _count(cell: Cell) -> Item:
    if cell.suppressed:
        return Item(cell.text)
    return Item(count(cell.value), cell.value)


def _rate(value: Rate) -> Item:
    if value.suppressed:
        return Item(LOCKED_TEXT, is_rate=True)
    return Item(percent(value.value), value.value, is_rate=True)


def _columns() -> list[str]:
    labels = []
    for column in statewide.COLUMNS:
        labels.append(str(statewide.column_label(column)))
        if column in RATES_AFTER:
            labels.append(str(statewide.LABELS[RATES_AFTER[column]]))
    return labels


def _items(row: statewide.StateRow) -> list[Item]:
    items = []
    for column, cell in zip(statewide.COLUMNS, row.cells, strict=True):
        items.append(_count(cell))
        if column in RATES_AFTER:
            items.append(_rate(getattr(row, RATES_AFTER[column])))
    return items


@require_GET
@require_role(*statewide.STATE_VIEW_ROLES)
def state(request):
    form = PeriodForm(request.GET)
    period = form.period
    start, end = period or default_period()
    context = {"form": form, "quick_choices": quick_choices(start, end), "legend": _legend()}
    if period is not None:
        # Show the period in effect in the date fields, also when it came from the defaults.
        context["form"] = PeriodForm({"from": start.isoformat(), "to": end.isoformat()})
        table = statewide.state_table_for_user(request.user, start=start, end=end)
        context |= {
            "table": table,
            "period_text": period_text(start, end),
            "columns": _columns(),
            "rows": [(row, _items(row)) for row in table.rows],
            "total": (table.total, _items(table.total)),
            "query": urlencode({"from": start.isoformat(), "to": end.isoformat()}),
        }
    return render(request, "reporting/state.html", context)


def _legend() -> list[str]:
    return [
        _(
            "< 5: weniger als 5 Personen. Die genaue Zahl wird nicht gezeigt, damit niemand "
            "auf einzelne Personen schließen kann."
        ),
        _(
            "x: Wert gesperrt, damit ein Wert unter 5 nicht aus Summen oder anderen Werten "
            "errechnet werden kann; bei Quoten: Zähler oder Nenner ist gesperrt."
        ),
        _("–: Quote nicht bestimmbar (Nenner 0)."),
    ]


@require_GET
@require_role(*statewide.STATE_VIEW_ROLES)
def state_export(request):
    """The shown table as a file (CSV by default, ``format=xlsx``); written to the audit log."""
    kind = request.GET.get("format", "csv")
    if kind not in FORMATS:
        raise Http404
    start, end = period_or_404(request.GET)
    table = statewide.state_table_for_user(request.user, start=start, end=end)
    header = [_("Kreis"), _("AGS"), *_columns()]
    rows = [[row.name, row.ags, *_items(row)] for row in (*table.rows, table.total)]
    filename = f"landesuebersicht_{start:%Y%m%d}_{end:%Y%m%d}.{kind}"
    if kind == "csv":
        response = csv_response(filename, header, [[_text(value) for value in row] for row in rows])
    else:
        response = HttpResponse(_xlsx(table, header, rows), content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "no-store"
    log_action(
        "reporting.state.exported",
        actor=request.user,
        data={
            "format": kind,
            "from": start.isoformat(),
            "to": end.isoformat(),
            "districts": len(table.rows),
        },
    )
    return response


def _text(value) -> str:
    return value.text if isinstance(value, Item) else str(value)


def _xlsx(table: statewide.StateTable, header: list, rows: list) -> bytes:
    """One sheet: title, period, date of creation, the table, the legend. Counts and rates
    that are shown are numbers; suppressed ones the same text as on the page."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Landesübersicht")
    bold = Font(bold=True)
    sheet.append([_("Landesübersicht Durchstarten – Kennzahlen je Kreis")])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([_("Berichtszeitraum"), period_text(table.start, table.end)])
    sheet.append([_("Erstellt am"), f"{timezone.localdate():%d.%m.%Y}"])
    sheet.append([])
    sheet.append([neutralise(label) for label in header])
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = bold
    for row in rows:
        out = []
        for value in row:
            if isinstance(value, Item) and value.number is not None:
                out.append(value.number)
            else:
                out.append(neutralise(_text(value)))
        sheet.append(out)
        for value, cell in zip(row, sheet[sheet.max_row], strict=True):
            if isinstance(value, Item) and value.number is not None:
                cell.number_format = "0.0 %" if value.is_rate else "#,##0"
    for cell in sheet[sheet.max_row]:
        cell.font = bold  # the state total
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=3)
    sheet.append([])
    for line in _legend():
        sheet.append([neutralise(line)])
    sheet.column_dimensions["A"].width = 34
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
