"""The parts of a grant: own shares (Eigenanteile) and pass-through contracts."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from durchstarten.core.decorators import in_active_district, require_role
from durchstarten.core.forms import add_service_error
from durchstarten.funding import selectors, services
from durchstarten.funding.forms import ContractForm, OwnShareForm, initial_from
from durchstarten.funding.money import format_eur, own_share_limit
from durchstarten.funding.views._common import FUNDING_ROLES, bound
from durchstarten.organisation.selectors import provider_list_for_user


def _grant_page(grant) -> str:
    return reverse("funding:grant_detail", args=[grant.public_id])


def _form_page(request, form, grant, title: str, intro: str = ""):
    return render(
        request,
        "funding/form_page.html",
        {
            "form": form,
            "title": title,
            "subject": selectors.grant_label(grant),
            "intro": intro,
            "cancel_url": _grant_page(grant),
        },
    )


def _delete_page(request, *, title, facts, cancel_url, blocked=""):
    return render(
        request,
        "funding/confirm_delete.html",
        {
            "title": title,
            "facts": facts,
            "text": _("Das Löschen kann nicht rückgängig gemacht werden."),
            "blocked": blocked,
            "cancel_url": cancel_url,
        },
    )


# --- Own shares ---------------------------------------------------------------------------


def _own_share_intro(grant) -> str:
    return _(
        "Der Eigenanteil des Kreises darf insgesamt höchstens 20 %% der zuwendungsfähigen "
        "Ausgaben betragen, hier %(limit)s."
    ) % {"limit": format_eur(own_share_limit(grant.eligible_costs))}


@require_http_methods(["GET", "POST"])
@require_role(*FUNDING_ROLES)
def own_share_create(request, public_id):
    grant = in_active_district(request, selectors.get_grant_for_user(request.user, public_id))
    form = bound(OwnShareForm, request)
    if form.is_valid():
        try:
            services.own_share_create(actor=request.user, grant=grant, **form.service_fields())
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Der Eigenanteil wurde erfasst."))
            return redirect(_grant_page(grant))
    return _form_page(request, form, grant, _("Eigenanteil erfassen"), _own_share_intro(grant))


@require_http_methods(["GET", "POST"])
@require_role(*FUNDING_ROLES)
def own_share_edit(request, public_id):
    share = in_active_district(request, selectors.get_own_share_for_user(request.user, public_id))
    grant = share.grant
    form = bound(OwnShareForm, request, initial=initial_from(share, services.OWN_SHARE_FIELDS))
    form.fields["version"].required = True
    if form.is_valid():
        try:
            services.own_share_update(
                actor=request.user,
                own_share=share,
                version=form.cleaned_data["version"],
                **form.service_fields(),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Die Änderungen am Eigenanteil wurden gespeichert."))
            return redirect(_grant_page(grant))
    return _form_page(request, form, grant, _("Eigenanteil bearbeiten"), _own_share_intro(grant))


@require_http_methods(["GET", "POST"])
@require_role(*FUNDING_ROLES)
def own_share_delete(request, public_id):
    share = in_active_district(request, selectors.get_own_share_for_user(request.user, public_id))
    grant = share.grant
    if request.method == "POST":
        try:
            services.own_share_delete(actor=request.user, own_share=share)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Der Eigenanteil wurde gelöscht."))
        return redirect(_grant_page(grant))
    return _delete_page(
        request,
        title=_("Eigenanteil löschen"),
        facts=[
            (_("Bewilligung"), selectors.grant_label(grant)),
            (_("Herkunft der Mittel"), share.get_source_display()),
            (_("Betrag"), format_eur(share.amount)),
        ],
        cancel_url=_grant_page(grant),
    )


# --- Pass-through contracts ---------------------------------------------------------------


def _contract_form(request, **kwargs):
    providers = provider_list_for_user(request.user, district=request.membership.district)
    return bound(ContractForm, request, providers=providers, **kwargs)


@require_http_methods(["GET", "POST"])
@require_role(*FUNDING_ROLES)
def contract_create(request, public_id):
    grant = in_active_district(request, selectors.get_grant_for_user(request.user, public_id))
    form = _contract_form(request)
    if form.is_valid():
        try:
            services.contract_create(actor=request.user, grant=grant, **form.service_fields())
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Der Weiterleitungsvertrag wurde erfasst."))
            return redirect(_grant_page(grant))
    return _form_page(request, form, grant, _("Weiterleitungsvertrag erfassen"))


@require_http_methods(["GET", "POST"])
@require_role(*FUNDING_ROLES)
def contract_edit(request, public_id):
    contract = in_active_district(request, selectors.get_contract_for_user(request.user, public_id))
    grant = contract.grant
    form = _contract_form(request, initial=initial_from(contract, services.CONTRACT_FIELDS))
    form.fields["version"].required = True
    if form.is_valid():
        try:
            services.contract_update(
                actor=request.user,
                contract=contract,
                version=form.cleaned_data["version"],
                **form.service_fields(),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request, _("Die Änderungen am Weiterleitungsvertrag wurden gespeichert.")
            )
            return redirect(_grant_page(grant))
    return _form_page(request, form, grant, _("Weiterleitungsvertrag bearbeiten"))


@require_http_methods(["GET", "POST"])
@require_role(*FUNDING_ROLES)
def contract_delete(request, public_id):
    contract = in_active_district(request, selectors.get_contract_for_user(request.user, public_id))
    grant = contract.grant
    if request.method == "POST":
        try:
            services.contract_delete(actor=request.user, contract=contract)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Der Weiterleitungsvertrag wurde gelöscht."))
        return redirect(_grant_page(grant))
    return _delete_page(
        request,
        title=_("Weiterleitungsvertrag löschen"),
        facts=[
            (_("Bewilligung"), selectors.grant_label(grant)),
            (_("Träger"), contract.provider.name),
            (_("Betrag"), format_eur(contract.amount)),
        ],
        cancel_url=_grant_page(grant),
        blocked=services.CONTRACT_IN_USE if contract.expenditures.exists() else "",
    )
