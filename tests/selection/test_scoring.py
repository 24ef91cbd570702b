"""The result and the ranking of bids (selection.scoring), without a database."""

import uuid
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from durchstarten.selection.scoring import ScoreEntry, rank_bids


@dataclass(frozen=True)
class FakeBid:
    pk: int
    provider: str
    public_id: uuid.UUID


@dataclass(frozen=True)
class FakeCriterion:
    pk: int
    weight: Decimal


def _bids(*names):
    return [
        FakeBid(pk=i + 1, provider=name, public_id=uuid.UUID(int=i + 1))
        for i, name in enumerate(names)
    ]


def _entries(table):
    """{(bid, criterion, reviewer): value} -> ScoreEntry list."""
    return [ScoreEntry(b, c, r, v) for (b, c, r), v in table.items()]


CRITERIA = [FakeCriterion(1, Decimal("60")), FakeCriterion(2, Decimal("40"))]


def test_it_computes_the_weighted_result_exactly():
    bids = _bids("Träger A")
    scores = {(1, 1, 10): 8, (1, 1, 11): 7, (1, 2, 10): 5, (1, 2, 11): 6}
    [result] = rank_bids(bids, CRITERIA, [10, 11], _entries(scores))
    # 60 × 7.5 + 40 × 5.5 = 450 + 220
    assert result.points == Decimal("670.00")
    assert result.means == {1: Decimal("7.50"), 2: Decimal("5.50")}
    assert (result.rank, result.tied, result.complete) == (1, False, True)


def test_it_rounds_once_at_the_end_half_up():
    criteria = [FakeCriterion(1, Decimal("33.33")), FakeCriterion(2, Decimal("66.67"))]
    bids = _bids("Träger A")
    scores = {
        (1, 1, 10): 1,
        (1, 1, 11): 0,
        (1, 1, 12): 0,
        (1, 2, 10): 0,
        (1, 2, 11): 0,
        (1, 2, 12): 0,
    }
    [result] = rank_bids(bids, criteria, [10, 11, 12], _entries(scores))
    # 33.33 × 1/3 = 11.11 exactly; 33.33 × 0.33 (a rounded mean) would give 11.00.
    assert result.points == Decimal("11.11")
    assert result.means[1] == Decimal("0.33")


def test_it_rounds_a_half_hundredth_up():
    criteria = [FakeCriterion(1, Decimal("0.01")), FakeCriterion(2, Decimal("99.99"))]
    bids = _bids("Träger A")
    scores = {(1, 1, 10): 1, (1, 1, 11): 0, (1, 2, 10): 0, (1, 2, 11): 0}
    [result] = rank_bids(bids, criteria, [10, 11], _entries(scores))
    # 0.01 × 0.5 = 0.005 -> 0.01
    assert result.points == Decimal("0.01")


def test_it_gives_tied_bids_the_same_rank_and_orders_them_by_name():
    bids = _bids("Zeta gGmbH", "alpha e. V.", "Mitte gGmbH")
    scores = {}
    for bid, value in ((1, 9), (2, 9), (3, 4)):
        for criterion in (1, 2):
            scores[(bid, criterion, 10)] = value
    results = rank_bids(bids, CRITERIA, [10], _entries(scores))
    assert [(r.bid.provider, r.rank, r.tied) for r in results] == [
        ("alpha e. V.", 1, True),
        ("Zeta gGmbH", 1, True),
        ("Mitte gGmbH", 3, False),
    ]
    assert [r.points for r in results] == [Decimal("900.00"), Decimal("900.00"), Decimal("400.00")]


def test_it_does_not_rank_a_bid_with_missing_scores():
    bids = _bids("Vollständig", "Lückenhaft")
    scores = {
        (1, 1, 10): 5,
        (1, 2, 10): 5,
        (1, 1, 11): 5,
        (1, 2, 11): 5,
        (2, 1, 10): 10,
        (2, 2, 10): 10,
        (2, 1, 11): 10,
    }
    complete, incomplete = rank_bids(bids, CRITERIA, [10, 11], _entries(scores))
    assert (complete.bid.provider, complete.rank, complete.points) == (
        "Vollständig",
        1,
        Decimal("500.00"),
    )
    assert incomplete.bid.provider == "Lückenhaft"
    assert (incomplete.complete, incomplete.points, incomplete.rank) == (False, None, None)
    assert incomplete.missing == 1
    assert incomplete.missing_reviewer_ids == {11}


def test_it_ignores_scores_of_people_outside_the_panel():
    bids = _bids("Träger A")
    scores = {(1, 1, 10): 4, (1, 2, 10): 4, (1, 1, 99): 10, (1, 2, 99): 10}
    [result] = rank_bids(bids, CRITERIA, [10], _entries(scores))
    assert result.points == Decimal("400.00")


def test_it_ranks_nothing_without_a_panel_or_criteria():
    bids = _bids("Träger A")
    assert not rank_bids(bids, CRITERIA, [], [])[0].complete
    assert not rank_bids(bids, [], [10], [])[0].complete


# --- Property: order of entry does not matter; an independent computation agrees -----------


def independent_points(criteria, reviewers, cells) -> Decimal:
    """The definition, stated once more with fractions: Σ weight × mean, rounded half up."""
    exact = sum(
        Fraction(c.weight) * Fraction(sum(cells[(c.pk, r)] for r in reviewers), len(reviewers))
        for c in criteria
    )
    hundredths = exact * 100
    floor = hundredths.numerator // hundredths.denominator
    rounded = floor + (1 if hundredths - floor >= Fraction(1, 2) else 0)
    return Decimal(rounded).scaleb(-2)


weights = st.lists(st.integers(min_value=1, max_value=10_000), min_size=1, max_size=4).map(
    lambda cents: [Decimal(c) / 100 for c in cents]
)


@st.composite
def scenarios(draw):
    criterion_weights = draw(weights)
    criteria = [FakeCriterion(i + 1, w) for i, w in enumerate(criterion_weights)]
    reviewers = list(range(100, 100 + draw(st.integers(min_value=1, max_value=4))))
    names = draw(
        st.lists(st.sampled_from(["Alpha", "Beta", "beta", "Gamma"]), min_size=1, max_size=5)
    )
    bids = _bids(*names)
    table = {}
    for bid in bids:
        # Some bids lack a score now and then: they must stay unranked.
        for criterion in criteria:
            for reviewer in reviewers:
                if draw(st.integers(min_value=0, max_value=19)) == 0:
                    continue
                table[(bid.pk, criterion.pk, reviewer)] = draw(
                    st.integers(min_value=0, max_value=10)
                )
    return criteria, reviewers, bids, table


@settings(max_examples=300, deadline=None)
@given(scenarios(), st.randoms(use_true_random=False))
def test_ranking_is_invariant_to_entry_order_and_matches_the_definition(scenario, random):
    criteria, reviewers, bids, table = scenario
    entries = _entries(table)
    shuffled = list(entries)
    random.shuffle(shuffled)
    shuffled_bids = list(bids)
    random.shuffle(shuffled_bids)

    first = rank_bids(bids, criteria, reviewers, entries)
    second = rank_bids(shuffled_bids, criteria, list(reversed(reviewers)), shuffled)
    summary = [(r.bid.pk, r.points, r.rank, r.tied, r.complete) for r in first]
    assert summary == [(r.bid.pk, r.points, r.rank, r.tied, r.complete) for r in second]

    expected = {}
    for bid in bids:
        cells = {(c, r): v for (b, c, r), v in table.items() if b == bid.pk}
        if len(cells) == len(criteria) * len(reviewers):
            expected[bid.pk] = independent_points(criteria, reviewers, cells)
    assert {r.bid.pk: r.points for r in first if r.complete} == expected
    assert all(r.points is None for r in first if not r.complete)

    # Competition ranking: one more than the number of strictly better bids.
    for result in first:
        if result.complete:
            better = sum(1 for p in expected.values() if p > result.points)
            assert result.rank == better + 1
            assert result.tied == (list(expected.values()).count(result.points) > 1)
    ranked = [r for r in first if r.complete]
    assert ranked == first[: len(ranked)]
    keys = [(-r.points, str(r.bid.provider).casefold(), str(r.bid.public_id)) for r in ranked]
    assert keys == sorted(keys)
