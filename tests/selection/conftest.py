import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from durchstarten.core.models import Role
from durchstarten.selection.models import CallStatus
from tests.factories import MunicipalityFactory, member
from tests.selection.factories import BidFactory, CallFactory, CriterionFactory


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def towns(district):
    return [
        MunicipalityFactory(district=district, name=name)
        for name in ("Gütersloh", "Harsewinkel", "Herzebrock-Clarholz")
    ]


@pytest.fixture
def second_coordinator(district):
    return member(Role.COORDINATOR, district)


@pytest.fixture
def draft_call(district, towns, coordinator, today):
    return CallFactory(
        district=district,
        title="Coaching Nord 2027",
        municipalities=towns,
        reviewers=[coordinator],
        deadline=today + dt.timedelta(days=20),
    )


@pytest.fixture
def review_call(district, towns, coordinator, second_coordinator, today):
    """A call in review: criteria 60 % / 40 %, a panel of two, no bids yet."""
    call = CallFactory(
        district=district,
        title="Coaching Süd 2027",
        status=CallStatus.REVIEW,
        municipalities=towns,
        reviewers=[coordinator, second_coordinator],
        deadline=today - dt.timedelta(days=1),
    )
    CriterionFactory(call=call, name="Konzept", weight=Decimal("60"))
    CriterionFactory(call=call, name="Erfahrung", weight=Decimal("40"))
    return call


@pytest.fixture
def make_bid(coordinator):
    def make(call, provider, municipalities, **kwargs):
        return BidFactory(
            call=call,
            provider=provider,
            municipalities=municipalities,
            recorded_by=coordinator,
            **kwargs,
        )

    return make
