"""The coordinator's KPI dashboard: figures, targets, charts, tables and downloads."""

import datetime as dt
from urllib.parse import urlencode

from django.shortcuts import render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_countries import countries

from durchstarten.cases.choices import ExitReason, Gender, ResidenceStatusKind
from durchstarten.core.decorators import require_role
from durchstarten.core.models import Role
from durchstarten.offers.choices import OutcomeKind
from durchstarten.organisation.models import Module
from durchstarten.reporting import selectors
from durchstarten.reporting.definitions import LABELS
from durchstarten.reporting.forms import PeriodForm, default_period
from durchstarten.reporting.views._format import count, percent
from durchstarten.reporting.views._period import period_text, quick_choices

# Who sees the dashboard and the persons behind its figures (DESIGN.md §2): the district's
# coordinators and case managers.
DASHBOARD_ROLES = (Role.COORDINATOR, Role.CASE_MANAGER)
EXPORT_FORMATS = ("xlsx", "pdf", "json")

# The figures of the overview table: (report key, persons metric or None, kind).
OVERVIEW = (
    ("contacted", "contacted", "count"),
    ("entered", "entered", "count"),
    ("entry_rate", None, "rate"),
    ("placed", "placed", "count"),
    ("placed_new_measures", "placed_new_measures", "count"),
    ("placed_regular_offers", "placed_regular_offers", "count"),
    ("placed_both", "placed_both", "count"),
    ("placement_rate", None, "rate"),
    ("specialist_referrals", "specialist_referrals", "count"),
)
RATE_PARTS = {"entry_rate": ("entered", "contacted"), "placement_rate": ("placed", "entered")}


class Links:
    """URLs of the persons behind a figure for the period (no personal data in them)."""

    def __init__(self, start: dt.date, end: dt.date):
        self.start, self.end = start, end
        self.base = reverse("reporting:persons")

    def __call__(self, metric: str, key=None, *, start=None, end=None, **narrowing) -> str:
        params = {"metric": metric}
        if key is not None:
            params["key"] = key
        params["from"] = (start or self.start).isoformat()
        params["to"] = (end or self.end).isoformat()
        params.update(narrowing)
        return f"{self.base}?{urlencode(params)}"


def _cell(value, link: str | None) -> dict:
    return {"value": value, "text": count(value), "url": link if value else None}


def _overview(report: dict, links: Links) -> list[dict]:
    rows = []
    for key, metric, kind in OVERVIEW:
        value = report[key]
        row = {
            "key": key,
            "label": LABELS[key],
            "text": percent(value) if kind == "rate" else count(value),
            "url": links(metric) if metric and value else None,
            "parts": None,
            "target": None,
        }
        if kind == "rate":
            numerator, denominator = RATE_PARTS[key]
            row["parts"] = {
                "numerator": _cell(report[numerator], links(numerator)),
                "denominator": _cell(report[denominator], links(denominator)),
            }
        target = report["targets"].get(key)
        if target is not None:
            row["target"] = {
                "text": percent(target["target"]) if kind == "rate" else count(target["target"]),
                "met": target["met"],
            }
        rows.append(row)
    return rows


def _keyed(values: dict, labels: dict, links: Links, metric: str | None) -> list[dict]:
    return [
        {
            "key": key,
            "label": labels.get(key, key),
            **_cell(value, links(metric, key) if metric else None),
        }
        for key, value in values.items()
    ]


def _month_label(month: str) -> str:
    day = dt.date.fromisoformat(f"{month}-01")
    return formats.date_format(day, "YEAR_MONTH_FORMAT")


def _months(rows: list[dict], links: Links) -> list[dict]:
    out = []
    for row in rows:
        first = dt.date.fromisoformat(f"{row['month']}-01")
        last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        start, end = max(first, links.start), min(last, links.end)
        out.append(
            {
                "label": _month_label(row["month"]),
                "cells": [
                    _cell(row[name], links(name, start=start, end=end))
                    for name in ("contacted", "entered", "placed")
                ],
            }
        )
    return out


def _chart(kind: str, labels: list, series: list[tuple[str, list]], **options) -> dict:
    """Data for static/js/charts.js (read from a json_script element, never inline code)."""
    return {
        "type": kind,
        "labels": [str(label) for label in labels],
        "datasets": [{"label": str(label), "data": data} for label, data in series],
        **options,
    }


def _status_labels() -> dict:
    return {**dict(ResidenceStatusKind.choices), "none": LABELS["none"]}


def _nationality_labels(keys) -> dict:
    names = {key: countries.name(key) or key for key in keys if key not in ("none", "XX")}
    return {**names, "none": LABELS["none"], "XX": LABELS["none"]}


def dashboard_context(request, start: dt.date, end: dt.date) -> dict:
    data = selectors.kpi_dashboard(
        request.user, district=request.membership.district, start=start, end=end
    )
    report = data["report"]
    links = Links(start, end)
    module_labels = {str(value): label for value, label in Module.choices}
    funnel = [
        {"label": LABELS["contacted"], **_cell(report["contacted"], links("contacted"))},
        {"label": LABELS["entered"], **_cell(report["entered"], links("entered"))},
        {"label": LABELS["placed"], **_cell(report["placed"], links("placed"))},
        {
            "label": _("mit Verbleib"),
            **_cell(data["with_outcome"], links(selectors.WITH_OUTCOME)),
        },
    ]
    modules = _keyed(report["by_module"], module_labels, links, "by_module")
    outcomes = _keyed(report["outcomes"], dict(OutcomeKind.choices), links, "outcomes")
    exits = _keyed(report["exits"], dict(ExitReason.choices), links, "exits")
    months = _months(data["by_month"], links)
    breakdowns = report["breakdowns"]
    group_labels = {key: LABELS[key] for key in ("primary", "secondary", "other")}
    age_labels = {
        "18-20": _("18 bis 20 Jahre"),
        "21-24": _("21 bis 24 Jahre"),
        "25-27": _("25 bis 27 Jahre"),
        "other": LABELS["other"],
    }
    caseload = report["caseload"]
    series_labels = [LABELS["contacted"], LABELS["entered"], LABELS["placed"]]
    charts = {
        "funnel": _chart(
            "bar",
            [row["label"] for row in funnel],
            [(_("Personen"), [row["value"] for row in funnel])],
            horizontal=True,
        ),
        "trend": _chart(
            "line",
            [row["label"] for row in months],
            [
                (label, [row["cells"][index]["value"] for row in months])
                for index, label in enumerate(series_labels)
            ],
        ),
        "modules": _chart(
            "bar",
            [row["label"] for row in modules],
            [(_("Personen"), [r["value"] for r in modules])],
        ),
        "outcomes": _chart(
            "bar",
            [row["label"] for row in outcomes],
            [(_("Personen"), [row["value"] for row in outcomes])],
            horizontal=True,
        ),
        "exits": _chart(
            "bar",
            [row["label"] for row in exits],
            [(_("Personen"), [row["value"] for row in exits])],
            horizontal=True,
        ),
    }
    return {
        "district": request.membership.district,
        "report": report,
        "period_text": period_text(start, end),
        "start": start,
        "end": end,
        "overview": _overview(report, links),
        "funnel": funnel,
        "months": months,
        "series_labels": series_labels,
        "provider_headers": [_("Eintritte (als Coaching-Träger)"), _("vermittelt in Angebote")],
        "modules": modules,
        "outcomes": outcomes,
        "exits": exits,
        "municipalities": [
            {
                "name": row["municipality"].name if row["municipality"] else LABELS["none"],
                "cells": [
                    _cell(row[name], links(name, municipality=row["key"]))
                    for name in ("contacted", "entered", "placed")
                ],
            }
            for row in data["by_municipality"]
        ],
        "providers": [
            {
                "name": row["provider"].name,
                "cells": [
                    _cell(row[name], links(name, provider=str(row["provider"].public_id)))
                    for name in ("entered", "placed")
                ],
            }
            for row in data["by_provider"]
        ],
        "target_groups": _keyed(report["target_groups"], group_labels, links, "target_groups"),
        "breakdowns": [
            (
                LABELS["gender"],
                _keyed(breakdowns["gender"], dict(Gender.choices), links, "gender"),
            ),
            (LABELS["age_band"], _keyed(breakdowns["age_band"], age_labels, links, "age_band")),
            (LABELS["status"], _keyed(breakdowns["status"], _status_labels(), links, "status")),
            (
                LABELS["nationality"],
                _keyed(
                    breakdowns["nationality"],
                    _nationality_labels(breakdowns["nationality"]),
                    links,
                    "nationality",
                ),
            ),
        ],
        "caseload": {
            **caseload,
            "active_cell": _cell(caseload["active"], links("active")),
            "fte_text": formats.number_format(caseload["case_manager_fte"], decimal_pos=2),
            "per_fte_text": (
                "–"
                if caseload["per_fte"] is None
                else formats.number_format(caseload["per_fte"], decimal_pos=1)
            ),
        },
        "charts": charts,
        "downloads": [
            (
                label,
                fmt,
                reverse("reporting:dashboard_export")
                + "?"
                + urlencode({"format": fmt, "from": start.isoformat(), "to": end.isoformat()}),
            )
            for fmt, label in (
                ("xlsx", _("Excel (XLSX)")),
                ("pdf", _("PDF")),
                ("json", _("JSON (maschinenlesbar)")),
            )
        ],
    }


@require_GET
@require_role(*DASHBOARD_ROLES)
def dashboard(request):
    form = PeriodForm(request.GET)
    period = form.period
    context = {"form": form, "may_edit_targets": request.membership.role == Role.COORDINATOR}
    if period is None:
        start, end = default_period()
        context["quick_choices"] = quick_choices(start, end)
        return render(request, "reporting/dashboard.html", context)
    start, end = period
    # Show the period in effect in the date fields, also when it came from the defaults.
    context["form"] = PeriodForm({"from": start.isoformat(), "to": end.isoformat()})
    context["quick_choices"] = quick_choices(start, end)
    context.update(dashboard_context(request, start, end))
    return render(request, "reporting/dashboard.html", context)
