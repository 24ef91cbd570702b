"""The funding overview of a district and year, and its spending-report draft."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from durchstarten.core.decorators import require_role
from durchstarten.funding import selectors
from durchstarten.funding.reports.document import year_document
from durchstarten.funding.views._common import FUNDING_ROLES, chosen_year, download, today


def _summary(request, *, with_expenditures=False):
    district = request.membership.district
    years = selectors.years_for_user(request.user, district)
    year = chosen_year(request, years)
    summary = selectors.year_summary(
        request.user, district, year, today=today(), with_expenditures=with_expenditures
    )
    return summary, years


@require_GET
@require_role(*FUNDING_ROLES)
def overview(request):
    summary, years = _summary(request)
    if summary.year not in years:
        years = sorted({*years, summary.year}, reverse=True)
    return render(
        request,
        "funding/overview.html",
        {"summary": summary, "years": years, "year": summary.year},
    )


def _export(request, kind: str):
    summary, _years = _summary(request, with_expenditures=True)
    document = year_document(summary, created_on=today())
    return download(request, document, kind, scope="year", year=summary.year)


@require_GET
@require_role(*FUNDING_ROLES)
def year_report_xlsx(request):
    return _export(request, "xlsx")


@require_GET
@require_role(*FUNDING_ROLES)
def year_report_pdf(request):
    return _export(request, "pdf")
