"""Hostile input: SQL-injection, XSS and template probes, NUL bytes, huge and right-to-left
strings into every search of the permission matrix and every text field of representative
forms. Never a 5xx, the probe is rendered escaped, and a refused request changes nothing.
Then hypothesis fuzzes the same forms."""

import pytest
from django.db import connection, transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from durchstarten.core.backup import table_checksums
from tests.security.hardening_forms import SCENARIOS, form_of
from tests.security.policy import ROLES, ROUTES, expected

PROBES = (
    "'; DROP TABLE cases_participant; --",
    "' OR '1'='1",
    '" onmouseover="alert(1)" x="',
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "{{7*7}}{% debug %}",
    "Nul\x00Byte",
    "A" * 10_000,
    "\u202egnp.exe\u202c Ümlaut",
)
# What must never reach a page unescaped.
RAW_MARKUP = ("<script>alert(1)", "<img src=x", '" onmouseover="alert(1)"')
# Tables every request writes to by design: the audit log, sessions, login attempts.
VOLATILE = ("core_auditentry", "django_session", "axes_")
FORMS_WITH_TEXT = [s for s in SCENARIOS if s.data is None]


def database_state() -> dict:
    with connection.cursor() as cursor:
        sums = table_checksums(cursor, connection.vendor)
    return {name: value for name, value in sums.items() if not name.startswith(VOLATILE)}


def raw_markup(body: str) -> list[str]:
    return [markup for markup in RAW_MARKUP if markup in body]


def searchable_pages():
    """(route name, role) of every page with a search, as a role that may read it."""
    for row in ROUTES:
        if not row["search"]:
            continue
        role = next((r for r in ROLES if expected(row, "GET", r, "none") == 200), None)
        if role is not None:
            yield row["name"], role


def search(client, name: str, probe: str):
    """As the filter bar searches (through list_filter, see test_no_leaks), or by URL for
    the lists that still read it."""
    list_url = reverse("offers:offer_list" if name == "offers:offer_export" else name)
    url = reverse(name)
    stored = client.post(reverse("list_filter"), {"next": list_url, "q": probe})
    assert stored.status_code < 500
    location = stored.get("Location", "")
    if stored.status_code == 302 and location.startswith(f"{list_url}?f="):
        return client.get(url + location.removeprefix(list_url))
    return client.get(url, {"q": probe})


def test_it_survives_probes_in_every_search(world, clients):
    failures, searched = [], 0
    before = database_state()
    for name, role in searchable_pages():
        for probe in PROBES:
            response = search(clients[role], name, probe)
            searched += 1
            where = f"{name} as {role} with {probe[:30]!r}"
            if response.status_code >= 500:
                failures.append(f"{where}: {response.status_code}")
                continue
            if not response.streaming:
                body = response.content.decode("utf-8", "replace")
                failures.extend(f"{where}: unescaped {m!r}" for m in raw_markup(body))
    assert searched >= 10 * len(PROBES)
    assert not failures, "\n".join(failures)
    assert database_state() == before


def _post_probe(client, form, value: str):
    data = dict(form.data)
    for name in form.text:
        data[name] = [value]
    with transaction.atomic():
        before = database_state()
        response = client.post(form.url, data)
        after = database_state()
        page = ""
        if response.status_code == 302:
            page = client.get(response["Location"]).content.decode("utf-8", "replace")
        transaction.set_rollback(True)
    return response, before, after, page


@pytest.mark.parametrize(
    "scenario", FORMS_WITH_TEXT, ids=[f"{s.name}-{s.role}" for s in FORMS_WITH_TEXT]
)
def test_it_survives_probes_in_every_text_field(scenario, world, clients):
    client = clients[scenario.role]
    form = form_of(world, client, scenario)
    assert form.text, f"{scenario.name}: no free-text field found"
    failures = []
    for probe in PROBES:
        response, before, after, page = _post_probe(client, form, probe)
        where = f"{probe[:30]!r}"
        if response.status_code >= 500:
            failures.append(f"{where}: {response.status_code}")
            continue
        body = response.content.decode("utf-8", "replace") + page
        failures.extend(f"{where}: unescaped {m!r}" for m in raw_markup(body))
        if response.status_code != 302 and before != after:
            changed = sorted(k for k in before if before[k] != after.get(k))
            failures.append(f"{where}: refused ({response.status_code}) but changed {changed}")
    assert not failures, "\n".join(failures)


FUZZ = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=400)


@pytest.mark.parametrize(
    "scenario", FORMS_WITH_TEXT, ids=[f"{s.name}-{s.role}" for s in FORMS_WITH_TEXT]
)
def test_fuzzing_a_form_never_breaks_it(scenario, world, clients):
    client = clients[scenario.role]
    form = form_of(world, client, scenario)

    @FUZZ
    @given(value=TEXT)
    def fuzz(value):
        response, before, after, _page = _post_probe(client, form, value)
        assert response.status_code < 500
        if response.status_code != 302:
            assert before == after

    fuzz()
