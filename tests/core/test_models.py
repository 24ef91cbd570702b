import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from durchstarten.core.models import Membership, Role
from tests.factories import ProviderFactory, UserFactory


@pytest.mark.django_db
def test_it_requires_a_provider_for_provider_roles(district):
    membership = Membership(user=UserFactory(), role=Role.COACH, district=district)
    with pytest.raises(ValidationError) as excinfo:
        membership.full_clean()
    assert "provider" in excinfo.value.message_dict


@pytest.mark.django_db
def test_it_rejects_a_provider_of_another_district(district, other_district):
    membership = Membership(
        user=UserFactory(),
        role=Role.COACH,
        district=district,
        provider=ProviderFactory(district=other_district),
    )
    with pytest.raises(ValidationError) as excinfo:
        membership.full_clean()
    assert excinfo.value.message_dict["provider"] == ["Der Träger gehört nicht zu diesem Kreis."]


@pytest.mark.django_db
def test_it_keeps_statewide_roles_free_of_districts_in_the_database(district):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=UserFactory(), role=Role.STATE_ANALYST, district=district)


@pytest.mark.django_db
def test_it_refuses_the_same_role_twice_in_a_district(coordinator, district):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=coordinator, role=Role.COORDINATOR, district=district)
