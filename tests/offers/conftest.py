import datetime as dt

import pytest

from durchstarten.offers.choices import OfferCategory, OfferKind
from tests.cases.conftest import coaching_assignment, enrolled, participant  # noqa: F401
from tests.factories import OfferFactory


@pytest.fixture
def course(district, provider, municipality):
    """A module-4 course of the coaching provider in Harsewinkel with two places."""
    return OfferFactory(
        district=district,
        provider=provider,
        organiser="",
        kind=OfferKind.INITIATIVE,
        category=OfferCategory.PREPARATION_COURSE,
        module=4,
        title="Jugendintegrationskurs Harsewinkel",
        capacity=2,
        needs_covered=["german"],
        municipalities=[municipality],
        start_date=dt.date(2026, 12, 1),
    )
