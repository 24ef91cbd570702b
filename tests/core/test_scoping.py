import pytest
from django.core.exceptions import PermissionDenied

from durchstarten.core.models import Role
from durchstarten.core.scoping import access_for, has_role, require_role
from tests.factories import DistrictFactory, MembershipFactory, ProviderFactory, UserFactory, member


@pytest.mark.django_db
def test_it_gives_an_inactive_user_no_access(coordinator, district):
    coordinator.is_active = False
    assert not has_role(coordinator, district.pk, {Role.COORDINATOR})


@pytest.mark.django_db
def test_it_gives_a_user_without_membership_no_access(district):
    user = UserFactory()
    access = access_for(user)
    assert access.district_ids == frozenset()
    assert not access.statewide_roles


@pytest.mark.django_db
def test_it_collects_roles_across_districts():
    first, second = DistrictFactory(), DistrictFactory()
    user = member(Role.COORDINATOR, first)
    provider = ProviderFactory(district=second)
    MembershipFactory(user=user, role=Role.COACH, district=second, provider=provider)
    access = access_for(user)
    assert access.roles_in(first.pk) == {Role.COORDINATOR}
    assert access.roles_in(second.pk) == {Role.COACH}
    assert access.provider_ids == {second.pk: {provider.pk}}


@pytest.mark.django_db
def test_it_refuses_a_role_held_only_in_another_district(coordinator, other_district):
    with pytest.raises(PermissionDenied):
        require_role(coordinator, other_district.pk, {Role.COORDINATOR})


@pytest.mark.django_db
def test_it_caches_access_per_user_object(coordinator, django_assert_num_queries):
    access_for(coordinator)
    with django_assert_num_queries(0):
        access_for(coordinator)
