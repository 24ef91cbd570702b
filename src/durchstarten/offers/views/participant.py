"""The participant page's section "Angebote und Vermittlungen": suggestions, referrals, outcomes.

Like the page's other sections: an htmx request gets the section back (with the page's
summary and timeline out of band); without JavaScript a post redirects to the page, with the
outcome shown as a message. Roles without case work get 404, as on the page itself.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from durchstarten.cases.views._page import participant_for_request, section_response
from durchstarten.core.decorators import in_active_district
from durchstarten.core.forms import add_service_error
from durchstarten.offers import selectors, services
from durchstarten.offers.forms import OutcomeForm, ReferralActionForm

TEMPLATE = "cases/partials/referrals.html"
ANCHOR = "vermittlungen"


def _page_url(participant) -> str:
    url = reverse("cases:participant_detail", kwargs={"public_id": participant.public_id})
    return f"{url}#{ANCHOR}"


def _answer(request, participant, message, *, ok=True):
    if request.htmx:
        return section_response(
            request,
            participant,
            TEMPLATE,
            section_message=message,
            section_message_variant="success" if ok else "danger",
        )
    (messages.success if ok else messages.error)(request, message)
    return redirect(_page_url(participant))


@require_GET
def section(request, public_id):
    """The section alone (htmx reloads it); without htmx, the page at the section."""
    participant = participant_for_request(request, public_id)
    if request.htmx:
        return section_response(request, participant, TEMPLATE)
    return redirect(_page_url(participant))


@require_POST
def propose(request, public_id, offer_id):
    participant = participant_for_request(request, public_id)
    offer = in_active_district(request, selectors.get_offer_for_user(request.user, offer_id))
    try:
        services.referral_propose(actor=request.user, participant=participant, offer=offer)
    except ValidationError as error:
        return _answer(request, participant, " ".join(error.messages), ok=False)
    return _answer(
        request,
        participant,
        _("„%(offer)s“ wurde vorgeschlagen.") % {"offer": offer.title},
    )


@require_POST
def transition(request, public_id, referral_id):
    participant = participant_for_request(request, public_id)
    referral = selectors.get_referral_for_user(request.user, referral_id)
    if referral.participant_id != participant.pk:
        raise Http404
    form = ReferralActionForm(request.POST)
    if not form.is_valid():
        return _answer(request, participant, _("Der Schritt ist ungültig."), ok=False)
    try:
        services.referral_transition(actor=request.user, referral=referral, **form.transition())
    except ValidationError as error:
        return _answer(request, participant, " ".join(error.messages), ok=False)
    return _answer(
        request,
        participant,
        _("Vermittlung in „%(offer)s“: %(state)s.")
        % {"offer": referral.offer.title, "state": referral.get_state_display()},
    )


@require_http_methods(["GET", "POST"])
def outcome_create(request, public_id):
    participant = participant_for_request(request, public_id)
    form = OutcomeForm(
        request.POST if request.method == "POST" else None,
        referrals=participant.referrals.select_related("offer"),
    )
    if form.is_valid():
        try:
            services.outcome_record(
                actor=request.user, participant=participant, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            return _answer(request, participant, _("Der Verbleib wurde erfasst."))
    if request.htmx and request.method == "POST":
        return section_response(request, participant, TEMPLATE, referral_outcome_form=form)
    return render(
        request,
        "cases/casework_form.html",
        {"participant": participant, "form": form, "title": _("Verbleib erfassen")},
    )
