"""The permission matrix: every route × method × role × target answers as tests/security/policy.py
says, and a refused request changes nothing in the database.

One test per route; it walks the route's cells and reports every mismatch at once. Each
request runs in a savepoint that is rolled back, so a write by one role never changes what the
next one sees.
"""

import pytest
from django.apps import apps
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from durchstarten.core.models import AuditEntry
from tests.security.policy import (
    ANONYMOUS,
    EXCLUDED_NAMES,
    EXCLUDED_NAMESPACES,
    PUBLIC,
    ROLES,
    ROUTES,
    expected,
)

REJECTED = {403, 404, 405}
APPS = {
    "core",
    "organisation",
    "cases",
    "offers",
    "reporting",
    "funding",
    "selection",
    "network",
    "accounts",
    "imports",
    "exports",
    "privacy",
    "api",
}
METHODS = ("GET", "POST")


def url_names(patterns=None, namespace: str = "") -> set[str]:
    """Every URL name of the URLconf, with its namespace ("cases:participant_list")."""
    names = set()
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            if inner in EXCLUDED_NAMESPACES:
                continue
            prefix = f"{namespace}{inner}:" if inner else namespace
            names |= url_names(pattern.url_patterns, prefix)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names - set(EXCLUDED_NAMES)


def row_counts() -> dict[str, int]:
    """Rows of every model of the application (the audit log records refusals: left out)."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in APPS and model is not AuditEntry
    }


def test_every_route_is_in_the_policy():
    existing = url_names()
    covered = {row["name"] for row in ROUTES}
    missing = existing - covered - set(PUBLIC)
    assert not missing, f"routes without a row in tests/security/policy.py: {sorted(missing)}"
    stale = (covered | set(PUBLIC)) - existing
    assert not stale, f"tests/security/policy.py lists routes that do not exist: {sorted(stale)}"
    assert len(covered) == len(ROUTES), "a route is listed twice"


def test_the_policy_is_complete_and_never_tells_tenants_apart():
    for row in ROUTES:
        assert set(row["expect"]) == set(METHODS), row["name"]
        assert row["targets"] == ("none",) or row["args"], row["name"]
        for method in METHODS:
            assert set(row["expect"][method]) == set(ROLES), (row["name"], method)
            for role in ROLES:
                for target in row["targets"]:
                    status = expected(row, method, role, target)
                    assert status in {200, 302, 403, 404, 405}, (row["name"], method, role)
                if "other_district" in row["targets"]:
                    foreign = expected(row, method, role, "other_district")
                    assert foreign in REJECTED, (row["name"], method, role)
                    assert foreign == expected(row, method, role, "missing"), (
                        row["name"],
                        method,
                        role,
                    )


def test_public_pages_need_no_login(client):
    assert client.get(reverse("login")).status_code == 200
    assert client.post(reverse("set_language"), {"language": "en"}).status_code == 302


def _request(client, method: str, url: str, *, htmx: bool):
    headers = {"HX-Request": "true"} if htmx else {}
    if method == "GET":
        return client.get(url, headers=headers)
    return client.post(url, {}, headers=headers)


@pytest.mark.parametrize("row", ROUTES, ids=[row["name"] for row in ROUTES])
def test_route(row, world, clients):
    login_url = reverse("login")
    htmx = row["kind"] == "fragment"
    failures = []
    cells = 0
    for target in row["targets"]:
        url = reverse(row["name"], kwargs=world.kwargs(row, target))
        for method in METHODS:
            for role in (*ROLES, ANONYMOUS):
                want = expected(row, method, role, target)
                check_unchanged = want in REJECTED or role == ANONYMOUS
                with transaction.atomic():
                    before = row_counts() if check_unchanged else None
                    response = _request(clients[role], method, url, htmx=htmx)
                    after = row_counts() if check_unchanged else None
                    transaction.set_rollback(True)
                cells += 1
                where = f"{method} {url} as {role} ({target})"
                if response.status_code != want:
                    failures.append(f"{where}: expected {want}, got {response.status_code}")
                    continue
                if role == ANONYMOUS and not response["Location"].startswith(login_url):
                    failures.append(f"{where}: redirected to {response['Location']}, not login")
                if check_unchanged and before != after:
                    changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
                    failures.append(f"{where}: refused, but the database changed: {changed}")
    assert cells
    assert not failures, "\n".join(failures)
