"""Factories for funding records, written directly (service tests create theirs via services)."""

import datetime as dt
from decimal import Decimal

import factory

from durchstarten.funding.models import (
    BudgetLine,
    Expenditure,
    ExpenditureCategory,
    Grant,
    OwnShare,
    OwnShareSource,
    PassThroughContract,
)
from durchstarten.organisation.models import Module
from tests.factories import DistrictFactory, ProviderFactory


class GrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Grant

    district = factory.SubFactory(DistrictFactory)
    module = Module.COACHING
    year = 2026
    funding_authority = "Bezirksregierung Arnsberg"
    notice_reference = factory.Sequence(lambda n: f"36.2-DS-{n:04d}")
    notice_date = dt.date(2026, 1, 15)
    period_from = dt.date(2026, 1, 1)
    period_to = dt.date(2026, 12, 31)
    approved_amount = Decimal("80000.00")
    eligible_costs = Decimal("100000.00")


class OwnShareFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OwnShare

    grant = factory.SubFactory(GrantFactory)
    district = factory.SelfAttribute("grant.district")
    amount = Decimal("20000.00")
    source = OwnShareSource.INTEGRATION_LUMP_SUM
    description = "Integrationspauschale 2026"


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PassThroughContract

    grant = factory.SubFactory(GrantFactory)
    district = factory.SelfAttribute("grant.district")
    provider = factory.LazyAttribute(lambda o: ProviderFactory(district=o.grant.district))
    amount = Decimal("40000.00")
    fte = Decimal("1.00")
    period_from = factory.SelfAttribute("grant.period_from")
    period_to = factory.SelfAttribute("grant.period_to")


class BudgetLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetLine

    grant = factory.SubFactory(GrantFactory)
    district = factory.SelfAttribute("grant.district")
    category = ExpenditureCategory.PERSONNEL
    planned_amount = Decimal("60000.00")


class ExpenditureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Expenditure

    grant = factory.SubFactory(GrantFactory)
    district = factory.SelfAttribute("grant.district")
    category = ExpenditureCategory.PERSONNEL
    spent_on = dt.date(2026, 3, 31)
    amount = Decimal("1000.00")
    receipt_reference = factory.Sequence(lambda n: f"B-{n:05d}")
