"""Statistical disclosure control (Geheimhaltung) for tables of person counts. Pure: no database.

Rules, as in German official statistics:

- **Primary suppression.** A count of 1 to 4 persons is not shown. Zero is shown as 0: that
  nobody in a district was placed says nothing about any person.
- **Secondary suppression.** A reader who knows how the table adds up (a column's cells add
  up to the state total; ``placed = new measures + regular offers - both``) and which figure
  cannot exceed which (persons in module 1 are among those placed in new measures) must not
  be able to work a suppressed count out. The classic rule: every relation with a suppressed
  cell holds at least two (the total counts as one). Beyond that rule, which is what
  publishers check by hand, no primary cell may be fixed to one value (a) by a linear
  combination of the relations or (b) by the bounds the table itself states ("< 5" means
  0–4, "x" means 5 or more) carried from relation to relation. (That a cell suppressed only
  to protect another one can be worked out — it is 12 — harms no one.)
- **Which cells go.** For a relation with one suppressed cell, or next to an exposed cell,
  the smallest visible cell of the relation is suppressed, until nothing changes. Zeros are
  taken only when nothing else is left, totals last: an empty cell often follows from
  another figure (no one placed in new measures, so no one in module 1), which would unmask
  its partner.
- **What a reader sees.** A suppressed cell below 5 reads "< 5". A cell of 5 or more that had
  to be suppressed reads "x" ("Zahlenwert gesperrt"): writing "< 5" there would be false.
- **Rates** whose numerator or denominator is suppressed are suppressed as well.

Limits: (b) carries bounds through one relation at a time, so a bound that only a sum of
several relations yields can, in rare tables full of small counts, still narrow a cell down;
and differences between tables of overlapping periods are not considered (see the state view).
"""

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

THRESHOLD = 5
BELOW_THRESHOLD_TEXT = "< 5"
LOCKED_TEXT = "x"


class Reason(StrEnum):
    PRIMARY = "primary"  # the count itself is 1–4
    SECONDARY = "secondary"  # suppressed so that a primary cell cannot be worked out


@dataclass(frozen=True)
class Cell:
    """One published figure: the value, or None and why it is withheld."""

    value: int | None
    reason: Reason | None = None
    below_threshold: bool = False  # what the table states about a withheld value

    @property
    def suppressed(self) -> bool:
        return self.reason is not None

    @property
    def text(self) -> str:
        if not self.suppressed:
            return str(self.value)
        return BELOW_THRESHOLD_TEXT if self.below_threshold else LOCKED_TEXT

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Rate:
    """A published rate (fraction): None when withheld or when the denominator is 0."""

    value: float | None
    suppressed: bool = False


@dataclass(frozen=True)
class Relation:
    """A relation a reader can use: the sum of coefficient × cell is 0 (coefficients ±1)."""

    terms: tuple[tuple[Hashable, int], ...]

    def __post_init__(self):
        if any(coefficient not in (1, -1) for _, coefficient in self.terms):
            raise ValueError("coefficients must be 1 or -1")


def total_relation(parts: Iterable[Hashable], total: Hashable) -> Relation:
    """The parts add up to the total."""
    return Relation((*((key, 1) for key in parts), (total, -1)))


def is_primary(value: int) -> bool:
    return 1 <= value < THRESHOLD


def rate(numerator: Cell, denominator: Cell, value: float | None) -> Rate:
    """The rate (computed from the true counts) shown only if both counts are shown."""
    if numerator.suppressed or denominator.suppressed:
        return Rate(None, suppressed=True)
    return Rate(value)


def suppress(
    values: Mapping[Hashable, int],
    relations: Sequence[Relation],
    *,
    margins: Iterable[Hashable] = (),
    at_most: Iterable[tuple[Hashable, Hashable]] = (),
) -> dict[Hashable, Cell]:
    """Apply primary and secondary suppression to a table and return every cell.

    ``values`` are person counts (≥ 0) by cell key, in display order (which breaks ties);
    ``relations`` every way the cells add up; ``margins`` the totals, suppressed only when
    nothing else is left; ``at_most`` pairs (part, whole) of cells where the part can never
    exceed the whole. The result is deterministic.
    """
    if any(value < 0 for value in values.values()):
        raise ValueError("person counts are never negative")
    for relation in relations:
        if sum(c * values[key] for key, c in relation.terms) != 0:
            raise ValueError(f"the values do not satisfy {relation}")
    at_most = list(at_most)
    for part, whole in at_most:
        if values[part] > values[whole]:
            raise ValueError(f"{part} exceeds {whole}")
    state = _State(values, relations, frozenset(margins), at_most)
    state.run()
    return {
        key: Cell(None, state.reason[key], below_threshold=value < THRESHOLD)
        if key in state.reason
        else Cell(value)
        for key, value in values.items()
    }


class _State:
    def __init__(self, values, relations, margins, at_most):
        self.values = values
        self.at_most = at_most
        self.relations = [r for r in relations if len(r.terms) > 1]
        self.margins = margins
        self.order = {key: index for index, key in enumerate(values)}
        self.relations_of: dict[Hashable, list[int]] = {}
        for index, relation in enumerate(self.relations):
            for key, _ in relation.terms:
                self.relations_of.setdefault(key, []).append(index)
        self.reason = {key: Reason.PRIMARY for key, value in values.items() if is_primary(value)}

    def run(self) -> None:
        while self._fix_lonely() or self._fix_exposed():
            pass

    def _candidates(self, relation_ids: Iterable[int]) -> list:
        """Visible cells of the relations, smallest first, zeros after them, totals last."""
        keys = {
            key
            for index in relation_ids
            for key, _ in self.relations[index].terms
            if key not in self.reason
        }
        return sorted(
            keys,
            key=lambda k: (k in self.margins, self.values[k] == 0, self.values[k], self.order[k]),
        )

    def _fix_lonely(self) -> bool:
        """The classic rule: no relation with exactly one suppressed cell."""
        changed = False
        for index, relation in enumerate(self.relations):
            hidden = [key for key, _ in relation.terms if key in self.reason]
            if len(hidden) == 1:
                self.reason[self._candidates([index])[0]] = Reason.SECONDARY
                changed = True
        return changed

    def _fix_exposed(self) -> bool:
        """Suppress one more cell next to the first cell a reader could still work out."""
        exposed = self._pinned() or self._determined()
        if not exposed:
            return False
        key = min(exposed, key=self.order.__getitem__)
        candidates = self._candidates(self.relations_of.get(key, ())) or self._candidates(
            index
            for index, relation in enumerate(self.relations)
            if any(k in self.reason for k, _ in relation.terms)
        )
        if not candidates:  # every related cell is withheld: nothing left to learn from
            return False
        self.reason[candidates[0]] = Reason.SECONDARY
        return True

    def _pinned(self) -> list:
        """Primary cells whose bounds, carried through the relations, leave one value."""
        low: dict = {}
        high: dict = {}
        for key in self.reason:
            below = self.values[key] < THRESHOLD
            low[key], high[key] = (0, THRESHOLD - 1) if below else (THRESHOLD, math.inf)
        hidden_terms = [
            [(key, c) for key, c in relation.terms if key in self.reason]
            for relation in self.relations
        ]
        # What the hidden terms (coefficient × cell) of each relation add up to.
        rests = [
            -sum(c * self.values[key] for key, c in relation.terms if key not in self.reason)
            for relation in self.relations
        ]
        changed = True
        while changed:
            changed = False
            for hidden, rest in zip(hidden_terms, rests, strict=True):
                if not hidden:
                    continue
                lows = _Sum([c * (low[k] if c > 0 else high[k]) for k, c in hidden])
                highs = _Sum([c * (high[k] if c > 0 else low[k]) for k, c in hidden])
                for index, (key, c) in enumerate(hidden):
                    term_low = rest - highs.without(index)
                    term_high = rest - lows.without(index)
                    lo, hi = (term_low, term_high) if c > 0 else (-term_high, -term_low)
                    if lo > low[key]:
                        low[key], changed = lo, True
                    if hi < high[key]:
                        high[key], changed = hi, True
            for part, whole in self.at_most:
                if part in low and high[part] > high.get(whole, self.values[whole]):
                    high[part], changed = high.get(whole, self.values[whole]), True
                if whole in low and low[whole] < low.get(part, self.values[part]):
                    low[whole], changed = low.get(part, self.values[part]), True
        return [key for key in self._primary() if low[key] == high[key]]

    def _determined(self) -> list:
        """Primary cells that a linear combination of the relations gives exactly."""
        columns = sorted(self.reason, key=self.order.__getitem__)
        rows = [
            {key: Fraction(c) for key, c in relation.terms if key in self.reason}
            for relation in self.relations
        ]
        primary = set(self._primary())
        return [key for key in _unit_rows([row for row in rows if row], columns) if key in primary]

    def _primary(self) -> list:
        return [key for key, reason in self.reason.items() if reason == Reason.PRIMARY]


class _Sum:
    """A sum of terms, some infinite (all of one sign), less any one of them, in O(1)."""

    def __init__(self, terms: list):
        self.terms = terms
        self.finite = sum(term for term in terms if math.isfinite(term))
        self.infinite = [term for term in terms if not math.isfinite(term)]

    def without(self, index: int) -> float:
        own = self.terms[index]
        if math.isfinite(own):
            return self.infinite[0] if self.infinite else self.finite - own
        return self.infinite[0] if len(self.infinite) > 1 else self.finite


def _unit_rows(rows: list[dict], columns: list) -> list:
    """Reduce the sparse rows ({column: coefficient}) to reduced row echelon form and return
    the columns whose unit vector lies in the row space: exactly those for which one of the
    reduced rows is the unit vector."""
    reduced: list[tuple[Hashable, dict]] = []  # (pivot, row with 1 at the pivot)
    for raw in rows:
        row = dict(raw)
        for pivot, other in reduced:
            factor = row.get(pivot)
            if factor:
                for key, c in other.items():
                    row[key] = row.get(key, 0) - factor * c
                row = {key: c for key, c in row.items() if c}
        if not row:
            continue
        pivot = next(key for key in columns if key in row)
        row = {key: c / row[pivot] for key, c in row.items()}
        for index, (other_pivot, other) in enumerate(reduced):
            factor = other.get(pivot)
            if factor:
                for key, c in row.items():
                    other[key] = other.get(key, 0) - factor * c
                reduced[index] = (other_pivot, {k: c for k, c in other.items() if c})
        reduced.append((pivot, row))
    return [pivot for pivot, row in reduced if len(row) == 1]
