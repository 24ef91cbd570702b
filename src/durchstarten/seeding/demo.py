"""Demo data: the five districts of our seed reports, their providers, posts and demo logins.

Everything is written by natural key (AGS, district + name, username, …), so running the
seed again updates the same rows instead of adding new ones.

Official keys (Amtlicher Gemeindeschlüssel)
-------------------------------------------
District keys are the NRW Kreis keys (Land 05, Regierungsbezirk, Kreis, "000"):
Gütersloh 05754000, Herford 05758000, Rhein-Kreis Neuss 05162000, Coesfeld 05558000,
Paderborn 05774000.

All 51 municipality keys below were checked (November 2026, without access to the
Destatis Gemeindeverzeichnis itself) against published data sets that use the official
keys, and every one follows the NRW numbering (alphabetical within the Kreis, steps of 4):

- Kreis Gütersloh (all 13): a Kreis Gütersloh data scraper listing the 13 towns with their
  keys; 05754012–05754048 also in a municipal licence list, Gütersloh 05754008 as given in
  our brief.
- Kreis Herford (all 9): the DWD warn-cell list (warn cell = "8" + AGS for municipalities),
  Löhne 05758024 and Herford 05758012 also in further lists.
- Rhein-Kreis Neuss (all 8): a municipal register keyed by AGS (Dormagen … Rommerskirchen);
  Dormagen 05162004 and Meerbusch 05162022 also in a municipal licence list. Meerbusch is the
  one key off the step-4 pattern (022) — that is correct, not a typo.
- Kreis Coesfeld (all 11): municipal licence list (all but Nottuln); Nottuln 05558032 and
  Senden 05558044 also in a municipal solar-yield table.
- Kreis Paderborn (all 10): the DWD warn-cell list; Bad Wünnenberg keeps key 040 from its
  former name "Wünnenberg".

Because all keys of a district are verified, `District.is_demo` is False for the five
districts (`keys_verified` below). If a key turns out wrong, set that district's
`keys_verified` to False: the district is then marked as demo data. Demo content that is
*not* from the reports (the coordinating-office posts, the Paderborn coaching provider)
says "(Demo)" in its name or title.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from durchstarten.core.audit import log_action
from durchstarten.core.models import Membership, Role, User
from durchstarten.organisation.models import (
    District,
    Module,
    Municipality,
    Position,
    Provider,
    ProviderAssignment,
)
from durchstarten.organisation.services import assignment_validate
from durchstarten.seeding.demo_cases import (
    CASE_MANAGER_USERNAMES,
    DemoCasesResult,
    case_manager_for,
    seed_demo_cases,
)
from durchstarten.seeding.demo_funding import seed_demo_funding
from durchstarten.seeding.demo_network import seed_demo_network
from durchstarten.seeding.demo_offers import EXTRA_USERNAMES, DemoOffersResult, seed_demo_offers
from durchstarten.seeding.demo_reporting import seed_demo_targets

DEMO_PASSWORD = "Durchstarten-Demo-2026"  # noqa: S105 - published demo password, DEBUG only
# Demo users carry this e-mail domain (".invalid" never resolves); it tells them apart from
# real accounts that happen to have the same username.
DEMO_EMAIL_DOMAIN = "demo.durchstarten.invalid"

VALID_FROM = dt.date(2026, 1, 1)
VALID_UNTIL = dt.date(2027, 12, 31)

GUETERSLOH = "05754000"
HERFORD = "05758000"
NEUSS = "05162000"
COESFELD = "05558000"
PADERBORN = "05774000"


class DemoSeedError(Exception):
    """The demo data cannot be written (e.g. a real account uses a demo username)."""


@dataclass(frozen=True)
class DistrictSpec:
    ags: str
    name: str
    municipalities: tuple[tuple[str, str], ...]  # (name, ags)
    keys_verified: bool
    kind: str = District.Kind.KREIS


@dataclass(frozen=True)
class ProviderSpec:
    district: str  # district AGS
    name: str
    short_name: str = ""
    address: str = ""


@dataclass(frozen=True)
class AssignmentSpec:
    district: str
    provider: str
    module: int
    municipalities: tuple[str, ...]  # names within the district
    note: str = ""


@dataclass(frozen=True)
class PositionSpec:
    district: str
    provider: str | None  # None: the coordinating office
    module: int
    title: str
    fte: Decimal
    holder: str | None = None  # username of a demo login


@dataclass(frozen=True)
class DemoLogin:
    username: str
    first_name: str
    last_name: str
    # (role, district AGS or None, provider name or None)
    memberships: tuple[tuple[str, str | None, str | None], ...]
    is_staff: bool = False
    is_superuser: bool = False

    @property
    def email(self) -> str:
        return f"{self.username}@{DEMO_EMAIL_DOMAIN}"


DISTRICTS: tuple[DistrictSpec, ...] = (
    DistrictSpec(
        ags=GUETERSLOH,
        name="Kreis Gütersloh",
        keys_verified=True,
        municipalities=(
            ("Borgholzhausen", "05754004"),
            ("Gütersloh", "05754008"),
            ("Halle (Westf.)", "05754012"),
            ("Harsewinkel", "05754016"),
            ("Herzebrock-Clarholz", "05754020"),
            ("Langenberg", "05754024"),
            ("Rheda-Wiedenbrück", "05754028"),
            ("Rietberg", "05754032"),
            ("Schloß Holte-Stukenbrock", "05754036"),
            ("Steinhagen", "05754040"),
            ("Verl", "05754044"),
            ("Versmold", "05754048"),
            ("Werther (Westf.)", "05754052"),
        ),
    ),
    DistrictSpec(
        ags=HERFORD,
        name="Kreis Herford",
        keys_verified=True,
        municipalities=(
            ("Bünde", "05758004"),
            ("Enger", "05758008"),
            ("Herford", "05758012"),
            ("Hiddenhausen", "05758016"),
            ("Kirchlengern", "05758020"),
            ("Löhne", "05758024"),
            ("Rödinghausen", "05758028"),
            ("Spenge", "05758032"),
            ("Vlotho", "05758036"),
        ),
    ),
    DistrictSpec(
        ags=NEUSS,
        name="Rhein-Kreis Neuss",
        keys_verified=True,
        municipalities=(
            ("Dormagen", "05162004"),
            ("Grevenbroich", "05162008"),
            ("Jüchen", "05162012"),
            ("Kaarst", "05162016"),
            ("Korschenbroich", "05162020"),
            ("Meerbusch", "05162022"),
            ("Neuss", "05162024"),
            ("Rommerskirchen", "05162028"),
        ),
    ),
    DistrictSpec(
        ags=COESFELD,
        name="Kreis Coesfeld",
        keys_verified=True,
        municipalities=(
            ("Ascheberg", "05558004"),
            ("Billerbeck", "05558008"),
            ("Coesfeld", "05558012"),
            ("Dülmen", "05558016"),
            ("Havixbeck", "05558020"),
            ("Lüdinghausen", "05558024"),
            ("Nordkirchen", "05558028"),
            ("Nottuln", "05558032"),
            ("Olfen", "05558036"),
            ("Rosendahl", "05558040"),
            ("Senden", "05558044"),
        ),
    ),
    DistrictSpec(
        ags=PADERBORN,
        name="Kreis Paderborn",
        keys_verified=True,
        municipalities=(
            ("Altenbeken", "05774004"),
            ("Bad Lippspringe", "05774008"),
            ("Borchen", "05774012"),
            ("Büren", "05774016"),
            ("Delbrück", "05774020"),
            ("Hövelhof", "05774024"),
            ("Lichtenau", "05774028"),
            ("Paderborn", "05774032"),
            ("Salzkotten", "05774036"),
            ("Bad Wünnenberg", "05774040"),
        ),
    ),
)

ASH_GUETERSLOH = "asH Gütersloh gGmbH"
CARITAS_GUETERSLOH = "Caritasverband für den Kreis Gütersloh e. V."
INTAL = "INTAL Bildung und Beruf gGmbH"
DIAKONIE_HERFORD = "Diakonisches Werk"
CARITAS_COESFELD = "Caritasverband für den Kreis Coesfeld e. V."
PADERBORN_COACHING = "Coaching-Träger Paderborn (Demo)"

PROVIDERS: tuple[ProviderSpec, ...] = (
    ProviderSpec(GUETERSLOH, ASH_GUETERSLOH, short_name="asH Gütersloh"),
    ProviderSpec(GUETERSLOH, CARITAS_GUETERSLOH, short_name="Caritas Gütersloh"),
    ProviderSpec(GUETERSLOH, INTAL, short_name="INTAL Halle", address="Halle (Westf.)"),
    ProviderSpec(HERFORD, DIAKONIE_HERFORD),
    ProviderSpec(COESFELD, CARITAS_COESFELD, short_name="Caritas Coesfeld"),
    ProviderSpec(PADERBORN, PADERBORN_COACHING),
)

ASSIGNMENTS: tuple[AssignmentSpec, ...] = (
    AssignmentSpec(
        GUETERSLOH,
        ASH_GUETERSLOH,
        Module.COACHING,
        ("Gütersloh", "Harsewinkel", "Herzebrock-Clarholz"),
    ),
    AssignmentSpec(
        GUETERSLOH,
        CARITAS_GUETERSLOH,
        Module.COACHING,
        (
            "Rheda-Wiedenbrück",
            "Rietberg",
            "Langenberg",
            "Verl",
            "Schloß Holte-Stukenbrock",
            "Versmold",
        ),
    ),
    AssignmentSpec(
        GUETERSLOH,
        INTAL,
        Module.COACHING,
        ("Halle (Westf.)", "Borgholzhausen", "Steinhagen", "Werther (Westf.)"),
    ),
    AssignmentSpec(HERFORD, DIAKONIE_HERFORD, Module.COACHING, ("Herford", "Bünde", "Löhne")),
    # "runs Teilhabemanagement" in the report: responsible for module 6 in the whole Kreis.
    AssignmentSpec(
        COESFELD,
        CARITAS_COESFELD,
        Module.CASE_MANAGEMENT,
        tuple(name for name, _ags in DISTRICTS[3].municipalities),
    ),
)

OFFICE_TM_TITLE = "Teilhabemanagement Koordinierungsstelle (Demo)"

POSITIONS: tuple[PositionSpec, ...] = (
    PositionSpec(
        GUETERSLOH, None, Module.CASE_MANAGEMENT, OFFICE_TM_TITLE, Decimal("1.00"), "teilhabe"
    ),
    PositionSpec(HERFORD, None, Module.CASE_MANAGEMENT, OFFICE_TM_TITLE, Decimal("1.00")),
    PositionSpec(NEUSS, None, Module.CASE_MANAGEMENT, OFFICE_TM_TITLE, Decimal("1.00")),
    PositionSpec(
        COESFELD, CARITAS_COESFELD, Module.CASE_MANAGEMENT, "Teilhabemanagement", Decimal("1.50")
    ),
    PositionSpec(PADERBORN, None, Module.CASE_MANAGEMENT, OFFICE_TM_TITLE, Decimal("1.00")),
    PositionSpec(
        PADERBORN, PADERBORN_COACHING, Module.COACHING, "Coaching, halbe Stelle 1", Decimal("0.50")
    ),
    PositionSpec(
        PADERBORN, PADERBORN_COACHING, Module.COACHING, "Coaching, halbe Stelle 2", Decimal("0.50")
    ),
)

DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin(
        "admin",
        "Markus",
        "Hoffmann",
        ((Role.ADMIN, None, None),),
        is_staff=True,
        is_superuser=True,
    ),
    DemoLogin(
        "koordination",
        "Sabine",
        "Kröger",
        ((Role.COORDINATOR, GUETERSLOH, None), (Role.COORDINATOR, HERFORD, None)),
    ),
    DemoLogin("teilhabe", "Leyla", "Demir", ((Role.CASE_MANAGER, GUETERSLOH, None),)),
    DemoLogin("coach", "Tobias", "Schulte", ((Role.COACH, GUETERSLOH, ASH_GUETERSLOH),)),
    DemoLogin(
        "traeger",
        "Katharina",
        "Meier",
        ((Role.PROVIDER_STAFF, GUETERSLOH, CARITAS_GUETERSLOH),),
    ),
    DemoLogin("land", "Stefan", "Brinkmann", ((Role.STATE_ANALYST, None, None),)),
)

DEMO_USERNAMES = tuple(login.username for login in DEMO_LOGINS)


@dataclass
class DemoSeedResult:
    districts: int = 0
    municipalities: int = 0
    providers: int = 0
    assignments: int = 0
    positions: int = 0
    users: int = 0
    created: dict[str, int] = field(default_factory=dict)
    cases: DemoCasesResult | None = None
    offers: DemoOffersResult | None = None

    def count(self, kind: str, created: bool) -> None:
        setattr(self, kind, getattr(self, kind) + 1)
        if created:
            self.created[kind] = self.created.get(kind, 0) + 1


def demo_users():
    """The demo logins that exist, recognised by username and the demo e-mail domain."""
    return User.objects.filter(
        username__in=DEMO_USERNAMES, email__iendswith=f"@{DEMO_EMAIL_DOMAIN}"
    )


def _check_no_foreign_accounts() -> None:
    taken = sorted(
        User.objects.filter(username__in=DEMO_USERNAMES + CASE_MANAGER_USERNAMES + EXTRA_USERNAMES)
        .exclude(email__iendswith=f"@{DEMO_EMAIL_DOMAIN}")
        .values_list("username", flat=True)
    )
    if taken:
        raise DemoSeedError(
            "Diese Benutzernamen gehören bereits zu echten Konten, die Demo-Daten "
            f"überschreiben sie nicht: {', '.join(taken)}."
        )


@transaction.atomic
def seed_demo(*, with_cases: bool = True) -> DemoSeedResult:
    """Create or update the demo districts and logins; safe to run repeatedly.

    With `with_cases`, districts without participants also get a demo caseload (see
    `demo_cases`); districts that have participants keep theirs. Districts without offers
    then get offers, and their entered participants referrals and outcomes (`demo_offers`).
    """
    _check_no_foreign_accounts()
    result = DemoSeedResult()

    districts: dict[str, District] = {}
    municipalities: dict[tuple[str, str], Municipality] = {}
    for spec in DISTRICTS:
        district, created = District.objects.update_or_create(
            ags=spec.ags,
            defaults={"name": spec.name, "kind": spec.kind, "is_demo": not spec.keys_verified},
        )
        districts[spec.ags] = district
        result.count("districts", created)
        for name, ags in spec.municipalities:
            municipality, created = Municipality.objects.update_or_create(
                ags=ags, defaults={"district": district, "name": name}
            )
            municipalities[spec.ags, name] = municipality
            result.count("municipalities", created)

    providers: dict[tuple[str, str], Provider] = {}
    for spec in PROVIDERS:
        provider, created = Provider.objects.update_or_create(
            district=districts[spec.district],
            name=spec.name,
            defaults={"short_name": spec.short_name, "address": spec.address, "is_active": True},
        )
        providers[spec.district, spec.name] = provider
        result.count("providers", created)

    for spec in ASSIGNMENTS:
        provider = providers[spec.district, spec.provider]
        chosen = [municipalities[spec.district, name] for name in spec.municipalities]
        assignment, created = ProviderAssignment.objects.update_or_create(
            provider=provider,
            district=provider.district,
            module=spec.module,
            valid_from=VALID_FROM,
            defaults={"valid_until": VALID_UNTIL, "note": spec.note},
        )
        # The same rule the services enforce: one provider per municipality, module and day.
        try:
            assignment_validate(
                provider=provider,
                module=spec.module,
                municipalities=chosen,
                valid_from=VALID_FROM,
                valid_until=VALID_UNTIL,
                exclude_pk=assignment.pk,
            )
        except ValidationError as error:
            raise DemoSeedError("; ".join(error.messages)) from error
        assignment.municipalities.set(chosen)
        result.count("assignments", created)

    users: dict[str, User] = {}
    for login in DEMO_LOGINS:
        user, created = User.objects.update_or_create(
            username=login.username,
            defaults={
                "first_name": login.first_name,
                "last_name": login.last_name,
                "email": login.email,
                "is_active": True,
                "is_staff": login.is_staff,
                "is_superuser": login.is_superuser,
            },
        )
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        users[login.username] = user
        result.count("users", created)
        for role, district_ags, provider_name in login.memberships:
            Membership.objects.get_or_create(
                user=user,
                role=role,
                district=districts[district_ags] if district_ags else None,
                provider=providers[district_ags, provider_name] if provider_name else None,
                # The district office's staff may export their lists; the providers' may not.
                defaults={"can_export": role in (Role.COORDINATOR, Role.CASE_MANAGER)},
            )

    for spec in POSITIONS:
        _position, created = Position.objects.update_or_create(
            district=districts[spec.district],
            provider=providers[spec.district, spec.provider] if spec.provider else None,
            module=spec.module,
            title=spec.title,
            valid_from=VALID_FROM,
            defaults={
                "fte": spec.fte,
                "valid_until": VALID_UNTIL,
                "holder": users[spec.holder] if spec.holder else None,
            },
        )
        result.count("positions", created)

    if with_cases:
        result.cases = seed_demo_cases(
            [districts[spec.ags] for spec in DISTRICTS],
            email_domain=DEMO_EMAIL_DOMAIN,
            programme_start=VALID_FROM,
        )
        result.offers = seed_demo_offers(
            [districts[spec.ags] for spec in DISTRICTS],
            email_domain=DEMO_EMAIL_DOMAIN,
            case_manager_for=case_manager_for,
        )

    all_districts = [districts[spec.ags] for spec in DISTRICTS]
    if targets := seed_demo_targets(all_districts):
        result.created["targets"] = targets
    seed_demo_network(districts)
    seed_demo_funding(districts)

    log_action(
        "seeding.demo",
        actor=None,
        data={"districts": [spec.ags for spec in DISTRICTS], "created": result.created},
    )
    return result
