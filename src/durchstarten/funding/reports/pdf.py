"""The spending-report draft as a PDF: A4 landscape, Helvetica, "Seite x von y" on every page.

Helvetica is one of the PDF base fonts (no font file to ship); its encoding covers German
text, the euro sign and typographic quotes.
"""

import datetime as dt
import io
from functools import partial
from xml.sax.saxutils import escape

from django.utils import formats
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, TableStyle
from reportlab.platypus import Table as PdfTable

from durchstarten.funding.money import format_eur, format_number, format_percent
from durchstarten.funding.reports.document import (
    Cell,
    Money,
    Percent,
    Quantity,
    ReportDocument,
    Table,
)

CONTENT_TYPE = "application/pdf"
PAGE = landscape(A4)
MARGIN = 15 * mm
FONT = "Helvetica"
BOLD = "Helvetica-Bold"

_BODY = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=11.5)
_CELL = ParagraphStyle("cell", fontName=FONT, fontSize=8, leading=10)
_CELL_BOLD = ParagraphStyle("cell-bold", parent=_CELL, fontName=BOLD)
_NUMBER = ParagraphStyle("number", parent=_CELL, alignment=TA_RIGHT)
_NUMBER_BOLD = ParagraphStyle("number-bold", parent=_NUMBER, fontName=BOLD)
_TITLE = ParagraphStyle("title", fontName=BOLD, fontSize=15, leading=19, spaceAfter=2 * mm)
_SUBTITLE = ParagraphStyle("subtitle", fontName=FONT, fontSize=10, leading=13, spaceAfter=4 * mm)
_HEADING = ParagraphStyle(
    "heading",
    fontName=BOLD,
    fontSize=11,
    leading=14,
    spaceBefore=5 * mm,
    spaceAfter=2 * mm,
    keepWithNext=1,
)


def text_of(value: Cell) -> str:
    """A cell as it is printed (also used by the tests to find figures in the PDF)."""
    if isinstance(value, Money):
        return format_eur(value.value)
    if isinstance(value, Percent):
        return format_percent(value.value)
    if isinstance(value, Quantity):
        return "–" if value.value is None else format_number(value.value)
    if isinstance(value, dt.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if value is None:
        return "–"
    return str(value)


def _numeric(value: Cell) -> bool:
    return isinstance(value, Money | Percent | Quantity | int)


def _numeric_columns(table: Table) -> set[int]:
    rows = [*table.rows, *([table.footer] if table.footer else [])]
    return {index for row in rows for index, value in enumerate(row) if _numeric(value)}


def _paragraph(value: Cell, *, right: bool, bold=False) -> Paragraph:
    styles = {(True, True): _NUMBER_BOLD, (True, False): _NUMBER}
    styles |= {(False, True): _CELL_BOLD, (False, False): _CELL}
    return Paragraph(escape(text_of(value)), styles[right, bold])


def _table(table: Table, width: float) -> list:
    numeric = _numeric_columns(table)

    def row_of(values, *, bold=False):
        return [
            _paragraph(value, right=index in numeric, bold=bold)
            for index, value in enumerate(values)
        ]

    header = [
        Paragraph(escape(label), _NUMBER_BOLD if index in numeric else _CELL_BOLD)
        for index, label in enumerate(table.header)
    ]
    rows = [row_of(row) for row in table.rows]
    if not rows:
        rows = [[Paragraph(escape(_("keine Einträge")), _CELL)] + [""] * (len(header) - 1)]
    data = [header, *rows]
    if table.footer:
        data.append(row_of(table.footer, bold=True))
    weights = table.widths or [1] * len(table.header)
    scale = width * table.width_share / sum(weights)
    pdf_table = PdfTable(data, colWidths=[w * scale for w in weights], repeatRows=1, hAlign="LEFT")
    style = [
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDE3EA")),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#B8C2CC")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if table.footer:
        style.append(("LINEABOVE", (0, -1), (-1, -1), 0.6, colors.black))
    pdf_table.setStyle(TableStyle(style))
    return [Paragraph(escape(table.caption), _HEADING), pdf_table]


class _NumberedCanvas(canvas.Canvas):
    """Defers drawing the footers until the page count is known ("Seite x von y")."""

    def __init__(self, *args, footer: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self._footer = footer
        self._pages: list[dict] = []

    def showPage(self):  # noqa: N802 - reportlab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self.setFont(FONT, 8)
            self.drawString(MARGIN, 9 * mm, self._footer)
            self.drawRightString(
                PAGE[0] - MARGIN,
                9 * mm,
                _("Seite %(page)s von %(pages)s") % {"page": number, "pages": total},
            )
            super().showPage()
        super().save()


def render(document: ReportDocument) -> bytes:
    buffer = io.BytesIO()
    pdf = SimpleDocTemplate(
        buffer,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=18 * mm,
        title=document.title,
        subject=document.subtitle,
        author="Durchstarten",
        creator="Durchstarten",
        lang="de-DE",
    )
    width = PAGE[0] - 2 * MARGIN
    story: list = [
        Paragraph(escape(document.title), _TITLE),
        Paragraph(escape(document.subtitle), _SUBTITLE),
    ]
    meta = PdfTable(
        [
            [Paragraph(escape(label), _CELL_BOLD), Paragraph(escape(value), _CELL)]
            for label, value in document.meta
        ],
        colWidths=[60 * mm, width - 60 * mm],
        hAlign="LEFT",
    )
    meta.setStyle(TableStyle([("TOPPADDING", (0, 0), (-1, -1), 1)]))
    story.append(meta)
    for table in document.tables:
        story += _table(table, width)
    story.append(Paragraph(escape(_("Hinweise")), _HEADING))
    for text in document.warnings or [_("keine")]:
        story.append(Paragraph(escape(text), _BODY))
        story.append(Spacer(0, 1.5 * mm))
    story += _table(document.ledger, width)
    footer = _("Entwurf, erstellt am %(day)s mit Durchstarten") % {
        "day": text_of(document.created_on)
    }
    pdf.build(story, canvasmaker=partial(_NumberedCanvas, footer=footer))
    return buffer.getvalue()
