"""Calls for expressions of interest: list, page, create, edit and the state changes."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from durchstarten.core.decorators import require_role
from durchstarten.core.forms import add_service_error
from durchstarten.core.lists import filter_data, filtered_list, paginate
from durchstarten.organisation.selectors import municipality_list_for_user
from durchstarten.selection import selectors, services
from durchstarten.selection.filters import CallFilterForm
from durchstarten.selection.forms import CallForm, CancelForm, VersionOnlyForm
from durchstarten.selection.models import CallStatus
from durchstarten.selection.views._common import SELECTION_ROLES, bound, get_call, refuse, to_call


@filtered_list(CallFilterForm)
@require_GET
@require_role(*SELECTION_ROLES)
def call_list(request):
    filters = CallFilterForm(filter_data(request))
    calls = filters.apply(
        selectors.call_list_for_user(request.user, district=request.membership.district)
    )
    # htmx asks for the results only, except when it restores a page from the history.
    fragment = bool(request.htmx) and not request.htmx.history_restore_request
    template = "selection/call_list.html"
    if fragment:
        template += "#results"
    context = {"filters": filters, "page_obj": paginate(request, calls), "fragment": fragment}
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _matrices(record, user, show_all: bool) -> list[dict]:
    """Per reviewer a table bids × criteria of their scores (only one's own while hidden)."""
    matrices = []
    for reviewer in record.reviewers:
        if not show_all and reviewer.pk != user.pk:
            continue
        cells = record.scores_by_reviewer.get(reviewer.pk, {})
        matrices.append(
            {
                "reviewer": reviewer,
                "done": len(cells),
                "rows": [
                    {
                        "bid": bid,
                        "cells": [cells.get((bid.pk, c.pk)) for c in record.criteria],
                    }
                    for bid in record.bids
                ],
            }
        )
    return matrices


@require_GET
@require_role(*SELECTION_ROLES)
def call_detail(request, public_id):
    call = get_call(request, public_id)
    record = selectors.call_record(call)
    user = request.user
    in_panel = any(r.pk == user.pk for r in record.reviewers)
    needed = record.scores_needed_per_reviewer
    own_done = record.scored_by(user.pk)
    # Reviewers score independently: while scoring runs, a panel member sees the others'
    # scores and the ranking only after finishing their own.
    show_all = call.status != CallStatus.REVIEW or not in_panel or own_done >= needed
    problems = services.call_open_problems(call) if call.status == CallStatus.DRAFT else []
    scored_bids = {bid for cells in record.scores_by_reviewer.values() for bid, _c in cells}
    for bid in record.bids:
        bid.is_late = bid.received_on > call.deadline
        bid.is_scored = bid.pk in scored_bids
    awards = {award.municipality_id: award for award in record.awards}
    return render(
        request,
        "selection/call_detail.html",
        {
            "call": call,
            "decision_rows": [(m, awards.get(m.pk)) for m in record.municipalities],
            "record": record,
            "in_panel": in_panel,
            "own_done": own_done,
            "needed": needed,
            "show_all": show_all,
            "matrices": _matrices(record, user, show_all),
            "problems": problems,
            "editable": call.status in services.EDITABLE,
            "is_draft": call.status == CallStatus.DRAFT,
            "is_open": call.status == CallStatus.OPEN,
            "is_review": call.status == CallStatus.REVIEW,
            "is_decided": call.status == CallStatus.DECIDED,
            "is_cancelled": call.status == CallStatus.CANCELLED,
            "takes_bids": call.status in (CallStatus.OPEN, CallStatus.REVIEW),
        },
    )


def _call_form(request, *, call=None, **kwargs):
    district = request.membership.district
    return bound(
        CallForm,
        request,
        municipalities=municipality_list_for_user(request.user, district=district),
        reviewers=selectors.coordinator_list_for_user(request.user, district=district),
        **kwargs,
    )


@require_http_methods(["GET", "POST"])
@require_role(*SELECTION_ROLES)
def call_create(request):
    form = _call_form(request, initial={"reviewers": [request.user]})
    if form.is_valid():
        try:
            call = services.call_create(
                actor=request.user, district=request.membership.district, **form.service_fields()
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _(
                    "Das Verfahren „%(title)s“ wurde als Entwurf angelegt. Legen Sie nun die "
                    "Bewertungskriterien fest."
                )
                % {"title": call.title},
            )
            return to_call(call)
    return render(request, "selection/call_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@require_role(*SELECTION_ROLES)
def call_edit(request, public_id):
    call = get_call(request, public_id)
    if call.status not in services.EDITABLE:
        return refuse(request, call, services.CLOSED)
    initial = {name: getattr(call, name) for name in services.CALL_FIELDS}
    initial.update(
        municipalities=list(call.municipalities.all()),
        reviewers=list(call.reviewers.all()),
        version=call.version,
    )
    form = _call_form(request, initial=initial, status=call.status)
    form.fields["version"].required = True
    if form.is_valid():
        try:
            services.call_update(
                actor=request.user,
                call=call,
                version=form.cleaned_data["version"],
                **form.service_fields(),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Die Änderungen am Verfahren wurden gespeichert."))
            return to_call(call)
    return render(request, "selection/call_form.html", {"form": form, "call": call})


def _state_change(request, public_id, *, status, service, template, success, form_class=None):
    """GET: the confirmation page; POST: the state change through the service."""
    call = get_call(request, public_id)
    if call.status not in status:
        return refuse(request, call, services.WRONG_STATUS % {"status": call.get_status_display()})
    form = bound(form_class or VersionOnlyForm, request, initial={"version": call.version})
    if form.is_valid():
        try:
            service(actor=request.user, call=call, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, success)
            return to_call(call)
    context = {"call": call, "form": form}
    if call.status == CallStatus.DRAFT:
        context["problems"] = services.call_open_problems(call)
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
@require_role(*SELECTION_ROLES)
def call_open(request, public_id):
    return _state_change(
        request,
        public_id,
        status={CallStatus.DRAFT},
        service=services.call_open,
        template="selection/call_open.html",
        success=_("Das Verfahren ist eröffnet. Interessenbekundungen können nun erfasst werden."),
    )


@require_http_methods(["GET", "POST"])
@require_role(*SELECTION_ROLES)
def call_review(request, public_id):
    return _state_change(
        request,
        public_id,
        status={CallStatus.OPEN},
        service=services.call_start_review,
        template="selection/call_review.html",
        success=_("Die Bewertung hat begonnen."),
    )


@require_http_methods(["GET", "POST"])
@require_role(*SELECTION_ROLES)
def call_cancel(request, public_id):
    return _state_change(
        request,
        public_id,
        status={CallStatus.DRAFT, CallStatus.OPEN, CallStatus.REVIEW},
        service=services.call_cancel,
        template="selection/call_cancel.html",
        success=_("Das Verfahren wurde abgebrochen."),
        form_class=CancelForm,
    )
