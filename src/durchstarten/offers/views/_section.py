"""What the participant page's section "Angebote und Vermittlungen" shows.

Kept apart from the section's views so that the participant page (cases.views._page) can
build it without importing them.
"""

from django.utils.functional import SimpleLazyObject

from durchstarten.core.scoping import can_do_case_work
from durchstarten.offers import selectors
from durchstarten.offers.choices import OPEN_STATES
from durchstarten.offers.forms import OutcomeForm
from durchstarten.offers.views._common import NEED_LABELS, labels, referral_actions

# A district may have thousands of offers: the page shows the best suggestions and the first
# exclusions; `?vorschlaege=alle` on the page shows every one of them.
SHOWN_ELIGIBLE = 10
SHOWN_EXCLUDED = 20
SHOW_ALL = ("vorschlaege", "alle")


def _suggestion(evaluation, open_offer_ids) -> dict:
    offer = evaluation.offer
    return {
        "offer": offer,
        "reasons": evaluation.reasons,
        "passed": [check.text for check in evaluation.checks if check.passed],
        "failed": [check.text for check in evaluation.failed],
        "needs": labels(offer.needs_covered, NEED_LABELS),
        "referred": offer.pk in open_offer_ids,
    }


def section_context(request, participant) -> dict:
    referrals = selectors.referrals_of(participant)
    for referral in referrals:
        referral.actions = referral_actions(request.user, referral, for_provider=False)
    open_offer_ids = {r.offer_id for r in referrals if r.state in OPEN_STATES}
    eligible, excluded = selectors.suggestions_for(participant)
    show_all = request.GET.get(SHOW_ALL[0]) == SHOW_ALL[1]
    shown_eligible = eligible if show_all else eligible[:SHOWN_ELIGIBLE]
    shown_excluded = excluded if show_all else excluded[:SHOWN_EXCLUDED]
    return {
        "referrals": referrals,
        "outcomes": selectors.outcomes_of(participant),
        "eligible": [_suggestion(e, open_offer_ids) for e in shown_eligible],
        "excluded": [_suggestion(e, open_offer_ids) for e in shown_excluded],
        "eligible_count": len(eligible),
        "excluded_count": len(excluded),
        "shows_all": show_all
        or (len(eligible) <= SHOWN_ELIGIBLE and len(excluded) <= SHOWN_EXCLUDED),
        "outcome_form": OutcomeForm(referrals=participant.referrals.select_related("offer"))
        if can_do_case_work(request.user, participant)
        else None,
    }


def lazy_section_context(request, participant):
    """Computed only when the page renders the section (not for the other sections' updates)."""
    return SimpleLazyObject(lambda: section_context(request, participant))
