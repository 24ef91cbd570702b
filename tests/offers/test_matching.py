"""Matching: no suggestion breaks a rule, and every explanation names the rule that decided."""

import datetime as dt
from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

from durchstarten.cases.choices import (
    GERMAN_LEVEL_RANK,
    Gender,
    GermanLevel,
    Literacy,
    NeedCategory,
    ResidenceStatusKind,
)
from durchstarten.cases.rules import age_on, status_on
from durchstarten.offers import matching

TODAY = dt.date(2026, 11, 22)


class _Municipalities(list):
    def all(self):
        return self


def offer(pk=1, **rules):
    values = {
        "pk": pk,
        "title": f"Angebot {pk}",
        "start_date": None,
        "end_date": None,
        "allowed_statuses": [],
        "min_age": None,
        "max_age": None,
        "requires_employment": False,
        "min_german_level": "",
        "requires_literacy": False,
        "women_only": False,
        "needs_covered": [],
        "languages": [],
        "municipalities": _Municipalities(),
    }
    values.update(rules)
    return SimpleNamespace(**values)


def profile(**values):
    base = {
        "date_of_birth": dt.date(2004, 3, 14),
        "statuses": (
            SimpleNamespace(kind="duldung", valid_from=dt.date(2024, 1, 1), valid_until=None),
        ),
        "in_work_periods": (),
        "german_level": GermanLevel.A2,
        "literacy": Literacy.LATIN,
        "gender": Gender.MALE,
        "municipality_id": 7,
        "open_needs": frozenset({"german"}),
        "languages": frozenset({"ar"}),
    }
    base.update(values)
    return matching.Profile(**base)


def test_it_explains_why_an_offer_does_not_fit():
    result = matching.evaluate(
        offer(min_german_level="B1", women_only=True), profile(), today=TODAY, free_places=3
    )
    assert not result.eligible
    assert [check.rule for check in result.failed] == ["german", "women_only"]
    assert result.failed[0].text == "Deutsch A2 – verlangt ist mindestens B1."


def test_it_checks_status_and_age_on_the_start_date():
    # Turns 28 before the course starts; the Duldung expires before it too.
    person = profile(
        date_of_birth=dt.date(1999, 1, 10),
        statuses=(
            SimpleNamespace(
                kind="duldung", valid_from=dt.date(2024, 1, 1), valid_until=dt.date(2026, 12, 31)
            ),
        ),
    )
    course = offer(start_date=dt.date(2027, 2, 1), max_age=27, allowed_statuses=["duldung"])
    result = matching.evaluate(course, person, today=TODAY, free_places=None)
    assert {check.rule for check in result.failed} == {"age", "status"}
    assert "01.02.2027" in result.failed[0].text


def test_it_requires_work_for_in_work_offers():
    course = offer(requires_employment=True)
    assert not matching.evaluate(course, profile(), today=TODAY, free_places=1).eligible
    working = profile(in_work_periods=((dt.date(2026, 8, 1), None),))
    assert matching.evaluate(course, working, today=TODAY, free_places=1).eligible


def test_it_ranks_covered_needs_then_places_then_nearness():
    near = offer(
        1, needs_covered=["german"], municipalities=_Municipalities([SimpleNamespace(pk=7)])
    )
    far = offer(
        2, needs_covered=["german"], municipalities=_Municipalities([SimpleNamespace(pk=9)])
    )
    full = offer(
        3, needs_covered=["german"], municipalities=_Municipalities([SimpleNamespace(pk=7)])
    )
    unrelated = offer(4, municipalities=_Municipalities([SimpleNamespace(pk=7)]))
    evaluations = [
        matching.evaluate(o, profile(), today=TODAY, free_places=p)
        for o, p in ((unrelated, 5), (far, 5), (full, 0), (near, 5))
    ]
    eligible, excluded = matching.rank(evaluations)
    assert [e.offer.pk for e in eligible] == [1, 2, 3, 4]
    assert excluded == []
    assert "deckt den Bedarf „Deutsch“" in eligible[0].reasons


offers = st.builds(
    offer,
    pk=st.integers(1, 10_000),
    start_date=st.one_of(st.none(), st.dates(dt.date(2026, 1, 1), dt.date(2028, 12, 31))),
    end_date=st.one_of(st.none(), st.dates(dt.date(2026, 1, 1), dt.date(2028, 12, 31))),
    allowed_statuses=st.lists(st.sampled_from(ResidenceStatusKind.values), unique=True, max_size=3),
    min_age=st.one_of(st.none(), st.integers(14, 30)),
    max_age=st.one_of(st.none(), st.integers(16, 35)),
    requires_employment=st.booleans(),
    min_german_level=st.sampled_from(["", "A1", "A2", "B1", "B2"]),
    requires_literacy=st.booleans(),
    women_only=st.booleans(),
    needs_covered=st.lists(st.sampled_from(NeedCategory.values), unique=True, max_size=3),
)
profiles = st.builds(
    profile,
    date_of_birth=st.one_of(st.none(), st.dates(dt.date(1990, 1, 1), dt.date(2012, 12, 31))),
    statuses=st.lists(
        st.builds(
            SimpleNamespace,
            kind=st.sampled_from(ResidenceStatusKind.values),
            valid_from=st.dates(dt.date(2022, 1, 1), dt.date(2028, 1, 1)),
            valid_until=st.one_of(st.none(), st.dates(dt.date(2024, 1, 1), dt.date(2029, 1, 1))),
        ),
        max_size=3,
    ).map(tuple),
    in_work_periods=st.lists(
        st.tuples(st.dates(dt.date(2024, 1, 1), dt.date(2028, 1, 1)), st.none()), max_size=1
    ).map(tuple),
    german_level=st.sampled_from(GermanLevel.values),
    literacy=st.sampled_from(Literacy.values),
    gender=st.sampled_from(Gender.values),
)


def _violations(o, p, on):
    """The rules an offer breaks for a person, computed independently of matching."""
    broken = set()
    if o.end_date is not None and o.end_date < on:
        broken.add("period")
    if o.allowed_statuses:
        status = status_on(p.statuses, on)
        if status is None or status.kind not in o.allowed_statuses:
            broken.add("status")
    if o.min_age is not None or o.max_age is not None:
        age = None if p.date_of_birth is None else age_on(p.date_of_birth, on)
        if (
            age is None
            or (o.min_age is not None and age < o.min_age)
            or (o.max_age is not None and age > o.max_age)
        ):
            broken.add("age")
    if o.requires_employment and not p.in_work_on(on):
        broken.add("employment")
    if o.min_german_level and (
        p.german_level not in GERMAN_LEVEL_RANK
        or GERMAN_LEVEL_RANK[p.german_level] < GERMAN_LEVEL_RANK[o.min_german_level]
    ):
        broken.add("german")
    if o.requires_literacy and p.literacy != Literacy.LATIN:
        broken.add("literacy")
    if o.women_only and p.gender != Gender.FEMALE:
        broken.add("women_only")
    return broken


@settings(max_examples=300, deadline=None)
@given(o=offers, p=profiles, places=st.one_of(st.none(), st.integers(0, 5)))
def test_it_never_suggests_an_offer_that_breaks_a_rule_and_names_each_broken_rule(o, p, places):
    result = matching.evaluate(o, p, today=TODAY, free_places=places)
    broken = _violations(o, p, result.on)
    assert result.eligible == (not broken)
    assert {check.rule for check in result.failed} == broken
    assert all(check.text for check in result.checks)
