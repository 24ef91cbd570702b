"""The reports as A4 PDF documents (ReportLab platypus).

Only the PDF standard fonts are used, so nothing has to be installed or shipped: Helvetica
covers Windows-1252 (German letters, „“, –, €) and ReportLab takes ≥ and the like from the
Symbol font. Any other character (e.g. in a provider's name) is transliterated, so that no
name is printed as black boxes.
"""

import datetime as dt
import io
import unicodedata
from collections.abc import Mapping
from functools import partial
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from durchstarten.reporting.exports import common
from durchstarten.reporting.exports.common import CREATOR, Cell, Document, german_date
from durchstarten.reporting.exports.content import kpi_document, quarterly_document

MARGIN = 20 * mm
TOP_MARGIN = 25 * mm
BOTTOM_MARGIN = 22 * mm
INK = colors.HexColor("#1B2838")
MUTED = colors.HexColor("#4D5A6B")
HEADER_BACKGROUND = colors.HexColor("#DDE4EE")
ZEBRA = colors.HexColor("#F4F6F9")
RULE = colors.HexColor("#9AA5B4")
# Characters outside Windows-1252 with no decomposition to fall back on.
FALLBACK = {"ı": "i", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ħ": "h", "Ħ": "H", "−": "-"}
# Characters ReportLab draws from the Symbol font.
SYMBOLS = frozenset("≥≤≠±→")


def _encodable(char: str) -> bool:
    try:
        char.encode("cp1252")
    except UnicodeEncodeError:
        return char in SYMBOLS
    return True


def printable(value: str) -> str:
    """The text with every character the standard fonts cannot draw replaced by a look-alike."""
    if all(_encodable(char) for char in value):
        return value
    out = []
    for char in value:
        if _encodable(char):
            out.append(char)
            continue
        base = "".join(
            part for part in unicodedata.normalize("NFKD", char) if not unicodedata.combining(part)
        )
        if base and all(_encodable(part) for part in base):
            out.append(base)
        else:
            out.append(FALLBACK.get(char, "?"))
    return "".join(out)


def _markup(value: str) -> str:
    """Text for a Paragraph, which parses XML-like markup: names may contain & or <."""
    return escape(printable(value))


def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    body = ParagraphStyle(
        "body", parent=base["Normal"], fontName="Helvetica", fontSize=9, leading=12
    )
    return {
        "title": ParagraphStyle(
            "title",
            parent=body,
            fontName="Helvetica-Bold",
            fontSize=17,
            leading=21,
            textColor=INK,
            spaceAfter=8,
        ),
        "h1": ParagraphStyle(
            "h1",
            parent=body,
            fontName="Helvetica-Bold",
            fontSize=13,
            leading=16,
            textColor=INK,
            spaceBefore=12,
            spaceAfter=4,
            keepWithNext=True,
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=body,
            fontName="Helvetica-Bold",
            fontSize=10.5,
            leading=13,
            textColor=INK,
            spaceBefore=8,
            spaceAfter=3,
            keepWithNext=True,
        ),
        "body": body,
        "note": ParagraphStyle("note", parent=body, textColor=MUTED, fontSize=8.5, leading=11),
        "cell": ParagraphStyle("cell", parent=body, fontSize=8.5, leading=10.5),
        "number": ParagraphStyle(
            "number", parent=body, fontSize=8.5, leading=10.5, alignment=TA_RIGHT
        ),
        "head": ParagraphStyle(
            "head", parent=body, fontName="Helvetica-Bold", fontSize=8.5, leading=10.5
        ),
        "head_number": ParagraphStyle(
            "head_number",
            parent=body,
            fontName="Helvetica-Bold",
            fontSize=8.5,
            leading=10.5,
            alignment=TA_RIGHT,
        ),
        "definition": ParagraphStyle("definition", parent=body, spaceAfter=4),
    }


class _NumberedCanvas(Canvas):
    """Holds the pages back until the end so that each footer can say "Seite x von y"."""

    def __init__(self, *args, document: Document, **kwargs):
        super().__init__(*args, **kwargs)
        self._document = document
        self._page_states: list[dict] = []

    def showPage(self) -> None:  # noqa: N802 - ReportLab's name
        self._page_states.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._page_states)
        for state in self._page_states:
            self.__dict__.update(state)
            self._decorate(total)
            super().showPage()
        super().save()

    def _decorate(self, total: int) -> None:
        document = self._document
        width, height = A4
        self.saveState()
        self.setFillColor(MUTED)
        self.setStrokeColor(RULE)
        self.setLineWidth(0.5)
        if self._pageNumber > 1:
            self.setFont("Helvetica", 8)
            self.drawString(MARGIN, height - 15 * mm, printable(document.title))
            districts = printable(f"{document.district_text} · {document.period}")
            if self.stringWidth(districts, "Helvetica", 8) > width - 2 * MARGIN:
                # A state-wide report names dozens of districts: the first page lists them.
                districts = printable(
                    _("%(count)s Kreise / kreisfreie Städte · %(period)s")
                    % {"count": len(document.districts), "period": document.period}
                )
            self.drawString(MARGIN, height - 15 * mm - 10, districts)
            self.line(MARGIN, height - 15 * mm - 14, width - MARGIN, height - 15 * mm - 14)
        self.line(MARGIN, 14 * mm, width - MARGIN, 14 * mm)
        self.setFont("Helvetica", 8)
        created = _("Erstellt am %(date)s mit %(creator)s") % {
            "date": german_date(document.created_on),
            "creator": CREATOR,
        }
        self.drawString(MARGIN, 10 * mm, printable(f"{document.short_title} · {created}"))
        page = _("Seite %(page)s von %(total)s") % {"page": self._pageNumber, "total": total}
        self.drawRightString(width - MARGIN, 10 * mm, page)
        self.restoreState()


def _visible_columns(table: common.Table) -> list[int]:
    """Columns to print: the naming ones, and every other one that has something in it."""
    return [
        index
        for index in range(len(table.columns))
        if index < table.key_columns or any(row[index].value != "" for row in table.rows)
    ]


def _cell(cell: Cell, style: ParagraphStyle) -> Paragraph:
    return Paragraph(_markup(cell.text()), style)


def _table(table: common.Table, styles: Mapping[str, ParagraphStyle], width: float) -> Table:
    columns = _visible_columns(table)
    numeric = [
        index >= table.key_columns and any(row[index].is_number for row in table.rows)
        for index in columns
    ]
    head = [
        Paragraph(_markup(table.columns[i]), styles["head_number" if right else "head"])
        for i, right in zip(columns, numeric, strict=True)
    ]
    cell_styles = [styles["number" if right else "cell"] for right in numeric]
    body = [
        [_cell(row[i], style) for i, style in zip(columns, cell_styles, strict=True)]
        for row in table.rows
    ]
    # Rows named by two columns come in groups (a municipality's entries, exits, stock): the
    # group's name is printed once and a rule marks where the next group starts.
    group_starts = []
    if table.key_columns > 1:
        for index in range(len(table.rows) - 1, 0, -1):
            if table.rows[index][0] == table.rows[index - 1][0]:
                body[index][0] = ""
            else:
                group_starts.append(index + 1)
    relative = [table.widths[i] for i in columns]
    widths = [width * share / sum(relative) for share in relative]
    flowable = Table([head, *body], colWidths=widths, repeatRows=1, hAlign="LEFT")
    flowable.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), HEADER_BACKGROUND),
                ("LINEBELOW", (0, 0), (-1, 0), 0.75, MUTED),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, ZEBRA]),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
                *(("LINEABOVE", (0, row), (-1, row), 0.75, MUTED) for row in group_starts),
            ]
        )
    )
    return flowable


def _meta(document: Document, styles: Mapping[str, ParagraphStyle], width: float) -> Table:
    rows = [
        [Paragraph(_markup(label), styles["head"]), Paragraph(_markup(value), styles["cell"])]
        for label, value in document.meta()
    ]
    meta = Table(rows, colWidths=[45 * mm, width - 45 * mm], hAlign="LEFT")
    meta.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (0, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    return meta


def _story(document: Document, width: float) -> list:
    styles = _styles()
    story: list = [
        Paragraph(_markup(document.title), styles["title"]),
        _meta(document, styles, width),
        Spacer(1, 4 * mm),
    ]
    story.extend(Paragraph(_markup(note), styles["note"]) for note in document.notes)
    for sheet in document.sheets:
        story.append(Paragraph(_markup(sheet.name), styles["h1"]))
        for table in sheet.tables:
            story.append(Paragraph(_markup(table.title), styles["h2"]))
            if table.rows:
                story.append(_table(table, styles, width))
            if table.note:
                story.append(Paragraph(_markup(table.note), styles["note"]))
    story.append(Paragraph(_markup(_("Definitionen")), styles["h1"]))
    for item in document.definitions:
        story.append(
            Paragraph(
                f"<b>{_markup(item.label)}</b>: {_markup(item.explanation)}",
                styles["definition"],
            )
        )
    return story


def render(document: Document) -> bytes:
    buffer = io.BytesIO()
    template = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=TOP_MARGIN,
        bottomMargin=BOTTOM_MARGIN,
        title=printable(document.title),
        author=CREATOR,
        creator=CREATOR,
        subject=printable(f"{document.district_text}, {document.period}"),
        keywords=[CREATOR, document.short_title],
        lang="de-DE",
        displayDocTitle=True,
    )
    template.build(
        _story(document, template.width),
        canvasmaker=partial(_NumberedCanvas, document=document),
    )
    return buffer.getvalue()


def kpi_pdf(
    report: Mapping,
    *,
    district_names: Mapping[str, str] | None = None,
    created_on: dt.date | None = None,
) -> bytes:
    """The KPI report as an A4 PDF. `district_names` (AGS -> name) saves one query."""
    return render(kpi_document(report, district_names=district_names, created_on=created_on))


def quarterly_pdf(
    report: Mapping,
    *,
    district_names: Mapping[str, str] | None = None,
    created_on: dt.date | None = None,
) -> bytes:
    """The quarterly monitoring as an A4 PDF. `district_names` (AGS -> name) saves one query."""
    document = quarterly_document(report, district_names=district_names, created_on=created_on)
    return render(document)
