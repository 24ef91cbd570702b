"""Scoring of bids by the panel, and the decision with its confirmation step."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from durchstarten.core.decorators import require_role
from durchstarten.core.forms import add_service_error
from durchstarten.selection import selectors, services
from durchstarten.selection.forms import DecideForm, ScoreForm
from durchstarten.selection.models import CallStatus, Score
from durchstarten.selection.views._common import SELECTION_ROLES, bound, get_call, refuse, to_call

CONFIRMED = "confirmed"


@require_http_methods(["GET", "POST"])
@require_role(*SELECTION_ROLES)
def score_edit(request, public_id, bid_id):
    """The signed-in panel member's own scores of one bid."""
    call = get_call(request, public_id)
    bid = selectors.get_bid_for_call(call, bid_id)
    if call.status != CallStatus.REVIEW:
        return refuse(request, call, services.SCORING_CLOSED, "bewertung")
    criteria = list(call.criteria.order_by("created_at", "pk"))
    if not services.is_reviewer(request.user, call):
        # Other coordinators may read the bid, but not score it.
        return render(
            request,
            "selection/score_form.html",
            {"call": call, "bid": bid, "form": None, "not_reviewer": services.NOT_REVIEWER},
        )
    own = {s.criterion_id: s for s in Score.objects.filter(bid=bid, reviewer=request.user)}
    form = bound(ScoreForm, request, criteria=criteria, scores=own)
    if form.is_valid():
        try:
            services.scores_save(actor=request.user, bid=bid, entries=form.entries())
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Ihre Bewertung von „%(provider)s“ wurde gespeichert.")
                % {"provider": bid.provider},
            )
            return to_call(call, "bewertung")
    rows = [
        (c, form[f"score_{c.pk}"], form[f"comment_{c.pk}"], form[f"version_{c.pk}"])
        for c in criteria
    ]
    return render(
        request,
        "selection/score_form.html",
        {"call": call, "bid": bid, "form": form, "rows": rows},
    )


@require_http_methods(["GET", "POST"])
@require_role(*SELECTION_ROLES)
def call_decide(request, public_id):
    """GET: the decision form; POST: the confirmation page; POST confirmed: the decision."""
    call = get_call(request, public_id)
    if call.status != CallStatus.REVIEW:
        return refuse(request, call, services.WRONG_STATUS % {"status": call.get_status_display()})
    record = selectors.call_record(call)
    if not record.all_complete:
        providers = ", ".join(str(r.bid.provider) for r in record.unranked) or "–"
        return refuse(request, call, services.INCOMPLETE % {"providers": providers}, "rangfolge")
    form = bound(
        DecideForm,
        request,
        record=record,
        proposal=services.decision_proposal(record),
        initial={"version": call.version},
    )
    context = {"call": call, "record": record, "form": form}
    if form.is_valid():
        if request.POST.get(CONFIRMED) != "1":
            hidden = {
                name: value for name, value in request.POST.items() if name != "csrfmiddlewaretoken"
            }
            hidden[CONFIRMED] = "1"
            context.update(chosen=form.chosen(), hidden=hidden)
            return render(request, "selection/call_decide_confirm.html", context)
        try:
            assignments = services.call_decide(
                actor=request.user,
                call=call,
                version=form.cleaned_data["version"],
                choices=form.choices(),
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                ngettext(
                    "Die Entscheidung ist gespeichert; %(count)s Zuständigkeit wurde angelegt.",
                    "Die Entscheidung ist gespeichert; %(count)s Zuständigkeiten wurden angelegt.",
                    len(assignments),
                )
                % {"count": len(assignments)},
            )
            return to_call(call, "entscheidung")
    return render(request, "selection/call_decide.html", context)
