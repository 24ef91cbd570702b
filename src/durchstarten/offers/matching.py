"""Which offers fit a participant, and why (or why not). Pure functions, no queries.

Hard rules decide eligibility; every rule checked leaves a Check with a German sentence,
so a case manager can see exactly which rule admitted or excluded an offer. Eligible offers
are ranked by needs covered, free places, place, start date and language.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import formats
from django.utils.translation import gettext as _

from durchstarten.cases.choices import (
    GERMAN_LEVEL_RANK,
    Gender,
    GermanLevel,
    Literacy,
    NeedCategory,
    ResidenceStatusKind,
)
from durchstarten.cases.rules import StatusLike, age_on, status_on
from durchstarten.offers.choices import IN_WORK_OUTCOMES


def _day(value: dt.date) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


@dataclass(frozen=True)
class Profile:
    """What matching needs to know about a participant."""

    date_of_birth: dt.date | None
    statuses: tuple[StatusLike, ...]
    in_work_periods: tuple[tuple[dt.date, dt.date | None], ...]
    german_level: str
    literacy: str
    gender: str
    municipality_id: int | None
    open_needs: frozenset[str]
    languages: frozenset[str]

    def in_work_on(self, day: dt.date) -> bool:
        return any(
            start <= day and (end is None or end >= day) for start, end in self.in_work_periods
        )


@dataclass(frozen=True)
class Check:
    rule: str
    passed: bool
    text: str


@dataclass
class Evaluation:
    offer: object
    on: dt.date
    checks: list[Check] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    score: tuple = ()

    @property
    def eligible(self) -> bool:
        return all(check.passed for check in self.checks)

    @property
    def failed(self) -> list[Check]:
        return [check for check in self.checks if not check.passed]


def profile_from(
    participant, *, statuses: Iterable, outcomes: Iterable, open_needs: Iterable[str]
) -> Profile:
    return Profile(
        date_of_birth=participant.date_of_birth,
        statuses=tuple(statuses),
        in_work_periods=tuple(
            (o.start_date, o.end_date) for o in outcomes if o.kind in IN_WORK_OUTCOMES
        ),
        german_level=participant.german_level,
        literacy=participant.literacy,
        gender=participant.gender,
        municipality_id=participant.municipality_id,
        open_needs=frozenset(open_needs),
        languages=frozenset(participant.languages),
    )


def _check_status(offer, profile: Profile, on: dt.date) -> Check | None:
    if not offer.allowed_statuses:
        return None
    status = status_on(profile.statuses, on)
    allowed = ", ".join(str(ResidenceStatusKind(k).label) for k in offer.allowed_statuses)
    if status is None:
        return Check(
            "status",
            False,
            _("Am %(day)s ist kein gültiger Aufenthaltsstatus erfasst (zugelassen: %(allowed)s).")
            % {"day": _day(on), "allowed": allowed},
        )
    label = ResidenceStatusKind(status.kind).label
    if status.kind in offer.allowed_statuses:
        return Check(
            "status",
            True,
            _("Aufenthaltsstatus am %(day)s: %(status)s – zugelassen.")
            % {"day": _day(on), "status": label},
        )
    return Check(
        "status",
        False,
        _("Aufenthaltsstatus am %(day)s: %(status)s – zugelassen sind nur: %(allowed)s.")
        % {"day": _day(on), "status": label, "allowed": allowed},
    )


def _check_age(offer, profile: Profile, on: dt.date) -> Check | None:
    if offer.min_age is None and offer.max_age is None:
        return None
    if profile.date_of_birth is None:
        return Check("age", False, _("Das Geburtsdatum fehlt; das Angebot hat eine Altersgrenze."))
    age = age_on(profile.date_of_birth, on)
    low = offer.min_age if offer.min_age is not None else 0
    high = offer.max_age if offer.max_age is not None else 200
    values = {"day": _day(on), "age": age, "low": low, "high": high}
    if low <= age <= high:
        return Check(
            "age", True, _("Am %(day)s %(age)s Jahre alt – passt zur Altersgrenze.") % values
        )
    if age < low:
        return Check(
            "age", False, _("Am %(day)s erst %(age)s Jahre alt – Mindestalter %(low)s.") % values
        )
    return Check(
        "age", False, _("Am %(day)s schon %(age)s Jahre alt – Höchstalter %(high)s.") % values
    )


def _check_employment(offer, profile: Profile, on: dt.date) -> Check | None:
    if not offer.requires_employment:
        return None
    if profile.in_work_on(on):
        return Check(
            "employment",
            True,
            _("Am %(day)s in Ausbildung oder Beschäftigung.") % {"day": _day(on)},
        )
    return Check(
        "employment",
        False,
        _(
            "Setzt Ausbildung oder sozialversicherungspflichtige Beschäftigung voraus; "
            "am %(day)s ist keine erfasst."
        )
        % {"day": _day(on)},
    )


def _check_german(offer, profile: Profile, on: dt.date) -> Check | None:
    if not offer.min_german_level:
        return None
    wanted = offer.min_german_level
    if profile.german_level not in GERMAN_LEVEL_RANK:
        return Check(
            "german",
            False,
            _(
                "Verlangt Deutsch mindestens %(level)s; "
                "die Deutschkenntnisse sind nicht eingeschätzt."
            )
            % {"level": wanted},
        )
    values = {"level": wanted, "has": GermanLevel(profile.german_level).label}
    if GERMAN_LEVEL_RANK[profile.german_level] >= GERMAN_LEVEL_RANK[wanted]:
        return Check("german", True, _("Deutsch %(has)s – mindestens %(level)s verlangt.") % values)
    return Check(
        "german", False, _("Deutsch %(has)s – verlangt ist mindestens %(level)s.") % values
    )


def _check_literacy(offer, profile: Profile, on: dt.date) -> Check | None:
    if not offer.requires_literacy:
        return None
    if profile.literacy == Literacy.LATIN:
        return Check("literacy", True, _("In lateinischer Schrift alphabetisiert."))
    return Check(
        "literacy",
        False,
        _("Setzt Alphabetisierung in lateinischer Schrift voraus (%(has)s).")
        % {"has": Literacy(profile.literacy).label},
    )


def _check_women_only(offer, profile: Profile, on: dt.date) -> Check | None:
    if not offer.women_only:
        return None
    if profile.gender == Gender.FEMALE:
        return Check("women_only", True, _("Angebot nur für Frauen."))
    return Check("women_only", False, _("Das Angebot ist nur für Frauen."))


def _check_period(offer, profile: Profile, on: dt.date) -> Check | None:
    if offer.end_date is not None and offer.end_date < on:
        return Check(
            "period", False, _("Das Angebot endete am %(day)s.") % {"day": _day(offer.end_date)}
        )
    return None


RULES = (
    _check_period,
    _check_status,
    _check_age,
    _check_employment,
    _check_german,
    _check_literacy,
    _check_women_only,
)


def evaluate(offer, profile: Profile, *, today: dt.date, free_places: int | None) -> Evaluation:
    """Check the hard rules on the day the participant would start, then score the fit.

    `free_places` is None for offers without a capacity limit.
    """
    on = max(today, offer.start_date) if offer.start_date else today
    evaluation = Evaluation(offer=offer, on=on)
    for rule in RULES:
        check = rule(offer, profile, on)
        if check is not None:
            evaluation.checks.append(check)
    covered = sorted(profile.open_needs & set(offer.needs_covered))
    for need in covered:
        evaluation.reasons.append(
            _("deckt den Bedarf „%(need)s“") % {"need": NeedCategory(need).label}
        )
    has_places = free_places is None or free_places > 0
    if free_places is None:
        evaluation.reasons.append(_("ohne Platzbegrenzung"))
    elif free_places > 0:
        evaluation.reasons.append(_("%(n)s freie Plätze") % {"n": free_places})
    else:
        evaluation.reasons.append(_("ausgebucht – nur Warteliste"))
    served = {m.pk for m in offer.municipalities.all()}
    if profile.municipality_id is not None and profile.municipality_id in served:
        place = 2
        evaluation.reasons.append(_("im Wohnort der Person"))
    elif not served:
        place = 1
        evaluation.reasons.append(_("für den ganzen Kreis"))
    else:
        place = 0
        evaluation.reasons.append(_("in einer anderen Kommune des Kreises"))
    evaluation.reasons.append(_("Beginn %(day)s") % {"day": _day(on)})
    shared = sorted(profile.languages & set(offer.languages))
    if shared:
        evaluation.reasons.append(_("in einer Sprache der Person"))
    evaluation.score = (len(covered), has_places, place, -(on - today).days, bool(shared))
    return evaluation


def rank(evaluations: Iterable[Evaluation]) -> tuple[list[Evaluation], list[Evaluation]]:
    """Eligible offers best first, and the excluded ones."""
    eligible, excluded = [], []
    for evaluation in evaluations:
        (eligible if evaluation.eligible else excluded).append(evaluation)
    eligible.sort(key=lambda e: (e.score, -e.offer.pk), reverse=True)
    excluded.sort(key=lambda e: e.offer.title)
    return eligible, excluded
