import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from durchstarten.api.models import TokenScope
from durchstarten.api.services import api_token_create


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    # The throttle counts in the cache; each test starts with a clean count.
    cache.clear()
    yield
    cache.clear()


def token_for(user, *, scope=TokenScope.WRITE, days=30) -> str:
    _token, secret = api_token_create(
        actor=user,
        name="Test",
        scope=scope,
        expires_on=timezone.localdate() + dt.timedelta(days=days),
    )
    return secret


def api_client(user=None, *, scope=TokenScope.WRITE) -> APIClient:
    """A client that authenticates with a fresh personal token of the user."""
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(user, scope=scope)}")
    return client
