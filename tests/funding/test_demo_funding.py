"""The demo money: keeps the rules, shows each kind of warning, and can be seeded again."""

import datetime as dt
from decimal import Decimal

import pytest

from durchstarten.core.models import User
from durchstarten.funding import selectors
from durchstarten.funding.models import BudgetLine, Expenditure, Grant, OwnShare
from durchstarten.funding.money import own_share_limit
from durchstarten.organisation.models import District
from durchstarten.seeding.demo import seed_demo
from durchstarten.seeding.demo_funding import seed_demo_funding

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def demo(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    seed_demo(with_cases=False)
    return {district.ags: district for district in District.objects.all()}


def _counts():
    return [m.objects.count() for m in (Grant, OwnShare, BudgetLine, Expenditure)]


def test_it_seeds_money_that_keeps_the_rules(demo):
    seed_demo_funding(demo, today=TODAY)
    assert Grant.objects.count() == 4
    coordinator = User.objects.get(username="koordination")
    for ags in ("05754000", "05758000"):
        summary = selectors.year_summary(coordinator, demo[ags], 2026, today=TODAY)
        for figures in summary.grants:
            assert figures.own_share <= own_share_limit(figures.eligible)
            assert figures.contracted <= figures.funds
            assert figures.spent <= figures.funds
    assert not Expenditure.objects.filter(spent_on__gt=TODAY).exists()


def test_it_shows_an_expiry_and_a_budget_warning_in_guetersloh(demo):
    seed_demo_funding(demo, today=TODAY)
    coordinator = User.objects.get(username="koordination")
    summary = selectors.year_summary(coordinator, demo["05754000"], 2026, today=TODAY)
    assert sorted(w.kind for w in summary.warnings) == ["category", "expiry"]
    assert summary.totals.spent == Decimal("204643.20") + Decimal("71500.00") + Decimal("1621.40")


def test_it_pays_every_contract_exactly_by_the_end_of_the_year(demo):
    seed_demo_funding(demo, today=dt.date(2027, 1, 15))
    for grant in Grant.objects.prefetch_related("contracts__expenditures"):
        for contract in grant.contracts.all():
            paid = sum(e.amount for e in contract.expenditures.all())
            assert paid == contract.amount


def test_it_can_be_seeded_again(demo):
    seed_demo_funding(demo, today=TODAY)
    before = _counts()
    seed_demo_funding(demo, today=TODAY)
    assert _counts() == before
    seed_demo_funding(demo, today=TODAY + dt.timedelta(days=40))
    assert _counts()[:3] == before[:3]
    assert _counts()[3] > before[3]  # November's payments are due by then
