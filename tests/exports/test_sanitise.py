"""Formula neutralisation in exported CSV and XLSX files (property tests).

A cell whose first character after any run of whitespace, control or invisible format
characters is = + - @ | (or which starts with a tab or carriage return) must reach the file
with a leading apostrophe; every other value must arrive unchanged.
"""

import csv
import io

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from durchstarten.exports.sanitise import (
    FORMULA_STARTS,
    IGNORABLE_CATEGORIES,
    is_dangerous,
    neutralise,
    restore,
)
from durchstarten.exports.writers import csv_lines, write_xlsx

INVISIBLE = st.characters(categories=tuple(IGNORABLE_CATEGORIES))
NAMED_INVISIBLE = st.sampled_from(["\u200b", "\ufeff", "\u00a0", " ", "\u2028", "\u2029", "\x00"])
HARMLESS_START = st.characters(exclude_categories=(*IGNORABLE_CATEGORIES, "Cs")).filter(
    lambda char: char not in FORMULA_STARTS
)
# XML cannot carry every control character, and XML parsers turn a lone CR into LF.
XML_SAFE = st.text(
    st.characters(exclude_categories=("Cs",)).filter(
        lambda char: not ILLEGAL_CHARACTERS_RE.match(char) and char != "\r"
    )
)
LOUD = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def dangerous(draw, tail=None):
    lead = draw(st.lists(st.one_of(INVISIBLE, NAMED_INVISIBLE), max_size=5))
    if draw(st.booleans()) and not lead:
        start = draw(st.sampled_from(["\t", "\r"]))
    else:
        start = draw(st.sampled_from(sorted(FORMULA_STARTS)))
    return "".join(lead) + start + draw(st.text() if tail is None else tail)


@st.composite
def harmless(draw, tail=None):
    lead = draw(st.lists(st.one_of(INVISIBLE, NAMED_INVISIBLE).filter(lambda c: c not in "\t\r")))
    return "".join(lead) + draw(HARMLESS_START) + draw(st.text() if tail is None else tail)


def _csv_cells(values: list[str]) -> list[str]:
    text = "".join(csv_lines(["Spalte"], [[value] for value in values]))
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:], newline=""), delimiter=";"))
    return [row[0] for row in rows[1:]]


def _xlsx_cells(values: list[str]) -> list[str]:
    target = io.BytesIO()
    write_xlsx(target, "Test", ["Spalte"], [[value] for value in values])
    target.seek(0)
    sheet = load_workbook(target, read_only=True).active
    return [row[0] or "" for row in sheet.iter_rows(min_row=2, values_only=True)]


@given(st.lists(dangerous(), min_size=1, max_size=10))
@example(["=1+1", "\t=cmd", "  @SUM(A1)", "\u200b=HYPERLINK()", "\ufeff-2", "\u00a0+3", "|calc"])
@LOUD
def test_it_neutralises_formulas_in_csv(values):
    assert _csv_cells(values) == ["'" + value for value in values]


@given(st.lists(harmless(), min_size=1, max_size=10))
@LOUD
def test_it_leaves_other_csv_values_unchanged(values):
    assert _csv_cells(values) == values


@given(st.lists(dangerous(tail=XML_SAFE), min_size=1, max_size=10))
@example(["=1+1", "\t=cmd", "\x01=cmd", "\u200b=HYPERLINK()", "\ufeff@x", "\u00a0|x", "-"])
@LOUD
def test_it_neutralises_formulas_in_xlsx(values):
    expected = ["'" + ILLEGAL_CHARACTERS_RE.sub("", value) for value in values]
    assert _xlsx_cells(values) == expected


@given(st.lists(harmless(tail=XML_SAFE).filter(lambda v: "\r" not in v), min_size=1, max_size=10))
@LOUD
def test_it_leaves_other_xlsx_values_unchanged(values):
    expected = [ILLEGAL_CHARACTERS_RE.sub("", value) for value in values]
    assert _xlsx_cells(values) == expected


@given(st.text())
def test_it_never_leaves_a_formula_start(text):
    cell = neutralise(text)
    assert not is_dangerous(cell)
    assert cell in (text, "'" + text)


@given(st.one_of(st.text(), dangerous(), harmless()))
def test_restore_gives_back_what_neutralise_was_given(text):
    # Except text that itself starts with an apostrophe before a formula: see restore().
    if not (text.startswith("'") and is_dangerous(text[1:])):
        assert restore(neutralise(text)) == text


def test_it_keeps_numbers_and_dates_typed():
    import datetime as dt

    target = io.BytesIO()
    write_xlsx(target, "Test", ["a", "b", "c"], [[-5, dt.date(2026, 1, 2), True]])
    target.seek(0)
    row = next(load_workbook(target).active.iter_rows(min_row=2, values_only=True))
    assert row[0] == -5 and row[1].date() == dt.date(2026, 1, 2) and row[2] is True
    text = "".join(csv_lines(["a", "b"], [[-5, dt.date(2026, 1, 2)]]))
    assert text.splitlines()[1] == "-5;02.01.2026"
