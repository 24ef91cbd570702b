"""Expenditures (Ausgaben): the ledger with totals, booking, correcting and deleting payments."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from durchstarten.core.decorators import in_active_district, require_role
from durchstarten.core.forms import add_service_error
from durchstarten.core.lists import filter_data, filtered_list, paginate
from durchstarten.funding import selectors, services
from durchstarten.funding.filters import ExpenditureFilterForm
from durchstarten.funding.forms import ExpenditureForm, initial_from
from durchstarten.funding.money import format_eur, money
from durchstarten.funding.views._common import FUNDING_ROLES, bound, today
from durchstarten.organisation.selectors import provider_list_for_user

SPENDING_WARNINGS = frozenset({"overspent", "category"})


def _choices(request) -> dict:
    district = request.membership.district
    user = request.user
    return {
        "grants": selectors.grant_list_for_user(user, district=district).order_by(
            "-year", "module", "notice_date"
        ),
        "providers": provider_list_for_user(user, district=district),
    }


@filtered_list(ExpenditureFilterForm)
@require_GET
@require_role(*FUNDING_ROLES)
def expenditure_list(request):
    district = request.membership.district
    filters = ExpenditureFilterForm(filter_data(request), **_choices(request))
    expenditures = filters.apply(
        selectors.expenditure_list_for_user(request.user, district=district)
    )
    totals = expenditures.order_by().aggregate(total=Sum("amount"))
    return render(
        request,
        "funding/expenditure_list.html",
        {
            "filters": filters,
            "page_obj": paginate(request, expenditures),
            "total": money(totals["total"]),
        },
    )


def _expenditure_form(request, **kwargs):
    choices = _choices(request)
    contracts = selectors.contract_list_for_user(
        request.user, district=request.membership.district
    ).order_by("-grant__year", "grant__module", "provider__name")
    return bound(ExpenditureForm, request, contracts=contracts, **choices, **kwargs)


def _warn(request, grant) -> None:
    """Tell at once when the grant or one of its categories is overspent."""
    summary = selectors.grant_summary(request.user, grant, today=today())
    for warning in summary.warnings:
        if warning.kind in SPENDING_WARNINGS:
            messages.warning(request, warning.text)


def _form_page(request, form, title: str, cancel_url: str):
    return render(
        request,
        "funding/form_page.html",
        {"form": form, "title": title, "cancel_url": cancel_url},
    )


@require_http_methods(["GET", "POST"])
@require_role(*FUNDING_ROLES)
def expenditure_create(request):
    initial = {}
    if wanted := request.GET.get("grant"):
        chosen = _choices(request)["grants"].filter(public_id__in=_uuids(wanted)).first()
        if chosen is not None:
            initial["grant"] = chosen
    form = _expenditure_form(request, initial=initial)
    if form.is_valid():
        data = form.service_fields()
        grant = data.pop("grant")
        try:
            expenditure = services.expenditure_create(actor=request.user, grant=grant, **data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Die Ausgabe über %(amount)s wurde erfasst.")
                % {"amount": format_eur(expenditure.amount)},
            )
            _warn(request, grant)
            return redirect("funding:grant_detail", public_id=grant.public_id)
    grant = initial.get("grant")
    cancel = (
        reverse("funding:grant_detail", args=[grant.public_id])
        if grant
        else reverse("funding:expenditure_list")
    )
    return _form_page(request, form, _("Ausgabe erfassen"), cancel)


def _uuids(value: str) -> list[UUID]:
    """The value as a list of one UUID, or none if it is not one (a hand-edited link)."""
    try:
        return [UUID(value)]
    except ValueError:
        return []


@require_http_methods(["GET", "POST"])
@require_role(*FUNDING_ROLES)
def expenditure_edit(request, public_id):
    expenditure = in_active_district(
        request, selectors.get_expenditure_for_user(request.user, public_id)
    )
    form = _expenditure_form(
        request, initial=initial_from(expenditure, services.EXPENDITURE_FIELDS)
    )
    form.fields["version"].required = True
    if form.is_valid():
        try:
            services.expenditure_update(
                actor=request.user,
                expenditure=expenditure,
                version=form.cleaned_data["version"],
                **form.service_fields(),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Die Änderungen an der Ausgabe wurden gespeichert."))
            _warn(request, expenditure.grant)
            return redirect("funding:expenditure_list")
    return _form_page(request, form, _("Ausgabe bearbeiten"), reverse("funding:expenditure_list"))


@require_http_methods(["GET", "POST"])
@require_role(*FUNDING_ROLES)
def expenditure_delete(request, public_id):
    expenditure = in_active_district(
        request, selectors.get_expenditure_for_user(request.user, public_id)
    )
    if request.method == "POST":
        services.expenditure_delete(actor=request.user, expenditure=expenditure)
        messages.success(request, _("Die Ausgabe wurde gelöscht."))
        return redirect("funding:expenditure_list")
    return render(
        request,
        "funding/confirm_delete.html",
        {
            "title": _("Ausgabe löschen"),
            "facts": [
                (_("Bewilligung"), selectors.grant_label(expenditure.grant)),
                (_("Datum"), formats.date_format(expenditure.spent_on, "SHORT_DATE_FORMAT")),
                (_("Ausgabenart"), expenditure.get_category_display()),
                (_("Betrag"), format_eur(expenditure.amount)),
                (_("Belegnummer"), expenditure.receipt_reference or "–"),
            ],
            "text": _("Das Löschen kann nicht rückgängig gemacht werden."),
            "cancel_url": reverse("funding:expenditure_list"),
        },
    )
