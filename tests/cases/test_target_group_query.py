"""The target group computed in SQL equals the rule in Python, on boundary-heavy dates."""

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from durchstarten.cases.choices import ResidenceStatusKind
from durchstarten.cases.models import Participant
from durchstarten.cases.rules import target_group_on
from durchstarten.cases.selectors import with_target_group
from tests.factories import DistrictFactory, ParticipantFactory, ResidenceStatusFactory

DAY = dt.date(2026, 11, 22)

births = st.one_of(
    st.none(),
    st.sampled_from(
        [
            dt.date(2008, 11, 22),  # 18 today
            dt.date(2008, 11, 23),  # 18 tomorrow
            dt.date(1998, 11, 23),  # 28 tomorrow
            dt.date(1998, 11, 22),  # 28 today
            dt.date(2008, 2, 29),
        ]
    ),
    st.dates(dt.date(1990, 1, 1), dt.date(2012, 12, 31)),
)
statuses = st.lists(
    st.tuples(
        st.sampled_from(ResidenceStatusKind.values),
        st.dates(dt.date(2024, 1, 1), dt.date(2027, 12, 31)),
        st.one_of(st.none(), st.integers(0, 800)),
    ),
    max_size=3,
)


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    born=births,
    history=statuses,
    day=st.one_of(st.just(DAY), st.dates(dt.date(2025, 1, 1), dt.date(2028, 12, 31))),
)
def test_it_computes_the_same_group_in_the_database(born, history, day):
    with transaction.atomic():
        participant = ParticipantFactory(district=DistrictFactory(), date_of_birth=born)
        rows = [
            ResidenceStatusFactory(
                participant=participant,
                kind=kind,
                valid_from=start,
                valid_until=None if length is None else start + dt.timedelta(days=length),
            )
            for kind, start, length in history
        ]
        annotated = with_target_group(Participant.objects.filter(pk=participant.pk), day).get()
        expected = target_group_on(date_of_birth=born, statuses=rows, day=day).group
        assert annotated.target_group == expected
        transaction.set_rollback(True)
