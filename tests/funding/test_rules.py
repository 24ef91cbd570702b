"""Warnings and figures: budget overrun, overspending, own-share expiry, exact sums."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from durchstarten.funding import rules, selectors
from durchstarten.funding.models import Expenditure, ExpenditureCategory
from tests.funding.factories import (
    BudgetLineFactory,
    ContractFactory,
    ExpenditureFactory,
    GrantFactory,
    OwnShareFactory,
)

TODAY = dt.date(2026, 11, 1)


@pytest.fixture
def grant(district):
    """80.000,00 € approved plus 20.000,00 € own share: 100.000,00 € to spend."""
    grant = GrantFactory(district=district)
    OwnShareFactory(grant=grant, amount=Decimal("20000.00"), use_by=None)
    return grant


def _summary(coordinator, grant, today=TODAY):
    return selectors.grant_summary(coordinator, grant, today=today)


def _kinds(summary) -> list[str]:
    return [w.kind for w in summary.warnings]


# --- Budget overrun -------------------------------------------------------------------------


def test_it_warns_when_a_category_is_overspent(coordinator, grant):
    BudgetLineFactory(grant=grant, category="travel", planned_amount=Decimal("1000.00"))
    ExpenditureFactory(grant=grant, category="travel", amount=Decimal("600.00"))
    ExpenditureFactory(grant=grant, category="travel", amount=Decimal("400.00"))
    summary = _summary(coordinator, grant)
    assert summary.warnings == []  # exactly as planned
    ExpenditureFactory(grant=grant, category="travel", amount=Decimal("0.01"))
    summary = _summary(coordinator, grant)
    assert [(w.level, w.text) for w in summary.warnings] == [
        (
            "warning",
            f"1 – Coaching (Az. {grant.notice_reference}): In der Ausgabenart „Reisekosten“ "
            "sind 1.000,01 € ausgegeben, geplant sind 1.000,00 € (0,01 € mehr).",
        )
    ]
    travel = next(c for c in summary.categories if c.category == "travel")
    assert (travel.planned, travel.spent, travel.remaining, travel.overrun) == (
        Decimal("1000.00"),
        Decimal("1000.01"),
        Decimal("-0.01"),
        True,
    )


def test_it_counts_an_unplanned_category_of_a_budgeted_grant_as_planned_at_zero(coordinator, grant):
    BudgetLineFactory(grant=grant, category="personnel", planned_amount=Decimal("90000.00"))
    ExpenditureFactory(grant=grant, category="fees", amount=Decimal("50.00"))
    summary = _summary(coordinator, grant)
    assert _kinds(summary) == ["category"]
    assert "„Honorare“" in summary.warnings[0].text


def test_it_does_not_warn_about_categories_without_a_budget(coordinator, grant):
    ExpenditureFactory(grant=grant, category="fees", amount=Decimal("50.00"))
    summary = _summary(coordinator, grant)
    assert summary.warnings == []
    assert not summary.has_budget
    fees = next(c for c in summary.categories if c.category == "fees")
    assert (fees.planned, fees.remaining, fees.overrun) == (None, None, False)


# --- Spending beyond the funds ----------------------------------------------------------------


def test_it_flags_spending_beyond_the_approved_amount_and_own_share(coordinator, grant):
    ExpenditureFactory(grant=grant, amount=Decimal("100000.00"))
    assert _summary(coordinator, grant).warnings == []
    ExpenditureFactory(grant=grant, amount=Decimal("250.00"))
    summary = _summary(coordinator, grant)
    [warning] = summary.warnings
    assert warning.level == "danger"
    assert warning.text == (
        f"1 – Coaching (Az. {grant.notice_reference}): Die Ausgaben (100.250,00 €) übersteigen "
        "den bewilligten Betrag zuzüglich Eigenanteil (100.000,00 €) um 250,00 €."
    )
    assert summary.figures.remaining == Decimal("-250.00")
    assert summary.figures.percent_spent == Decimal("100.3")


def test_it_puts_the_dangerous_warnings_first(coordinator, grant):
    BudgetLineFactory(grant=grant, category="travel", planned_amount=Decimal("0"))
    ExpenditureFactory(grant=grant, category="travel", amount=Decimal("5.00"))
    ExpenditureFactory(grant=grant, amount=Decimal("100000.00"))
    assert _kinds(_summary(coordinator, grant)) == ["overspent", "category", "category"]


# --- Expiry of own-share funds ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_ahead", "warned"),
    [(61, False), (60, True), (59, True), (1, True), (0, True), (-1, True)],
)
def test_it_warns_60_days_before_own_share_funds_expire(coordinator, district, days_ahead, warned):
    grant = GrantFactory(district=district)
    use_by = TODAY + dt.timedelta(days_ahead)
    OwnShareFactory(grant=grant, amount=Decimal("12000.00"), use_by=use_by)
    ExpenditureFactory(grant=grant, amount=Decimal("45900.00"))
    summary = _summary(coordinator, grant)
    assert _kinds(summary) == (["expiry"] if warned else [])


def test_it_says_how_long_the_funds_are_left_and_how_much_is_spent(coordinator, district):
    grant = GrantFactory(district=district)
    use_by = TODAY + dt.timedelta(days=60)
    OwnShareFactory(grant=grant, amount=Decimal("12000.00"), use_by=use_by)
    ExpenditureFactory(grant=grant, amount=Decimal("46000.00"))
    [warning] = _summary(coordinator, grant).warnings
    assert warning.text == (
        f"1 – Coaching (Az. {grant.notice_reference}): Der Eigenanteil aus "
        "„Integrationspauschale (§ 14c TIntG)“ (12.000,00 €) ist bis zum 31.12.2026 zu "
        "verwenden (noch 60 Tage); verausgabt sind erst 50,0 % der Mittel."
    )
    one_day = _summary(coordinator, grant, today=use_by - dt.timedelta(days=1)).warnings
    assert "(noch 1 Tag)" in one_day[0].text
    late = _summary(coordinator, grant, today=use_by + dt.timedelta(days=3)).warnings
    assert "ist am 31.12.2026 abgelaufen" in late[0].text


def test_it_does_not_warn_once_the_funds_are_spent(coordinator, district):
    grant = GrantFactory(district=district)
    OwnShareFactory(grant=grant, amount=Decimal("20000.00"), use_by=TODAY)
    ExpenditureFactory(grant=grant, amount=Decimal("99999.99"))
    assert _kinds(_summary(coordinator, grant)) == ["expiry"]
    ExpenditureFactory(grant=grant, amount=Decimal("0.01"))
    assert _summary(coordinator, grant).warnings == []


def test_it_leaves_out_sources_without_a_use_by_date(coordinator, grant):
    assert _summary(coordinator, grant).warnings == []


def test_the_expiry_rule_on_its_own():
    common = {
        "source": "Drittmittel",
        "amount": Decimal("1"),
        "spent": Decimal("0"),
        "funds": Decimal("10"),
        "percent_spent": Decimal("0"),
        "today": TODAY,
    }
    assert rules.expiry("G", use_by=None, **common) is None
    assert rules.expiry("G", use_by=TODAY + dt.timedelta(61), **common) is None
    assert rules.expiry("G", use_by=TODAY + dt.timedelta(60), **common) is not None
    assert "nur noch heute" in rules.expiry("G", use_by=TODAY, **common).text


# --- Exact sums -----------------------------------------------------------------------------


def test_it_adds_tenths_of_euros_exactly_in_the_database(coordinator, district):
    grant = GrantFactory(
        district=district, approved_amount=Decimal("0.30"), eligible_costs=Decimal("0.30")
    )
    ExpenditureFactory(grant=grant, amount=Decimal("0.10"))
    ExpenditureFactory(grant=grant, amount=Decimal("0.20"))
    figures = _summary(coordinator, grant).figures
    assert figures.spent == Decimal("0.30")
    assert figures.spent.as_tuple().exponent == -2
    assert figures.remaining == Decimal("0.00")
    assert figures.percent_spent == Decimal("100.0")
    assert not figures.overspent


def test_it_adds_many_cents_without_drift(coordinator, district):
    grant = GrantFactory(district=district)
    Expenditure.objects.bulk_create(
        Expenditure(
            grant=grant,
            district=district,
            category=ExpenditureCategory.MATERIAL,
            spent_on=dt.date(2026, 5, 1),
            amount=Decimal("0.01") if i % 2 else Decimal("1234567.89"),
        )
        for i in range(2000)
    )
    expected = Decimal("0.01") * 1000 + Decimal("1234567.89") * 1000
    summary = selectors.year_summary(coordinator, district, 2026, today=TODAY)
    assert summary.totals.spent == expected == Decimal("1234567900.00")
    material = next(c for c in summary.categories if c.category == "material")
    assert material.spent == expected


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.integers(min_value=1, max_value=99_999_999), min_size=1, max_size=12))
def test_the_database_sums_equal_the_exact_decimal_sums(coordinator, district, cents):
    grant = GrantFactory(district=district)
    amounts = [Decimal(c).scaleb(-2) for c in cents]
    for amount in amounts:
        ExpenditureFactory(grant=grant, amount=amount, category="other")
    contract = ContractFactory(grant=grant, amount=amounts[0])
    summary = _summary(coordinator, grant)
    assert summary.figures.spent == sum(amounts, Decimal("0.00"))
    assert summary.figures.contracted == amounts[0]
    assert summary.contracts[0].contract == contract
    assert summary.figures.remaining == Decimal("80000.00") - sum(amounts)
    Expenditure.objects.filter(grant=grant).delete()
    contract.delete()
    grant.delete()
