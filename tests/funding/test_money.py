"""Money arithmetic and its German spelling: exact decimals, half-up rounding, no floats."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from hypothesis import given
from hypothesis import strategies as st

from durchstarten.funding.forms import MoneyField, parse_amount
from durchstarten.funding.money import (
    format_eur,
    format_number,
    format_percent,
    money,
    own_share_limit,
    percent,
)

CENTS = st.integers(min_value=-(10**12) + 1, max_value=10**12 - 1)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("0"), "0,00 €"),
        (Decimal("0.5"), "0,50 €"),
        (Decimal("1"), "1,00 €"),
        (Decimal("999.99"), "999,99 €"),
        (Decimal("1000"), "1.000,00 €"),
        (Decimal("12345.67"), "12.345,67 €"),
        (Decimal("1234567.8"), "1.234.567,80 €"),
        (Decimal("9999999999.99"), "9.999.999.999,99 €"),
        (Decimal("-25000"), "-25.000,00 €"),
        (Decimal("-0.001"), "0,00 €"),
        (None, "0,00 €"),
        (5, "5,00 €"),
    ],
)
def test_it_formats_euros_the_german_way(value, text):
    assert format_eur(value) == text


@override_settings(USE_THOUSAND_SEPARATOR=False, LANGUAGE_CODE="en")
def test_it_formats_alike_whatever_the_localisation_settings():
    assert format_eur(Decimal("12345.67")) == "12.345,67 €"


@pytest.mark.parametrize(
    ("value", "rounded"),
    [
        (Decimal("0.005"), Decimal("0.01")),
        (Decimal("0.004"), Decimal("0.00")),
        (Decimal("2.675"), Decimal("2.68")),  # 2.675 as a float would round down
        (Decimal("-2.675"), Decimal("-2.68")),
        (Decimal("1.0049999"), Decimal("1.00")),
        ("19.999", Decimal("20.00")),
    ],
)
def test_it_rounds_half_up_to_cents(value, rounded):
    assert money(value) == rounded
    assert money(value).as_tuple().exponent == -2


def test_it_refuses_floats():
    with pytest.raises(TypeError):
        money(0.1)


def test_it_adds_tenths_and_fifths_exactly():
    assert money(Decimal("0.1") + Decimal("0.2")) == Decimal("0.30")
    assert sum([Decimal("0.10")] * 10, Decimal("0.00")) == Decimal("1.00")
    assert 0.1 + 0.2 != 0.3  # what floats would have done


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        (Decimal("1"), Decimal("3"), Decimal("33.3")),
        (Decimal("2"), Decimal("3"), Decimal("66.7")),
        (Decimal("0.05"), Decimal("100"), Decimal("0.1")),  # 0.05 % rounds half up
        (Decimal("0.04"), Decimal("100"), Decimal("0.0")),
        (Decimal("150"), Decimal("100"), Decimal("150.0")),
        (Decimal("1"), Decimal("0"), None),
    ],
)
def test_it_computes_percentages_with_one_place(part, whole, expected):
    assert percent(part, whole) == expected


def test_it_formats_percentages():
    assert format_percent(Decimal("45.3")) == "45,3 %"
    assert format_percent(Decimal("1234.5")) == "1.234,5 %"
    assert format_percent(None) == "–"


@pytest.mark.parametrize(
    ("eligible", "limit"),
    [
        (Decimal("100000.00"), Decimal("20000.00")),
        (Decimal("100000.05"), Decimal("20000.01")),
        # 20 % of 100.000,03 € is 20.000,006 €: 20.000,01 € would already be too much.
        (Decimal("100000.03"), Decimal("20000.00")),
        (Decimal("0.04"), Decimal("0.00")),
        (Decimal("0"), Decimal("0.00")),
    ],
)
def test_it_rounds_the_own_share_limit_down(eligible, limit):
    assert own_share_limit(eligible) == limit


@given(CENTS)
def test_it_spells_every_amount_so_that_it_reads_back(cents):
    value = Decimal(cents).scaleb(-2)
    text = format_eur(value)
    assert text.endswith(" €")
    assert Decimal(parse_amount(text)) == value


@given(st.integers(min_value=0, max_value=10**12 - 1))
def test_it_groups_thousands_with_dots(cents):
    whole = format_number(Decimal(cents).scaleb(-2)).split(",")[0]
    groups = whole.split(".")
    assert all(len(g) == 3 for g in groups[1:])
    assert 1 <= len(groups[0]) <= 3


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("12.345,67", Decimal("12345.67")),
        ("12345,67", Decimal("12345.67")),
        ("12345.67", Decimal("12345.67")),
        ("12.345", Decimal("12345")),
        ("1.234.567", Decimal("1234567")),
        ("  12 345,67 € ", Decimal("12345.67")),
        ("0,1", Decimal("0.1")),
    ],
)
def test_it_reads_amounts_as_people_type_them(typed, value):
    assert MoneyField().clean(typed) == value


@pytest.mark.parametrize("typed", ["zwölf", "1,2,3", "NaN", "Infinity", "12,345,67"])
def test_it_refuses_what_is_no_amount(typed):
    with pytest.raises(ValidationError) as error:
        MoneyField().clean(typed)
    assert error.value.messages == ["Bitte geben Sie einen Betrag in Euro an, z. B. 1.234,56."]


def test_it_refuses_fractions_of_cents():
    with pytest.raises(ValidationError):
        MoneyField().clean("1,005")
