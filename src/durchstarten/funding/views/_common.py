"""Pieces shared by the funding pages: who may use them, form binding, downloads."""

import datetime as dt

from django.http import HttpResponse
from django.utils import timezone

from durchstarten.core.audit import log_action
from durchstarten.core.models import Role
from durchstarten.funding.reports import pdf, xlsx
from durchstarten.funding.reports.document import ReportDocument

# Money is the coordinating office's: nobody else sees these pages (403).
FUNDING_ROLES = (Role.COORDINATOR,)
FORMATS = {"xlsx": xlsx, "pdf": pdf}
FIRST_YEAR, LAST_YEAR = 2019, 2100


def bound(form_class, request, **kwargs):
    return form_class(request.POST if request.method == "POST" else None, **kwargs)


def today() -> dt.date:
    return timezone.localdate()


def chosen_year(request, years: list[int]) -> int:
    """The year asked for (``?year=``), else this year if it has grants, else the latest."""
    try:
        wanted = int(request.GET.get("year", ""))
    except ValueError:
        wanted = None
    if wanted is not None and FIRST_YEAR <= wanted <= LAST_YEAR:
        return wanted
    current = today().year
    if current in years or not years:
        return current
    return years[0]


def download(
    request, document: ReportDocument, kind: str, *, obj=None, **audit_data
) -> HttpResponse:
    """The report as a file; every export is written to the audit log."""
    renderer = FORMATS[kind]
    response = HttpResponse(renderer.render(document), content_type=renderer.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{document.filename_stem}.{kind}"'
    response["Cache-Control"] = "no-store"
    log_action(
        "funding.report.exported",
        actor=request.user,
        obj=obj,
        district_id=request.membership.district_id,
        data={"format": kind, **audit_data},
    )
    return response
