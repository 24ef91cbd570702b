"""Plans of realistic case histories for seed data: pure Python, no database.

`PersonGenerator.person()` draws one person with the whole history the case work would have
recorded: residence statuses, outreach, consents, enrollments, needs, case plan, counselling
contacts and follow-ups. The demo seed writes these plans through the services; the synthetic
seed writes them with bulk inserts. Both get the same realism from here.

Everything is drawn from the `random.Random` passed in and dated relative to `today`: the same
seed on the same day gives the same people. Dates never lie in the future and the programme's
events start on `programme_start` (the day the coaching assignments begin), so that every entry
finds its coaching provider.

Shares (of everyone contacted): about 10 % never reached; of those reached about 71 % enter
(cf. a real district: 124 contacted, 88 entered); of those entered about 20 % have left.
"""

import datetime as dt
import random
from bisect import bisect
from dataclasses import dataclass, field
from itertools import accumulate

from durchstarten.cases.choices import (
    ConsentPurpose,
    ContactChannel,
    ExitReason,
    Gender,
    GoalStatus,
    Literacy,
    NeedCategory,
    NeedStatus,
    OutreachChannel,
    OutreachResult,
    Priority,
    ResidenceStatusKind,
)
from durchstarten.cases.rules import MAX_AGE, MIN_AGE, age_on, birthday, years_before
from durchstarten.seeding.population import ORIGINS, SCHOOLING, WORK_HISTORY, Origin

ONE_DAY = dt.timedelta(days=1)

# Form languages we have consent forms in; others sign the German form with an interpreter.
FORM_LANGUAGES = frozenset(
    {"de", "ar", "fa", "prs", "ps", "ti", "so", "fr", "en", "tr", "ru", "ku", "kmr", "ckb"}
)


@dataclass(slots=True)
class Status:
    kind: str
    valid_from: dt.date
    valid_until: dt.date | None
    note: str = ""


@dataclass(slots=True)
class Stay:
    entry: dt.date
    exit: dt.date | None = None
    reason: str = ""
    note: str = ""


@dataclass(slots=True)
class NeedPlan:
    category: str
    priority: str
    status: str
    identified_on: dt.date
    closed_on: dt.date | None
    description: str


@dataclass(slots=True)
class GoalPlan:
    need: int | None  # index into PersonPlan.needs
    title: str
    status: str
    due_date: dt.date | None
    steps: list[tuple[str, str, dt.date | None, dt.date | None]]  # title, owner, due, done


@dataclass(slots=True)
class PersonPlan:
    given_names: str
    family_name: str
    gender: str
    date_of_birth: dt.date
    nationality: str
    languages: list[str]
    german_level: str
    literacy: str
    interpreter_needed: bool
    municipality: int  # index into the district's municipalities
    schooling: str
    work_history: str
    statuses: list[Status] = field(default_factory=list)
    # (channel, date, result, note)
    outreaches: list[tuple[str, dt.date, str, str]] = field(default_factory=list)
    # (purpose, given_on, withdrawn_on); provider sharing means the coaching provider
    consents: list[tuple[str, dt.date, dt.date | None]] = field(default_factory=list)
    form_language: str = "de"
    stays: list[Stay] = field(default_factory=list)
    coached: bool = False  # a coach of the provider is named, if it has any
    needs: list[NeedPlan] = field(default_factory=list)
    goals: list[GoalPlan] = field(default_factory=list)
    # (date, minutes, channel, language, interpreter_used, topics, note)
    contacts: list[tuple[dt.date, int, str, str, bool, list[str], str]] = field(
        default_factory=list
    )
    tasks: list[tuple[str, dt.date, bool]] = field(default_factory=list)  # title, due, done

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.family_name}"

    @property
    def entered(self) -> bool:
        return bool(self.stays)

    @property
    def open_stay(self) -> Stay | None:
        return self.stays[-1] if self.stays and self.stays[-1].exit is None else None

    @property
    def last_contact_on(self) -> dt.date | None:
        return max((c[0] for c in self.contacts), default=None)


class _Weighted:
    """Fast repeated weighted choice (random.choices recomputes the cumulative weights)."""

    __slots__ = ("cum", "items", "total")

    def __init__(self, pairs):
        self.items = [item for item, _w in pairs]
        self.cum = list(accumulate(w for _i, w in pairs))
        self.total = self.cum[-1]

    def __call__(self, rng: random.Random):
        return self.items[bisect(self.cum, rng.random() * self.total)]


_ORIGIN = _Weighted([(origin, origin.weight) for origin in ORIGINS])
_ORIGIN_BY_COUNTRY = {origin.country: origin for origin in ORIGINS}
_LANGS = {origin.country: _Weighted(origin.languages) for origin in ORIGINS}
_GENDER = _Weighted([(Gender.MALE.value, 70), (Gender.FEMALE.value, 29.6), ("diverse", 0.4)])
_AGE = _Weighted(
    [(17, 3), (18, 9), (19, 12), (20, 13), (21, 12), (22, 10), (23, 9), (24, 8), (25, 7),
     (26, 6), (27, 5), (28, 3), (29, 2)]
)  # fmt: skip
_GERMAN = _Weighted(
    [("A0", 9), ("A1", 24), ("A2", 27), ("B1", 23), ("B2", 8), ("C1", 1), ("not_assessed", 8)]
)
_CHANNEL = _Weighted(
    [
        (OutreachChannel.FOREIGNERS_AUTHORITY.value, 45),
        (OutreachChannel.SOCIAL_WELFARE.value, 14),
        (OutreachChannel.SELF_REFERRAL.value, 12),
        (OutreachChannel.VOLUNTEER.value, 15),
        (OutreachChannel.COACH.value, 9),
        (OutreachChannel.OTHER.value, 5),
    ]
)
_CURRENT_STATUS = _Weighted(
    [
        (ResidenceStatusKind.DULDUNG.value, 36),
        (ResidenceStatusKind.GESTATTUNG.value, 31),
        (ResidenceStatusKind.DULDUNG_TRAINING.value, 9),
        (ResidenceStatusKind.DULDUNG_EMPLOYMENT.value, 5),
        (ResidenceStatusKind.RESIDENCE_PERMIT.value, 16),
        (ResidenceStatusKind.OTHER.value, 3),
    ]
)
_EXIT_REASON = _Weighted(
    [
        (ExitReason.TRAINING.value, 24),
        (ExitReason.EMPLOYMENT.value, 20),
        (ExitReason.QUALIFICATION.value, 10),
        (ExitReason.MOVED_AWAY.value, 13),
        (ExitReason.LEFT_GERMANY.value, 8),
        (ExitReason.UNREACHABLE.value, 14),
        (ExitReason.OTHER.value, 11),
    ]
)
_CONTACT_CHANNEL = _Weighted(
    [
        (ContactChannel.IN_PERSON.value, 56),
        (ContactChannel.PHONE.value, 24),
        (ContactChannel.MESSENGER.value, 15),
        (ContactChannel.VIDEO.value, 5),
    ]
)
_DURATIONS = (15, 20, 30, 30, 45, 45, 45, 60, 60, 90)
_NEXT_LEVEL = {"A0": "A1", "A1": "A2", "A2": "B1", "B1": "B2", "not_assessed": "A2"}

_STATUS_NOTES = {
    ResidenceStatusKind.DULDUNG.value: ("", "", "Duldung nach § 60a AufenthG"),
    ResidenceStatusKind.GESTATTUNG.value: ("", "", "Asylverfahren läuft"),
    ResidenceStatusKind.DULDUNG_TRAINING.value: (
        "Ausbildungsduldung für die Dauer der Ausbildung",
    ),
    ResidenceStatusKind.DULDUNG_EMPLOYMENT.value: ("Beschäftigungsduldung, 30 Monate",),
    ResidenceStatusKind.RESIDENCE_PERMIT.value: (
        "§ 104c AufenthG (Chancen-Aufenthaltsrecht)",
        "§ 25b AufenthG",
        "§ 25a AufenthG",
        "§ 16a AufenthG (Ausbildung)",
    ),
    ResidenceStatusKind.OTHER.value: ("Fiktionsbescheinigung", "Grenzübertrittsbescheinigung"),
}
_EXIT_NOTES = {
    ExitReason.TRAINING.value: ("Ausbildung als Fachlagerist*in", "Ausbildung in der Pflege",
                                "Ausbildung im Kfz-Handwerk", "Ausbildung im Einzelhandel"),
    ExitReason.EMPLOYMENT.value: ("Vollzeitstelle in der Logistik",
                                  "Beschäftigung in der Produktion"),
    ExitReason.QUALIFICATION.value: ("Einstiegsqualifizierung begonnen", "Berufskolleg, Vollzeit"),
    ExitReason.MOVED_AWAY.value: ("Umzug in einen anderen Kreis",),
    ExitReason.AGE_LIMIT.value: ("Altersgrenze erreicht, Übergabe an Regelangebote",),
    ExitReason.STATUS_CHANGE.value: ("Aufenthaltserlaubnis erteilt, Übergang in Regelangebote",),
}  # fmt: skip

# (priority weights high/medium/low, description choices)
_NEED_INFO: dict[str, tuple[tuple[int, int, int], tuple[str, ...]]] = {
    NeedCategory.GERMAN.value: ((5, 4, 1), ("Sprachkurs auf Niveau {level}",
                                            "Jugendintegrationskurs", "Berufssprachkurs")),
    NeedCategory.LITERACY.value: ((6, 3, 1), ("Alphabetisierungskurs", "Zweitschriftlernen")),
    NeedCategory.SCHOOL_CERTIFICATE.value: ((3, 5, 2), ("Hauptschulabschluss nachholen",
                                                        "Anerkennung des Schulzeugnisses")),
    NeedCategory.VOCATIONAL_ORIENTATION.value: ((2, 6, 2), ("Praktikum finden",
                                                            "Berufsfelder kennenlernen")),
    NeedCategory.TRAINING_PLACE.value: ((5, 4, 1), ("Ausbildungsplatz zum Herbst",
                                                    "Bewerbungsunterlagen erstellen")),
    NeedCategory.JOB.value: ((4, 5, 1), ("Arbeitsstelle in Teilzeit", "Minijob neben dem Kurs")),
    NeedCategory.IN_WORK_SUPPORT.value: ((3, 5, 2), ("Ausbildungsbegleitende Hilfen",
                                                     "Nachhilfe Berufsschule")),
    NeedCategory.PSYCHOSOCIAL.value: ((4, 4, 2), ("",)),
    NeedCategory.LEGAL.value: ((6, 3, 1), ("Beratung zur Ausbildungsduldung",
                                           "Passbeschaffung klären", "Beratung zum Bleiberecht")),
    NeedCategory.DEBTS.value: ((3, 5, 2), ("Schuldnerberatung vermitteln",)),
    NeedCategory.HOUSING.value: ((3, 5, 2), ("Auszug aus der Unterkunft", "Wohnungssuche")),
    NeedCategory.HEALTH.value: ((3, 5, 2), ("",)),
    NeedCategory.CHILDCARE.value: ((4, 5, 1), ("Kita-Platz für die Kursdauer",)),
    NeedCategory.OTHER.value: ((1, 5, 4), ("Führerschein", "Bankkonto eröffnen")),
}  # fmt: skip
_PRIORITIES = (Priority.HIGH.value, Priority.MEDIUM.value, Priority.LOW.value)
_NEED_PRIORITY = {
    category: _Weighted(list(zip(_PRIORITIES, weights, strict=True)))
    for category, (weights, _d) in _NEED_INFO.items()
}
_GOALS = {
    NeedCategory.GERMAN.value: ("Deutsch auf Niveau {level} erreichen", (
        ("Anmeldung zum Sprachkurs", "Teilhabemanagement"),
        ("Einstufungstest machen", "Teilnehmer*in"),
        ("Kostenübernahme klären", "Teilhabemanagement"))),
    NeedCategory.LITERACY.value: ("Lesen und Schreiben in lateinischer Schrift", (
        ("Platz im Alphabetisierungskurs suchen", "Teilhabemanagement"),
        ("Kurs regelmäßig besuchen", "Teilnehmer*in"))),
    NeedCategory.SCHOOL_CERTIFICATE.value: ("Hauptschulabschluss erwerben", (
        ("Zeugnisse übersetzen lassen", "Teilnehmer*in"),
        ("Beratung am Berufskolleg", "Coaching"),
        ("Anmeldung Kurs Hauptschulabschluss", "Teilhabemanagement"))),
    NeedCategory.VOCATIONAL_ORIENTATION.value: ("Berufswunsch klären", (
        ("Potenzialanalyse", "Coaching"),
        ("Praktikum im Handwerk", "Teilnehmer*in"),
        ("Termin Berufsberatung der Agentur für Arbeit", "Teilhabemanagement"))),
    NeedCategory.TRAINING_PLACE.value: ("Ausbildungsplatz finden", (
        ("Lebenslauf und Anschreiben erstellen", "Coaching"),
        ("Fünf Bewerbungen schreiben", "Teilnehmer*in"),
        ("Ausbildungsduldung vorbereiten", "Teilhabemanagement"))),
    NeedCategory.JOB.value: ("Arbeitsstelle finden", (
        ("Beschäftigungserlaubnis beantragen", "Teilhabemanagement"),
        ("Bewerbungsgespräch vorbereiten", "Coaching"))),
    NeedCategory.LEGAL.value: ("Aufenthalt sichern", (
        ("Termin bei der Ausländerbehörde begleiten", "Teilhabemanagement"),
        ("Beratungstermin Flüchtlingsberatung", "Teilnehmer*in"),
        ("Identitätsnachweise zusammenstellen", "Teilnehmer*in"))),
    NeedCategory.HOUSING.value: ("Eigene Wohnung beziehen", (
        ("Wohnberechtigungsschein beantragen", "Teilnehmer*in"),
        ("Wohnungsangebote prüfen", "Teilnehmer*in"))),
}  # fmt: skip
_CONTACT_NOTES = {
    NeedCategory.GERMAN.value: ("Anmeldung zum Sprachkurs besprochen.",
                                "Kursbesuch und Fortschritte besprochen."),
    NeedCategory.LITERACY.value: ("Kursangebote zur Alphabetisierung vorgestellt.",),
    NeedCategory.SCHOOL_CERTIFICATE.value: ("Unterlagen für die Schulanmeldung gesichtet.",),
    NeedCategory.VOCATIONAL_ORIENTATION.value: ("Berufswünsche besprochen, Praktikum angeregt.",
                                                "Rückmeldung vom Praktikumsbetrieb besprochen."),
    NeedCategory.TRAINING_PLACE.value: ("Bewerbungsunterlagen gemeinsam überarbeitet.",
                                        "Vorstellungsgespräch vorbereitet."),
    NeedCategory.JOB.value: ("Stellenangebote durchgesehen.",
                             "Antrag auf Beschäftigungserlaubnis vorbereitet."),
    NeedCategory.IN_WORK_SUPPORT.value: ("Gespräch mit dem Ausbildungsbetrieb vorbereitet.",),
    NeedCategory.PSYCHOSOCIAL.value: ("Vermittlung an eine Fachberatung besprochen.",),
    NeedCategory.LEGAL.value: ("Termin bei der Ausländerbehörde vorbereitet.",
                               "Schreiben der Ausländerbehörde gemeinsam gelesen."),
    NeedCategory.DEBTS.value: ("Termin bei der Schuldnerberatung vereinbart.",),
    NeedCategory.HOUSING.value: ("Wohnungssuche besprochen.",),
    NeedCategory.HEALTH.value: ("Vermittlung an eine Fachstelle besprochen.",),
    NeedCategory.CHILDCARE.value: ("Betreuungsmöglichkeiten für das Kind besprochen.",),
    NeedCategory.OTHER.value: ("Allgemeine Fragen geklärt.",),
}  # fmt: skip
_FIRST_NOTE = "Erstgespräch geführt, Einwilligung erläutert, Unterlagen gesichtet."
_TASK_TITLES = (
    "Unterlagen für die Ausbildungsduldung nachfordern",
    "Rückmeldung Sprachkursträger abfragen",
    "Termin bei der Ausländerbehörde bestätigen",
    "Bewerbungsfrist im Blick behalten",
    "Zeugnisübersetzung abholen",
    "Praktikumsbetrieb anrufen",
    "Beratungstermin vereinbaren",
)


def _between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    """A day from start to end (both included); start if the range is empty."""
    span = (end - start).days
    return start if span <= 0 else start + dt.timedelta(days=rng.randint(0, span))


class PersonGenerator:
    """Draws people for one district (its municipalities weighted by size)."""

    def __init__(
        self,
        *,
        today: dt.date,
        programme_start: dt.date,
        municipality_weights: list[float],
        coaching: list[bool],
        max_contacts: int = 12,
    ) -> None:
        self.today = today
        self.start = programme_start
        self.municipality = _Weighted(list(enumerate(municipality_weights)))
        self.coaching = coaching  # per municipality: a coaching provider is responsible
        self.max_contacts = max_contacts

    # --- the person ------------------------------------------------------------------------

    def person(
        self, rng: random.Random, *, name: tuple[str, str, str, str] | None = None
    ) -> PersonPlan:
        """One person; `name` (given, family, gender, country) fixes the name and origin."""
        if name is None:
            origin: Origin = _ORIGIN(rng)
            gender = _GENDER(rng)
            pool = origin.female if gender == "female" else origin.male
            if gender == "diverse":
                pool = origin.male + origin.female
            given, family = rng.choice(pool), rng.choice(origin.family)
        else:
            given, family, gender, country = name
            origin = _ORIGIN_BY_COUNTRY[country]
        today = self.today
        age = _AGE(rng)
        earliest = years_before(today, age + 1) + ONE_DAY
        dob = _between(rng, earliest, years_before(today, age))
        languages = list(_LANGS[origin.country](rng))
        german = _GERMAN(rng)
        r = rng.random()
        if r < 0.05:
            literacy = Literacy.NOT_ASSESSED.value
        elif r < 0.05 + origin.no_literacy:
            literacy = Literacy.NONE.value
        elif r < 0.05 + origin.no_literacy + origin.other_script:
            literacy = Literacy.OTHER_SCRIPT.value
        else:
            literacy = Literacy.LATIN.value
        municipality = self.municipality(rng)
        person = PersonPlan(
            given_names=given,
            family_name=family,
            gender=gender,
            date_of_birth=dob,
            nationality=origin.country,
            languages=languages,
            german_level=german,
            literacy=literacy,
            interpreter_needed=german in ("A0", "A1") and rng.random() < 0.7,
            municipality=municipality,
            schooling=rng.choice(SCHOOLING),
            work_history=rng.choice(WORK_HISTORY),
        )
        first = languages[0]
        person.form_language = first if first in FORM_LANGUAGES else "de"
        self._funnel(rng, person, age, self.coaching[municipality])
        self._statuses(rng, person)
        if person.stays:
            self._case_work(rng, person)
        return person

    # --- outreach, consent, entry and exit -------------------------------------------------

    def _funnel(self, rng: random.Random, p: PersonPlan, age: int, coaching: bool) -> None:
        today = self.today
        channel = _CHANNEL(rng)
        # Contact dates lean towards the start of the programme (lists worked through first).
        span = max((today - self.start).days - 10, 1)
        day = self.start + dt.timedelta(days=int(span * rng.random() ** 1.25))
        r = rng.random()
        reached = r >= 0.10
        for _attempt in range(rng.choice((0, 0, 0, 1, 1, 2)) if reached else rng.randint(1, 2)):
            p.outreaches.append((channel, day, OutreachResult.NOT_REACHED.value, ""))
            day += dt.timedelta(days=rng.randint(7, 21))
            if day > today:
                return
        if not reached:
            return
        reached_on = day
        entry = min(today, reached_on + dt.timedelta(days=rng.choice((0, 0, 3, 7, 10, 14, 21))))
        entering = rng.random() < 0.71 and MIN_AGE <= age_on(p.date_of_birth, entry) <= MAX_AGE
        if not entering:
            result = OutreachResult.DECLINED if rng.random() < 0.6 else OutreachResult.REACHED
            note = "möchte sich später melden" if result == OutreachResult.REACHED else ""
            p.outreaches.append((channel, reached_on, result.value, note))
            return
        p.outreaches.append((channel, reached_on, OutreachResult.REACHED.value, ""))
        consent_on = _between(rng, reached_on, entry)
        p.consents.append((ConsentPurpose.CASE_WORK.value, consent_on, None))
        if coaching and rng.random() < 0.85:
            withdrawn = None
            if rng.random() < 0.03 and entry + dt.timedelta(days=30) < today:
                withdrawn = _between(rng, entry + dt.timedelta(days=30), today)
            p.consents.append((ConsentPurpose.PROVIDER_SHARING.value, entry, withdrawn))
        if rng.random() < 0.6:
            p.consents.append((ConsentPurpose.CONTACT_PHONE.value, consent_on, None))
        if rng.random() < 0.4:
            p.consents.append((ConsentPurpose.CONTACT_MESSENGER.value, consent_on, None))
        p.outreaches.append((channel, entry, OutreachResult.ENTERED.value, ""))
        p.coached = rng.random() < 0.7
        stay = Stay(entry)
        p.stays.append(stay)
        aged_out = birthday(p.date_of_birth, MAX_AGE + 1)
        if aged_out <= today:
            stay.exit, stay.reason = aged_out, ExitReason.AGE_LIMIT.value
        elif rng.random() < 0.2 and entry + dt.timedelta(days=30) < today:
            stay.exit = _between(rng, entry + dt.timedelta(days=30), today)
            stay.reason = _EXIT_REASON(rng)
        if stay.exit is not None:
            stay.note = rng.choice(_EXIT_NOTES.get(stay.reason, ("",)))
            # A few come back (e.g. the training place fell through).
            if (
                stay.reason in (ExitReason.UNREACHABLE, ExitReason.OTHER, ExitReason.TRAINING)
                and rng.random() < 0.15
                and stay.exit + dt.timedelta(days=30) < today
            ):
                back = _between(rng, stay.exit + dt.timedelta(days=30), today)
                if age_on(p.date_of_birth, back) <= MAX_AGE:
                    p.stays.append(Stay(back))
                    p.outreaches.append(
                        (
                            OutreachChannel.SELF_REFERRAL.value,
                            back,
                            OutreachResult.ENTERED.value,
                            "",
                        )
                    )

    # --- residence status history -----------------------------------------------------------

    def _statuses(self, rng: random.Random, p: PersonPlan) -> None:
        today = self.today
        current = _CURRENT_STATUS(rng)
        first_event = min((o[1] for o in p.outreaches), default=today)
        # Arrival: 1–7 years ago (Gestattung: 2 months to 3 years), aged at least 12, and before
        # the first contact.
        if current == ResidenceStatusKind.GESTATTUNG:
            arrival = today - dt.timedelta(days=rng.randint(60, 3 * 365))
        else:
            arrival = today - dt.timedelta(days=rng.randint(365, 7 * 365))
        arrival = max(arrival, birthday(p.date_of_birth, 12))
        arrival = min(arrival, first_event - dt.timedelta(days=30))
        chain = [ResidenceStatusKind.GESTATTUNG.value]
        if current == ResidenceStatusKind.DULDUNG:
            chain.append(current)
            if rng.random() < 0.35:
                chain.append(current)  # renewed, recorded as a new entry
        elif current in (
            ResidenceStatusKind.DULDUNG_TRAINING,
            ResidenceStatusKind.DULDUNG_EMPLOYMENT,
        ):
            chain += [ResidenceStatusKind.DULDUNG.value, current]
        elif current == ResidenceStatusKind.RESIDENCE_PERMIT:
            if rng.random() < 0.7:
                chain.append(ResidenceStatusKind.DULDUNG.value)
            chain.append(current)
        elif current == ResidenceStatusKind.OTHER:
            chain.append(current)
        # Change days between arrival and today, in order; at least 30 days apart.
        total = (today - arrival).days
        changes = len(chain) - 1
        if total < 31 * (changes + 1):
            chain, changes = chain[:1], 0
        cuts = sorted(rng.sample(range(1, total // 30), changes)) if changes else []
        starts = [arrival] + [arrival + dt.timedelta(days=30 * c) for c in cuts]
        for index, (kind, start) in enumerate(zip(chain, starts, strict=True)):
            if index + 1 < len(starts):
                until = starts[index + 1] - ONE_DAY
            else:
                until = self._valid_until(rng, kind, start)
            notes = _STATUS_NOTES[kind]
            p.statuses.append(Status(kind, start, until, rng.choice(notes)))
        # A permit granted during the programme may end it (status change out of the group).
        stay = p.open_stay
        last = p.statuses[-1]
        if (
            last.kind == ResidenceStatusKind.RESIDENCE_PERMIT
            and stay is not None
            and last.valid_from > stay.entry
            and rng.random() < 0.5
        ):
            stay.exit, stay.reason = last.valid_from, ExitReason.STATUS_CHANGE.value
            stay.note = _EXIT_NOTES[ExitReason.STATUS_CHANGE][0]

    def _valid_until(self, rng: random.Random, kind: str, start: dt.date) -> dt.date:
        today = self.today
        r = rng.random()
        if kind == ResidenceStatusKind.DULDUNG_TRAINING:
            until = start + dt.timedelta(days=rng.randint(730, 1095))
        elif kind == ResidenceStatusKind.DULDUNG_EMPLOYMENT:
            until = start + dt.timedelta(days=913)
        elif kind == ResidenceStatusKind.RESIDENCE_PERMIT:
            until = start + dt.timedelta(days=rng.choice((365, 730, 1095)))
        elif r < 0.03:  # expired and not yet renewed on record
            until = today - dt.timedelta(days=rng.randint(1, 25))
        elif r < 0.16:  # expires within 30 days: an automatic follow-up appears
            until = today + dt.timedelta(days=rng.randint(0, 30))
        else:
            until = today + dt.timedelta(days=rng.randint(31, 180))
        return max(until, start)

    # --- needs, case plan, contacts, follow-ups ----------------------------------------------

    def _case_work(self, rng: random.Random, p: PersonPlan) -> None:
        today = self.today
        first = p.stays[0]
        end = p.stays[-1].exit or today  # the last day anything is recorded
        first_end = first.exit or today
        level = _NEXT_LEVEL.get(p.german_level, "B2")
        current = p.statuses[-1].kind if p.statuses else ""
        wanted: list[str] = []
        if p.german_level in ("A0", "A1", "A2", "not_assessed") or rng.random() < 0.4:
            wanted.append(NeedCategory.GERMAN.value)
        if p.literacy in (Literacy.NONE, Literacy.OTHER_SCRIPT):
            wanted.append(NeedCategory.LITERACY.value)
        for category, share in (
            (NeedCategory.SCHOOL_CERTIFICATE.value, 0.3),
            (NeedCategory.VOCATIONAL_ORIENTATION.value, 0.45),
            (NeedCategory.TRAINING_PLACE.value, 0.3),
            (NeedCategory.JOB.value, 0.25),
            (NeedCategory.LEGAL.value, 0.55 if current.startswith("duldung") else 0.25),
            (NeedCategory.HOUSING.value, 0.15),
            (NeedCategory.DEBTS.value, 0.05),
            (NeedCategory.PSYCHOSOCIAL.value, 0.08),
            (NeedCategory.HEALTH.value, 0.05),
            (NeedCategory.OTHER.value, 0.04),
        ):
            if rng.random() < share:
                wanted.append(category)
        if current in (
            ResidenceStatusKind.DULDUNG_TRAINING,
            ResidenceStatusKind.DULDUNG_EMPLOYMENT,
        ):
            wanted.append(NeedCategory.IN_WORK_SUPPORT.value)
        if p.gender == Gender.FEMALE and rng.random() < 0.15:
            wanted.append(NeedCategory.CHILDCARE.value)
        if not wanted:
            wanted.append(NeedCategory.VOCATIONAL_ORIENTATION.value)
        for category in wanted[:5]:
            identified = min(
                first_end, first.entry + dt.timedelta(days=rng.choice((0, 0, 7, 14, 30)))
            )
            r = rng.random()
            if p.open_stay is None:
                status = (
                    NeedStatus.MET
                    if r < 0.55
                    else NeedStatus.DROPPED
                    if r < 0.8
                    else NeedStatus.OPEN
                )
            else:
                status = (
                    NeedStatus.OPEN if r < 0.38 else NeedStatus.IN_PROGRESS if r < 0.8
                    else NeedStatus.MET if r < 0.95 else NeedStatus.DROPPED
                )  # fmt: skip
            closed = None
            if status in (NeedStatus.MET, NeedStatus.DROPPED):
                closed = _between(rng, identified, end)
            description = rng.choice(_NEED_INFO[category][1]).format(level=level)
            p.needs.append(
                NeedPlan(
                    category, _NEED_PRIORITY[category](rng), status.value, identified, closed,
                    description,
                )
            )  # fmt: skip

        # Case plan for about half of those entered.
        if rng.random() < 0.5:
            candidates = [i for i, need in enumerate(p.needs) if need.category in _GOALS]
            for index in candidates[: rng.randint(1, 2)]:
                need = p.needs[index]
                title, steps = _GOALS[need.category]
                due = need.identified_on + dt.timedelta(days=rng.choice((60, 90, 120, 180, 240)))
                goal_status = {
                    NeedStatus.MET.value: GoalStatus.ACHIEVED.value,
                    NeedStatus.DROPPED.value: GoalStatus.DROPPED.value,
                }.get(need.status, GoalStatus.OPEN.value)
                plan_steps = []
                day = need.identified_on
                for step_title, owner in steps[: rng.randint(1, len(steps))]:
                    day += dt.timedelta(days=rng.choice((7, 14, 21, 28)))
                    done = None
                    if day <= end and (goal_status == GoalStatus.ACHIEVED or rng.random() < 0.6):
                        done = _between(rng, need.identified_on, min(day, end))
                    plan_steps.append((step_title, owner, day, done))
                p.goals.append(
                    GoalPlan(index, title.format(level=level), goal_status, due, plan_steps)
                )

        # Counselling contacts, about 1–2 a month while in the programme.
        topics_pool = [need.category for need in p.needs]
        language = p.languages[0]
        interpreter = p.interpreter_needed
        silent = p.open_stay is not None and rng.random() < 0.15  # nobody met them for weeks
        for stay in p.stays:
            stop = stay.exit or today
            if silent and stay.exit is None:
                stop = max(stay.entry, today - dt.timedelta(days=rng.randint(60, 120)))
            months = max((stop - stay.entry).days / 30, 0)
            count = min(self.max_contacts, 1 + int(months * rng.uniform(0.6, 1.8)))
            days = sorted(_between(rng, stay.entry, stop) for _ in range(count - 1))
            for index, day in enumerate([stay.entry, *days]):
                if index == 0:
                    topics, note = [], _FIRST_NOTE
                else:
                    topic = rng.choice(topics_pool)
                    topics = [topic]
                    note = rng.choice(_CONTACT_NOTES[topic])
                channel = ContactChannel.IN_PERSON.value if index == 0 else _CONTACT_CHANNEL(rng)
                used = interpreter and channel != ContactChannel.MESSENGER and rng.random() < 0.8
                p.contacts.append(
                    (day, rng.choice(_DURATIONS), channel, language, used, topics, note)
                )

        # A manual follow-up for some of those in the programme.
        if p.open_stay is not None and rng.random() < 0.2:
            due = today + dt.timedelta(days=rng.randint(-14, 30))
            done = due < today and rng.random() < 0.5
            p.tasks.append((rng.choice(_TASK_TITLES), due, done))
