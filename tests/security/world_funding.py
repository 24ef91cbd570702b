"""The funding records of one side of the security world:
grants, own shares, contracts and expenditures.

Objects go into ``side.objects[(kind, index)]`` (index 1 = provider P1 or the district's own
record, 2 = provider P2) so that policy rows can point their URL arguments at them.

Grant 1 (module 1) passes money on to P1, grant 2 (module 6) to P2; each has an own share,
a budget line and a payment booked against its contract, so neither grant can be deleted.
"""

import datetime as dt
from decimal import Decimal

from durchstarten.funding.models import (
    BudgetLine,
    Expenditure,
    ExpenditureCategory,
    Grant,
    OwnShare,
    OwnShareSource,
    PassThroughContract,
)
from durchstarten.organisation.models import Module


def build(side, day) -> None:
    """Add this area's records to the side (district ``side.district``)."""
    district = side.district
    o = side.objects
    start, end = dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)
    for index, module in ((1, Module.COACHING), (2, Module.CASE_MANAGEMENT)):
        provider = o[("provider", index)]
        grant = o[("grant", index)] = Grant.objects.create(
            district=district,
            module=module,
            year=day.year,
            funding_authority=f"Bezirksregierung {side.name}",
            notice_reference=f"Az-{side.name}{index}",
            notice_date=start,
            period_from=start,
            period_to=end,
            approved_amount=Decimal("80000.00"),
            eligible_costs=Decimal("100000.00"),
            note=f"Bewilligung {side.name}{index}",
        )
        o[("own_share", index)] = OwnShare.objects.create(
            grant=grant,
            district=district,
            amount=Decimal("20000.00"),
            source=OwnShareSource.INTEGRATION_LUMP_SUM,
            description=f"Eigenanteil {side.name}{index}",
            use_by=end,
        )
        BudgetLine.objects.create(
            grant=grant,
            district=district,
            category=ExpenditureCategory.PERSONNEL,
            planned_amount=Decimal("60000.00"),
        )
        contract = o[("contract", index)] = PassThroughContract.objects.create(
            grant=grant,
            district=district,
            provider=provider,
            reference=f"WV-{side.name}{index}",
            amount=Decimal("50000.00"),
            fte=Decimal("1.00"),
            period_from=start,
            period_to=end,
            note=f"Vertrag {side.name}{index}",
        )
        o[("expenditure", index)] = Expenditure.objects.create(
            grant=grant,
            district=district,
            provider=provider,
            contract=contract,
            category=ExpenditureCategory.PERSONNEL,
            spent_on=min(day, end),
            amount=Decimal("1234.56"),
            receipt_reference=f"Beleg-{side.name}{index}",
            description=f"Ausgabe {side.name}{index}",
        )
