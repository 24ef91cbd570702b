import pytest
from django.utils import translation

from durchstarten.core.models import Role
from tests.factories import (
    DistrictFactory,
    MunicipalityFactory,
    ProviderFactory,
    member,
)


@pytest.fixture(autouse=True)
def german():
    """Every test starts in the default language, whatever an earlier request activated."""
    with translation.override("de"):
        yield


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    # Real hashing costs seconds per user; what is tested here is not the hash.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings):
    # Background tasks run inside the call that enqueues them, so tests see their effect.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def two_factor_not_enforced(settings):
    # Most tests sign in with force_login; the two-factor tests switch enforcement back on.
    settings.DURCHSTARTEN_2FA_ENFORCED_ROLES = []


@pytest.fixture
def district(db):
    return DistrictFactory(name="Kreis Gütersloh")


@pytest.fixture
def other_district(db):
    return DistrictFactory(name="Kreis Herford")


@pytest.fixture
def municipality(district):
    return MunicipalityFactory(district=district, name="Harsewinkel")


@pytest.fixture
def provider(district):
    return ProviderFactory(district=district, name="asH Gütersloh gGmbH")


@pytest.fixture
def other_provider(district):
    return ProviderFactory(district=district, name="Caritasverband für den Kreis Gütersloh")


@pytest.fixture
def coordinator(district):
    return member(Role.COORDINATOR, district)


@pytest.fixture
def case_manager(district):
    return member(Role.CASE_MANAGER, district)


@pytest.fixture
def coach(provider):
    return member(Role.COACH, provider=provider)


@pytest.fixture
def provider_staff(provider):
    return member(Role.PROVIDER_STAFF, provider=provider)


@pytest.fixture
def outsider(other_district):
    """A coordinator of another district: must see nothing of `district`."""
    return member(Role.COORDINATOR, other_district)


@pytest.fixture
def state_analyst(db):
    return member(Role.STATE_ANALYST)
