"""Demo targets: the figures the initiative's funding guideline asks districts to reach.

Entry and placement rate of at least 30 % in the first year, entry rate of 60 % later; every
demo district gets the same targets, so that the state view can compare them.
"""

from decimal import Decimal

from durchstarten.organisation.models import District
from durchstarten.reporting.choices import TargetMetric
from durchstarten.reporting.models import Target

TARGETS = {
    2026: {TargetMetric.ENTRY_RATE: Decimal("0.30"), TargetMetric.PLACEMENT_RATE: Decimal("0.30")},
    2027: {TargetMetric.ENTRY_RATE: Decimal("0.60"), TargetMetric.PLACEMENT_RATE: Decimal("0.30")},
}


def seed_demo_targets(districts: list[District]) -> int:
    """Create the targets the districts do not have yet; returns how many were created."""
    created = 0
    for district in districts:
        for year, targets in TARGETS.items():
            for metric, value in targets.items():
                _target, new = Target.objects.get_or_create(
                    district=district,
                    year=year,
                    metric=metric,
                    defaults={"value": value, "note": "Vorgabe der Landesinitiative (Demo)"},
                )
                created += new
    return created
