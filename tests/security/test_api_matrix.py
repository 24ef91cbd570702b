"""The API's permission matrix: every /api/v1/ route × method × role × target answers as
tests/security/policy_api.py says, with a personal token, and a refused request changes nothing.
"""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from rest_framework.test import APIClient

from durchstarten.api.models import TokenScope
from durchstarten.api.services import api_token_create
from tests.security.policy import ROLES
from tests.security.policy_api import (
    API_METHODS,
    API_PUBLIC,
    API_ROUTES,
    API_STATUSES,
    api_expected,
)
from tests.security.test_permission_matrix import row_counts

REJECTED = {401, 403, 404, 405}


def api_url_names() -> set[str]:
    def walk(patterns, prefix, inside):
        names = set()
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                namespace = pattern.namespace
                nested = f"{prefix}{namespace}:" if namespace else prefix
                names |= walk(pattern.url_patterns, nested, inside or namespace == "api")
            elif isinstance(pattern, URLPattern) and pattern.name and inside:
                names.add(f"{prefix}{pattern.name}")
        return names

    return walk(get_resolver().url_patterns, "", False)


def test_every_api_route_is_in_the_policy():
    existing = api_url_names()
    covered = {row["name"] for row in API_ROUTES}
    assert not existing - covered - set(API_PUBLIC), sorted(existing - covered - set(API_PUBLIC))
    assert not (covered | set(API_PUBLIC)) - existing, "policy_api.py lists unknown routes"
    assert len(covered) == len(API_ROUTES), "a route is listed twice"


def test_the_api_policy_is_complete_and_never_tells_tenants_apart():
    for row in API_ROUTES:
        assert set(row["expect"]) <= set(API_METHODS), row["name"]
        for method, answers in row["expect"].items():
            assert set(answers) == set(ROLES), (row["name"], method)
            for role in ROLES:
                for target in row["targets"]:
                    assert api_expected(row, method, role, target) in API_STATUSES, (
                        row["name"],
                        method,
                        role,
                        target,
                    )
                if "other_district" in row["targets"] and role not in ("state_analyst", "admin"):
                    foreign = api_expected(row, method, role, "other_district")
                    assert foreign in REJECTED, (row["name"], method, role)
                    assert foreign == api_expected(row, method, role, "missing"), (
                        row["name"],
                        method,
                        role,
                    )


@pytest.fixture
def api_clients(world, db):
    """A client per role with a read-write token of the role's user, and an anonymous one."""
    out = {}
    expires = timezone.localdate() + dt.timedelta(days=7)
    for role, user in world.users.items():
        _token, secret = api_token_create(
            actor=user, name="matrix", scope=TokenScope.WRITE, expires_on=expires
        )
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
        out[role] = client
    out["anonymous"] = APIClient()
    return out


@pytest.fixture(autouse=True)
def no_rate_limit(settings):
    settings.DURCHSTARTEN_API_RATE = "100000/min"
    cache.clear()


@pytest.mark.parametrize("row", API_ROUTES, ids=[row["name"] for row in API_ROUTES])
def test_api_route(row, world, api_clients):
    failures = []
    cells = 0
    for target in row["targets"]:
        url = reverse(row["name"], kwargs=world.kwargs(row, target))
        for method in API_METHODS:
            for role in (*ROLES, "anonymous"):
                want = api_expected(row, method, role, target)
                with transaction.atomic():
                    before = row_counts() if want in REJECTED else None
                    response = getattr(api_clients[role], method.lower())(url, {}, format="json")
                    after = row_counts() if want in REJECTED else None
                    transaction.set_rollback(True)
                cells += 1
                where = f"{method} {url} as {role} ({target})"
                if response.status_code != want:
                    failures.append(f"{where}: expected {want}, got {response.status_code}")
                    continue
                if response.status_code >= 400 and not response["Content-Type"].startswith(
                    "application/problem+json"
                ):
                    failures.append(f"{where}: error without problem details")
                if before != after:
                    changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
                    failures.append(f"{where}: refused, but the database changed: {changed}")
    assert cells
    assert not failures, "\n".join(failures)
