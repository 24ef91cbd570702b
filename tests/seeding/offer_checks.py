"""Invariants of seeded offers, referrals and outcomes, shared by the demo and synthetic tests."""

from collections import Counter, defaultdict

from django.utils import timezone

from durchstarten.cases.choices import ConsentPurpose
from durchstarten.cases.models import Consent, Enrollment
from durchstarten.offers import matching
from durchstarten.offers.choices import PLACE_HOLDING, TRANSITIONS, ReferralState
from durchstarten.offers.models import Offer, Outcome, Referral, ReferralTransition
from durchstarten.offers.selectors import profile_for

STATE_DATES = {
    ReferralState.PROPOSED: (False, False, False),
    ReferralState.WAITING: (False, False, False),
    ReferralState.ACCEPTED: (True, False, False),
    ReferralState.STARTED: (True, True, False),
    ReferralState.COMPLETED: (True, True, True),
}


def _active(consents, day, provider_id=None) -> bool:
    return any(
        c.given_on <= day
        and (c.withdrawn_on is None or c.withdrawn_on > day)
        and (provider_id is None or c.provider_id == provider_id)
        for c in consents
    )


def check_referrals(*, eligibility: bool = True) -> Counter:
    """Assert the rules every referral keeps; returns the states counted."""
    today = timezone.localdate()
    consents = defaultdict(lambda: defaultdict(list))
    for consent in Consent.objects.all():
        consents[consent.participant_id][consent.purpose].append(consent)
    entered = set(Enrollment.objects.values_list("participant_id", flat=True))
    transitions = defaultdict(list)
    for t in ReferralTransition.objects.order_by("on", "id"):
        transitions[t.referral_id].append(t)
    referrals = list(Referral.objects.select_related("offer", "participant"))
    assert referrals
    for r in referrals:
        mine = consents[r.participant_id]
        assert r.participant_id in entered
        assert r.district_id == r.participant.district_id == r.offer.district_id
        assert _active(mine[ConsentPurpose.CASE_WORK], r.proposed_on)
        if r.offer.provider_id:
            assert _active(
                mine[ConsentPurpose.PROVIDER_SHARING], r.proposed_on, r.offer.provider_id
            )
        days = [r.proposed_on, r.accepted_on, r.started_on, r.ended_on]
        present = [day for day in days if day is not None]
        assert present == sorted(present) and present[-1] <= today, r.pk
        expected = STATE_DATES.get(r.state)
        if expected is not None:
            assert (
                r.accepted_on is not None,
                r.started_on is not None,
                r.ended_on is not None,
            ) == expected
        else:
            assert r.ended_on is not None
        assert bool(r.abort_reason) == (r.state == ReferralState.ABORTED)
        assert bool(r.declined_by) == (r.state == ReferralState.DECLINED)
        steps = transitions[r.pk]
        assert steps[0].from_state == "" and steps[0].to_state == ReferralState.PROPOSED
        assert steps[0].on == r.proposed_on
        for earlier, later in zip(steps, steps[1:], strict=False):
            assert later.from_state == earlier.to_state
            assert later.to_state in TRANSITIONS[earlier.to_state]
            assert earlier.on <= later.on
        assert steps[-1].to_state == r.state
        assert len(steps) == r.version
    if eligibility:
        for r in referrals:
            evaluation = matching.evaluate(
                r.offer, profile_for(r.participant), today=r.proposed_on, free_places=None
            )
            assert evaluation.eligible, (r.pk, [c.text for c in evaluation.failed])
    return Counter(r.state for r in referrals)


def check_capacity() -> None:
    held = Counter(
        Referral.objects.filter(state__in=PLACE_HOLDING).values_list("offer_id", flat=True)
    )
    for offer in Offer.objects.filter(capacity__isnull=False):
        assert held[offer.pk] <= offer.capacity, offer


def check_outcomes() -> None:
    for outcome in Outcome.objects.select_related("referral"):
        if outcome.referral is not None:
            assert outcome.referral.participant_id == outcome.participant_id
        assert outcome.end_date is None or outcome.end_date >= outcome.start_date


def placements() -> tuple[set[int], set[int]]:
    """Participants placed (a referral reached started) in initiative and regular offers."""
    started = Referral.objects.filter(started_on__isnull=False)
    initiative = set(
        started.filter(offer__kind="initiative").values_list("participant_id", flat=True)
    )
    regular = set(started.filter(offer__kind="regular").values_list("participant_id", flat=True))
    return initiative, regular
