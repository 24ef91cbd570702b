import pytest

from durchstarten.core.models import Role
from tests.factories import member

MIDDLEWARE = "durchstarten.accounts.middleware.TwoFactorMiddleware"
AFTER = "durchstarten.core.middleware.ActiveMembershipMiddleware"


@pytest.fixture
def two_factor_middleware(settings):
    """The middleware as settings.py will have it (added here until it is wired in)."""
    if MIDDLEWARE not in settings.MIDDLEWARE:
        middleware = list(settings.MIDDLEWARE)
        middleware.insert(middleware.index(AFTER) + 1, MIDDLEWARE)
        settings.MIDDLEWARE = middleware


@pytest.fixture
def enforced(settings, two_factor_middleware):
    settings.DURCHSTARTEN_2FA_ENFORCED_ROLES = ["coordinator", "admin"]


@pytest.fixture
def no_throttle(settings):
    """django-otp delays a retry after a wrong code by seconds; tests retry at once."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


@pytest.fixture
def admin_user(db):
    return member(Role.ADMIN)
