"""Gap analysis (Angebotslücken): open needs against free places, per municipality and need."""

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from durchstarten.core.decorators import require_role
from durchstarten.offers import selectors
from durchstarten.offers.exports import csv_response
from durchstarten.offers.views._common import GAP_ROLES

BAR_AREA = 360  # width of the longest bar in the chart (SVG units)
ROW = 28
LABEL_WIDTH = 260


def _totals(analysis) -> list[dict]:
    totals = {
        category.value: {"category": category, "open_needs": 0, "free_places": 0, "unmet": 0}
        for category in analysis["categories"]
    }
    for row in analysis["rows"]:
        for cell in row["cells"]:
            total = totals[cell["category"].value]
            total["open_needs"] += cell["open_needs"]
            total["unmet"] += cell["unmet"]
            if total["free_places"] is not None:
                total["free_places"] = (
                    None
                    if cell["free_places"] is None
                    else total["free_places"] + cell["free_places"]
                )
    return list(totals.values())


def _chart(totals) -> dict:
    """Geometry of the bar chart of unmet needs per category, computed here: no JavaScript."""
    largest = max((t["unmet"] for t in totals), default=0) or 1
    bars = []
    for index, total in enumerate(totals):
        bars.append(
            {
                "label": total["category"].label,
                "value": total["unmet"],
                "y": index * ROW + 4,
                "text_y": index * ROW + 19,
                "width": round(total["unmet"] / largest * BAR_AREA, 1),
                "value_x": LABEL_WIDTH + round(total["unmet"] / largest * BAR_AREA, 1) + 6,
            }
        )
    return {
        "bars": bars,
        "label_width": LABEL_WIDTH,
        "label_x": LABEL_WIDTH - 8,
        "width": LABEL_WIDTH + BAR_AREA + 60,
        "height": len(bars) * ROW + 8,
    }


def _rows(analysis) -> list[dict]:
    """The municipality × need rows with any demand or supply."""
    return [
        {"municipality": row["municipality"], **cell}
        for row in analysis["rows"]
        for cell in row["cells"]
        if cell["open_needs"] or cell["offers"]
    ]


@require_GET
@require_role(*GAP_ROLES)
def gaps(request):
    district = request.membership.district
    analysis = selectors.gap_analysis(request.user, district)
    totals = _totals(analysis)
    return render(
        request,
        "offers/gaps.html",
        {
            "district": district,
            "totals": totals,
            "unmet_total": sum(t["unmet"] for t in totals),
            "chart": _chart(totals),
            "rows": _rows(analysis),
        },
    )


@require_GET
@require_role(*GAP_ROLES)
def gaps_export(request):
    analysis = selectors.gap_analysis(request.user, request.membership.district)
    unlimited = _("unbegrenzt")
    header = [
        _("Kommune"),
        _("Bedarfsbereich"),
        _("offene Bedarfe"),
        _("Angebote mit freien Plätzen"),
        _("freie Plätze"),
        _("ungedeckte Bedarfe"),
    ]
    rows = [
        [
            row["municipality"].name,
            row["category"].label,
            row["open_needs"],
            row["offers"],
            unlimited if row["free_places"] is None else row["free_places"],
            row["unmet"],
        ]
        for row in _rows(analysis)
    ]
    return csv_response("angebotsluecken.csv", header, rows)
