"""The reporting records of one side of the security world: targets and other reporting records.

Objects go into ``side.objects[(kind, index)]`` (index 1 = provider P1 or the district's own
record, 2 = provider P2) so that policy rows can point their URL arguments at them.
"""

from decimal import Decimal

from durchstarten.reporting.choices import TargetMetric
from durchstarten.reporting.models import Target


def build(side, day) -> None:
    """Add this area's records to the side (district ``side.district``)."""
    o = side.objects
    # Targets belong to the district, not to a provider: both indexes are the district's own.
    o[("target", 1)] = Target.objects.create(
        district=side.district,
        year=day.year,
        metric=TargetMetric.ENTRY_RATE,
        value=Decimal("0.3000"),
        note=f"Zielwert Eintritte {side.name}",
    )
    o[("target", 2)] = Target.objects.create(
        district=side.district,
        year=day.year,
        metric=TargetMetric.PLACEMENT_RATE,
        value=Decimal("0.3000"),
        note=f"Zielwert Vermittlungen {side.name}",
    )
