"""The Art. 15 report as an A4 PDF (ReportLab, the PDF standard fonts like reporting.exports)."""

import datetime as dt
import io
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from durchstarten.reporting.exports.common import CREATOR
from durchstarten.reporting.exports.pdf import printable

INK = colors.HexColor("#1B2838")
HEADER_BACKGROUND = colors.HexColor("#DDE4EE")
RULE = colors.HexColor("#9AA5B4")
MARGIN = 20 * mm


def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=base["Normal"], fontName="Helvetica", fontSize=9)
    return {
        "title": ParagraphStyle(
            "title", parent=body, fontName="Helvetica-Bold", fontSize=16, leading=20
        ),
        "h1": ParagraphStyle(
            "h1",
            parent=body,
            fontName="Helvetica-Bold",
            fontSize=12,
            leading=15,
            textColor=INK,
            spaceBefore=10,
            spaceAfter=4,
            keepWithNext=True,
        ),
        "body": body,
        "cell": ParagraphStyle("cell", parent=body, fontSize=8.5, leading=10.5),
        "head": ParagraphStyle(
            "head", parent=body, fontName="Helvetica-Bold", fontSize=8.5, leading=10.5
        ),
    }


def _text(value) -> str:
    if isinstance(value, bool):
        return _("ja") if value else _("nein")
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, str) and len(value) >= 10 and value[4] == "-" and value[7] == "-":
        try:
            day = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
        rest = value[11:16] if len(value) > 10 else ""
        return f"{day:%d.%m.%Y}" + (f" {rest}" if rest else "")
    return str(value)


def _p(value, style) -> Paragraph:
    return Paragraph(escape(printable(_text(value))), style)


def _grid(rows, widths, styles) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), HEADER_BACKGROUND),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def access_report_pdf(report: dict) -> bytes:
    styles = _styles()
    width = A4[0] - 2 * MARGIN
    story = [
        Paragraph(escape(printable(report["title"])), styles["title"]),
        Spacer(0, 4),
        _p(
            _("Kreis: %(district)s · Kennung der Person: %(id)s · erstellt am %(at)s")
            % {
                "district": report["district"],
                "id": report["participant"],
                "at": _text(report["created_at"]),
            },
            styles["body"],
        ),
    ]
    for section in report["sections"]:
        story.append(_p(section["title"], styles["h1"]))
        if not section["records"]:
            story.append(_p(_("Keine Einträge."), styles["body"]))
            continue
        labels = section["fields"]
        for number, record in enumerate(section["records"], start=1):
            rows = [
                [
                    _p(_("Feld"), styles["head"]),
                    _p(_("Eintrag %(n)s") % {"n": number}, styles["head"]),
                ]
            ]
            rows += [
                [_p(labels[name], styles["cell"]), _p(value, styles["cell"])]
                for name, value in record.items()
                if value not in ("", None, [])
            ]
            story.append(_grid(rows, [width * 0.35, width * 0.65], styles))
            story.append(Spacer(0, 4))
    story.append(_p(_("Zugriffe auf die Daten"), styles["h1"]))
    if report["access_history"]:
        head = [_("Zeitpunkt"), _("Rolle"), _("Organisation"), _("Vorgang"), _("Ergebnis")]
        rows = [[_p(h, styles["head"]) for h in head]]
        rows += [
            [
                _p(e[key], styles["cell"])
                for key in ("at", "role", "organisation", "action", "outcome")
            ]
            for e in report["access_history"]
        ]
        story.append(_grid(rows, [width * f for f in (0.18, 0.22, 0.27, 0.2, 0.13)], styles))
    else:
        story.append(_p(_("Keine Einträge."), styles["body"]))
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=printable(report["title"]),
        author=CREATOR,
        creator=CREATOR,
    )
    document.build(story)
    return buffer.getvalue()
