"""Factories of the provider selection (records written directly, without the services)."""

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from durchstarten.organisation.models import Module
from durchstarten.selection.models import Bid, Call, CallStatus, Criterion, Score
from tests.factories import DistrictFactory, ProviderFactory, UserFactory


def _today() -> dt.date:
    return timezone.localdate()


class CallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Call
        skip_postgeneration_save = True

    district = factory.SubFactory(DistrictFactory)
    module = Module.COACHING
    title = factory.Sequence(lambda n: f"Interessenbekundung Coaching {n}")
    valid_from = factory.LazyFunction(lambda: _today() + dt.timedelta(days=120))
    valid_until = factory.LazyFunction(lambda: _today() + dt.timedelta(days=120 + 3 * 365))
    deadline = factory.LazyFunction(lambda: _today() + dt.timedelta(days=30))
    status = CallStatus.DRAFT

    @factory.post_generation
    def municipalities(self, create, extracted, **kwargs):
        if create and extracted:
            self.municipalities.set(extracted)

    @factory.post_generation
    def reviewers(self, create, extracted, **kwargs):
        if create and extracted:
            self.reviewers.set(extracted)


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    call = factory.SubFactory(CallFactory)
    name = factory.Sequence(lambda n: f"Kriterium {n}")
    weight = Decimal("50")


class BidFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Bid
        skip_postgeneration_save = True

    call = factory.SubFactory(CallFactory)
    provider = factory.LazyAttribute(lambda o: ProviderFactory(district=o.call.district))
    received_on = factory.LazyAttribute(lambda o: min(o.call.deadline, _today()))
    proposed_fte = Decimal("1.50")
    recorded_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def municipalities(self, create, extracted, **kwargs):
        if create and extracted:
            self.municipalities.set(extracted)


class ScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Score

    bid = factory.SubFactory(BidFactory)
    criterion = factory.SubFactory(CriterionFactory)
    reviewer = factory.SubFactory(UserFactory)
    value = 5


def score_bid(bid, values: dict) -> None:
    """values: {(reviewer, criterion name): points}"""
    criteria = {c.name: c for c in bid.call.criteria.all()}
    for (reviewer, name), value in values.items():
        Score.objects.create(bid=bid, criterion=criteria[name], reviewer=reviewer, value=value)


def score_evenly(bid, reviewers, value: int) -> None:
    score_bid(bid, {(r, c.name): value for r in reviewers for c in bid.call.criteria.all()})
