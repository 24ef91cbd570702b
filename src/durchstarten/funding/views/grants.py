"""Grants (Bewilligungen): list, page, create, edit, delete, budget and report draft."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from durchstarten.core.decorators import in_active_district, require_role
from durchstarten.core.forms import add_service_error
from durchstarten.core.lists import filter_data, filtered_list, paginate
from durchstarten.funding import selectors, services
from durchstarten.funding.filters import GrantFilterForm
from durchstarten.funding.forms import BudgetForm, GrantForm, initial_from
from durchstarten.funding.money import money
from durchstarten.funding.reports.document import grant_document
from durchstarten.funding.views._common import FUNDING_ROLES, bound, download, today


def _grant(request, public_id):
    return in_active_district(request, selectors.get_grant_for_user(request.user, public_id))


def _detail(grant):
    return redirect("funding:grant_detail", public_id=grant.public_id)


@filtered_list(GrantFilterForm)
@require_GET
@require_role(*FUNDING_ROLES)
def grant_list(request):
    district = request.membership.district
    filters = GrantFilterForm(
        filter_data(request), years=selectors.years_for_user(request.user, district)
    )
    grants = filters.apply(
        selectors.with_totals(selectors.grant_list_for_user(request.user, district=district))
    )
    sums = grants.order_by().aggregate(
        approved=Sum("approved_amount"),
        own_share=Sum("own_share_total"),
        spent=Sum("spent_total"),
    )
    page_obj = paginate(request, grants)
    page_obj.object_list = [selectors.GrantFigures.of(grant) for grant in page_obj.object_list]
    return render(
        request,
        "funding/grant_list.html",
        {
            "filters": filters,
            "page_obj": page_obj,
            "sums": {key: money(value) for key, value in sums.items()},
        },
    )


@require_GET
@require_role(*FUNDING_ROLES)
def grant_detail(request, public_id):
    grant = _grant(request, public_id)
    summary = selectors.grant_summary(request.user, grant, today=today())
    return render(request, "funding/grant_detail.html", {"summary": summary, "grant": grant})


@require_http_methods(["GET", "POST"])
@require_role(*FUNDING_ROLES)
def grant_create(request):
    form = bound(GrantForm, request)
    if form.is_valid():
        try:
            grant = services.grant_create(
                actor=request.user, district=request.membership.district, **form.service_fields()
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Die Bewilligung wurde angelegt."))
            return _detail(grant)
    return render(
        request,
        "funding/form_page.html",
        {
            "form": form,
            "title": _("Bewilligung anlegen"),
            "cancel_url": reverse("funding:grant_list"),
        },
    )


@require_http_methods(["GET", "POST"])
@require_role(*FUNDING_ROLES)
def grant_edit(request, public_id):
    grant = _grant(request, public_id)
    form = bound(GrantForm, request, initial=initial_from(grant, services.GRANT_FIELDS))
    form.fields["version"].required = True
    if form.is_valid():
        try:
            services.grant_update(
                actor=request.user,
                grant=grant,
                version=form.cleaned_data["version"],
                **form.service_fields(),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Die Änderungen an der Bewilligung wurden gespeichert."))
            return _detail(grant)
    return render(
        request,
        "funding/form_page.html",
        {
            "form": form,
            "title": _("Bewilligung bearbeiten"),
            "subject": selectors.grant_label(grant),
            "cancel_url": reverse("funding:grant_detail", args=[grant.public_id]),
        },
    )


@require_http_methods(["GET", "POST"])
@require_role(*FUNDING_ROLES)
def grant_delete(request, public_id):
    grant = _grant(request, public_id)
    in_use = grant.contracts.exists() or grant.expenditures.exists()
    if request.method == "POST":
        try:
            services.grant_delete(actor=request.user, grant=grant)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return _detail(grant)
        messages.success(request, _("Die Bewilligung wurde gelöscht."))
        return redirect("funding:grant_list")
    return render(
        request,
        "funding/confirm_delete.html",
        {
            "title": _("Bewilligung löschen"),
            "facts": [
                (_("Förderbaustein"), grant.get_module_display()),
                (_("Förderjahr"), grant.year),
                (_("Aktenzeichen"), grant.notice_reference),
            ],
            "text": _(
                "Mit der Bewilligung werden ihre Eigenanteile und ihr Budget gelöscht. "
                "Das Löschen kann nicht rückgängig gemacht werden."
            ),
            "blocked": services.GRANT_IN_USE if in_use else "",
            "cancel_url": reverse("funding:grant_detail", args=[grant.public_id]),
        },
    )


@require_http_methods(["GET", "POST"])
@require_role(*FUNDING_ROLES)
def grant_budget(request, public_id):
    grant = _grant(request, public_id)
    initial = {
        line.category: line.planned_amount
        for line in selectors.budget_lines_for_user(request.user, grant)
    }
    form = bound(BudgetForm, request, initial={**initial, "version": grant.version})
    form.fields["version"].required = True
    if form.is_valid():
        try:
            services.budget_update(
                actor=request.user,
                grant=grant,
                version=form.cleaned_data["version"],
                planned=form.planned(),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Das Budget wurde gespeichert."))
            return _detail(grant)
    return render(
        request,
        "funding/form_page.html",
        {
            "form": form,
            "title": _("Budget planen"),
            "subject": selectors.grant_label(grant),
            "intro": _(
                "Geplante Ausgaben je Ausgabenart laut Finanzierungsplan. Lassen Sie eine "
                "Ausgabenart leer, wenn dafür nichts geplant ist. Wird mehr ausgegeben als "
                "geplant, weist die Übersicht darauf hin."
            ),
            "cancel_url": reverse("funding:grant_detail", args=[grant.public_id]),
        },
    )


def _export(request, public_id, kind: str):
    grant = _grant(request, public_id)
    summary = selectors.grant_summary(request.user, grant, today=today(), with_expenditures=True)
    document = grant_document(summary, created_on=today())
    return download(request, document, kind, obj=grant, scope="grant", year=grant.year)


@require_GET
@require_role(*FUNDING_ROLES)
def grant_report_xlsx(request, public_id):
    return _export(request, public_id, "xlsx")


@require_GET
@require_role(*FUNDING_ROLES)
def grant_report_pdf(request, public_id):
    return _export(request, public_id, "pdf")
