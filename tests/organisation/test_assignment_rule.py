"""Property: whatever is attempted, no municipality ever has two providers for a module on a day."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from durchstarten.core.models import Role
from durchstarten.organisation import services
from tests.factories import DistrictFactory, MunicipalityFactory, ProviderFactory, member

BASE = dt.date(2026, 1, 1)

attempts = st.lists(
    st.tuples(
        st.integers(0, 2),  # provider
        st.sets(st.integers(0, 3), min_size=1),  # municipalities
        st.sampled_from([1, 6]),  # module
        st.integers(0, 60),  # start offset in days
        st.one_of(st.none(), st.integers(0, 40)),  # length in days, None = open-ended
    ),
    max_size=8,
)


def _overlap(a, b):
    (a_start, a_end), (b_start, b_end) = a, b
    return (a_end is None or b_start <= a_end) and (b_end is None or a_start <= b_end)


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(attempts=attempts)
def test_it_never_lets_two_providers_share_a_municipality_module_and_day(attempts):
    with transaction.atomic():
        district = DistrictFactory()
        towns = [MunicipalityFactory(district=district) for _ in range(4)]
        providers = [ProviderFactory(district=district) for _ in range(3)]
        actor = member(Role.COORDINATOR, district)
        accepted = []
        for provider_no, town_nos, module, offset, length in attempts:
            start = BASE + dt.timedelta(days=offset)
            end = None if length is None else start + dt.timedelta(days=length)
            candidate = (provider_no, town_nos, module, (start, end))
            conflicts = [
                a
                for a in accepted
                if a[2] == module and a[1] & town_nos and _overlap(a[3], (start, end))
            ]
            try:
                services.assignment_create(
                    actor=actor,
                    provider=providers[provider_no],
                    module=module,
                    municipalities=[towns[n] for n in town_nos],
                    valid_from=start,
                    valid_until=end,
                )
            except ValidationError:
                assert conflicts, "refused although nothing overlapped"
            else:
                assert not conflicts, "accepted an overlapping assignment"
                accepted.append(candidate)
        transaction.set_rollback(True)
