"""Caseload of each case manager and coach against the 1:100 ratio of case management.

Counts only: the active participants (``stage = active``) per responsible case manager
(``Participant.case_manager``) and per coach (``Participant.coach``), and the FTE of the
posts they hold on the day (``Position.holder``; module 6 for case managers, module 1 for
coaches; several posts are summed). The ratio is active participants per full-time post.
The target of at most 100 per full-time post applies to case management (module 6); for
coaching the ratio is shown for information only.

A fixed number of queries whatever the number of people and participants.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Sum

from durchstarten.cases.choices import Stage
from durchstarten.cases.models import Participant
from durchstarten.core.models import User
from durchstarten.core.scoping import scope_organisation, scope_participants
from durchstarten.organisation.models import District, Module, Position

TARGET_PER_FTE = 100
RATIO_PLACES = Decimal("0.1")


def per_fte(active: int, fte: Decimal | None) -> Decimal | None:
    """Active participants per full-time post, to one decimal place (half up)."""
    if not fte:
        return None
    return (Decimal(active) / fte).quantize(RATIO_PLACES, rounding=ROUND_HALF_UP)


@dataclass
class CaseloadRow:
    person: User | None  # None: active participants without a responsible person
    active: int
    fte: Decimal | None
    checks_target: bool

    @property
    def ratio(self) -> Decimal | None:
        return per_fte(self.active, self.fte)

    @property
    def without_position(self) -> bool:
        return self.person is not None and self.active > 0 and not self.fte

    @property
    def over_target(self) -> bool:
        ratio = self.ratio
        return self.checks_target and ratio is not None and ratio > TARGET_PER_FTE

    @property
    def warns(self) -> bool:
        return self.checks_target and (self.over_target or self.without_position)

    @property
    def name(self) -> str:
        return str(self.person) if self.person is not None else ""


@dataclass
class CaseloadTable:
    module: int
    rows: list[CaseloadRow]
    unassigned: int  # active participants without a responsible person
    total_active: int
    # FTE of every post of the module on the day, also those without a recorded holder.
    total_fte: Decimal | None
    checks_target: bool
    warnings: list[CaseloadRow] = field(default_factory=list)

    @property
    def total_ratio(self) -> Decimal | None:
        return per_fte(self.total_active, self.total_fte)

    @property
    def total_over_target(self) -> bool:
        ratio = self.total_ratio
        return self.checks_target and ratio is not None and ratio > TARGET_PER_FTE


def _table(
    module: int, counts: dict, fte_by_holder: dict, total_fte, people: dict
) -> CaseloadTable:
    checks = module == Module.CASE_MANAGEMENT
    ids = (set(counts) | set(fte_by_holder)) - {None}
    rows = [
        CaseloadRow(
            person=people[pk],
            active=counts.get(pk, 0),
            fte=fte_by_holder.get(pk),
            checks_target=checks,
        )
        for pk in ids
    ]
    table = CaseloadTable(
        module=module,
        rows=rows,
        unassigned=counts.get(None, 0),
        total_active=sum(counts.values()),
        total_fte=total_fte,
        checks_target=checks,
    )
    table.warnings = sorted((r for r in rows if r.warns), key=lambda r: r.name.casefold())
    return table


def caseload_for_user(user: User, district: District, *, on: dt.date) -> dict[int, CaseloadTable]:
    """Per module (6 = case management, 1 = coaching) the caseload table of the district."""
    active = scope_participants(
        Participant.objects.filter(district=district, stage=Stage.ACTIVE), user
    ).order_by()
    by_case_manager = {
        row["case_manager"]: row["n"]
        for row in active.values("case_manager").annotate(n=Count("pk"))
    }
    by_coach = {row["coach"]: row["n"] for row in active.values("coach").annotate(n=Count("pk"))}
    positions = (
        scope_organisation(
            Position.objects.filter(district=district), user, provider_field="provider"
        )
        .active_on(on)
        .filter(module__in=[Module.CASE_MANAGEMENT, Module.COACHING])
        .order_by()
    )
    fte: dict[int, dict] = {Module.CASE_MANAGEMENT: {}, Module.COACHING: {}}
    totals: dict[int, Decimal] = {}
    for row in positions.values("module", "holder").annotate(fte=Sum("fte")):
        module, holder = row["module"], row["holder"]
        totals[module] = totals.get(module, Decimal(0)) + row["fte"]
        if holder is not None:
            fte[module][holder] = row["fte"]
    ids = set(by_case_manager) | set(by_coach)
    ids |= set(fte[Module.CASE_MANAGEMENT]) | set(fte[Module.COACHING])
    ids.discard(None)
    people = User.objects.in_bulk(ids)
    return {
        Module.CASE_MANAGEMENT: _table(
            Module.CASE_MANAGEMENT,
            by_case_manager,
            fte[Module.CASE_MANAGEMENT],
            totals.get(Module.CASE_MANAGEMENT),
            people,
        ),
        Module.COACHING: _table(
            Module.COACHING, by_coach, fte[Module.COACHING], totals.get(Module.COACHING), people
        ),
    }
