"""The state-wide table (Landesübersicht): the KPI figures per district and for the state,
with small counts suppressed (DESIGN.md §4, reporting.suppression).

The counts come from the KPI report's own population definitions (reporting.kpi), grouped by
the participant's district: two queries whatever the number of districts or participants.
A state analyst sees no person, so the persons are never listed; only suppressed counts
leave this module.

Not protected: the period is free, so the difference between two overlapping periods
(January–June minus January–May) can show a small count of one month. Closing that gap needs
fixed reporting periods or noise on the counts (cell key method); see the issue.
"""

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from durchstarten.core.models import Role, User
from durchstarten.core.scoping import require_role
from durchstarten.organisation.models import District, Module
from durchstarten.organisation.selectors import district_list_for_user
from durchstarten.reporting import kpi
from durchstarten.reporting.definitions import LABELS
from durchstarten.reporting.suppression import Cell, Rate, Relation, rate, suppress

# Aggregated figures are no case content, but they are the ministry's evaluation, not IT
# operations: administrators who need them are given the state analyst role as well.
STATE_VIEW_ROLES = (Role.STATE_ANALYST,)

PLACED = ("placed", "placed_new_measures", "placed_regular_offers", "placed_both")
MODULES = tuple(f"module_{key}" for key in kpi.MODULE_KEYS)
COLUMNS = ("contacted", "entered", *PLACED, *MODULES)
CASE_MANAGEMENT = f"module_{Module.CASE_MANAGEMENT}"
STATE = "state"  # the row key of the state total


def column_label(column: str) -> str:
    if column.startswith("module_"):
        module = Module(int(column.removeprefix("module_")))
        return _("Baustein %(module)s") % {"module": module.label}
    return LABELS[column]


@dataclass(frozen=True)
class StateRow:
    name: str
    ags: str
    cells: tuple[Cell, ...]  # in the order of COLUMNS
    entry_rate: Rate
    placement_rate: Rate

    def cell(self, column: str) -> Cell:
        return self.cells[COLUMNS.index(column)]


@dataclass(frozen=True)
class StateTable:
    start: dt.date
    end: dt.date
    rows: tuple[StateRow, ...]  # one per district, by name
    total: StateRow

    @property
    def suppressed(self) -> bool:
        return any(cell.suppressed for row in (*self.rows, self.total) for cell in row.cells)


def district_counts(
    districts: Sequence[District], *, start: dt.date, end: dt.date
) -> dict[int, dict[str, int]]:
    """The figures of COLUMNS per district id, unsuppressed (one query)."""
    populations = kpi.Populations([district.pk for district in districts], start, end)
    figures = {
        column: Count("pk", filter=populations.condition(column))
        for column in ("contacted", "entered", *PLACED)
    }
    figures |= {
        f"module_{key}": Count("pk", filter=populations.condition("by_module", key))
        for key in kpi.INITIATIVE_MODULE_KEYS
    }
    rows = populations.participants().values("district_id").annotate(**figures).order_by()
    counts = {district.pk: dict.fromkeys(COLUMNS, 0) for district in districts}
    for row in rows:
        district_id = row.pop("district_id")
        counts[district_id].update(row)
        # Module 6 (case management) counts the persons entered, as in the KPI report.
        counts[district_id][CASE_MANAGEMENT] = row["entered"]
    return counts


def relations(row_keys: Sequence) -> tuple[list[Relation], list[tuple]]:
    """How a reader can combine the figures: (equalities, pairs (part, whole) with part ≤
    whole). Columns add up to the state row; placed = new + regular − both; module 6 is the
    entries; the parts of "placed" and the persons per initiative module cannot exceed it."""
    districts = [key for key in row_keys if key != STATE]
    equalities = [
        Relation((*(((key, column), 1) for key in districts), ((STATE, column), -1)))
        for column in COLUMNS
    ]
    at_most = []
    for key in row_keys:
        placed, new, regular, both = ((key, column) for column in PLACED)
        equalities.append(Relation(((placed, 1), (new, -1), (regular, -1), (both, 1))))
        equalities.append(Relation((((key, "entered"), 1), ((key, CASE_MANAGEMENT), -1))))
        at_most += [(new, placed), (regular, placed), (both, new), (both, regular)]
        at_most += [((key, module), new) for module in MODULES if module != CASE_MANAGEMENT]
    return equalities, at_most


def build_state_table(
    districts: Sequence[District],
    counts: Mapping[int, Mapping[str, int]],
    *,
    start: dt.date,
    end: dt.date,
) -> StateTable:
    """Sum the districts up to the state and suppress the table (no queries)."""
    values = {}
    for district in districts:
        for column in COLUMNS:
            values[(district.pk, column)] = counts[district.pk][column]
    for column in COLUMNS:
        values[(STATE, column)] = sum(counts[district.pk][column] for district in districts)
    row_keys = [*(district.pk for district in districts), STATE]
    equalities, at_most = relations(row_keys)
    margins = [(STATE, column) for column in COLUMNS]
    cells = suppress(values, equalities, margins=margins, at_most=at_most)

    def row(key, name: str, ags: str) -> StateRow:
        def figure(column: str) -> tuple[Cell, int]:
            return cells[(key, column)], values[(key, column)]

        (contacted, contacted_n), (entered, entered_n) = figure("contacted"), figure("entered")
        placed, placed_n = figure("placed")
        return StateRow(
            name=name,
            ags=ags,
            cells=tuple(cells[(key, column)] for column in COLUMNS),
            entry_rate=rate(entered, contacted, kpi.rate(entered_n, contacted_n)),
            placement_rate=rate(placed, entered, kpi.rate(placed_n, entered_n)),
        )

    return StateTable(
        start=start,
        end=end,
        rows=tuple(row(district.pk, district.name, district.ags) for district in districts),
        total=row(STATE, str(_("Alle Kreise zusammen")), ""),
    )


def state_table_for_user(user: User, *, start: dt.date, end: dt.date) -> StateTable:
    """The suppressed state table for the period over every district the user may see
    (two queries: the districts, the grouped figures)."""
    require_role(user, None, STATE_VIEW_ROLES)
    districts = list(district_list_for_user(user).order_by("name", "ags"))
    counts = district_counts(districts, start=start, end=end)
    return build_state_table(districts, counts, start=start, end=end)
