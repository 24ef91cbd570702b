"""The data the benchmarks run on: the project's own synthetic generator, plus what a
benchmark needs beyond it (e.g. 10,000 offers in one district, see matching.py).

Everything is deterministic for a given seed, so two runs measure the same data.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef

from durchstarten.cases.choices import OPEN_NEED_STATUSES, Stage
from durchstarten.cases.models import Need, Participant, ResidenceStatus
from durchstarten.core.models import Membership, Role, User
from durchstarten.offers.models import Outcome
from durchstarten.organisation.models import District
from durchstarten.seeding.synthetic import seed_synthetic


@dataclass
class Base:
    district: District
    participants: int
    municipalities: int
    seconds: float


def seed_base(*, districts: int = 1, participants: int, seed: int, log=print) -> Base:
    """Synthetic districts with `participants` people in all (statuses, needs, outcomes,
    referrals …), written by `durchstarten seed --districts N --participants M --seed S`'s
    own code. The district the single-district benchmarks use is the largest one."""
    started = time.perf_counter()
    seed_synthetic(districts=districts, participants=participants, seed=seed, progress=log)
    district = (
        District.objects.annotate(people=Count("participants")).order_by("-people", "ags").first()
    )
    return Base(
        district=district,
        participants=Participant.objects.filter(district=district).count(),
        municipalities=district.municipalities.count(),
        seconds=time.perf_counter() - started,
    )


def pick_participant(district: District) -> Participant:
    """A person the matcher has something to say about: in the programme, living in a
    municipality, with a residence status, open needs and an outcome (preferably), the first
    such one by id (deterministic)."""
    base = Participant.objects.filter(
        district=district, stage=Stage.ACTIVE, municipality__isnull=False
    ).filter(
        Exists(ResidenceStatus.objects.filter(participant=OuterRef("pk"))),
        Exists(Need.objects.filter(participant=OuterRef("pk"), status__in=OPEN_NEED_STATUSES)),
    )
    with_outcome = base.filter(Exists(Outcome.objects.filter(participant=OuterRef("pk"))))
    participant = with_outcome.order_by("pk").first() or base.order_by("pk").first()
    if participant is None:
        raise RuntimeError("The synthetic district has no active participant with open needs.")
    return participant


def pick_coordinator(district: District) -> User:
    membership = (
        Membership.objects.filter(district=district, role=Role.COORDINATOR)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if membership is None:
        raise RuntimeError("The synthetic district has no coordinator.")
    return membership.user
