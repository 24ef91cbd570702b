"""Demo offers, referrals and outcomes, written through the services like the demo cases.

Per demo district about twenty offers: the initiative's measures (modules 1–5, run by the
district's providers where it has them), regular offers (integration and job-related language
courses, literacy course, AsA flex, Berufskolleg) and specialist services for referral
counselling. Organisers other than the initiative's providers have generic names ("VHS
Gütersloh", "Caritas Migrationsdienst"); every offer says in its description that times,
places and dates are examples. No addresses or phone numbers.

Referrals go through `offers.services`: proposed only into offers that `suggestions_for`
finds eligible on the day, with consent to case work and — for offers of a provider — to
sharing with that provider (given on the day of the proposal if the person had none and never
withdrew one), accepted only while the offer has free places (else the waiting list), each
step dated in order and never in the future. Outcomes (Verbleib) follow the exits and the
completed courses; some are linked to the referral that led to them.

Idempotent: a district that already has offers is left alone. Deterministic: one
`random.Random` per district; the offers' dates belong to the programme period 2026–2027.
"""

import datetime as dt
import random
from dataclasses import dataclass, field

from django.db.models import Min
from django.utils import timezone

from durchstarten.cases.choices import (
    ConsentPurpose,
    ExitReason,
    NeedCategory,
    ResidenceStatusKind,
)
from durchstarten.cases.models import Participant
from durchstarten.cases.services import consent as consent_services
from durchstarten.core.models import Membership, Role, User
from durchstarten.offers import services as offer_services
from durchstarten.offers.choices import (
    DeclinedBy,
    OfferCategory,
    OfferKind,
    OutcomeKind,
    ReferralState,
)
from durchstarten.offers.models import Offer, Referral
from durchstarten.offers.selectors import suggestions_for
from durchstarten.organisation.models import District, Module, Provider, ProviderAssignment

RANDOM_SEED = "durchstarten-demo-offers-1"
PROGRAMME_START = dt.date(2026, 1, 1)  # the coaching assignments begin
DEMO_NOTE = "Demo-Angebot: Zeiten, Plätze und Termine sind Beispielangaben."

N = NeedCategory
S = ResidenceStatusKind
# Courses of the BAMF (integration and job-related language courses) are open to people with a
# residence permit and to the two Duldungen with a work perspective; Gestattung and plain
# Duldung are what module 4 of the initiative is for.
BAMF_STATUSES = (S.RESIDENCE_PERMIT, S.DULDUNG_TRAINING, S.DULDUNG_EMPLOYMENT)
NOT_ENTITLED = (S.GESTATTUNG, S.DULDUNG, S.OTHER)

# Offers a person can join at any time (no cohort start).
ROLLING = frozenset(
    {
        OfferCategory.COACHING,
        OfferCategory.IN_WORK_QUALIFICATION,
        OfferCategory.ASA_FLEX,
        OfferCategory.PSYCHOSOCIAL_CENTRE,
        OfferCategory.DEBT_COUNSELLING,
        OfferCategory.LEGAL_ADVICE,
        OfferCategory.MIGRATION_COUNSELLING,
    }
)
# Late entry into a running course: language courses take newcomers at the start of each
# module (of 100 hours), other courses for a few weeks.
LATE_ENTRY = dt.timedelta(days=42)
MODULAR_LATE_ENTRY = dt.timedelta(days=120)
# How long a rolling offer lasts for one person (days).
ROLLING_DAYS = {
    OfferCategory.COACHING: (120, 330),
    OfferCategory.IN_WORK_QUALIFICATION: (150, 300),
    OfferCategory.ASA_FLEX: (120, 360),
}
SPECIALIST_DAYS = (14, 120)
LANGUAGE_COURSES = frozenset(
    {
        OfferCategory.INTEGRATION_COURSE,
        OfferCategory.YOUTH_INTEGRATION_COURSE,
        OfferCategory.JOB_LANGUAGE_COURSE,
        OfferCategory.PREPARATION_COURSE,
        OfferCategory.IN_WORK_QUALIFICATION,
    }
)
ABORT_REASONS = (
    "nicht mehr erschienen",
    "gesundheitliche Gründe",
    "Arbeit aufgenommen, Kurszeiten passen nicht mehr",
    "Kinderbetreuung nicht gesichert",
    "Kursniveau passte nicht",
    "Umzug innerhalb des Kreises, Weg zu weit",
)
EXIT_ABORT_REASONS = {
    ExitReason.TRAINING: "Austritt: Ausbildung aufgenommen",
    ExitReason.EMPLOYMENT: "Austritt: Beschäftigung aufgenommen",
    ExitReason.QUALIFICATION: "Austritt: Qualifizierung aufgenommen",
    ExitReason.MOVED_AWAY: "Austritt: verzogen",
    ExitReason.LEFT_GERMANY: "Austritt: ausgereist",
    ExitReason.UNREACHABLE: "Austritt: nicht mehr erreichbar",
    ExitReason.AGE_LIMIT: "Austritt: Altersgrenze erreicht",
    ExitReason.STATUS_CHANGE: "Austritt: Wechsel in Regelangebote",
}
POSITIVE_EXITS = frozenset({ExitReason.TRAINING, ExitReason.EMPLOYMENT, ExitReason.QUALIFICATION})


def d(year: int, month: int, day: int) -> dt.date:
    return dt.date(year, month, day)


@dataclass(frozen=True)
class OfferSpec:
    category: str
    title: str
    description: str
    provider: str | None = None  # provider name (the district's); else `organiser`
    organiser: str = ""
    module: int | None = None
    # None: the whole district; "coaching": the provider's coaching municipalities
    municipalities: tuple[str, ...] | str | None = None
    location: str = ""
    schedule: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    capacity: int | None = None
    languages: tuple[str, ...] = ("de",)
    women_only: bool = False
    childcare: bool = False
    needs: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    min_age: int | None = None
    max_age: int | None = None
    requires_employment: bool = False
    min_german_level: str = ""
    requires_literacy: bool = False


@dataclass(frozen=True)
class DistrictOffers:
    """What differs between the demo districts."""

    town: str  # the Kreisstadt or largest town
    second: str  # a second town with courses
    near_town: tuple[str, ...]  # municipalities around the town (integration course there)
    vhs: str
    second_vhs: str
    berufskolleg: str
    # module -> provider name (None: an organiser "Bildungsträger … (Demo)")
    providers: dict[int, str | None]
    organiser: str  # generic organiser of initiative measures without a provider
    m3_town: str = ""


# Provider names as in `demo`, repeated here to avoid an import cycle.
ASH = "asH Gütersloh gGmbH"
CARITAS_GT = "Caritasverband für den Kreis Gütersloh e. V."
INTAL = "INTAL Bildung und Beruf gGmbH"
DIAKONIE_HF = "Diakonisches Werk"
CARITAS_COE = "Caritasverband für den Kreis Coesfeld e. V."
PB_COACHING = "Coaching-Träger Paderborn (Demo)"

DISTRICT_OFFERS = {
    "05754000": DistrictOffers(
        town="Gütersloh",
        second="Rheda-Wiedenbrück",
        near_town=("Gütersloh", "Harsewinkel", "Herzebrock-Clarholz", "Verl", "Steinhagen"),
        vhs="VHS Gütersloh",
        second_vhs="VHS Reckenberg-Ems",
        berufskolleg="Berufskolleg in Gütersloh",
        providers={2: ASH, 3: INTAL, 4: ASH, 5: CARITAS_GT},
        organiser="Bildungsträger im Kreis Gütersloh (Demo)",
        m3_town="Halle (Westf.)",
    ),
    "05758000": DistrictOffers(
        town="Herford",
        second="Bünde",
        near_town=("Herford", "Hiddenhausen", "Enger", "Spenge", "Vlotho"),
        vhs="VHS im Kreis Herford",
        second_vhs="VHS im Kreis Herford, Außenstelle Bünde",
        berufskolleg="Berufskolleg in Herford",
        providers={2: DIAKONIE_HF, 3: DIAKONIE_HF, 4: DIAKONIE_HF, 5: DIAKONIE_HF},
        organiser="Bildungsträger im Kreis Herford (Demo)",
    ),
    "05162000": DistrictOffers(
        town="Neuss",
        second="Grevenbroich",
        near_town=("Neuss", "Kaarst", "Meerbusch", "Korschenbroich"),
        vhs="VHS Neuss",
        second_vhs="VHS Grevenbroich",
        berufskolleg="Berufskolleg in Neuss",
        providers={2: None, 3: None, 4: None, 5: None},
        organiser="Bildungsträger im Rhein-Kreis Neuss (Demo)",
    ),
    "05558000": DistrictOffers(
        town="Coesfeld",
        second="Dülmen",
        near_town=("Coesfeld", "Billerbeck", "Rosendahl", "Nottuln", "Havixbeck"),
        vhs="VHS Coesfeld",
        second_vhs="VHS Dülmen",
        berufskolleg="Berufskolleg in Coesfeld",
        providers={2: None, 3: None, 4: CARITAS_COE, 5: CARITAS_COE},
        organiser="Bildungsträger im Kreis Coesfeld (Demo)",
    ),
    "05774000": DistrictOffers(
        town="Paderborn",
        second="Delbrück",
        near_town=("Paderborn", "Bad Lippspringe", "Borchen", "Altenbeken", "Salzkotten"),
        vhs="VHS Paderborn",
        second_vhs="VHS Delbrück",
        berufskolleg="Berufskolleg in Paderborn",
        providers={1: PB_COACHING, 2: None, 3: None, 4: None, 5: None},
        organiser="Bildungsträger im Kreis Paderborn (Demo)",
    ),
}

# Provider logins that confirm places (no usable password, except the demo login "traeger").
PROVIDER_STAFF = {
    ASH: ("traeger-ash", "Ole", "Brockmeyer"),
    CARITAS_GT: ("traeger", "", ""),  # the demo login, created by `demo`
    INTAL: ("traeger-intal", "Derya", "Kaplan"),
    DIAKONIE_HF: ("traeger-diakonie-herford", "Henrik", "Obermeier"),
    CARITAS_COE: ("traeger-caritas-coesfeld", "Maria", "Kemper"),
    PB_COACHING: ("traeger-paderborn", "Lukas", "Rüther"),
}
# Coordinators of the districts without the demo login "koordination" (they keep the offers
# of organisers other than the providers).
COORDINATORS = {
    "05162000": ("koordination-neuss", "Petra", "Hilgers"),
    "05558000": ("koordination-coesfeld", "Bernd", "Wessels"),
    "05774000": ("koordination-paderborn", "Claudia", "Niggemeier"),
}
# Logins this module creates (the demo login "traeger" comes from `demo`).
EXTRA_USERNAMES = tuple(
    username
    for username, _first, _last in (*PROVIDER_STAFF.values(), *COORDINATORS.values())
    if username != "traeger"
)


def offer_specs(ags: str, coaching_providers: list[str]) -> list[OfferSpec]:
    """The offers of one demo district."""
    cfg = DISTRICT_OFFERS[ags]
    town, second = cfg.town, cfg.second
    specs: list[OfferSpec] = []

    def provider_or_organiser(module: int) -> dict:
        name = cfg.providers.get(module)
        return {"provider": name} if name else {"organiser": cfg.organiser}

    # --- Module 1: coaching by the coaching providers ---------------------------------------
    coaches = list(coaching_providers)
    if cfg.providers.get(1) and cfg.providers[1] not in coaches:
        coaches.append(cfg.providers[1])
    for name in coaches:
        assigned = name in coaching_providers
        specs.append(
            OfferSpec(
                OfferCategory.COACHING,
                f"Coaching Durchstarten – {name}",
                "Individuelles Coaching auf dem Weg in Ausbildung und Arbeit: Berufsorientierung, "
                "Bewerbungen, Praktika und Begleitung in den ersten Monaten der Ausbildung.",
                provider=name,
                module=Module.COACHING,
                municipalities="coaching" if assigned else None,
                location=town if not assigned else "",
                schedule="Termine nach Vereinbarung",
                start=d(2026, 1, 1),
                end=d(2027, 12, 31),
                capacity=45,
                languages=("de", "en", "ar"),
                needs=(N.VOCATIONAL_ORIENTATION, N.TRAINING_PLACE, N.JOB, N.IN_WORK_SUPPORT),
                min_age=18,
                max_age=27,
            )
        )

    # --- Module 2: in-work language support -------------------------------------------------
    specs.append(
        OfferSpec(
            OfferCategory.IN_WORK_QUALIFICATION,
            "Berufsbegleitende Sprachförderung (Baustein 2)",
            "Fachsprache und Prüfungsvorbereitung neben Ausbildung oder Beschäftigung, in "
            "kleinen Gruppen am Abend.",
            module=Module.IN_WORK,
            location=town,
            schedule="Di und Do 17:00–19:15",
            start=d(2026, 2, 2),
            end=d(2027, 12, 17),
            capacity=14,
            needs=(N.IN_WORK_SUPPORT, N.GERMAN),
            min_age=18,
            max_age=27,
            requires_employment=True,
            min_german_level="B1",
            **provider_or_organiser(2),
        )
    )

    # --- Module 3: Hauptschulabschluss 9/10A ------------------------------------------------
    m3_town = cfg.m3_town or town
    specs.append(
        OfferSpec(
            OfferCategory.SCHOOL_CERTIFICATE_COURSE,
            f"Kurs Hauptschulabschluss nach Klasse 9/10A (Baustein 3) – {m3_town}",
            "Vorbereitung auf die externe Prüfung zum Hauptschulabschluss nach Klasse 9 und "
            "10 Typ A: Deutsch, Mathematik, Englisch, Gesellschaftslehre.",
            module=Module.SCHOOL_CERTIFICATE,
            location=m3_town,
            schedule="Mo–Do 08:30–13:00",
            start=d(2026, 3, 2),
            end=d(2027, 1, 29),
            capacity=16,
            needs=(N.SCHOOL_CERTIFICATE,),
            min_age=18,
            max_age=27,
            min_german_level="A2",
            requires_literacy=True,
            **provider_or_organiser(3),
        )
    )
    # A second course from the new school year, in Gütersloh by the Caritas.
    specs.append(
        OfferSpec(
            OfferCategory.SCHOOL_CERTIFICATE_COURSE,
            f"Kurs Hauptschulabschluss nach Klasse 9/10A (Baustein 3) – {second}",
            "Vorbereitung auf die externe Prüfung zum Hauptschulabschluss, mit "
            "Lernbegleitung am Nachmittag.",
            module=Module.SCHOOL_CERTIFICATE,
            location=second,
            schedule="Mo–Do 08:30–13:00",
            start=d(2026, 8, 31),
            end=d(2027, 6, 25),
            capacity=14,
            needs=(N.SCHOOL_CERTIFICATE,),
            min_age=18,
            max_age=27,
            min_german_level="A2",
            requires_literacy=True,
            **({"provider": CARITAS_GT} if ags == "05754000" else provider_or_organiser(3)),
        )
    )

    # --- Module 4: youth integration course for those without entitlement -------------------
    cohorts = (
        (d(2026, 2, 16), d(2026, 12, 18)),
        (d(2026, 6, 15), d(2027, 4, 30)),
        (d(2026, 10, 12), d(2027, 8, 27)),
        (d(2027, 1, 11), d(2027, 11, 26)),
    )
    for start, end in cohorts:
        specs.append(
            OfferSpec(
                OfferCategory.PREPARATION_COURSE,
                f"Jugendintegrationskurs (Baustein 4) – {town}, ab {start:%d.%m.%Y}",
                "900 Unterrichtsstunden Sprachkurs und 100 Stunden Orientierungskurs, Ziel "
                "Deutsch B1 (Deutsch-Test für Zuwanderer), für junge Menschen ohne Anspruch auf "
                "einen Integrationskurs.",
                module=Module.PREPARATION,
                location=town,
                schedule="Mo–Fr 09:00–13:15",
                start=start,
                end=end,
                capacity=4,
                languages=("de",),
                needs=(N.GERMAN,),
                statuses=NOT_ENTITLED,
                min_age=18,
                max_age=27,
                requires_literacy=True,
                **provider_or_organiser(4),
            )
        )

    # --- Module 5: women's project ---------------------------------------------------------
    specs.append(
        OfferSpec(
            OfferCategory.INNOVATION_PROJECT,
            "Frauen starten durch (Baustein 5)",
            "Sprachförderung, Berufsorientierung und Praktika für junge Frauen, mit "
            "Kinderbetreuung während der Kurszeiten.",
            module=Module.INNOVATION,
            location=second,
            schedule="Mo, Mi, Do 09:00–12:30",
            start=d(2026, 4, 13),
            end=d(2027, 3, 26),
            capacity=3,
            languages=("de", "ar", "fa", "ti"),
            women_only=True,
            childcare=True,
            needs=(N.GERMAN, N.VOCATIONAL_ORIENTATION, N.CHILDCARE),
            min_age=18,
            max_age=27,
            **provider_or_organiser(5),
        )
    )

    # --- Regular offers --------------------------------------------------------------------
    for place, vhs, municipalities, (start, end) in (
        (town, cfg.vhs, cfg.near_town, (d(2026, 1, 12), d(2026, 8, 28))),
        (town, cfg.vhs, cfg.near_town, (d(2026, 9, 7), d(2027, 5, 28))),
        (second, cfg.second_vhs, None, (d(2026, 4, 20), d(2027, 1, 29))),
    ):
        specs.append(
            OfferSpec(
                OfferCategory.INTEGRATION_COURSE,
                f"Integrationskurs (allgemein) – {place}, ab {start:%d.%m.%Y}",
                "600 Unterrichtsstunden Sprachkurs und 100 Stunden Orientierungskurs, "
                "Abschluss Deutsch-Test für Zuwanderer (Ziel B1).",
                organiser=vhs,
                municipalities=municipalities,
                location=place,
                schedule="Mo–Fr 08:30–12:45",
                start=start,
                end=end,
                capacity=20,
                needs=(N.GERMAN,),
                statuses=BAMF_STATUSES,
                min_age=16,
                requires_literacy=True,
            )
        )
    specs += [
        OfferSpec(
            OfferCategory.YOUTH_INTEGRATION_COURSE,
            f"Jugendintegrationskurs (BAMF) – {town}",
            "Integrationskurs für junge Erwachsene bis 27 Jahre: 900 Stunden Sprachkurs, "
            "100 Stunden Orientierungskurs, Ziel B1.",
            organiser=cfg.vhs,
            location=town,
            schedule="Mo–Fr 09:00–13:15",
            start=d(2026, 3, 2),
            end=d(2027, 1, 29),
            capacity=18,
            needs=(N.GERMAN, N.VOCATIONAL_ORIENTATION),
            statuses=BAMF_STATUSES,
            min_age=18,
            max_age=27,
            requires_literacy=True,
        ),
        OfferSpec(
            OfferCategory.JOB_LANGUAGE_COURSE,
            f"Berufssprachkurs B2 – {town}",
            "Berufsbezogene Deutschsprachförderung nach der DeuFöV, Abschluss Zertifikat B2.",
            organiser="Sprachkursträger (Berufssprachkurse)",
            location=town,
            schedule="Mo–Fr 13:30–17:45",
            start=d(2026, 3, 2),
            end=d(2026, 9, 25),
            capacity=20,
            needs=(N.GERMAN, N.JOB, N.TRAINING_PLACE),
            statuses=BAMF_STATUSES,
            min_age=18,
            min_german_level="B1",
            requires_literacy=True,
        ),
        OfferSpec(
            OfferCategory.JOB_LANGUAGE_COURSE,
            f"Berufssprachkurs B2 – {town}, Frühjahr 2027",
            "Berufsbezogene Deutschsprachförderung nach der DeuFöV, Abschluss Zertifikat B2.",
            organiser="Sprachkursträger (Berufssprachkurse)",
            location=town,
            schedule="Mo–Fr 13:30–17:45",
            start=d(2027, 2, 1),
            end=d(2027, 7, 30),
            capacity=20,
            needs=(N.GERMAN, N.JOB, N.TRAINING_PLACE),
            statuses=BAMF_STATUSES,
            min_age=18,
            min_german_level="B1",
            requires_literacy=True,
        ),
        OfferSpec(
            OfferCategory.LITERACY_COURSE,
            f"Alphabetisierungskurs – {town}",
            "Lesen und Schreiben in lateinischer Schrift und Deutsch bis A2, auch für "
            "Zweitschriftlernende.",
            organiser=cfg.vhs,
            location=town,
            schedule="Mo–Fr 08:30–12:45",
            start=d(2026, 3, 2),
            end=d(2027, 2, 26),
            capacity=14,
            languages=("de", "ar", "prs", "ti"),
            needs=(N.LITERACY, N.GERMAN),
            min_age=16,
        ),
        OfferSpec(
            OfferCategory.ASA_FLEX,
            "Assistierte Ausbildung flexibel (AsA flex)",
            "Begleitung vor und während der Ausbildung: Nachhilfe Berufsschule, "
            "Prüfungsvorbereitung, Hilfe bei Konflikten im Betrieb. Zugang über die "
            "Agentur für Arbeit.",
            organiser="Bildungsträger im Auftrag der Agentur für Arbeit",
            schedule="Termine nach Vereinbarung, auch abends",
            start=d(2026, 1, 1),
            end=d(2027, 12, 31),
            capacity=25,
            needs=(N.IN_WORK_SUPPORT, N.TRAINING_PLACE),
            min_age=16,
            max_age=27,
            min_german_level="A2",
        ),
        OfferSpec(
            OfferCategory.BERUFSKOLLEG,
            f"Internationale Förderklasse – {cfg.berufskolleg}, Quereinstieg Februar 2026",
            "Einjähriger Bildungsgang: Deutsch, Berufsorientierung in zwei Fachbereichen, "
            "Hauptschulabschluss nach Klasse 9 möglich.",
            organiser=cfg.berufskolleg,
            location=town,
            schedule="Mo–Fr 08:00–13:15",
            start=d(2026, 2, 2),
            end=d(2026, 7, 17),
            capacity=22,
            needs=(N.GERMAN, N.SCHOOL_CERTIFICATE, N.VOCATIONAL_ORIENTATION),
            min_age=16,
            max_age=25,
        ),
        OfferSpec(
            OfferCategory.BERUFSKOLLEG,
            f"Internationale Förderklasse – {cfg.berufskolleg}, Schuljahr 2026/27",
            "Einjähriger Bildungsgang: Deutsch, Berufsorientierung in zwei Fachbereichen, "
            "Hauptschulabschluss nach Klasse 9 möglich.",
            organiser=cfg.berufskolleg,
            location=town,
            schedule="Mo–Fr 08:00–13:15",
            start=d(2026, 9, 2),
            end=d(2027, 7, 9),
            capacity=22,
            needs=(N.GERMAN, N.SCHOOL_CERTIFICATE, N.VOCATIONAL_ORIENTATION),
            min_age=16,
            max_age=25,
        ),
    ]

    # --- Specialist services (Verweisberatung) -------------------------------------------
    specs += [
        OfferSpec(
            OfferCategory.PSYCHOSOCIAL_CENTRE,
            "Psychosoziales Zentrum für Geflüchtete – Beratung und Therapievermittlung",
            "Psychosoziale Beratung, Stabilisierung und Vermittlung in Therapie, mit "
            "Sprachmittlung.",
            organiser="Psychosoziales Zentrum für Geflüchtete (regional)",
            schedule="Erstgespräch nach Terminvereinbarung",
            capacity=2,
            languages=("de", "ar", "fa", "ti", "en"),
            needs=(N.PSYCHOSOCIAL, N.HEALTH),
        ),
        OfferSpec(
            OfferCategory.DEBT_COUNSELLING,
            f"Schuldner- und Insolvenzberatung – {town}",
            "Überblick über Forderungen, Verhandlung mit Gläubigern, Pfändungsschutzkonto.",
            organiser="Schuldnerberatung (Wohlfahrtsverband)",
            location=town,
            schedule="offene Sprechstunde Mi 14:00–16:00",
            needs=(N.DEBTS,),
        ),
        OfferSpec(
            OfferCategory.LEGAL_ADVICE,
            "Rechts- und Aufenthaltsberatung für Geflüchtete",
            "Beratung zu Duldung, Ausbildungs- und Beschäftigungsduldung, Bleiberecht und "
            "Passbeschaffung; Begleitung zur Ausländerbehörde.",
            organiser="Caritas Migrationsdienst",
            location=town,
            schedule="Termine nach Vereinbarung",
            languages=("de", "ar", "fa", "en", "fr"),
            needs=(N.LEGAL,),
        ),
        OfferSpec(
            OfferCategory.MIGRATION_COUNSELLING,
            "Jugendmigrationsdienst (JMD)",
            "Begleitung junger Zugewanderter bis 27 Jahre: Schule, Ausbildung, Wohnen, Behörden.",
            organiser="Jugendmigrationsdienst",
            location=town,
            schedule="Termine nach Vereinbarung",
            languages=("de", "en", "ar"),
            needs=(N.HOUSING, N.OTHER, N.LEGAL),
            max_age=27,
        ),
        OfferSpec(
            OfferCategory.MIGRATION_COUNSELLING,
            "Migrationsberatung für erwachsene Zuwanderer (MBE)",
            "Beratung für Zugewanderte ab 27 Jahren: Sprachkurse, Anerkennung, Wohnen, Familie.",
            organiser="Migrationsberatung eines Wohlfahrtsverbands",
            location=second,
            schedule="Sprechstunde Di 09:00–12:00",
            languages=("de", "tr", "ru", "ar"),
            needs=(N.HOUSING, N.OTHER),
            min_age=27,
        ),
    ]
    return specs


# --- Writing -------------------------------------------------------------------------------


@dataclass
class DemoOffersResult:
    offers: int = 0
    referrals: int = 0
    placed: int = 0
    outcomes: int = 0
    states: dict[str, int] = field(default_factory=dict)
    skipped_districts: list[str] = field(default_factory=list)


def _user(username: str, first: str, last: str, email_domain: str) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"first_name": first, "last_name": last, "email": f"{username}@{email_domain}"},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _staff(district: District, email_domain: str) -> tuple[User, dict[int, User]]:
    """The district's coordinator and, per provider, a provider login (created on first use)."""
    spec = COORDINATORS.get(district.ags)
    if spec is not None:
        coordinator = _user(*spec, email_domain)
        Membership.objects.get_or_create(
            user=coordinator, role=Role.COORDINATOR, district=district, provider=None
        )
    else:
        coordinator = (
            Membership.objects.filter(district=district, role=Role.COORDINATOR)
            .select_related("user")
            .order_by("user__username")
            .first()
        ).user
    staff: dict[int, User] = {}
    for provider in Provider.objects.filter(district=district).order_by("name"):
        login = PROVIDER_STAFF.get(provider.name)
        if login is None:
            continue
        username, first, last = login
        user = (
            User.objects.get(username=username)
            if username == "traeger"
            else _user(username, first, last, email_domain)
        )
        Membership.objects.get_or_create(
            user=user, role=Role.PROVIDER_STAFF, district=district, provider=provider
        )
        staff[provider.pk] = user
    return coordinator, staff


def _create_offers(
    district: District, coordinator: User, staff: dict[int, User], today: dt.date
) -> list[Offer]:
    providers = {p.name: p for p in Provider.objects.filter(district=district)}
    municipalities = {m.name: m for m in district.municipalities.all()}
    coaching: dict[str, list] = {}
    for assignment in (
        ProviderAssignment.objects.active_on(PROGRAMME_START)
        .filter(district=district, module=Module.COACHING)
        .select_related("provider")
        .prefetch_related("municipalities")
        .order_by("provider__name")
    ):
        coaching[assignment.provider.name] = sorted(
            assignment.municipalities.all(), key=lambda m: m.ags
        )
    offers = []
    for spec in offer_specs(district.ags, list(coaching)):
        provider = providers[spec.provider] if spec.provider else None
        if spec.municipalities == "coaching":
            chosen = coaching[spec.provider]
        elif spec.municipalities:
            chosen = [municipalities[name] for name in spec.municipalities]
        else:
            chosen = []
        actor = staff.get(provider.pk, coordinator) if provider else coordinator
        offers.append(
            offer_services.offer_create(
                actor=actor,
                district=district,
                municipalities=chosen,
                provider=provider,
                organiser="" if provider else spec.organiser,
                category=spec.category,
                module=spec.module,
                title=spec.title,
                description=f"{spec.description}\n\n{DEMO_NOTE}",
                location=spec.location,
                schedule=spec.schedule,
                start_date=spec.start,
                end_date=spec.end,
                capacity=spec.capacity,
                languages=list(spec.languages),
                women_only=spec.women_only,
                childcare=spec.childcare,
                needs_covered=[str(n) for n in spec.needs],
                allowed_statuses=[str(s) for s in spec.statuses],
                min_age=spec.min_age,
                max_age=spec.max_age,
                requires_employment=spec.requires_employment,
                min_german_level=spec.min_german_level,
                requires_literacy=spec.requires_literacy,
            )
        )
    return offers


def _between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    span = (end - start).days
    return start if span <= 0 else start + dt.timedelta(days=rng.randint(0, span))


def _days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


class _DistrictRun:
    """Referrals and outcomes of one district."""

    def __init__(self, district, rng, today, case_manager, coordinator, staff, result):
        self.district = district
        self.rng = rng
        self.today = today
        self.case_manager = case_manager
        self.coordinator = coordinator
        self.staff = staff
        self.result = result

    # --- helpers -------------------------------------------------------------------------

    def provider_actor(self, offer: Offer) -> User:
        if offer.provider_id:
            return self.staff.get(offer.provider_id, self.coordinator)
        return self.case_manager

    def step(self, referral, to_state, on, *, actor=None, reason="", declined_by=""):
        offer = referral.offer
        if actor is None:
            # The provider confirms places and reports starts and ends of its own offers.
            actor = self.provider_actor(offer) if offer.provider_id else self.case_manager
        offer_services.referral_transition(
            actor=actor,
            referral=referral,
            version=referral.version,
            to_state=to_state,
            on=on,
            reason=reason,
            declined_by=declined_by,
        )

    def sharing_ok(self, participant, provider_id, on: dt.date, consents) -> bool:
        """Consent to share with the provider on the day and still today; given on the day
        if the person never had one (a withdrawal is respected)."""
        mine = [c for c in consents if c.provider_id == provider_id]
        if any(c.withdrawn_on is not None for c in mine):
            return False
        # One given after the proposal day only: not on this day.
        return not mine or any(c.given_on <= on for c in mine)

    # --- per participant -------------------------------------------------------------------

    def person(self, participant: Participant) -> None:
        rng, today = self.rng, self.today
        stays = list(participant.enrollments.order_by("entry_date", "id"))
        if not stays:
            return
        stay = stays[-1]
        entry, exit_date = stay.entry_date, stay.exit_date
        limit = min(exit_date or today, today)
        sharing = [
            c for c in participant.consents.all() if c.purpose == ConsentPurpose.PROVIDER_SHARING
        ]
        self.in_work_outcomes(participant, stay)
        placements: list[Referral] = []
        r = rng.random()
        # Who aims at what: an initiative measure, a regular offer, or both.
        wants = []
        if r < 0.80:
            wants.append(OfferKind.INITIATIVE)
        if r >= 0.68:
            wants.append(OfferKind.REGULAR)
        rng.shuffle(wants)
        day = _between(rng, entry, min(limit, entry + _days(40)))
        for kind in wants:
            referral = self.refer(participant, kind, day, limit, exit_date, stay, sharing)
            if referral is not None and referral.started_on is not None:
                placements.append(referral)
            day = min(limit, day + _days(rng.randint(10, 60)))
        # Referral counselling for specialist needs.
        needs = set(participant.needs.values_list("category", flat=True))
        for need in (N.LEGAL, N.PSYCHOSOCIAL, N.HEALTH, N.DEBTS, N.HOUSING):
            if need in needs and rng.random() < 0.6:
                when = _between(rng, entry, min(limit, entry + _days(90)))
                self.refer(
                    participant, OfferKind.SPECIALIST, when, limit, exit_date, stay, sharing, need
                )
        # Some of those in the programme get a fresh proposal in the last weeks.
        if exit_date is None and rng.random() < 0.18:
            when = _between(rng, max(entry, today - _days(21)), today)
            self.refer(participant, rng.choice(list(OfferKind)[:2]), when, limit, None, stay,
                       sharing)  # fmt: skip
        if placements:
            self.result.placed += 1
        self.later_outcomes(participant, stay, placements)

    def refer(self, participant, kind, day, limit, exit_date, stay, sharing, need=None):
        rng = self.rng
        eligible, _excluded = suggestions_for(participant, today=day)
        candidates = []
        for evaluation in eligible:
            offer = evaluation.offer
            if offer.kind != kind:
                continue
            if need is not None and need not in offer.needs_covered:
                continue
            if participant.referrals.filter(offer=offer).exists():
                continue
            place = evaluation.score[2]
            if offer.category == OfferCategory.COACHING and place < 1:
                continue  # coaching is organised by municipality
            if place == 0 and rng.random() < 0.8:
                continue
            if (
                offer.category not in ROLLING
                and offer.start_date
                and day
                > offer.start_date
                + (MODULAR_LATE_ENTRY if offer.category in LANGUAGE_COURSES else LATE_ENTRY)
            ):
                continue
            if offer.provider_id and not self.sharing_ok(
                participant, offer.provider_id, day, sharing
            ):
                continue
            candidates.append(evaluation)
        if not candidates:
            return None
        covering = [e for e in candidates if e.score[0] > 0]
        pool = (covering or candidates)[:4]
        offer = pool[min(int(rng.random() ** 2 * len(pool)), len(pool) - 1)].offer
        if offer.provider_id and not any(c.provider_id == offer.provider_id for c in sharing):
            sharing.append(
                consent_services.consent_give(
                    actor=self.case_manager,
                    participant=participant,
                    purpose=ConsentPurpose.PROVIDER_SHARING,
                    given_on=day,
                    form_language="de",
                    provider=offer.provider,
                )
            )
        referral = offer_services.referral_propose(
            actor=self.case_manager, participant=participant, offer=offer, on=day
        )
        self.walk(referral, offer, day, limit, exit_date, stay)
        referral.refresh_from_db()
        self.result.referrals += 1
        self.result.states[referral.state] = self.result.states.get(referral.state, 0) + 1
        return referral

    def walk(self, referral, offer, proposed, limit, exit_date, stay) -> None:
        """Take the referral as far as the days allow; close what is open at an exit."""
        rng = self.rng
        specialist = offer.kind == OfferKind.SPECIALIST
        r = rng.random()
        accept = proposed + _days(rng.randint(1, 14) if specialist else rng.randint(3, 21))
        if offer.start_date and not specialist and offer.category not in ROLLING:
            accept = min(accept, max(proposed, offer.start_date - _days(3)))
        closing = exit_date is not None
        participant_declines = DeclinedBy.PARTICIPANT
        if r < 0.06:
            self.step(referral, ReferralState.DECLINED, min(accept, limit),
                      actor=self.case_manager, declined_by=participant_declines)  # fmt: skip
            return
        if r < 0.09:
            self.step(referral, ReferralState.DECLINED, min(accept, limit),
                      declined_by=DeclinedBy.PROVIDER)  # fmt: skip
            return
        if accept > limit:
            if closing:
                self.step(referral, ReferralState.DECLINED, limit, actor=self.case_manager,
                          declined_by=participant_declines)  # fmt: skip
            return
        free = offer_services.free_places(offer)
        if free is not None and free <= 0:
            self.step(referral, ReferralState.WAITING, accept)
            if closing:
                self.step(referral, ReferralState.DECLINED, limit, actor=self.case_manager,
                          declined_by=participant_declines)  # fmt: skip
            return
        self.step(referral, ReferralState.ACCEPTED, accept)
        if specialist:
            start = accept + _days(rng.randint(0, 10))
        elif offer.category in ROLLING or not offer.start_date:
            start = max(accept + _days(rng.randint(0, 14)), offer.start_date or accept)
        elif accept < offer.start_date:
            start = offer.start_date
        else:
            start = accept + _days(rng.randint(0, 7))
        if start > limit:
            if closing:
                self.step(referral, ReferralState.DECLINED, limit, actor=self.case_manager,
                          declined_by=participant_declines)  # fmt: skip
            return
        if rng.random() < 0.04:
            self.step(referral, ReferralState.ABORTED, start, actor=self.case_manager,
                      reason="zum Kursbeginn nicht erschienen")  # fmt: skip
            return
        self.step(referral, ReferralState.STARTED, start)
        if offer.category == OfferCategory.PSYCHOSOCIAL_CENTRE:
            end = start + _days(rng.randint(90, 300))  # stabilisation takes months
        elif specialist:
            end = start + _days(rng.randint(*SPECIALIST_DAYS))
        elif offer.category in ROLLING_DAYS:
            end = start + _days(rng.randint(*ROLLING_DAYS[offer.category]))
            if offer.end_date:
                end = min(end, offer.end_date)
        else:
            end = offer.end_date or start + _days(180)
        if end <= limit:
            if rng.random() < 0.86:
                self.step(referral, ReferralState.COMPLETED, end)
            else:
                self.step(referral, ReferralState.ABORTED, _between(rng, start, end),
                          reason=rng.choice(ABORT_REASONS))  # fmt: skip
            return
        if rng.random() < 0.08 and start < limit:
            self.step(referral, ReferralState.ABORTED, _between(rng, start, limit),
                      reason=rng.choice(ABORT_REASONS))  # fmt: skip
            return
        if closing:
            if offer.category == OfferCategory.COACHING and stay.exit_reason in POSITIVE_EXITS:
                self.step(referral, ReferralState.COMPLETED, limit)
            else:
                reason = EXIT_ABORT_REASONS.get(stay.exit_reason, "Austritt aus dem Programm")
                self.step(referral, ReferralState.ABORTED, limit, reason=reason)

    # --- outcomes --------------------------------------------------------------------------

    def record(self, participant, kind, start, *, end=None, level="", referral=None, note=""):
        offer_services.outcome_record(
            actor=self.case_manager,
            participant=participant,
            kind=kind,
            start_date=start,
            end_date=end,
            language_level=level,
            referral=referral,
            note=note,
        )
        self.result.outcomes += 1

    def in_work_outcomes(self, participant, stay) -> None:
        """People with an Ausbildungs- or Beschäftigungsduldung are in training or work."""
        for status in participant.residence_statuses.order_by("valid_from"):
            if status.kind == S.DULDUNG_TRAINING:
                kind, note = OutcomeKind.TRAINING_DUAL, "Ausbildung läuft (Ausbildungsduldung)"
            elif status.kind == S.DULDUNG_EMPLOYMENT:
                kind, note = OutcomeKind.EMPLOYMENT_INSURED, "Beschäftigung (Beschäftigungsduldung)"
            else:
                continue
            if status.valid_from > self.today:
                continue
            self.record(participant, kind, status.valid_from, note=note)
            return

    def later_outcomes(self, participant, stay, placements: list[Referral]) -> None:
        rng = self.rng
        by_category = {}
        for referral in placements:
            by_category.setdefault(referral.offer.category, referral)
        for referral in placements:
            if referral.state != ReferralState.COMPLETED:
                continue
            category = referral.offer.category
            if category in LANGUAGE_COURSES and rng.random() < 0.7:
                level = "B2" if category == OfferCategory.JOB_LANGUAGE_COURSE else "B1"
                if level == "B1" and rng.random() < 0.35:
                    level = "A2"
                self.record(participant, OutcomeKind.LANGUAGE_EXAM,
                            min(self.today, referral.ended_on + _days(rng.randint(7, 28))),
                            level=level, referral=referral,
                            note="Deutsch-Test für Zuwanderer" if level != "B2"
                            else "telc Deutsch B2")  # fmt: skip
            elif category == OfferCategory.SCHOOL_CERTIFICATE_COURSE and rng.random() < 0.65:
                self.record(participant, OutcomeKind.SCHOOL_CERTIFICATE, referral.ended_on,
                            referral=referral, note="Hauptschulabschluss nach Klasse 9",
                            )  # fmt: skip
        if stay.exit_date is not None and stay.exit_reason in POSITIVE_EXITS:
            via = by_category.get(OfferCategory.COACHING) or by_category.get(OfferCategory.ASA_FLEX)
            if stay.exit_reason == ExitReason.TRAINING:
                kind = (
                    OutcomeKind.TRAINING_DUAL
                    if rng.random() < 0.75
                    else OutcomeKind.TRAINING_SCHOOL
                )
            elif stay.exit_reason == ExitReason.EMPLOYMENT:
                kind = (
                    OutcomeKind.EMPLOYMENT_INSURED
                    if rng.random() < 0.8
                    else OutcomeKind.EMPLOYMENT_MARGINAL
                )
            else:
                kind = OutcomeKind.ENTRY_QUALIFICATION
            if not participant.outcomes.filter(kind=kind).exists():
                self.record(participant, kind, stay.exit_date,
                            referral=via if via is not None and rng.random() < 0.7 else None,
                            note=stay.exit_note)  # fmt: skip
        elif stay.exit_date is None and rng.random() < 0.07:
            start = _between(self.rng, stay.entry_date, self.today)
            end = start + _days(rng.choice((14, 21, 28, 42)))
            self.record(participant, OutcomeKind.INTERNSHIP, start, end=end,
                        note=rng.choice(("Praktikum im Handwerk", "Praktikum in der Pflege",
                                         "Praktikum im Einzelhandel",
                                         "Praktikum in der Logistik")))  # fmt: skip


def seed_demo_offers(
    districts: list[District],
    *,
    email_domain: str,
    case_manager_for,
    today: dt.date | None = None,
) -> DemoOffersResult:
    """Offers for every demo district without offers, and referrals and outcomes for its
    participants who entered the programme."""
    result = DemoOffersResult()
    today = today or timezone.localdate()
    for district in districts:
        if district.ags not in DISTRICT_OFFERS:
            continue
        if Offer.objects.filter(district=district).exists():
            result.skipped_districts.append(district.ags)
            continue
        coordinator, staff = _staff(district, email_domain)
        offers = _create_offers(district, coordinator, staff, today)
        result.offers += len(offers)
        rng = random.Random(f"{RANDOM_SEED}:{district.ags}")  # noqa: S311 - demo data
        run = _DistrictRun(
            district,
            rng,
            today,
            case_manager_for(district, email_domain),
            coordinator,
            staff,
            result,
        )
        # In the order they entered: the first take the places, later ones may find the
        # course full and go on the waiting list.
        first_entry = Min("enrollments__entry_date")
        entered = (
            Participant.objects.filter(district=district, enrollments__isnull=False)
            .annotate(first_entry=first_entry)
            .order_by("first_entry", "pk")
        )
        for participant in entered:
            run.person(participant)
    return result
