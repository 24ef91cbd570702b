"""Criteria and bids of a call."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from durchstarten.core.decorators import require_role
from durchstarten.core.forms import add_service_error
from durchstarten.organisation.selectors import provider_list_for_user
from durchstarten.selection import selectors, services
from durchstarten.selection.forms import BidForm, CriterionForm
from durchstarten.selection.models import CallStatus
from durchstarten.selection.views._common import SELECTION_ROLES, bound, get_call, refuse, to_call

BID_STATES = (CallStatus.OPEN, CallStatus.REVIEW)

# --- Criteria ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@require_role(*SELECTION_ROLES)
def criterion_create(request, public_id):
    call = get_call(request, public_id)
    if call.status != CallStatus.DRAFT:
        return refuse(request, call, services.CRITERIA_FIXED, "kriterien")
    form = bound(CriterionForm, request)
    if form.is_valid():
        try:
            services.criterion_create(actor=request.user, call=call, **form.service_fields())
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Das Kriterium wurde angelegt."))
            return to_call(call, "kriterien")
    return render(request, "selection/criterion_form.html", {"form": form, "call": call})


@require_http_methods(["GET", "POST"])
@require_role(*SELECTION_ROLES)
def criterion_edit(request, public_id, criterion_id):
    call = get_call(request, public_id)
    criterion = selectors.get_criterion_for_call(call, criterion_id)
    if call.status != CallStatus.DRAFT:
        return refuse(request, call, services.CRITERIA_FIXED, "kriterien")
    initial = {name: getattr(criterion, name) for name in services.CRITERION_FIELDS}
    form = bound(CriterionForm, request, initial={**initial, "version": criterion.version})
    form.fields["version"].required = True
    if form.is_valid():
        try:
            services.criterion_update(
                actor=request.user,
                criterion=criterion,
                version=form.cleaned_data["version"],
                **form.service_fields(),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Die Änderungen am Kriterium wurden gespeichert."))
            return to_call(call, "kriterien")
    return render(
        request,
        "selection/criterion_form.html",
        {"form": form, "call": call, "criterion": criterion},
    )


@require_http_methods(["GET", "POST"])
@require_role(*SELECTION_ROLES)
def criterion_delete(request, public_id, criterion_id):
    call = get_call(request, public_id)
    criterion = selectors.get_criterion_for_call(call, criterion_id)
    if call.status != CallStatus.DRAFT:
        return refuse(request, call, services.CRITERIA_FIXED, "kriterien")
    if request.method == "POST":
        services.criterion_delete(actor=request.user, criterion=criterion)
        messages.success(request, _("Das Kriterium wurde gelöscht."))
        return to_call(call, "kriterien")
    return render(
        request, "selection/criterion_confirm_delete.html", {"call": call, "criterion": criterion}
    )


# --- Bids ----------------------------------------------------------------------------------


def _bid_form(request, call, **kwargs):
    return bound(
        BidForm,
        request,
        providers=provider_list_for_user(request.user, district=request.membership.district),
        municipalities=call.municipalities.order_by("name", "pk"),
        **kwargs,
    )


@require_http_methods(["GET", "POST"])
@require_role(*SELECTION_ROLES)
def bid_create(request, public_id):
    call = get_call(request, public_id)
    if call.status not in BID_STATES:
        return refuse(request, call, services.BIDS_NOT_ACCEPTED, "interessenbekundungen")
    form = _bid_form(request, call)
    if form.is_valid():
        try:
            bid = services.bid_create(actor=request.user, call=call, **form.service_fields())
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Die Interessenbekundung von „%(provider)s“ wurde erfasst.")
                % {"provider": bid.provider},
            )
            return to_call(call, "interessenbekundungen")
    return render(request, "selection/bid_form.html", {"form": form, "call": call})


@require_http_methods(["GET", "POST"])
@require_role(*SELECTION_ROLES)
def bid_edit(request, public_id, bid_id):
    call = get_call(request, public_id)
    bid = selectors.get_bid_for_call(call, bid_id)
    if call.status not in BID_STATES:
        return refuse(request, call, services.BIDS_NOT_ACCEPTED, "interessenbekundungen")
    if bid.scores.exists():
        return refuse(request, call, services.BID_SCORED, "interessenbekundungen")
    initial = {name: getattr(bid, name) for name in services.BID_FIELDS}
    initial.update(municipalities=list(bid.municipalities.all()), version=bid.version)
    form = _bid_form(request, call, initial=initial, with_provider=False)
    form.fields["version"].required = True
    if form.is_valid():
        try:
            services.bid_update(
                actor=request.user,
                bid=bid,
                version=form.cleaned_data["version"],
                **form.service_fields(),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request, _("Die Änderungen an der Interessenbekundung wurden gespeichert.")
            )
            return to_call(call, "interessenbekundungen")
    return render(request, "selection/bid_form.html", {"form": form, "call": call, "bid": bid})


@require_http_methods(["GET", "POST"])
@require_role(*SELECTION_ROLES)
def bid_delete(request, public_id, bid_id):
    call = get_call(request, public_id)
    bid = selectors.get_bid_for_call(call, bid_id)
    if call.status != CallStatus.OPEN:
        return refuse(request, call, services.BID_DELETE_CLOSED, "interessenbekundungen")
    if request.method == "POST":
        services.bid_delete(actor=request.user, bid=bid)
        messages.success(request, _("Die Interessenbekundung wurde gelöscht."))
        return to_call(call, "interessenbekundungen")
    return render(request, "selection/bid_confirm_delete.html", {"call": call, "bid": bid})
