"""The matching and gap-analysis selectors against straightforward implementations.

The selectors read offers as plain rows and count in SQL; the references here read model
instances one by one and count in Python, as the rules are written. Both run on the same
generated district (offers with every rule, served municipalities, full and free places,
people with statuses, outcomes, needs and places held) and must agree exactly: which offers,
in which order, with which checks, sentences, reasons and scores, and every gap cell.
"""

import datetime as dt
import random

import pytest
from django.db.models import Q

from durchstarten.cases.choices import (
    GERMAN_LEVEL_RANK,
    Gender,
    GermanLevel,
    Literacy,
    NeedCategory,
    NeedStatus,
    ResidenceStatusKind,
    Stage,
)
from durchstarten.cases.models import Need
from durchstarten.cases.rules import age_on, status_on
from durchstarten.core.scoping import forget_access
from durchstarten.offers import matching, selectors
from durchstarten.offers.choices import (
    PLACE_HOLDING,
    OfferCategory,
    OfferKind,
    OutcomeKind,
    ReferralState,
)
from durchstarten.offers.models import Offer, Outcome, Referral
from tests.factories import (
    MunicipalityFactory,
    OfferFactory,
    ParticipantFactory,
    ProviderFactory,
    ResidenceStatusFactory,
)

ON = dt.date(2026, 11, 22)
LEVELS = ["", "A1", "A2", "B1", "B2"]


def _day(rng: random.Random, low: int, high: int) -> dt.date:
    return ON + dt.timedelta(days=rng.randint(low, high))


def _district(rng: random.Random, district, *, offers: int = 70, people: int = 14):
    towns = [MunicipalityFactory(district=district, name=f"Kommune {i}") for i in range(4)]
    providers = [ProviderFactory(district=district, name=f"Träger {i}") for i in range(2)]
    providers[1].short_name = "T1"
    providers[1].save(update_fields=["short_name"])
    persons = []
    for i in range(people):
        person = ParticipantFactory(
            district=district,
            municipality=rng.choice([*towns, None]),
            stage=rng.choice([Stage.ACTIVE, Stage.ACTIVE, Stage.CONTACTED, Stage.EXITED]),
            date_of_birth=rng.choice([None, dt.date(1998 + i % 12, 1 + i % 12, 1 + i % 28)]),
            gender=rng.choice(Gender.values),
            german_level=rng.choice(GermanLevel.values),
            literacy=rng.choice(Literacy.values),
            languages=rng.sample(["de", "ar", "fa", "en", "tr"], rng.randint(0, 2)),
        )
        for _ in range(rng.randint(0, 2)):
            start = _day(rng, -700, 300)
            ResidenceStatusFactory(
                participant=person,
                kind=rng.choice(ResidenceStatusKind.values),
                valid_from=start,
                valid_until=rng.choice([None, start + dt.timedelta(days=rng.randint(30, 500))]),
            )
        if rng.random() < 0.4:
            start = _day(rng, -300, 200)
            Outcome.objects.create(
                participant=person,
                kind=rng.choice([OutcomeKind.TRAINING_DUAL, OutcomeKind.INTERNSHIP]),
                start_date=start,
                end_date=rng.choice([None, start + dt.timedelta(days=120)]),
            )
        for category in rng.sample(NeedCategory.values, rng.randint(0, 3)):
            person.needs.create(
                category=category,
                identified_on=ON,
                status=rng.choice([NeedStatus.OPEN, NeedStatus.IN_PROGRESS, NeedStatus.MET]),
            )
        persons.append(person)
    for i in range(offers):
        start = rng.choice([None, _day(rng, -200, 300)])
        end = None if start is None else start + dt.timedelta(days=rng.randint(0, 400))
        min_age = rng.choice([None, None, 16, 18, 21])
        provider = rng.choice([None, *providers])
        offer = OfferFactory(
            district=district,
            provider=provider,
            organiser="" if provider else f"VHS {i}",
            kind=OfferKind.INITIATIVE if provider else OfferKind.REGULAR,
            category=OfferCategory.COACHING if provider else OfferCategory.INTEGRATION_COURSE,
            module=2 if provider else None,
            # Every fifth title repeats: the excluded list's order must not depend on luck.
            title=f"Kurs {i % 5 if i % 5 == 0 else i}",
            start_date=start,
            end_date=end,
            capacity=rng.choice([None, 1, 2, 5]),
            languages=rng.sample(["de", "ar", "fa", "en"], rng.randint(0, 2)),
            women_only=rng.random() < 0.15,
            needs_covered=rng.sample(NeedCategory.values, rng.randint(0, 3)),
            allowed_statuses=rng.sample(ResidenceStatusKind.values, rng.randint(0, 3)),
            min_age=min_age,
            max_age=rng.choice([None, 27, 30]) if min_age is None or min_age <= 27 else None,
            requires_employment=rng.random() < 0.15,
            min_german_level=rng.choice(LEVELS),
            requires_literacy=rng.random() < 0.2,
            is_active=rng.random() < 0.9,
            municipalities=rng.sample(towns, rng.choice([0, 0, 1, 2])),
        )
        if offer.capacity is not None:
            for person in rng.sample(persons, rng.randint(0, offer.capacity + 1)):
                Referral.objects.create(
                    participant=person,
                    offer=offer,
                    district=district,
                    state=rng.choice(ReferralState.values),
                    proposed_on=ON - dt.timedelta(days=30),
                )
    return persons


# --- Matching ---------------------------------------------------------------------------


def _broken_rules(offer, profile, on) -> set[str]:
    """The rules an offer breaks, written out once more without matching's code."""
    broken = set()
    if offer.end_date is not None and offer.end_date < on:
        broken.add("period")
    if offer.allowed_statuses:
        status = status_on(profile.statuses, on)
        if status is None or status.kind not in offer.allowed_statuses:
            broken.add("status")
    if offer.min_age is not None or offer.max_age is not None:
        age = None if profile.date_of_birth is None else age_on(profile.date_of_birth, on)
        if (
            age is None
            or (offer.min_age is not None and age < offer.min_age)
            or (offer.max_age is not None and age > offer.max_age)
        ):
            broken.add("age")
    if offer.requires_employment and not profile.in_work_on(on):
        broken.add("employment")
    if offer.min_german_level and (
        profile.german_level not in GERMAN_LEVEL_RANK
        or GERMAN_LEVEL_RANK[profile.german_level] < GERMAN_LEVEL_RANK[offer.min_german_level]
    ):
        broken.add("german")
    if offer.requires_literacy and profile.literacy != Literacy.LATIN:
        broken.add("literacy")
    if offer.women_only and profile.gender != Gender.FEMALE:
        broken.add("women_only")
    return broken


def _expected_suggestions(participant, today):
    """Offer by offer from model instances: the verdict, score and reasons written out here,
    the rule sentences from matching.evaluate on the Offer (as the referral service does)."""
    profile = selectors.profile_for(participant)
    live = (
        Offer.objects.filter(district=participant.district, is_active=True)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .prefetch_related("municipalities")
    )
    eligible, excluded = [], []
    for offer in live:
        taken = offer.referrals.filter(state__in=PLACE_HOLDING).count()
        free = None if offer.capacity is None else max(offer.capacity - taken, 0)
        on = max(today, offer.start_date) if offer.start_date else today
        served = {m.pk for m in offer.municipalities.all()}
        covered = sorted(set(offer.needs_covered) & profile.open_needs)
        place = 2 if profile.municipality_id in served else 1 if not served else 0
        shared = bool(set(offer.languages) & profile.languages)
        reasons = [f"deckt den Bedarf „{NeedCategory(n).label}“" for n in covered]
        reasons.append(
            "ohne Platzbegrenzung"
            if free is None
            else f"{free} freie Plätze"
            if free
            else "ausgebucht – nur Warteliste"
        )
        reasons.append(
            [
                "in einer anderen Kommune des Kreises",
                "für den ganzen Kreis",
                "im Wohnort der Person",
            ][place]
        )
        reasons.append(f"Beginn {on:%d.%m.%Y}")
        if shared:
            reasons.append("in einer Sprache der Person")
        checks = matching.evaluate(offer, profile, today=today, free_places=free).checks
        assert {c.rule for c in checks if not c.passed} == _broken_rules(offer, profile, on)
        item = {
            "pk": offer.pk,
            "public_id": offer.public_id,
            "title": offer.title,
            "organiser": offer.organiser_name,
            "category": offer.get_category_display(),
            "places_taken": taken,
            "on": on,
            "checks": [(c.rule, c.passed, c.text) for c in checks],
            "reasons": reasons,
            "score": (len(covered), free is None or free > 0, place, -(on - today).days, shared),
        }
        (excluded if _broken_rules(offer, profile, on) else eligible).append(item)
    eligible.sort(key=lambda item: (item["score"], -item["pk"]), reverse=True)
    excluded.sort(key=lambda item: (item["title"], item["pk"]))
    return eligible, excluded


def _shown(evaluation) -> dict:
    offer = evaluation.offer
    return {
        "pk": offer.pk,
        "public_id": offer.public_id,
        "title": offer.title,
        "organiser": offer.organiser_name,
        "category": offer.get_category_display(),
        "places_taken": offer.places_taken,
        "on": evaluation.on,
        "checks": [(c.rule, c.passed, c.text) for c in evaluation.checks],
        "reasons": evaluation.reasons,
        "score": evaluation.score,
    }


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_it_suggests_exactly_what_the_rules_say_offer_by_offer(
    seed, district, django_assert_num_queries
):
    rng = random.Random(seed)  # noqa: S311 - test data
    persons = _district(rng, district)
    for person in persons:
        for today in (ON, ON + dt.timedelta(days=150)):
            with django_assert_num_queries(6):
                eligible, excluded = selectors.suggestions_for(person, today=today)
            assert eligible or excluded
            with django_assert_num_queries(0):  # the Offers shown need no further query
                shown = ([_shown(e) for e in eligible], [_shown(e) for e in excluded])
            assert shown == _expected_suggestions(person, today)


# --- Gap analysis -----------------------------------------------------------------------


def _expected_gaps(district, today):
    """Need by need and offer by offer, over model instances."""
    placed = set()
    for referral in Referral.objects.filter(district=district, state__in=PLACE_HOLDING):
        placed |= {(referral.participant_id, c) for c in referral.offer.needs_covered}
    demand: dict[tuple[int, str], int] = {}
    for need in Need.objects.select_related("participant"):
        person = need.participant
        if (
            person.district_id == district.pk
            and person.stage == Stage.ACTIVE
            and need.status in (NeedStatus.OPEN, NeedStatus.IN_PROGRESS)
            and (person.pk, need.category) not in placed
        ):
            key = (person.municipality_id, need.category)
            demand[key] = demand.get(key, 0) + 1
    towns = list(district.municipalities.order_by("name"))
    supply: dict[tuple[int, str], list] = {}
    for offer in Offer.objects.filter(district=district):
        if not offer.is_active or (offer.end_date is not None and offer.end_date < today):
            continue
        taken = offer.referrals.filter(state__in=PLACE_HOLDING).count()
        free = None if offer.capacity is None else max(offer.capacity - taken, 0)
        if free == 0:
            continue
        for town in list(offer.municipalities.all()) or towns:
            for category in offer.needs_covered:
                count, places = supply.get((town.pk, category), (0, 0))
                places = None if places is None or free is None else places + free
                supply[town.pk, category] = (count + 1, places)
    rows = []
    for town in towns:
        cells = []
        for category in NeedCategory.values:
            count, places = supply.get((town.pk, category), (0, 0))
            need = demand.get((town.pk, category), 0)
            unmet = 0 if places is None else max(need - places, 0)
            cells.append((category, need, count, places, unmet))
        rows.append((town.pk, cells))
    return rows


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_it_finds_the_same_gaps_as_counting_need_by_need(
    seed, district, coordinator, django_assert_num_queries
):
    rng = random.Random(seed)  # noqa: S311 - test data
    _district(rng, district, people=30)
    for today in (ON, ON + dt.timedelta(days=150)):
        forget_access(coordinator)  # as in a request: the access is read once per request
        with django_assert_num_queries(6):
            result = selectors.gap_analysis(coordinator, district, today=today)
        got = [
            (
                row["municipality"].pk,
                [
                    (
                        c["category"].value,
                        c["open_needs"],
                        c["offers"],
                        c["free_places"],
                        c["unmet"],
                    )
                    for c in row["cells"]
                ],
            )
            for row in result["rows"]
        ]
        assert got == _expected_gaps(district, today)
        assert any(cell[1] for _town, cells in got for cell in cells)
