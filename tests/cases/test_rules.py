import datetime as dt
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from durchstarten.cases.choices import ResidenceStatusKind as K
from durchstarten.cases.choices import TargetGroup as TG
from durchstarten.cases.rules import age_on, birthday, status_on, target_group_on, years_before

BORN = dt.date(2000, 5, 15)


def status(kind, start=dt.date(2015, 1, 1), end=None):
    return SimpleNamespace(kind=kind, valid_from=start, valid_until=end)


def group(day, *statuses, born=BORN):
    return target_group_on(date_of_birth=born, statuses=statuses, day=day).group


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2018, 5, 14), TG.NOT_ELIGIBLE),  # the day before the 18th birthday
        (dt.date(2018, 5, 15), TG.PRIMARY),  # 18th birthday
        (dt.date(2028, 5, 14), TG.PRIMARY),  # the day before the 28th birthday
        (dt.date(2028, 5, 15), TG.NOT_ELIGIBLE),  # 28th birthday
    ],
)
def test_it_bounds_the_target_group_by_age_18_to_27(day, expected):
    assert group(day, status(K.DULDUNG)) == expected


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (K.DULDUNG, TG.PRIMARY),
        (K.DULDUNG_TRAINING, TG.PRIMARY),
        (K.DULDUNG_EMPLOYMENT, TG.PRIMARY),
        (K.GESTATTUNG, TG.SECONDARY),
        (K.RESIDENCE_PERMIT, TG.OTHER_NEED),
        (K.OTHER, TG.OTHER_NEED),
    ],
)
def test_it_derives_the_group_from_the_status(kind, expected):
    assert group(dt.date(2022, 1, 1), status(kind)) == expected


def test_it_follows_the_status_history_to_the_day():
    history = [
        status(K.GESTATTUNG, dt.date(2019, 1, 1), dt.date(2021, 6, 30)),
        status(K.DULDUNG, dt.date(2021, 7, 1), dt.date(2023, 6, 30)),
        status(K.RESIDENCE_PERMIT, dt.date(2023, 7, 1)),
    ]
    assert group(dt.date(2020, 1, 1), *history) == TG.SECONDARY
    assert group(dt.date(2021, 7, 1), *history) == TG.PRIMARY
    assert group(dt.date(2023, 7, 1), *history) == TG.OTHER_NEED


def test_it_cannot_tell_without_birth_date_or_valid_status():
    assert group(dt.date(2022, 1, 1), status(K.DULDUNG), born=None) == TG.UNDETERMINED
    expired = status(K.DULDUNG, dt.date(2020, 1, 1), dt.date(2020, 12, 31))
    result = target_group_on(date_of_birth=BORN, statuses=[expired], day=dt.date(2021, 1, 1))
    assert result.group == TG.UNDETERMINED
    assert "kein gültiger Aufenthaltsstatus" in result.reason


def test_it_explains_the_group():
    result = target_group_on(
        date_of_birth=BORN, statuses=[status(K.DULDUNG)], day=dt.date(2022, 1, 1)
    )
    assert result.reason == "Duldung und 21 Jahre alt."
    too_old = target_group_on(
        date_of_birth=BORN, statuses=[status(K.DULDUNG)], day=dt.date(2029, 1, 1)
    )
    assert "28 Jahre alt" in too_old.reason


def test_it_lets_a_leap_day_child_age_on_the_first_of_march():
    leap = dt.date(2008, 2, 29)
    assert age_on(leap, dt.date(2026, 2, 28)) == 17
    assert age_on(leap, dt.date(2026, 3, 1)) == 18
    assert birthday(leap, 18) == dt.date(2026, 3, 1)


def test_it_uses_the_latest_status_begun_when_two_overlap():
    older = status(K.GESTATTUNG, dt.date(2019, 1, 1), dt.date(2030, 1, 1))
    newer = status(K.DULDUNG, dt.date(2021, 1, 1))
    assert status_on([newer, older], dt.date(2022, 1, 1)) is newer


@given(
    born=st.dates(dt.date(1950, 1, 1), dt.date(2025, 12, 31)),
    day=st.dates(dt.date(1970, 1, 1), dt.date(2060, 12, 31)),
)
def test_it_agrees_with_the_date_bounds_used_in_queries(born, day):
    # The database filter uses "born on or before years_before(day, n)" for "at least n".
    for years in (18, 28):
        assert (age_on(born, day) >= years) == (born <= years_before(day, years))
