"""Synthetic offers, referrals and outcomes at scale, written in bulk (no services).

Offers: about one per hundred participants of a district, at least `MIN_OFFERS_PER_DISTRICT`,
of the three kinds in realistic proportions, with the same kind of rules as the demo offers.
They are written with `bulk_create` before the cases (a few thousand rows).

Referrals and outcomes are drawn per person while the case rows are generated (see
`synthetic_cases._emit`) and keep the rules the services enforce: only for people who entered
(with consent to case work on the day of the proposal), only into offers the person is
eligible for on the day it would start (status, age, German, literacy, women only, in work),
into offers of a provider only with an active, never withdrawn consent to share with that
provider (in the synthetic data: the coaching provider); accepted or started never more than
the offer's places (else the waiting list); dates ordered and never in the future, one
transition row per step.
"""

import datetime as dt
import random
import uuid
from dataclasses import dataclass, field

from django.db import transaction

from durchstarten.cases.choices import (
    GERMAN_LEVEL_RANK,
    ConsentPurpose,
    ExitReason,
    Gender,
    Literacy,
    NeedCategory,
    ResidenceStatusKind,
)
from durchstarten.cases.rules import age_on
from durchstarten.offers.choices import (
    CATEGORY_KIND,
    DeclinedBy,
    OfferCategory,
    OfferKind,
    OutcomeKind,
    ReferralState,
)
from durchstarten.offers.models import Offer, Outcome, Referral, ReferralTransition

MIN_OFFERS_PER_DISTRICT = 20
PARTICIPANTS_PER_OFFER = 100
PERIOD_START = dt.date(2026, 1, 1)
PERIOD_END = dt.date(2027, 12, 31)

N = NeedCategory
S = ResidenceStatusKind
C = OfferCategory
BAMF = (S.RESIDENCE_PERMIT.value, S.DULDUNG_TRAINING.value, S.DULDUNG_EMPLOYMENT.value)
NOT_ENTITLED = (S.GESTATTUNG.value, S.DULDUNG.value, S.OTHER.value)
IN_WORK_STATUSES = {
    S.DULDUNG_TRAINING.value: OutcomeKind.TRAINING_DUAL.value,
    S.DULDUNG_EMPLOYMENT.value: OutcomeKind.EMPLOYMENT_INSURED.value,
}


@dataclass(frozen=True)
class Template:
    category: str
    weight: float
    title: str
    module: int | None
    needs: tuple[str, ...]
    capacity: tuple[int, int] | None  # range, None: no limit
    months: int | None  # course length; None: rolling (join any time)
    schedule: str
    statuses: tuple[str, ...] = ()
    min_age: int | None = None
    max_age: int | None = None
    requires_employment: bool = False
    min_german_level: str = ""
    requires_literacy: bool = False
    women_only: bool = False
    childcare: bool = False


TEMPLATES = (
    Template(C.COACHING, 12, "Coaching Durchstarten", 1,
             (N.VOCATIONAL_ORIENTATION, N.TRAINING_PLACE, N.JOB, N.IN_WORK_SUPPORT), (60, 120),
             None, "Termine nach Vereinbarung", min_age=18, max_age=27),
    Template(C.IN_WORK_QUALIFICATION, 5, "Berufsbegleitende Sprachförderung", 2,
             (N.IN_WORK_SUPPORT, N.GERMAN), (10, 16), None, "Di und Do 17:00–19:15",
             min_age=18, max_age=27, requires_employment=True, min_german_level="B1"),
    Template(C.SCHOOL_CERTIFICATE_COURSE, 6, "Kurs Hauptschulabschluss 9/10A", 3,
             (N.SCHOOL_CERTIFICATE,), (10, 16), 10, "Mo–Do 08:30–13:00", min_age=18,
             max_age=27, min_german_level="A2", requires_literacy=True),
    Template(C.PREPARATION_COURSE, 9, "Jugendintegrationskurs (Baustein 4)", 4, (N.GERMAN,),
             (12, 18), 10, "Mo–Fr 09:00–13:15", statuses=NOT_ENTITLED, min_age=18, max_age=27,
             requires_literacy=True),
    Template(C.INNOVATION_PROJECT, 4, "Frauenprojekt mit Kinderbetreuung", 5,
             (N.GERMAN, N.VOCATIONAL_ORIENTATION, N.CHILDCARE), (8, 12), 11,
             "Mo, Mi, Do 09:00–12:30", min_age=18, max_age=27, women_only=True,
             childcare=True),
    Template(C.INTEGRATION_COURSE, 12, "Integrationskurs (allgemein)", None, (N.GERMAN,),
             (16, 22), 8, "Mo–Fr 08:30–12:45", statuses=BAMF, min_age=16,
             requires_literacy=True),
    Template(C.YOUTH_INTEGRATION_COURSE, 5, "Jugendintegrationskurs (BAMF)", None,
             (N.GERMAN, N.VOCATIONAL_ORIENTATION), (14, 20), 10, "Mo–Fr 09:00–13:15",
             statuses=BAMF, min_age=18, max_age=27, requires_literacy=True),
    Template(C.JOB_LANGUAGE_COURSE, 6, "Berufssprachkurs B2", None,
             (N.GERMAN, N.JOB, N.TRAINING_PLACE), (16, 22), 6, "Mo–Fr 13:30–17:45",
             statuses=BAMF, min_age=18, min_german_level="B1", requires_literacy=True),
    Template(C.LITERACY_COURSE, 5, "Alphabetisierungskurs", None, (N.LITERACY, N.GERMAN),
             (10, 14), 11, "Mo–Fr 08:30–12:45", min_age=16),
    Template(C.ASA_FLEX, 5, "Assistierte Ausbildung flexibel (AsA flex)", None,
             (N.IN_WORK_SUPPORT, N.TRAINING_PLACE), (20, 30), None,
             "Termine nach Vereinbarung", min_age=16, max_age=27, min_german_level="A2"),
    Template(C.BERUFSKOLLEG, 5, "Internationale Förderklasse", None,
             (N.GERMAN, N.SCHOOL_CERTIFICATE, N.VOCATIONAL_ORIENTATION), (18, 24), 10,
             "Mo–Fr 08:00–13:15", min_age=16, max_age=25),
    Template(C.PSYCHOSOCIAL_CENTRE, 4, "Psychosoziales Zentrum", None,
             (N.PSYCHOSOCIAL, N.HEALTH), (2, 6), None, "Erstgespräch nach Vereinbarung"),
    Template(C.DEBT_COUNSELLING, 3, "Schuldnerberatung", None, (N.DEBTS,), None, None,
             "offene Sprechstunde"),
    Template(C.LEGAL_ADVICE, 5, "Rechts- und Aufenthaltsberatung", None, (N.LEGAL,), None,
             None, "Termine nach Vereinbarung"),
    Template(C.MIGRATION_COUNSELLING, 4, "Jugendmigrationsdienst", None,
             (N.HOUSING, N.OTHER, N.LEGAL), None, None, "Termine nach Vereinbarung",
             max_age=27),
)  # fmt: skip
_TEMPLATE_WEIGHTS = [t.weight for t in TEMPLATES]
_ORGANISERS = {
    C.INTEGRATION_COURSE: "VHS {town}",
    C.YOUTH_INTEGRATION_COURSE: "VHS {town}",
    C.LITERACY_COURSE: "VHS {town}",
    C.JOB_LANGUAGE_COURSE: "Sprachkursträger {town}",
    C.ASA_FLEX: "Bildungsträger im Auftrag der Agentur für Arbeit",
    C.BERUFSKOLLEG: "Berufskolleg {town}",
    C.PSYCHOSOCIAL_CENTRE: "Psychosoziales Zentrum (regional)",
    C.DEBT_COUNSELLING: "Schuldnerberatung {town}",
    C.LEGAL_ADVICE: "Caritas Migrationsdienst",
    C.MIGRATION_COUNSELLING: "Jugendmigrationsdienst {town}",
}
_LANGUAGES = (("de",), ("de", "en"), ("de", "ar"), ("de", "ar", "fa"), ("de", "en", "fr"))
_LANGUAGE_COURSES = frozenset(
    {C.INTEGRATION_COURSE, C.YOUTH_INTEGRATION_COURSE, C.JOB_LANGUAGE_COURSE,
     C.PREPARATION_COURSE, C.IN_WORK_QUALIFICATION}
)  # fmt: skip
_ABORT = ("nicht mehr erschienen", "gesundheitliche Gründe", "Arbeit aufgenommen",
          "Kinderbetreuung nicht gesichert", "Kursniveau passte nicht")  # fmt: skip
_POSITIVE_EXIT = {
    ExitReason.TRAINING.value: OutcomeKind.TRAINING_DUAL.value,
    ExitReason.EMPLOYMENT.value: OutcomeKind.EMPLOYMENT_INSURED.value,
    ExitReason.QUALIFICATION.value: OutcomeKind.ENTRY_QUALIFICATION.value,
}
ONE_DAY = dt.timedelta(days=1)


def offer_count(participants: int) -> int:
    return max(MIN_OFFERS_PER_DISTRICT, round(participants / PARTICIPANTS_PER_OFFER))


@dataclass(slots=True)
class OfferInfo:
    """What the referral draw needs to know of a written offer."""

    pk: int
    template: Template
    kind: str
    provider_id: int | None
    municipality_ids: frozenset[int]  # empty: the whole district
    start: dt.date
    end: dt.date
    capacity: int | None
    rolling: bool
    holding: int = 0  # accepted or started referrals


@dataclass
class DistrictOffers:
    offers: list[OfferInfo] = field(default_factory=list)
    by_kind: dict[str, list[OfferInfo]] = field(default_factory=dict)
    by_need: dict[str, list[OfferInfo]] = field(default_factory=dict)


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def write_offers(contexts, *, seed: int, batch_size: int) -> tuple[dict[int, DistrictOffers], int]:
    """Bulk-create the offers of every district; returns them by district id and the number
    of municipality links."""
    offers: list[Offer] = []
    infos: list[tuple[int, OfferInfo, list[int]]] = []
    for context in contexts:
        plan = context.plan
        rng = random.Random(f"{seed}:offers:{plan.number}")  # noqa: S311 - synthetic data
        towns = [name for name, _ags in plan.municipalities]
        coaching = {}  # provider id -> municipality ids
        for index, provider_id in sorted(context.coaching.items()):
            coaching.setdefault(provider_id, []).append(context.municipality_ids[index])
        provider_ids = sorted({*context.coaching.values(), *context.coaches})
        coaching_ids = sorted(coaching)
        for n in range(offer_count(plan.participants)):
            # One offer of every form first, then in proportion to the weights.
            if n < len(TEMPLATES):
                t = TEMPLATES[n]
            else:
                t = rng.choices(TEMPLATES, weights=_TEMPLATE_WEIGHTS)[0]
            kind = CATEGORY_KIND[t.category]
            town_index = rng.randrange(len(towns))
            town = towns[town_index]
            provider_id = None
            municipality_ids: list[int] = []
            if t.category == C.COACHING and coaching_ids:
                provider_id = rng.choice(coaching_ids)
                municipality_ids = sorted(coaching[provider_id])
            elif kind == OfferKind.INITIATIVE and provider_ids and rng.random() < 0.7:
                provider_id = rng.choice(provider_ids)
            if not municipality_ids and kind != OfferKind.SPECIALIST and rng.random() < 0.5:
                picks = {town_index, *rng.sample(range(len(towns)), min(2, len(towns)))}
                municipality_ids = sorted(context.municipality_ids[i] for i in picks)
            if t.months is None:
                start, end, rolling = PERIOD_START, PERIOD_END, True
            else:
                start = PERIOD_START + dt.timedelta(days=rng.randint(0, 540))
                start -= dt.timedelta(days=start.weekday())  # a Monday
                start = max(start, PERIOD_START)
                end = start + dt.timedelta(days=30 * t.months)
                rolling = False
            capacity = rng.randint(*t.capacity) if t.capacity else None
            organiser = (
                ""
                if provider_id
                else _ORGANISERS.get(t.category, "Bildungsträger (synthetisch)").format(town=town)
            )
            offers.append(
                Offer(
                    public_id=_uuid(rng),
                    district_id=context.district_id,
                    provider_id=provider_id,
                    organiser=organiser,
                    kind=kind,
                    category=t.category,
                    module=t.module,
                    title=f"{t.title} – {town}",
                    description="Synthetisches Angebot für Lasttests.",
                    location=town,
                    schedule=t.schedule,
                    start_date=None if rolling and kind == OfferKind.SPECIALIST else start,
                    end_date=None if rolling and kind == OfferKind.SPECIALIST else end,
                    capacity=capacity,
                    languages=list(rng.choice(_LANGUAGES)),
                    women_only=t.women_only,
                    childcare=t.childcare,
                    needs_covered=[str(n) for n in t.needs],
                    allowed_statuses=list(t.statuses),
                    min_age=t.min_age,
                    max_age=t.max_age,
                    requires_employment=t.requires_employment,
                    min_german_level=t.min_german_level,
                    requires_literacy=t.requires_literacy,
                )
            )
            info = OfferInfo(0, t, kind, provider_id, frozenset(municipality_ids), start, end,
                             capacity, rolling)  # fmt: skip
            infos.append((context.district_id, info, municipality_ids))
    Offer.objects.bulk_create(offers, batch_size=batch_size)
    through = Offer.municipalities.through
    links = []
    result: dict[int, DistrictOffers] = {}
    for offer, (district_id, info, municipality_ids) in zip(offers, infos, strict=True):
        info.pk = offer.pk
        links += [through(offer_id=offer.pk, municipality_id=m) for m in municipality_ids]
        group = result.setdefault(district_id, DistrictOffers())
        group.offers.append(info)
        group.by_kind.setdefault(info.kind, []).append(info)
        for need in info.template.needs:
            group.by_need.setdefault(str(need), []).append(info)
    through.objects.bulk_create(links, batch_size=batch_size)
    return result, len(links)


def delete_offers(districts) -> None:
    db = transaction.get_connection().alias
    Outcome.objects.filter(participant__district__in=districts)._raw_delete(db)
    ReferralTransition.objects.filter(referral__district__in=districts)._raw_delete(db)
    Referral.objects.filter(district__in=districts)._raw_delete(db)
    Offer.municipalities.through.objects.filter(offer__district__in=districts)._raw_delete(db)
    Offer.objects.filter(district__in=districts)._raw_delete(db)


# --- Referrals and outcomes per person -----------------------------------------------------


def _status_on(statuses, day):
    found = None
    for s in statuses:
        if s.valid_from <= day and (s.valid_until is None or s.valid_until >= day):
            found = s  # later ones begin later (the plans are in order)
    return found


def _eligible(info: OfferInfo, p, in_work, on: dt.date) -> bool:
    t = info.template
    if info.end < on:
        return False
    if t.statuses:
        status = _status_on(p.statuses, on)
        if status is None or status.kind not in t.statuses:
            return False
    if t.min_age is not None or t.max_age is not None:
        age = age_on(p.date_of_birth, on)
        if (t.min_age is not None and age < t.min_age) or (
            t.max_age is not None and age > t.max_age
        ):
            return False
    if t.requires_employment and not any(
        start <= on and (end is None or end >= on) for start, end in in_work
    ):
        return False
    if t.min_german_level:
        rank = GERMAN_LEVEL_RANK.get(p.german_level)
        if rank is None or rank < GERMAN_LEVEL_RANK[t.min_german_level]:
            return False
    if t.requires_literacy and p.literacy != Literacy.LATIN:
        return False
    return not (t.women_only and p.gender != Gender.FEMALE)


class ReferralWriter:
    """Draws the referrals and outcomes of one person into the row buffers."""

    def __init__(self, offers: dict[int, DistrictOffers], seed: int, today: dt.date) -> None:
        self.offers = offers
        self.seed = seed
        self.today = today
        self.rngs: dict[int, random.Random] = {}
        # Public ids come from a stream of their own, so that they leave the drawn data as it was.
        self.id_rngs: dict[int, random.Random] = {}

    def count(self, pending) -> int:
        """An upper bound of the referrals of a chunk (ids are reserved up front)."""
        return sum(6 for item in pending if item[1].stays)

    def person(self, context, pid, p, manager, provider, municipality_id, ids, tables, now):
        if not p.stays:
            return
        group = self.offers.get(context.district_id)
        if group is None:
            return
        rng = self.rngs.get(context.district_id)
        if rng is None:
            rng = self.rngs[context.district_id] = random.Random(  # noqa: S311
                f"{self.seed}:referrals:{context.plan.number}"
            )
        id_rng = self.id_rngs.get(context.district_id)
        if id_rng is None:
            id_rng = self.id_rngs[context.district_id] = random.Random(  # noqa: S311
                f"{self.seed}:referral-ids:{context.plan.number}"
            )

        def row_id() -> uuid.UUID:
            return uuid.UUID(int=id_rng.getrandbits(128), version=4)

        today = self.today
        stay = p.stays[-1]
        limit = min(stay.exit or today, today)
        case_work = [
            (given, withdrawn)
            for purpose, given, withdrawn in p.consents
            if purpose == ConsentPurpose.CASE_WORK
        ]
        sharing_from = None  # the coaching provider's consent, if never withdrawn
        for purpose, given, withdrawn in p.consents:
            if purpose == ConsentPurpose.PROVIDER_SHARING and provider is not None:
                sharing_from = given if withdrawn is None else None
        outcomes = tables["outcomes"].rows
        in_work = []
        for status in p.statuses:
            kind = IN_WORK_STATUSES.get(status.kind)
            if kind and status.valid_from <= today:
                in_work.append((status.valid_from, None))
                outcomes.append(
                    (row_id(), pid, kind, status.valid_from, None, "", None, "", manager, now)
                )
                break
        wants = []
        r = rng.random()
        if r < 0.80:
            wants.append(OfferKind.INITIATIVE.value)
        if r >= 0.60:
            wants.append(OfferKind.REGULAR.value)
        needs = {n.category for n in p.needs}
        for need in (N.LEGAL, N.PSYCHOSOCIAL, N.DEBTS, N.HOUSING):
            if need in needs and rng.random() < 0.5:
                wants.append(need.value)
        day = stay.entry + dt.timedelta(days=rng.randint(0, 40))
        chosen: set[int] = set()
        placements = []
        for want in wants:
            if day > limit:
                break
            if not any(g <= day and (w is None or w > day) for g, w in case_work):
                break
            pool = group.by_kind.get(want) if want in OfferKind.values else group.by_need.get(want)
            if not pool:
                continue
            offer = None
            for _try in range(20):
                info = pool[rng.randrange(len(pool))]
                if info.pk in chosen:
                    continue
                if info.municipality_ids and municipality_id not in info.municipality_ids:
                    continue
                if info.provider_id is not None and (
                    info.provider_id != provider or sharing_from is None or sharing_from > day
                ):
                    continue
                if not info.rolling and not (
                    info.start - dt.timedelta(days=120) <= day <= info.start + dt.timedelta(days=90)
                ):
                    continue
                if not _eligible(info, p, in_work, max(day, info.start)):
                    continue
                offer = info
                break
            if offer is not None:
                chosen.add(offer.pk)
                referral = self.walk(rng, offer, pid, context.district_id, manager, day, limit,
                                     stay, ids, tables, now, row_id())  # fmt: skip
                if referral is not None:
                    placements.append(referral)
            day += dt.timedelta(days=rng.randint(10, 60))
        # Outcomes: exams after completed language courses, exits into training or work.
        for referral_id, offer, state, ended in placements:
            if state == ReferralState.COMPLETED and ended is not None:
                category = offer.template.category
                if category in _LANGUAGE_COURSES and rng.random() < 0.7:
                    level = "B2" if category == C.JOB_LANGUAGE_COURSE else "B1"
                    outcomes.append((row_id(), pid, OutcomeKind.LANGUAGE_EXAM.value, ended, None,
                                     level, referral_id, "", manager, now))  # fmt: skip
                elif category == C.SCHOOL_CERTIFICATE_COURSE and rng.random() < 0.6:
                    outcomes.append((row_id(), pid, OutcomeKind.SCHOOL_CERTIFICATE.value, ended,
                                     None, "", referral_id, "", manager, now))  # fmt: skip
        kind = _POSITIVE_EXIT.get(stay.reason) if stay.exit else None
        if kind and not in_work:
            via = next((ref for ref, offer, _s, _e in placements if offer.kind == "initiative"),
                       None)  # fmt: skip
            outcomes.append(
                (row_id(), pid, kind, stay.exit, None, "", via, stay.note, manager, now)
            )

    def walk(self, rng, offer, pid, district_id, manager, proposed, limit, stay, ids, tables,
             now, public_id):  # fmt: skip
        """One referral with its transitions; returns (id, offer, state, ended) if it was a
        placement (reached started) of an initiative or regular offer."""
        referral_id = ids.reserve_referral()
        steps = [("", ReferralState.PROPOSED.value, proposed, "")]
        accepted = started = ended = None
        state = ReferralState.PROPOSED.value
        abort_reason = declined_by = ""
        closing = stay.exit is not None

        def go(to, on, reason=""):
            nonlocal state
            steps.append((state, to, on, reason))
            state = to

        specialist = offer.kind == OfferKind.SPECIALIST
        accept = proposed + dt.timedelta(days=rng.randint(1, 21))
        if not offer.rolling:
            accept = min(accept, max(proposed, offer.start - dt.timedelta(days=3)))
        r = rng.random()
        if r < 0.07:
            declined_by = DeclinedBy.PARTICIPANT.value if r < 0.05 else DeclinedBy.PROVIDER.value
            ended = min(accept, limit)
            go(ReferralState.DECLINED.value, ended)
        elif accept > limit:
            if closing:
                declined_by, ended = DeclinedBy.PARTICIPANT.value, limit
                go(ReferralState.DECLINED.value, limit)
        elif offer.capacity is not None and offer.holding >= offer.capacity:
            go(ReferralState.WAITING.value, accept)
            if closing:
                declined_by, ended = DeclinedBy.PARTICIPANT.value, limit
                go(ReferralState.DECLINED.value, limit)
        else:
            accepted = accept
            go(ReferralState.ACCEPTED.value, accept)
            if specialist or offer.rolling:
                start = max(accept + dt.timedelta(days=rng.randint(0, 14)), offer.start)
            elif accept < offer.start:
                start = offer.start
            else:
                start = accept + dt.timedelta(days=rng.randint(0, 7))
            if start > limit:
                if closing:
                    declined_by, ended = DeclinedBy.PARTICIPANT.value, limit
                    go(ReferralState.DECLINED.value, limit)
            else:
                started = start
                go(ReferralState.STARTED.value, start)
                if specialist:
                    end = start + dt.timedelta(days=rng.randint(14, 150))
                elif offer.rolling:
                    end = min(start + dt.timedelta(days=rng.randint(120, 330)), offer.end)
                else:
                    end = offer.end
                if end <= limit:
                    ended = end
                    if rng.random() < 0.86:
                        go(ReferralState.COMPLETED.value, end)
                    else:
                        ended = start + dt.timedelta(days=rng.randint(0, (end - start).days))
                        abort_reason = rng.choice(_ABORT)
                        go(ReferralState.ABORTED.value, ended, abort_reason)
                elif closing:
                    ended = limit
                    abort_reason = f"Austritt: {stay.reason}"
                    go(ReferralState.ABORTED.value, limit, abort_reason)
        if state in (ReferralState.ACCEPTED, ReferralState.STARTED):
            offer.holding += 1
        tables["referrals"].rows.append(
            (referral_id, public_id, pid, offer.pk, district_id, state, proposed, accepted,
             started, ended, abort_reason, declined_by, "", manager, len(steps))
        )  # fmt: skip
        transitions = tables["transitions"].rows
        for from_state, to_state, on, reason in steps:
            transitions.append((referral_id, from_state, to_state, on, manager, reason, now))
        if started is not None and not specialist:
            return referral_id, offer, state, ended
        return None
