"""The result and the ranking of the bids of a call, computed from the reviewers' scores.

Definition (also in docs/provider-selection.md):

- A bid is *complete* when every member of the call's review panel has scored it on every
  criterion. Only complete bids get a result and a rank: a mean over fewer reviewers for one
  bid than for another would not be comparable.
- result = Σ over criteria of weight (in percent) × mean score of the panel on that
  criterion. With weights adding up to 100 and scores from 0 to 10 the result lies between
  0 and 1000 points.
- The result is computed exactly and rounded once, at the end, to two decimal places
  (half up). Because every complete bid has the same number n of reviewers,
  result = Σ_c (weight_c × Σ_r score_rc) / n, which integer arithmetic gives exactly.
- Rank: bids with the same result share a rank (1, 1, 3 …) and are marked as tied; within
  a tie they are listed by provider name, then by the bid's public id, so the order never
  depends on the order in which scores were entered.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

CENTS = 100


@dataclass(frozen=True)
class ScoreEntry:
    bid_id: int
    criterion_id: int
    reviewer_id: int
    value: int


@dataclass
class BidResult:
    bid: Any
    complete: bool
    # Number of (reviewer, criterion) scores still missing, and the reviewers who owe them.
    missing: int
    missing_reviewer_ids: frozenset[int] = frozenset()
    # criterion id -> mean score of the panel (2 decimals, for display), None if incomplete
    means: dict[int, Decimal | None] = field(default_factory=dict)
    points: Decimal | None = None
    rank: int | None = None
    tied: bool = False
    # Filled in for display by the selector: the means in criteria order, reviewers' names.
    mean_list: list[Decimal | None] = field(default_factory=list)
    missing_names: list[str] = field(default_factory=list)


def _round_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half up, for non-negative integers."""
    return (2 * numerator + denominator) // (2 * denominator)


def _hundredths(value: int) -> Decimal:
    return Decimal(value).scaleb(-2)


def weight_cents(weight: Decimal) -> int:
    """A weight in hundredths of a percent point (weights carry two decimal places)."""
    cents = weight * CENTS
    if cents != cents.to_integral_value():
        raise ValueError(f"weight with more than two decimal places: {weight}")
    return int(cents)


def sort_name(bid: Any) -> tuple[str, str]:
    return (str(bid.provider).casefold(), str(bid.public_id))


def rank_bids(
    bids: Sequence[Any],
    criteria: Sequence[Any],
    reviewer_ids: Iterable[int],
    scores: Iterable[ScoreEntry],
) -> list[BidResult]:
    """Results of all bids: complete ones by rank, then the incomplete ones by provider name.

    ``bids`` need ``pk``, ``provider`` and ``public_id``; ``criteria`` ``pk`` and ``weight``.
    Scores of people outside the panel, or of other bids or criteria, are ignored.
    """
    panel = set(reviewer_ids)
    criterion_ids = {c.pk for c in criteria}
    by_bid: dict[int, dict[tuple[int, int], int]] = {bid.pk: {} for bid in bids}
    for entry in scores:
        cells = by_bid.get(entry.bid_id)
        if cells is None or entry.reviewer_id not in panel:
            continue
        if entry.criterion_id in criterion_ids:
            cells[(entry.criterion_id, entry.reviewer_id)] = entry.value
    needed = len(panel) * len(criteria)
    results = []
    for bid in bids:
        cells = by_bid[bid.pk]
        done: dict[int, int] = {}
        for _criterion_id, reviewer_id in cells:
            done[reviewer_id] = done.get(reviewer_id, 0) + 1
        result = BidResult(
            bid=bid,
            # Without a panel or without criteria nothing can be scored, so nothing is complete.
            complete=bool(needed) and len(cells) == needed,
            missing=needed - len(cells),
            missing_reviewer_ids=frozenset(r for r in panel if done.get(r, 0) < len(criteria)),
        )
        if result.complete:
            n = len(panel)
            total = 0
            for criterion in criteria:
                score_sum = sum(cells[(criterion.pk, r)] for r in panel)
                result.means[criterion.pk] = _hundredths(_round_half_up(score_sum * CENTS, n))
                total += weight_cents(criterion.weight) * score_sum
            result.points = _hundredths(_round_half_up(total, n))
        else:
            result.means = dict.fromkeys(criterion_ids)
        results.append(result)
    ranked = sorted(
        (r for r in results if r.points is not None),
        key=lambda r: (-r.points, sort_name(r.bid)),
    )
    for position, result in enumerate(ranked):
        if position and ranked[position - 1].points == result.points:
            result.rank = ranked[position - 1].rank
        else:
            result.rank = position + 1
    counts: dict[Decimal, int] = {}
    for result in ranked:
        counts[result.points] = counts.get(result.points, 0) + 1
    for result in ranked:
        result.tied = counts[result.points] > 1
    unranked = sorted((r for r in results if r.points is None), key=lambda r: sort_name(r.bid))
    return ranked + unranked
