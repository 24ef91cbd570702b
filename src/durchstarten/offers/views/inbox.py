"""The referral inbox of a provider (Vermittlungen): who was referred to its offers.

Provider staff see only referrals to their own provider's offers, only while the person's
consent to share with that provider is in force, and only the fields a course needs — never
the case file. Coordinators see every referral of the district here.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from durchstarten.cases.choices import GermanLevel, Literacy
from durchstarten.core.decorators import in_active_district, require_role
from durchstarten.core.lists import filter_data, filtered_list, paginate
from durchstarten.core.scoping import CASE_WORK_ROLES
from durchstarten.offers import selectors, services
from durchstarten.offers.filters import ReferralFilterForm
from durchstarten.offers.forms import ReferralActionForm
from durchstarten.offers.views._common import (
    INBOX_ROLES,
    LANGUAGE_LABELS,
    free_places_text,
    labels,
    referral_actions,
)


@filtered_list(ReferralFilterForm)
@require_GET
@require_role(*INBOX_ROLES)
def inbox(request):
    user, district_id = request.user, request.membership.district_id
    referrals = selectors.referral_inbox_for_user(user, district_id=district_id)
    offers = selectors.offer_list_for_user(user, district_id=district_id).filter(
        pk__in=referrals.values("offer")
    )
    filters = ReferralFilterForm(filter_data(request), offers=offers)
    page_obj = paginate(request, filters.apply(referrals))
    page_obj.object_list = list(page_obj.object_list)
    free = selectors.free_places_by_offer(user, {r.offer_id for r in page_obj.object_list})
    for referral in page_obj.object_list:
        person = referral.participant
        referral.german_label = GermanLevel(person.german_level).label
        referral.literacy_label = Literacy(person.literacy).label
        referral.language_labels = labels(person.languages, LANGUAGE_LABELS)
        referral.free = free.get(referral.offer_id)
        referral.free_text = free_places_text(referral.free, referral.offer.capacity)
        referral.actions = referral_actions(user, referral, for_provider=True)
    return render(
        request,
        "offers/inbox.html",
        {
            "filters": filters,
            "page_obj": page_obj,
            # Only case workers may open the case file; provider staff never get a link.
            "link_cases": request.membership.role in CASE_WORK_ROLES,
        },
    )


@require_POST
@require_role(*INBOX_ROLES)
def inbox_transition(request, referral_id):
    referral = in_active_district(
        request, selectors.get_referral_for_user(request.user, referral_id)
    )
    back = request.POST.get("next", "")
    if not back.startswith(reverse("offers:inbox")):
        back = reverse("offers:inbox")
    form = ReferralActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Der Schritt ist ungültig."))
        return redirect(back)
    try:
        services.referral_transition(actor=request.user, referral=referral, **form.transition())
    except ValidationError as error:
        messages.error(
            request,
            _("%(name)s, „%(offer)s“: %(error)s")
            % {
                "name": referral.participant.full_name,
                "offer": referral.offer.title,
                "error": " ".join(error.messages),
            },
        )
    else:
        messages.success(
            request,
            _("%(name)s, „%(offer)s“: %(state)s.")
            % {
                "name": referral.participant.full_name,
                "offer": referral.offer.title,
                "state": referral.get_state_display(),
            },
        )
    return redirect(back)
