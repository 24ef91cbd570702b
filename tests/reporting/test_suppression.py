import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from durchstarten.reporting.suppression import (
    BELOW_THRESHOLD_TEXT,
    LOCKED_TEXT,
    Cell,
    Reason,
    Relation,
    rate,
    suppress,
    total_relation,
)

TOTAL = "total"


def table(rows, *, row_totals=False):
    """Values, relations and margins of a grid whose columns (and rows) add up to totals.

    Keys are (row, column); the total row is TOTAL, the total column too.
    """
    width = len(rows[0])
    values = {}
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            values[(r, c)] = value
        if row_totals:
            values[(r, TOTAL)] = sum(row)
    for c in range(width):
        values[(TOTAL, c)] = sum(row[c] for row in rows)
    if row_totals:
        values[(TOTAL, TOTAL)] = sum(map(sum, rows))
    columns = [*range(width), *([TOTAL] if row_totals else [])]
    relations = [total_relation([(r, c) for r in range(len(rows))], (TOTAL, c)) for c in columns]
    if row_totals:
        relations += [
            total_relation([(r, c) for c in range(width)], (r, TOTAL))
            for r in [*range(len(rows)), TOTAL]
        ]
    margins = [key for key in values if TOTAL in key]
    return values, relations, margins


def shown(cells):
    return {key: cell.text for key, cell in cells.items()}


def secondary(cells):
    return {key for key, cell in cells.items() if cell.reason == Reason.SECONDARY}


# --- Examples ------------------------------------------------------------------------------------


def test_it_suppresses_one_to_four_persons_and_shows_zero():
    cells = suppress({"a": 0, "b": 1, "c": 4, "d": 5}, [])
    assert shown(cells) == {"a": "0", "b": "< 5", "c": "< 5", "d": "5"}
    assert cells["b"] == Cell(None, Reason.PRIMARY, below_threshold=True)
    assert cells["d"] == Cell(5)


def test_it_leaves_a_table_without_small_counts_alone():
    values, relations, margins = table([[10, 0], [20, 7]], row_totals=True)
    cells = suppress(values, relations, margins=margins)
    assert all(not cell.suppressed for cell in cells.values())
    assert {key: cell.value for key, cell in cells.items()} == values


def test_it_suppresses_the_smallest_other_cell_of_the_column():
    values, relations, margins = table([[3, 10], [20, 30], [7, 40]])
    cells = suppress(values, relations, margins=margins)
    assert secondary(cells) == {(2, 0)}
    assert cells[(0, 0)].text == BELOW_THRESHOLD_TEXT
    # 7 is not below 5: writing "< 5" would be false.
    assert cells[(2, 0)].text == LOCKED_TEXT
    assert cells[(TOTAL, 0)].value == 30


def test_it_passes_over_zeros():
    # An empty cell often follows from another figure; it would not protect the 3.
    values, relations, margins = table([[3], [0], [20], [30]])
    cells = suppress(values, relations, margins=margins)
    assert secondary(cells) == {(2, 0)}


def test_it_keeps_a_part_from_pinning_down_what_it_cannot_exceed():
    # Module 1 (column 1) is part of "new measures" (column 0). District 1's module 1 (5)
    # hides district 0's 3; but it cannot exceed the 5 in new measures, so it is 5, and the
    # 3 would follow from the total. Another cell of the column must go too (that the 5 is
    # known does no harm).
    rows = [[20, 3], [5, 5], [30, 9]]
    values, relations, margins = table(rows)
    at_most = [((r, 1), (r, 0)) for r in (0, 1, 2, TOTAL)]
    cells = suppress(values, relations, margins=margins, at_most=at_most)
    assert secondary(cells) == {(1, 1), (2, 1)}
    assert suppress(values, relations, margins=margins) != cells


def test_it_needs_nothing_more_when_a_column_has_two_small_counts():
    values, relations, margins = table([[2], [3], [20]])
    cells = suppress(values, relations, margins=margins)
    assert secondary(cells) == set()
    assert shown(cells) == {(0, 0): "< 5", (1, 0): "< 5", (2, 0): "20", (TOTAL, 0): "25"}


def test_it_adds_a_cell_when_two_small_counts_can_only_be_four_each():
    # 4 + 4 = 58 − 50: both "< 5" cells would have to be 4.
    values, relations, margins = table([[4], [4], [20], [30]])
    cells = suppress(values, relations, margins=margins)
    assert secondary(cells) == {(2, 0)}


def test_it_suppresses_the_total_when_no_other_cell_is_left():
    values, relations, margins = table([[4], [4]])
    cells = suppress(values, relations, margins=margins)
    assert secondary(cells) == {(TOTAL, 0)}
    assert cells[(TOTAL, 0)].text == LOCKED_TEXT


def test_it_suppresses_a_total_below_five():
    values, relations, margins = table([[1], [0], [2]])
    cells = suppress(values, relations, margins=margins)
    assert cells[(TOTAL, 0)].reason == Reason.PRIMARY
    assert secondary(cells) == set()


def test_it_protects_against_placed_being_new_plus_regular_minus_both():
    # Columns placed, new, regular, both; placed = new + regular − both in every row.
    rows = [[20, 15, 8, 3], [30, 25, 10, 5]]
    values, relations, margins = table(rows)
    relations += [
        Relation((((r, 0), 1), ((r, 1), -1), ((r, 2), -1), ((r, 3), 1))) for r in (0, 1, TOTAL)
    ]
    cells = suppress(values, relations, margins=margins)
    assert cells[(0, 3)].reason == Reason.PRIMARY
    # Both in row 0 (else "both" = new + regular − placed) and in column "both".
    assert secondary(cells) == {(0, 2), (1, 3), (1, 2)}


def test_it_hides_a_cell_that_a_combination_of_rows_and_columns_gives():
    # Each row and column has two suppressed cells, but cell (1, 2) bridges two cycles: the
    # sum over rows 0 and 1 of the columns 0 and 1 fixes it.
    rows = [
        [3, 3, 50, 60],
        [3, 3, 3, 60],
        [60, 60, 3, 3],
        [60, 60, 3, 3],
    ]
    values, relations, margins = table(rows, row_totals=True)
    cells = suppress(values, relations, margins=margins)
    assert cells[(1, 2)].suppressed
    assert len(secondary(cells)) >= 1
    assert not _exposed(values, relations, cells)


def test_it_is_deterministic():
    values, relations, margins = table([[3, 9, 7], [8, 1, 12], [6, 10, 2]], row_totals=True)
    first = suppress(values, relations, margins=margins)
    assert all(suppress(values, relations, margins=margins) == first for _ in range(3))


def test_it_refuses_negative_counts_and_relations_the_values_break():
    with pytest.raises(ValueError, match="negative"):
        suppress({"a": -1}, [])
    with pytest.raises(ValueError, match="satisfy"):
        suppress({"a": 1, "b": 2}, [total_relation(["a"], "b")])
    with pytest.raises(ValueError, match="exceeds"):
        suppress({"a": 2, "b": 1}, [], at_most=[("a", "b")])
    with pytest.raises(ValueError, match="coefficients"):
        Relation((("a", 2),))


def test_it_suppresses_a_rate_with_a_suppressed_part():
    shown_cell, hidden_cell = Cell(40), Cell(None, Reason.PRIMARY, below_threshold=True)
    assert rate(shown_cell, Cell(50), 0.8).value == 0.8
    assert rate(hidden_cell, shown_cell, 0.075).suppressed
    assert rate(shown_cell, Cell(None, Reason.SECONDARY), 0.5) == rate(hidden_cell, hidden_cell, 1)
    assert rate(shown_cell, Cell(0), None).value is None


# --- Properties ----------------------------------------------------------------------------------


def _bounds(cell: Cell, cap: int) -> range:
    """What the table states about a withheld value: "< 5" is 0–4, "x" is 5 or more."""
    return range(0, 5) if cell.below_threshold else range(5, cap + 1)


def _exposed(values, relations, cells) -> list:
    """Cells withheld for being 1–4 that every table consistent with what is shown gives the
    same value    (search over all such tables; values capped, which can only make it stricter)."""
    hidden = [key for key, cell in cells.items() if cell.suppressed]
    cap = max(values.values()) + 5
    domains = {key: _bounds(cells[key], cap) for key in hidden}
    known = {key: cell.value for key, cell in cells.items() if not cell.suppressed}

    def feasible(assigned):
        for relation in relations:
            total, low, high = 0, 0, 0
            for key, c in relation.terms:
                if key in known or key in assigned:
                    total += c * known.get(key, assigned.get(key))
                else:
                    ends = (c * domains[key][0], c * domains[key][-1])
                    low, high = low + min(ends), high + max(ends)
            if not low <= -total <= high:
                return False
        return True

    def solve(assigned, rest):
        if not feasible(assigned):
            return False
        if not rest:
            return True
        key, *others = rest
        return any(solve({**assigned, key: v}, others) for v in domains[key])

    exposed = []
    for key in (k for k in hidden if cells[k].reason == Reason.PRIMARY):
        others = [k for k in hidden if k != key]
        alternatives = (v for v in domains[key] if v != values[key])
        if not any(solve({key: v}, others) for v in alternatives):
            exposed.append(key)
    return exposed


counts = st.one_of(st.integers(0, 6), st.integers(0, 40))


@st.composite
def grids(draw, max_rows=5, max_columns=4):
    height = draw(st.integers(1, max_rows))
    width = draw(st.integers(1, max_columns))
    return [[draw(counts) for _ in range(width)] for _ in range(height)]


@given(rows=grids(), row_totals=st.booleans())
@settings(max_examples=300, deadline=None)
def test_it_never_shows_one_to_four_and_keeps_what_it_shows(rows, row_totals):
    values, relations, margins = table(rows, row_totals=row_totals)
    cells = suppress(values, relations, margins=margins)
    for key, cell in cells.items():
        if cell.suppressed:
            assert cell.value is None
            assert cell.below_threshold == (values[key] < 5)
        else:
            assert not 1 <= cell.value <= 4
            assert cell.value == values[key]
    assert suppress(values, relations, margins=margins) == cells


@given(rows=grids(), row_totals=st.booleans())
@settings(max_examples=300, deadline=None)
def test_it_never_leaves_a_single_suppressed_cell_next_to_a_visible_total(rows, row_totals):
    values, relations, margins = table(rows, row_totals=row_totals)
    cells = suppress(values, relations, margins=margins)
    for relation in relations:
        *parts, (total, _) = relation.terms
        if not cells[total].suppressed:
            hidden = sum(1 for key, _ in parts if cells[key].suppressed)
            assert hidden == 0 or hidden >= 2, (relation, shown(cells))


@given(rows=grids(max_rows=3, max_columns=3), row_totals=st.booleans())
@settings(max_examples=250, deadline=None)
def test_it_leaves_no_suppressed_cell_that_a_reader_can_work_out(rows, row_totals):
    values, relations, margins = table(
        [[min(v, 20) for v in row] for row in rows], row_totals=row_totals
    )
    cells = suppress(values, relations, margins=margins)
    assert not _exposed(values, relations, cells), shown(cells)


@given(rows=grids(max_rows=6, max_columns=1))
@settings(max_examples=200, deadline=None)
def test_it_suppresses_only_what_a_single_column_needs(rows):
    values, relations, margins = table(rows)
    cells = suppress(values, relations, margins=margins)
    column = [row[0] for row in rows]
    small = [index for index, value in enumerate(column) if 1 <= value <= 4]
    if not small:
        assert not any(cell.suppressed for cell in cells.values())
    elif len(small) == 1 and not 1 <= values[(TOTAL, 0)] <= 4:
        others = [(value, index) for index, value in enumerate(column) if index not in small]
        extra = secondary(cells)
        # Exactly one more: the smallest other cell, zeros only if nothing else is left.
        assert extra == {(min(others, key=lambda o: (o[0] == 0, o))[1], 0)}


def test_the_exposure_search_finds_a_lonely_cell():
    values, relations, _margins = table([[3], [20]])
    cells = {key: Cell(value) for key, value in values.items()}
    cells[(0, 0)] = Cell(None, Reason.PRIMARY, below_threshold=True)
    assert _exposed(values, relations, cells) == [(0, 0)]


def test_the_exposure_search_accepts_two_ambiguous_cells():
    values, relations, _margins = table([[3], [2], [20]])
    cells = {key: Cell(value) for key, value in values.items()}
    for key in ((0, 0), (1, 0)):
        cells[key] = Cell(None, Reason.PRIMARY, below_threshold=True)
    assert _exposed(values, relations, cells) == []
