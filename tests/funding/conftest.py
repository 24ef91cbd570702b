import datetime as dt
from decimal import Decimal

import pytest

from durchstarten.funding import services
from durchstarten.organisation.models import Module


@pytest.fixture
def grant(coordinator, district):
    """A coaching grant for 2026: 100.000,00 € eligible, 80.000,00 € approved."""
    return services.grant_create(
        actor=coordinator,
        district=district,
        module=Module.COACHING,
        year=2026,
        funding_authority="Bezirksregierung Arnsberg",
        notice_reference="36.2-DS-0001",
        notice_date=dt.date(2026, 1, 15),
        period_from=dt.date(2026, 1, 1),
        period_to=dt.date(2026, 12, 31),
        approved_amount=Decimal("80000.00"),
        eligible_costs=Decimal("100000.00"),
    )
