"""The CSV cell sanitiser: no cell a spreadsheet could run as a formula."""

from hypothesis import given
from hypothesis import strategies as st

from durchstarten.offers.exports import FORMULA_STARTS, LEADING_BREAKS, _ignorable, neutralise


def _first_significant(text: str) -> str:
    return next((char for char in text if not _ignorable(char)), "")


@given(st.text())
def test_it_never_leaves_a_formula_start(text):
    cell = neutralise(text)
    assert _first_significant(cell) not in FORMULA_STARTS
    assert cell[:1] not in LEADING_BREAKS


@given(st.text())
def test_it_only_ever_prepends_an_apostrophe(text):
    cell = neutralise(text)
    assert cell in (text, "'" + text)


@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cf", "Zs", "Zl", "Zp"))))
def test_it_leaves_harmless_text_alone(text):
    if text[:1] not in FORMULA_STARTS and not text[:1].isspace():
        assert neutralise(text) == text


def test_it_neutralises_the_classic_payloads():
    assert neutralise("=1+1") == "'=1+1"
    assert neutralise("\t=cmd") == "'\t=cmd"
    assert neutralise("  @SUM(A1)") == "'  @SUM(A1)"
    assert neutralise("\u200b=HYPERLINK()") == "'\u200b=HYPERLINK()"
    assert neutralise("|calc") == "'|calc"
    assert neutralise("Integrationskurs") == "Integrationskurs"
    assert neutralise(12) == "12"
