"""Isolation: what each role sees of organisation data in its own and in other districts."""

import datetime as dt
from decimal import Decimal

import pytest
from django.http import Http404

from durchstarten.core.models import Role
from durchstarten.organisation import selectors
from durchstarten.organisation.models import Module
from tests.factories import (
    DistrictFactory,
    MunicipalityFactory,
    PositionFactory,
    ProviderAssignmentFactory,
    ProviderFactory,
    member,
)


def _build_district(name):
    district = DistrictFactory(name=name)
    town = MunicipalityFactory(district=district)
    own, other = ProviderFactory(district=district), ProviderFactory(district=district)
    return {
        "district": district,
        "municipality": town,
        "provider": own,
        "other_provider": other,
        "assignment": ProviderAssignmentFactory(provider=own, municipalities=[town]),
        "other_assignment": ProviderAssignmentFactory(
            provider=other, module=Module.IN_WORK, municipalities=[town]
        ),
        "position": PositionFactory(district=district, provider=own, module=Module.COACHING),
        "office_position": PositionFactory(district=district),
    }


@pytest.fixture
def world(db):
    return {"here": _build_district("Hier"), "there": _build_district("Dort")}


def _visible(user, world):
    return {
        "district": set(selectors.district_list_for_user(user)),
        "municipality": set(selectors.municipality_list_for_user(user)),
        "provider": set(selectors.provider_list_for_user(user)),
        "assignment": set(selectors.assignment_list_for_user(user)),
        "position": set(selectors.position_list_for_user(user)),
    }


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.CASE_MANAGER])
def test_it_shows_district_roles_their_whole_district_and_nothing_else(world, role):
    here = world["here"]
    seen = _visible(member(role, here["district"]), world)
    assert seen == {
        "district": {here["district"]},
        "municipality": {here["municipality"]},
        "provider": {here["provider"], here["other_provider"]},
        "assignment": {here["assignment"], here["other_assignment"]},
        "position": {here["position"], here["office_position"]},
    }


@pytest.mark.parametrize("role", [Role.COACH, Role.PROVIDER_STAFF])
def test_it_shows_provider_roles_only_their_providers_records(world, role):
    here = world["here"]
    seen = _visible(member(role, provider=here["provider"]), world)
    assert seen == {
        "district": {here["district"]},
        "municipality": {here["municipality"]},
        "provider": {here["provider"]},
        "assignment": {here["assignment"]},
        "position": {here["position"]},
    }


@pytest.mark.parametrize("role", [Role.STATE_ANALYST, Role.ADMIN])
def test_it_shows_statewide_roles_the_structure_of_all_districts(world, role):
    seen = _visible(member(role), world)
    assert seen["district"] == {world["here"]["district"], world["there"]["district"]}
    assert len(seen["assignment"]) == 4


def test_it_answers_404_for_another_districts_records(world):
    user = member(Role.COORDINATOR, world["here"]["district"])
    there = world["there"]
    with pytest.raises(Http404):
        selectors.get_provider_for_user(user, there["provider"].public_id)
    with pytest.raises(Http404):
        selectors.get_assignment_for_user(user, there["assignment"].public_id)
    with pytest.raises(Http404):
        selectors.get_position_for_user(user, there["position"].public_id)
    with pytest.raises(Http404):
        selectors.get_district_for_user(user, there["district"].ags)


def test_it_answers_404_for_another_providers_records_in_the_same_district(world):
    here = world["here"]
    user = member(Role.PROVIDER_STAFF, provider=here["provider"])
    with pytest.raises(Http404):
        selectors.get_provider_for_user(user, here["other_provider"].public_id)
    with pytest.raises(Http404):
        selectors.get_assignment_for_user(user, here["other_assignment"].public_id)
    with pytest.raises(Http404):
        selectors.get_position_for_user(user, here["office_position"].public_id)


def test_it_gives_a_user_without_role_nothing(world):
    from tests.factories import UserFactory

    assert _visible(UserFactory(), world) == {
        "district": set(),
        "municipality": set(),
        "provider": set(),
        "assignment": set(),
        "position": set(),
    }


def test_it_sums_the_overview_from_records_valid_on_the_day(world, django_assert_num_queries):
    here = world["here"]
    PositionFactory(
        district=here["district"],
        fte=Decimal("0.50"),
        valid_from=dt.date(2020, 1, 1),
        valid_until=dt.date(2020, 12, 31),
    )
    user = member(Role.COORDINATOR, here["district"])
    with django_assert_num_queries(7):
        overview = selectors.district_overview(user, here["district"], on=dt.date(2026, 6, 1))
        assert len(overview["assignments"]) == 2
    assert overview["municipality_count"] == 1
    assert overview["fte_by_module"] == {
        Module.COACHING: Decimal("1.00"),
        Module.CASE_MANAGEMENT: Decimal("1.00"),
    }
    assert overview["covered_by_module"] == {Module.COACHING: 1, Module.IN_WORK: 1}
