"""Record builders for the reporting tests: written directly, so tests control every date.

Shared between the reporting test modules; add functions, do not change existing ones.
"""

import datetime as dt

from durchstarten.cases.choices import ExitReason, OutreachChannel, OutreachResult
from durchstarten.cases.models import Enrollment, Outreach, Participant
from durchstarten.core.models import User
from durchstarten.offers.choices import OfferCategory, OfferKind, ReferralState
from durchstarten.offers.models import Offer, Referral
from durchstarten.organisation.models import District, Provider
from tests.factories import OfferFactory, UserFactory

MODULE_CATEGORY = {
    1: OfferCategory.COACHING,
    2: OfferCategory.IN_WORK_QUALIFICATION,
    3: OfferCategory.SCHOOL_CERTIFICATE_COURSE,
    4: OfferCategory.PREPARATION_COURSE,
    5: OfferCategory.INNOVATION_PROJECT,
}


def reach(
    participant: Participant,
    on: dt.date,
    result: str = OutreachResult.REACHED,
) -> Outreach:
    """An outreach with the given result (default: the person was reached)."""
    return Outreach.objects.create(
        participant=participant,
        channel=OutreachChannel.FOREIGNERS_AUTHORITY,
        date=on,
        result=result,
    )


def enroll(
    participant: Participant,
    entry: dt.date,
    exit_date: dt.date | None = None,
    *,
    coaching_provider: Provider | None = None,
    case_manager: User | None = None,
) -> Enrollment:
    """An enrollment from entry to exit (open if no exit), with a reason when it has ended."""
    return Enrollment.objects.create(
        participant=participant,
        entry_date=entry,
        exit_date=exit_date,
        exit_reason=ExitReason.OTHER if exit_date else "",
        case_manager=case_manager or UserFactory(),
        coaching_provider=coaching_provider,
    )


def initiative_offer(district: District, module: int, **kwargs) -> Offer:
    """A measure of the initiative in the module (1–5)."""
    return OfferFactory(
        district=district,
        kind=OfferKind.INITIATIVE,
        category=MODULE_CATEGORY[module],
        module=module,
        **kwargs,
    )


def place(
    participant: Participant,
    offer: Offer,
    started: dt.date | None,
    ended: dt.date | None = None,
    *,
    state: str | None = None,
) -> Referral:
    """A referral that started (and maybe ended) on the given days; state follows the dates
    unless given."""
    if state is None:
        state = (
            ReferralState.PROPOSED
            if started is None
            else ReferralState.COMPLETED
            if ended
            else ReferralState.STARTED
        )
    first = started or ended or dt.date(2000, 1, 1)
    return Referral.objects.create(
        participant=participant,
        offer=offer,
        district_id=participant.district_id,
        state=state,
        proposed_on=first,
        started_on=started,
        ended_on=ended,
    )
