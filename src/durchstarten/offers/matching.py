"""Which offers fit a participant, and why (or why not). Pure functions, no queries.

Hard rules decide eligibility; every rule checked leaves a Check with a German sentence,
so a case manager can see exactly which rule admitted or excluded an offer. Eligible offers
are ranked by needs covered, free places, place, start date and language.

Matching decides for every offer of a district (ten thousand in a large one), so deciding is
plain comparisons with the person's facts worked out once per day, and the sentences are
rendered when read – from the same Check, so the explanation is always the deciding rule.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache

from django.utils import formats
from django.utils.translation import get_language
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


@lru_cache(maxsize=16384)
def _render(language: str | None, say: Callable[..., str], values: tuple) -> str:
    """A sentence in the active language: offers of a district share start dates, rules and
    statuses, so the same few hundred sentences come up thousands of times."""
    return say(*values)


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


class Check:
    """One rule's verdict on an offer; `text` is its German sentence, rendered when read."""

    __slots__ = ("_say", "_values", "passed", "rule")

    def __init__(self, rule: str, passed: bool, say: Callable[..., str], *values) -> None:
        self.rule = rule
        self.passed = passed
        self._say = say
        self._values = values

    @property
    def text(self) -> str:
        return _render(get_language(), self._say, self._values)

    def __repr__(self) -> str:
        return f"Check({self.rule!r}, {self.passed!r}, {self.text!r})"


class Evaluation:
    """The verdict on one offer for one person: the checks, the score and the reasons.

    `source` is the offer the rules read: an Offer, or a lighter row from the selector that
    builds the Offer (`as_offer()`) only when someone uses it.
    """

    def __init__(
        self,
        source,
        on: dt.date,
        checks: list[Check],
        *,
        covered: list[str],
        free_places: int | None,
        place: int,
        shared: bool,
        score: tuple,
    ) -> None:
        self.source = source
        self.on = on
        self.checks = checks
        self.score = score
        self._covered = covered
        self._free_places = free_places
        self._place = place
        self._shared = shared

    @cached_property
    def offer(self):
        as_offer = getattr(self.source, "as_offer", None)
        return as_offer() if as_offer is not None else self.source

    @property
    def eligible(self) -> bool:
        return all(check.passed for check in self.checks)

    @property
    def failed(self) -> list[Check]:
        return [check for check in self.checks if not check.passed]

    @cached_property
    def reasons(self) -> list[str]:
        language = get_language()
        reasons = [_render(language, _need_reason, (need,)) for need in self._covered]
        reasons.append(_render(language, _places_reason, (self._free_places,)))
        reasons.append(_render(language, _PLACE_REASONS[self._place], ()))
        reasons.append(_render(language, _start_reason, (self.on,)))
        if self._shared:
            reasons.append(_("in einer Sprache der Person"))
        return reasons


def _places_reason(free_places: int | None) -> str:
    if free_places is None:
        return _("ohne Platzbegrenzung")
    if free_places > 0:
        return _("%(n)s freie Plätze") % {"n": free_places}
    return _("ausgebucht – nur Warteliste")


def _start_reason(day: dt.date) -> str:
    return _("Beginn %(day)s") % {"day": _day(day)}


def _need_reason(need: str) -> str:
    return _("deckt den Bedarf „%(need)s“") % {"need": NeedCategory(need).label}


_PLACE_REASONS = {
    2: lambda: _("im Wohnort der Person"),
    1: lambda: _("für den ganzen Kreis"),
    0: lambda: _("in einer anderen Kommune des Kreises"),
}


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


class _Person:
    """The profile's facts on a day, each worked out once per day (offers share start dates)."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self._status: dict[dt.date, StatusLike | None] = {}
        self._age: dict[dt.date, int] = {}
        self._in_work: dict[dt.date, bool] = {}

    def status_on(self, day: dt.date) -> StatusLike | None:
        if day not in self._status:
            self._status[day] = status_on(self.profile.statuses, day)
        return self._status[day]

    def age_on(self, day: dt.date) -> int:
        if day not in self._age:
            self._age[day] = age_on(self.profile.date_of_birth, day)
        return self._age[day]

    def in_work_on(self, day: dt.date) -> bool:
        if day not in self._in_work:
            self._in_work[day] = self.profile.in_work_on(day)
        return self._in_work[day]


# --- The rules: a verdict from plain comparisons, the sentence from a function ------------


def _allowed_labels(allowed: tuple[str, ...]) -> str:
    return ", ".join(str(ResidenceStatusKind(k).label) for k in allowed)


def _say_no_status(day, allowed) -> str:
    return _(
        "Am %(day)s ist kein gültiger Aufenthaltsstatus erfasst (zugelassen: %(allowed)s)."
    ) % {"day": _day(day), "allowed": _allowed_labels(allowed)}


def _say_status_allowed(day, kind) -> str:
    return _("Aufenthaltsstatus am %(day)s: %(status)s – zugelassen.") % {
        "day": _day(day),
        "status": ResidenceStatusKind(kind).label,
    }


def _say_status_refused(day, kind, allowed) -> str:
    return _("Aufenthaltsstatus am %(day)s: %(status)s – zugelassen sind nur: %(allowed)s.") % {
        "day": _day(day),
        "status": ResidenceStatusKind(kind).label,
        "allowed": _allowed_labels(allowed),
    }


def _check_status(offer, person: _Person, on: dt.date) -> Check | None:
    if not offer.allowed_statuses:
        return None
    status = person.status_on(on)
    if status is None:
        return Check("status", False, _say_no_status, on, tuple(offer.allowed_statuses))
    if status.kind in offer.allowed_statuses:
        return Check("status", True, _say_status_allowed, on, status.kind)
    return Check(
        "status", False, _say_status_refused, on, status.kind, tuple(offer.allowed_statuses)
    )


def _say_no_birth_date() -> str:
    return _("Das Geburtsdatum fehlt; das Angebot hat eine Altersgrenze.")


def _ages(day, age, low, high) -> dict:
    return {"day": _day(day), "age": age, "low": low, "high": high}


def _say_age_fits(day, age, low, high) -> str:
    return _("Am %(day)s %(age)s Jahre alt – passt zur Altersgrenze.") % _ages(day, age, low, high)


def _say_too_young(day, age, low, high) -> str:
    return _("Am %(day)s erst %(age)s Jahre alt – Mindestalter %(low)s.") % _ages(
        day, age, low, high
    )


def _say_too_old(day, age, low, high) -> str:
    return _("Am %(day)s schon %(age)s Jahre alt – Höchstalter %(high)s.") % _ages(
        day, age, low, high
    )


def _check_age(offer, person: _Person, on: dt.date) -> Check | None:
    if offer.min_age is None and offer.max_age is None:
        return None
    if person.profile.date_of_birth is None:
        return Check("age", False, _say_no_birth_date)
    age = person.age_on(on)
    low = offer.min_age if offer.min_age is not None else 0
    high = offer.max_age if offer.max_age is not None else 200
    if low <= age <= high:
        return Check("age", True, _say_age_fits, on, age, low, high)
    if age < low:
        return Check("age", False, _say_too_young, on, age, low, high)
    return Check("age", False, _say_too_old, on, age, low, high)


def _say_in_work(day) -> str:
    return _("Am %(day)s in Ausbildung oder Beschäftigung.") % {"day": _day(day)}


def _say_not_in_work(day) -> str:
    return _(
        "Setzt Ausbildung oder sozialversicherungspflichtige Beschäftigung voraus; "
        "am %(day)s ist keine erfasst."
    ) % {"day": _day(day)}


def _check_employment(offer, person: _Person, on: dt.date) -> Check | None:
    if not offer.requires_employment:
        return None
    if person.in_work_on(on):
        return Check("employment", True, _say_in_work, on)
    return Check("employment", False, _say_not_in_work, on)


def _say_german_unassessed(wanted) -> str:
    return _(
        "Verlangt Deutsch mindestens %(level)s; die Deutschkenntnisse sind nicht eingeschätzt."
    ) % {"level": wanted}


def _say_german_enough(wanted, has) -> str:
    return _("Deutsch %(has)s – mindestens %(level)s verlangt.") % {
        "level": wanted,
        "has": GermanLevel(has).label,
    }


def _say_german_short(wanted, has) -> str:
    return _("Deutsch %(has)s – verlangt ist mindestens %(level)s.") % {
        "level": wanted,
        "has": GermanLevel(has).label,
    }


def _check_german(offer, person: _Person, on: dt.date) -> Check | None:
    wanted = offer.min_german_level
    if not wanted:
        return None
    has = person.profile.german_level
    if has not in GERMAN_LEVEL_RANK:
        return Check("german", False, _say_german_unassessed, wanted)
    if GERMAN_LEVEL_RANK[has] >= GERMAN_LEVEL_RANK[wanted]:
        return Check("german", True, _say_german_enough, wanted, has)
    return Check("german", False, _say_german_short, wanted, has)


def _say_literate() -> str:
    return _("In lateinischer Schrift alphabetisiert.")


def _say_not_literate(has) -> str:
    return _("Setzt Alphabetisierung in lateinischer Schrift voraus (%(has)s).") % {
        "has": Literacy(has).label
    }


def _check_literacy(offer, person: _Person, on: dt.date) -> Check | None:
    if not offer.requires_literacy:
        return None
    if person.profile.literacy == Literacy.LATIN:
        return Check("literacy", True, _say_literate)
    return Check("literacy", False, _say_not_literate, person.profile.literacy)


def _say_women_only_fits() -> str:
    return _("Angebot nur für Frauen.")


def _say_women_only() -> str:
    return _("Das Angebot ist nur für Frauen.")


def _check_women_only(offer, person: _Person, on: dt.date) -> Check | None:
    if not offer.women_only:
        return None
    if person.profile.gender == Gender.FEMALE:
        return Check("women_only", True, _say_women_only_fits)
    return Check("women_only", False, _say_women_only)


def _say_ended(day) -> str:
    return _("Das Angebot endete am %(day)s.") % {"day": _day(day)}


def _check_period(offer, person: _Person, on: dt.date) -> Check | None:
    if offer.end_date is not None and offer.end_date < on:
        return Check("period", False, _say_ended, offer.end_date)
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


class Matcher:
    """Evaluates offers for one person on one day (the selector's loop over a district)."""

    def __init__(self, profile: Profile, *, today: dt.date) -> None:
        self.profile = profile
        self.today = today
        self._person = _Person(profile)

    def evaluate(self, offer, *, free_places: int | None, served: Iterable[int]) -> Evaluation:
        """Check the hard rules on the day the participant would start, then score the fit.

        `free_places` is None for offers without a capacity limit; `served` are the ids of
        the municipalities the offer serves (none: the whole district).
        """
        today, profile, person = self.today, self.profile, self._person
        on = max(today, offer.start_date) if offer.start_date else today
        checks = []
        for rule in RULES:
            check = rule(offer, person, on)
            if check is not None:
                checks.append(check)
        covered = sorted(profile.open_needs.intersection(offer.needs_covered))
        has_places = free_places is None or free_places > 0
        if profile.municipality_id is not None and profile.municipality_id in served:
            place = 2
        elif not served:
            place = 1
        else:
            place = 0
        shared = not profile.languages.isdisjoint(offer.languages)
        return Evaluation(
            offer,
            on,
            checks,
            covered=covered,
            free_places=free_places,
            place=place,
            shared=shared,
            score=(len(covered), has_places, place, -(on - today).days, shared),
        )


def evaluate(offer, profile: Profile, *, today: dt.date, free_places: int | None) -> Evaluation:
    """One offer (with its municipalities) for one person; see Matcher.evaluate."""
    return Matcher(profile, today=today).evaluate(
        offer, free_places=free_places, served={m.pk for m in offer.municipalities.all()}
    )


def rank(evaluations: Iterable[Evaluation]) -> tuple[list[Evaluation], list[Evaluation]]:
    """Eligible offers best first, and the excluded ones."""
    eligible, excluded = [], []
    for evaluation in evaluations:
        (eligible if evaluation.eligible else excluded).append(evaluation)
    eligible.sort(key=lambda e: (e.score, -e.source.pk), reverse=True)
    excluded.sort(key=lambda e: (e.source.title, e.source.pk))
    return eligible, excluded
