"""Deterministic synthetic state-wide structure for load tests and demos at scale.

`build_plan()` is a pure function of (districts, participants, seed): the same arguments give
the same names, keys and sizes, whatever the database holds. `seed_synthetic()` writes a plan
with bulk inserts, ten districts at a time.

Synthetic districts are recognisable by three marks together: `is_demo=True`, an AGS from the
non-official range 99NNN000 (municipalities 99NNN001 …) and a name "Synthetischer Kreis NNN".
Their users have the e-mail domain `SYNTHETIC_EMAIL_DOMAIN` and unusable passwords.
"""

import datetime as dt
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from durchstarten.cases.models import (
    CaseGoal,
    CaseStep,
    Consent,
    Contact,
    Enrollment,
    Need,
    Outreach,
    Participant,
    ParticipantNameKey,
    ResidenceStatus,
    Task,
)
from durchstarten.core.audit import log_action
from durchstarten.core.models import AuditEntry, Membership, Role, User
from durchstarten.organisation.models import (
    District,
    Module,
    Municipality,
    Position,
    Provider,
    ProviderAssignment,
)
from durchstarten.seeding.synthetic_cases import DistrictContext, write_cases
from durchstarten.seeding.synthetic_offers import ReferralWriter, delete_offers, write_offers

DISTRICT_NAME_PREFIX = "Synthetischer Kreis"
AGS_PREFIX = "99"
SYNTHETIC_EMAIL_DOMAIN = "synthetisch.durchstarten.invalid"
MAX_DISTRICTS = 999
PARTICIPANTS_PER_FTE = 100  # caseload 1:100 per full-time case-management post
HALF_POST_PARTICIPANTS = PARTICIPANTS_PER_FTE // 2
DISTRICTS_PER_STEP = 10
DEFAULT_BATCH_SIZE = 5000
AUDIT_ACTION = "seeding.synthetic"

VALID_FROM = dt.date(2026, 1, 1)
VALID_UNTIL = dt.date(2027, 12, 31)

_STEMS = (
    "Ahl", "Ber", "Brak", "Dren", "Eller", "Fal", "Gron", "Hals", "Hol", "Iser",
    "Kalt", "Lind", "Lüt", "Mar", "Mett", "Nien", "Oster", "Reck", "Ros", "Salz",
    "Schwer", "Sel", "Stein", "Tecken", "Vel", "Wal", "Wester", "Wick", "Wol", "Zons",
)  # fmt: skip
_SUFFIXES = (
    "hausen", "dorf", "berg", "feld", "heim", "kirchen", "bach", "beck",
    "hagen", "brück", "stedt", "horst", "ingen", "rode", "loh",
)  # fmt: skip
_PREFIXES = ("Bad ", "Alt-", "Neu-", "Ober", "Nieder")
_PROVIDER_KINDS = (
    "Caritasverband",
    "Diakonisches Werk",
    "AWO Kreisverband",
    "Internationaler Bund",
    "Kolping-Bildungswerk",
    "Jugendberufshilfe",
    "Bildungswerk der Wirtschaft",
    "Sozialwerk",
    "Volkshochschule",
    "Berufsförderungswerk",
    "Integrationsagentur",
    "Werkstatt für Ausbildung",
)
_FIRST_NAMES = (
    "Anna", "Ben", "Clara", "David", "Elif", "Felix", "Greta", "Hannah", "Jan", "Julia",
    "Karim", "Laura", "Lukas", "Marie", "Mehmet", "Nina", "Oliver", "Paula", "Sarah", "Simon",
    "Sophie", "Thomas", "Ulrike", "Yusuf", "Zeynep",
)  # fmt: skip
_LAST_NAMES = (
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
    "Schulz", "Hoffmann", "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann",
    "Schwarz", "Brinkmann", "Kaya", "Yılmaz", "Hermes", "Lohmann", "Tiemann", "Brüggemann",
)  # fmt: skip


class SyntheticSeedError(Exception):
    """Synthetic data cannot be written as asked."""


@dataclass
class UserPlan:
    username: str
    first_name: str
    last_name: str
    role: str
    provider: int | None = None  # index into DistrictPlan.providers


@dataclass
class PositionPlan:
    module: int
    title: str
    fte: Decimal
    provider: int | None  # None: the coordinating office
    holder: str | None  # username


@dataclass
class DistrictPlan:
    number: int
    name: str
    ags: str
    participants: int
    municipalities: list[tuple[str, str]] = field(default_factory=list)  # (name, ags)
    providers: list[str] = field(default_factory=list)
    # (provider index, municipality indexes): coaching, each municipality exactly once
    coaching: list[tuple[int, list[int]]] = field(default_factory=list)
    users: list[UserPlan] = field(default_factory=list)
    positions: list[PositionPlan] = field(default_factory=list)

    @property
    def case_management_fte(self) -> Decimal:
        return sum(
            (p.fte for p in self.positions if p.module == Module.CASE_MANAGEMENT), Decimal(0)
        )


@dataclass
class SyntheticSeedResult:
    seed: int
    districts: int = 0
    municipalities: int = 0
    providers: int = 0
    assignments: int = 0
    positions: int = 0
    users: int = 0
    memberships: int = 0
    case_management_fte: Decimal = Decimal(0)
    replaced_districts: int = 0
    participants: int = 0
    case_rows: dict[str, int] = field(default_factory=dict)
    offers: int = 0
    offer_municipalities: int = 0


# --- Planning (pure, deterministic) --------------------------------------------------------


def _municipality_name(rng: random.Random) -> str:
    stem = rng.choice(_STEMS)
    name = stem + rng.choice(_SUFFIXES)
    if rng.random() < 0.2:
        prefix = rng.choice(_PREFIXES)
        name = prefix + (name.lower() if prefix[-1].isalpha() else name)
    return name


def _person(rng: random.Random) -> tuple[str, str]:
    return rng.choice(_FIRST_NAMES), rng.choice(_LAST_NAMES)


def _spread(total_blocks: int, weights: list[float]) -> list[int]:
    """Largest-remainder split of whole blocks in proportion to the weights."""
    weight_sum = sum(weights)
    quotas = [total_blocks * w / weight_sum for w in weights]
    shares = [int(q) for q in quotas]
    left = total_blocks - sum(shares)
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(quotas[i] - shares[i]), i))
    for i in by_remainder[:left]:
        shares[i] += 1
    return shares


def _case_management_posts(participants: int) -> list[Decimal]:
    """Full posts, at most one half post and, for a remainder, one smaller part-time post."""
    full, rest = divmod(participants, PARTICIPANTS_PER_FTE)
    posts = [Decimal("1.00")] * full
    if rest >= HALF_POST_PARTICIPANTS:
        posts.append(Decimal("0.50"))
        rest -= HALF_POST_PARTICIPANTS
    if rest:
        posts.append(Decimal(rest) / PARTICIPANTS_PER_FTE)
    return [post.quantize(Decimal("0.01")) for post in posts]


def build_plan(districts: int, participants: int, seed: int) -> list[DistrictPlan]:
    if not 1 <= districts <= MAX_DISTRICTS:
        raise SyntheticSeedError(f"Die Zahl der Kreise muss zwischen 1 und {MAX_DISTRICTS} liegen.")
    if participants < 0:
        raise SyntheticSeedError("Die Zahl der Teilnehmenden darf nicht negativ sein.")
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not security

    sizes = [rng.randint(5, 20) for _ in range(districts)]
    weights = [size * rng.uniform(0.6, 1.6) for size in sizes]
    # Participants go out in half-post blocks of 50; the last partial block goes to the
    # largest district, so that at most one post in the whole state is an odd fraction.
    blocks, rest = divmod(participants, HALF_POST_PARTICIPANTS)
    shares = [b * HALF_POST_PARTICIPANTS for b in _spread(blocks, weights)]
    shares[max(range(districts), key=lambda i: (weights[i], -i))] += rest

    plans = []
    for index, (size, share) in enumerate(zip(sizes, shares, strict=True)):
        number = index + 1
        plan = DistrictPlan(
            number=number,
            name=f"{DISTRICT_NAME_PREFIX} {number:03d}",
            ags=f"{AGS_PREFIX}{number:03d}000",
            participants=share,
        )
        names: set[str] = set()
        while len(names) < size:
            names.add(_municipality_name(rng))
        ordered = sorted(names)
        rng.shuffle(ordered)
        plan.municipalities = [
            (name, f"{AGS_PREFIX}{number:03d}{i:03d}") for i, name in enumerate(ordered, start=1)
        ]

        kinds = rng.sample(_PROVIDER_KINDS, rng.randint(3, 8))
        plan.providers = [f"{kind} – {plan.name}" for kind in kinds]

        # Coaching: 1–4 providers share the municipalities, each municipality exactly once.
        coaching_count = rng.randint(1, min(4, len(kinds), size))
        coaching_providers = sorted(rng.sample(range(len(kinds)), coaching_count))
        order = list(range(size))
        rng.shuffle(order)
        cuts = [0, *sorted(rng.sample(range(1, size), coaching_count - 1)), size]
        plan.coaching = [
            (provider, sorted(order[cuts[i] : cuts[i + 1]]))
            for i, provider in enumerate(coaching_providers)
        ]

        prefix = f"syn{number:03d}"
        for j in range(1, rng.randint(1, 2) + 1):
            plan.users.append(
                UserPlan(f"{prefix}-koordination-{j}", *_person(rng), Role.COORDINATOR)
            )
        for k, fte in enumerate(_case_management_posts(share), start=1):
            username = f"{prefix}-teilhabe-{k:02d}"
            plan.users.append(UserPlan(username, *_person(rng), Role.CASE_MANAGER))
            plan.positions.append(
                PositionPlan(
                    Module.CASE_MANAGEMENT, f"Teilhabemanagement {k:02d}", fte, None, username
                )
            )
        for provider, _municipalities in plan.coaching:
            coaches = [
                f"{prefix}-coach-{provider + 1}-{j}" for j in range(1, rng.randint(1, 3) + 1)
            ]
            for username in coaches:
                plan.users.append(UserPlan(username, *_person(rng), Role.COACH, provider))
            fte = rng.choice((Decimal("0.50"), Decimal("1.00")))
            plan.positions.append(
                PositionPlan(Module.COACHING, "Coaching", fte, provider, coaches[0])
            )
        plans.append(plan)
    return plans


# --- Writing -------------------------------------------------------------------------------


def synthetic_districts():
    return District.objects.filter(
        is_demo=True, ags__startswith=AGS_PREFIX, name__startswith=DISTRICT_NAME_PREFIX
    )


def _last_seed() -> int | None:
    entry = AuditEntry.objects.filter(action=AUDIT_ACTION).order_by("-occurred_at", "-id").first()
    return entry.data.get("seed") if entry else None


def delete_synthetic() -> int:
    """Remove all synthetic districts with everything hanging on them; returns their number."""
    districts = synthetic_districts()
    count = districts.count()
    through = ProviderAssignment.municipalities.through
    # Case data first, with plain DELETEs (no per-row cascade collection in Python).
    db = transaction.get_connection().alias
    in_districts = {"participant__district__in": districts}
    delete_offers(districts)
    CaseStep.objects.filter(goal__participant__district__in=districts)._raw_delete(db)
    for model in (
        CaseGoal,
        Need,
        Contact,
        Enrollment,
        Consent,
        Outreach,
        ResidenceStatus,
        ParticipantNameKey,
    ):
        model.objects.filter(**in_districts)._raw_delete(db)
    Task.objects.filter(district__in=districts)._raw_delete(db)
    Participant.objects.filter(district__in=districts)._raw_delete(db)
    try:
        Position.objects.filter(district__in=districts).delete()
        through.objects.filter(providerassignment__district__in=districts).delete()
        ProviderAssignment.objects.filter(district__in=districts).delete()
        Membership.objects.filter(district__in=districts).delete()
        User.objects.filter(email__iendswith=f"@{SYNTHETIC_EMAIL_DOMAIN}").delete()
        Provider.objects.filter(district__in=districts).delete()
        Municipality.objects.filter(district__in=districts).delete()
        districts.delete()
    except ProtectedError as error:
        raise SyntheticSeedError(
            "Die synthetischen Kreise lassen sich nicht löschen, weil andere Daten auf sie "
            "verweisen. Bitte entfernen Sie diese zuerst."
        ) from error
    return count


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _write(
    plans: list[DistrictPlan],
    rng: random.Random,
    batch_size: int,
    contexts: list[DistrictContext],
) -> dict[str, int]:
    """Bulk-insert a group of planned districts; returns row counts and appends the ids the
    case data needs to `contexts`."""
    districts = [
        District(
            public_id=_uuid(rng), name=p.name, ags=p.ags, kind=District.Kind.KREIS, is_demo=True
        )
        for p in plans
    ]
    District.objects.bulk_create(districts, batch_size=batch_size)

    municipalities: list[list[Municipality]] = []
    providers: list[list[Provider]] = []
    for plan, district in zip(plans, districts, strict=True):
        municipalities.append(
            [
                Municipality(public_id=_uuid(rng), district=district, name=name, ags=ags)
                for name, ags in plan.municipalities
            ]
        )
        providers.append(
            [
                Provider(
                    public_id=_uuid(rng),
                    district=district,
                    name=name,
                    short_name=f"{name.split(' – ')[0]} {plan.number:03d}",
                )
                for name in plan.providers
            ]
        )
    Municipality.objects.bulk_create(
        [m for group in municipalities for m in group], batch_size=batch_size
    )
    Provider.objects.bulk_create([p for group in providers for p in group], batch_size=batch_size)

    users: dict[str, User] = {}
    for plan in plans:
        for u in plan.users:
            user = User(
                username=u.username,
                first_name=u.first_name,
                last_name=u.last_name,
                email=f"{u.username}@{SYNTHETIC_EMAIL_DOMAIN}",
            )
            user.set_unusable_password()
            users[u.username] = user
    User.objects.bulk_create(users.values(), batch_size=batch_size)

    memberships = []
    assignments = []
    assignment_municipalities: list[list[Municipality]] = []
    positions = []
    for plan, district, munis, provs in zip(
        plans, districts, municipalities, providers, strict=True
    ):
        for u in plan.users:
            memberships.append(
                Membership(
                    user=users[u.username],
                    role=u.role,
                    district=district,
                    provider=provs[u.provider] if u.provider is not None else None,
                )
            )
        for provider_index, muni_indexes in plan.coaching:
            assignments.append(
                ProviderAssignment(
                    public_id=_uuid(rng),
                    provider=provs[provider_index],
                    district=district,
                    module=Module.COACHING,
                    valid_from=VALID_FROM,
                    valid_until=VALID_UNTIL,
                )
            )
            assignment_municipalities.append([munis[i] for i in muni_indexes])
        for pos in plan.positions:
            positions.append(
                Position(
                    public_id=_uuid(rng),
                    district=district,
                    provider=provs[pos.provider] if pos.provider is not None else None,
                    module=pos.module,
                    title=pos.title,
                    fte=pos.fte,
                    holder=users[pos.holder] if pos.holder else None,
                    valid_from=VALID_FROM,
                    valid_until=VALID_UNTIL,
                )
            )
    Membership.objects.bulk_create(memberships, batch_size=batch_size)
    ProviderAssignment.objects.bulk_create(assignments, batch_size=batch_size)
    through = ProviderAssignment.municipalities.through
    through.objects.bulk_create(
        [
            through(providerassignment_id=assignment.pk, municipality_id=municipality.pk)
            for assignment, chosen in zip(assignments, assignment_municipalities, strict=True)
            for municipality in chosen
        ],
        batch_size=batch_size,
    )
    Position.objects.bulk_create(positions, batch_size=batch_size)
    for plan, district, munis, provs in zip(
        plans, districts, municipalities, providers, strict=True
    ):
        coaching = {}
        for provider_index, muni_indexes in plan.coaching:
            for i in muni_indexes:
                coaching[i] = provs[provider_index].pk
        coaches: dict[int, list[int]] = {}
        for u in plan.users:
            if u.role == Role.COACH:
                coaches.setdefault(provs[u.provider].pk, []).append(users[u.username].pk)
        contexts.append(
            DistrictContext(
                plan=plan,
                district_id=district.pk,
                municipality_ids=[m.pk for m in munis],
                coaching=coaching,
                case_managers=[
                    (users[pos.holder].pk, pos.fte)
                    for pos in plan.positions
                    if pos.module == Module.CASE_MANAGEMENT and pos.holder
                ],
                coaches=coaches,
            )
        )
    return {
        "districts": len(districts),
        "municipalities": sum(len(g) for g in municipalities),
        "providers": sum(len(g) for g in providers),
        "assignments": len(assignments),
        "positions": len(positions),
        "users": len(users),
        "memberships": len(memberships),
    }


@transaction.atomic
def seed_synthetic(
    *,
    districts: int,
    participants: int,
    seed: int,
    batch_size: int = DEFAULT_BATCH_SIZE,
    replace: bool = False,
    progress: Callable[[str], None] | None = None,
) -> SyntheticSeedResult:
    """Write the synthetic plan for (districts, participants, seed) in one transaction."""
    if batch_size < 1:
        raise SyntheticSeedError("Die Batch-Größe muss mindestens 1 sein.")
    plans = build_plan(districts, participants, seed)
    result = SyntheticSeedResult(seed=seed)

    existing = synthetic_districts()
    if existing.exists():
        if not replace:
            last = _last_seed()
            with_seed = f" (zuletzt mit Seed {last})" if last is not None else ""
            raise SyntheticSeedError(
                f"Es gibt bereits {existing.count()} synthetische Kreise{with_seed}. "
                "Mit --replace werden sie vorher gelöscht und neu angelegt."
            )
        result.replaced_districts = delete_synthetic()
        if progress:
            progress(f"{result.replaced_districts} synthetische Kreise gelöscht.")

    # Separate stream for the public ids, so that they do not shift the planned names.
    id_rng = random.Random(f"{seed}:public-ids")  # noqa: S311 - synthetic data, not security
    contexts: list[DistrictContext] = []
    for start in range(0, len(plans), DISTRICTS_PER_STEP):
        group = plans[start : start + DISTRICTS_PER_STEP]
        counts = _write(group, id_rng, batch_size, contexts)
        for name, value in counts.items():
            setattr(result, name, getattr(result, name) + value)
        if progress:
            progress(
                f"Kreise {start + len(group)}/{len(plans)} … "
                f"({result.municipalities} Kommunen, {result.users} Benutzer*innen)"
            )
    result.case_management_fte = sum((p.case_management_fte for p in plans), Decimal(0))
    offers, result.offer_municipalities = write_offers(contexts, seed=seed, batch_size=batch_size)
    result.offers = sum(len(group.offers) for group in offers.values())
    if progress:
        progress(f"{result.offers} Angebote angelegt …")
    cases = write_cases(
        contexts,
        seed=seed,
        batch_size=batch_size,
        programme_start=VALID_FROM,
        progress=progress,
        referrals=ReferralWriter(offers, seed, timezone.localdate()),
    )
    result.participants = cases.participants
    result.case_rows = cases.rows

    log_action(
        AUDIT_ACTION,
        actor=None,
        data={"seed": seed, "districts": districts, "participants": participants},
    )
    return result
