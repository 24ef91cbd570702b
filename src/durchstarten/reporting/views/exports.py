"""Downloads of the KPI report of the dashboard's period: XLSX, PDF and JSON."""

import json

from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET

from durchstarten.core.audit import log_action
from durchstarten.core.decorators import require_role
from durchstarten.reporting import selectors
from durchstarten.reporting.views._period import period_or_404
from durchstarten.reporting.views.dashboard import DASHBOARD_ROLES, EXPORT_FORMATS

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "json": "application/json",
}


def _render(report: dict, fmt: str) -> bytes:
    if fmt == "json":
        return json.dumps(report, ensure_ascii=False, indent=2).encode("utf-8")
    # Imported here: the renderers load openpyxl and the PDF library, which no other page needs.
    from durchstarten.reporting import exports

    return exports.kpi_xlsx(report) if fmt == "xlsx" else exports.kpi_pdf(report)


@require_GET
@require_role(*DASHBOARD_ROLES)
def dashboard_export(request):
    """The report as a file; its name holds the district's AGS and the period, no person."""
    fmt = request.GET.get("format") or "xlsx"
    if fmt not in EXPORT_FORMATS:
        raise Http404
    start, end = period_or_404(request.GET)
    district = request.membership.district
    report = selectors.kpi_report_for_user(request.user, district=district, start=start, end=end)
    body = _render(report, fmt)
    log_action(
        "report.kpi.exported",
        actor=request.user,
        district_id=district.pk,
        data={"format": fmt, "from": start.isoformat(), "to": end.isoformat()},
    )
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    filename = f"kennzahlen-{district.ags}-{start.isoformat()}-{end.isoformat()}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
