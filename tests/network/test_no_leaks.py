"""District B's network records never reach district A's network pages.

The check of tests/security/test_no_leaks.py, for the network models and routes: every text
field of both districts' network records gets a marker, then every role of district A (and a
coordinator of A who also works in B) fetches every network page of the permission matrix —
every target, as htmx fragment and searching for the marker where the page offers it.
"""

import pytest
from django.apps import apps
from django.db import models, transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

from durchstarten.core.middleware import SESSION_KEY
from durchstarten.core.models import Membership, Role
from tests.factories import MembershipFactory, UserFactory
from tests.security.conftest import build_world
from tests.security.policy import ROLES, ROUTES, expected

MARKER = "LEAKMARKER"
DISTRICT_PATH = {
    "network.Partner": "district",
    "network.PartnerContact": "partner__district",
    "network.Meeting": "district",
    "network.ActionItem": "meeting__district",
    "network.Document": "district",
    "network.DocumentVersion": "document__district",
    "network.NetworkActivity": "district",
}
NETWORK_ROUTES = [row for row in ROUTES if row["name"].startswith("network:")]


@pytest.fixture(autouse=True)
def media():
    """The world's files stay where the world wrote them (not the per-test directory)."""


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=hashers),
        translation.override("de"),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def seedable_fields(model) -> list[models.Field]:
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField)
        and not f.choices
        and f.editable
        and not f.unique
        and (f.max_length is None or f.max_length >= 40)
    ]


def text_models():
    network = apps.get_app_config("network").get_models()
    return [model for model in network if seedable_fields(model)]


def seed(district, tag: str) -> set[str]:
    """A marker in every text field of the district's network records; the markers."""
    markers = set()
    for model in text_models():
        rows = model._default_manager.filter(**{DISTRICT_PATH[model._meta.label]: district.pk})
        pks = list(rows.values_list("pk", flat=True))
        assert pks, f"district {tag} has no {model._meta.label}: the world must have one"
        fields = {}
        for field in seedable_fields(model):
            marker = f"{MARKER}-{tag}-{len(markers):03d}"
            markers.add(marker.lower())
            fields[field.name] = (marker, isinstance(field, models.EmailField))
        for number, pk in enumerate(pks):
            model._default_manager.filter(pk=pk).update(
                **{
                    name: f"{marker.lower()}r{number}@example.org"
                    if email
                    else f"{marker}r{number}"
                    for name, (marker, email) in fields.items()
                }
            )
    return markers


def _client(user, membership=None) -> Client:
    client = Client()
    client.force_login(user)
    if membership is not None:
        session = client.session
        session[SESSION_KEY] = membership.pk
        session.save()
    return client


def _responses(client, world, row):
    """(target, searching, htmx, response) of every GET the page offers."""
    for target in row["targets"]:
        url = reverse(row["name"], kwargs=world.kwargs(row, target))
        variants = [(False, {})]
        if row["htmx"]:
            variants.append((False, {"HX-Request": "true"}))
        if row["search"]:
            variants.append((True, {}))
        for searching, headers in variants:
            if searching:
                stored = client.post(reverse("list_filter"), {"next": url, "q": MARKER})
                yield target, True, client.get(stored["Location"], headers=headers)
            else:
                yield target, False, client.get(url, headers=headers)


def test_every_network_model_with_text_is_covered():
    assert {model._meta.label for model in text_models()} == set(DISTRICT_PATH)


def test_district_a_never_sees_district_bs_network(world, db):
    member_of_b = UserFactory(username="a-und-b")
    MembershipFactory(user=member_of_b, role=Role.COORDINATOR, district=world.a.district)
    MembershipFactory(user=member_of_b, role=Role.CASE_MANAGER, district=world.b.district)
    markers_b = seed(world.b.district, "B")
    markers_a = seed(world.a.district, "A")

    viewers = {role: (_client(world.users[role]), role) for role in ROLES}
    acting_in_a = Membership.objects.get(user=member_of_b, district=world.a.district)
    viewers["coordinator_also_in_b"] = (_client(member_of_b, acting_in_a), "coordinator")
    found, wrong, seen_own = [], [], set()
    for viewer, (client, role) in viewers.items():
        for row in NETWORK_ROUTES:
            for target, searching, response in _responses(client, world, row):
                want = expected(row, "GET", role, target)
                if not searching and response.status_code != want:
                    wrong.append(f"{viewer}: {row['name']} ({target}): {response.status_code}")
                text = response.content.decode("utf-8", "replace").lower()
                leaked = sorted(m for m in markers_b if m in text)
                if leaked:
                    found.append(
                        f"{viewer}: {row['name']} ({target}, search={searching}): {leaked}"
                    )
                if role == "coordinator" and any(m in text for m in markers_a):
                    seen_own.add(row["name"])
    assert not found, "district B's data reached district A:\n" + "\n".join(found)
    assert not wrong, "\n".join(wrong)
    for name in (
        "network:meeting_list",
        "network:meeting_detail",
        "network:document_list",
        "network:document_detail",
        "network:partner_list",
        "network:partner_detail",
        "network:activity_list",
    ):
        assert name in seen_own, f"{name} showed none of district A's own data"
