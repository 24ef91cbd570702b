"""Lists, searches, dashboards, exports and htmx fragments filter exactly as detail views do.

Every text field of district B's records gets a marker string. Then every role of district A
(and the state-wide roles, and a user who also holds roles in district B but acts in A) fetches
every page of the permission matrix — with every target, as htmx fragment where the page has
one, and searching for the marker where it has a search — and no answer may contain a marker.
"""

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import reverse

from durchstarten.cases.models import Participant
from durchstarten.cases.services.participants import _store_name_keys
from durchstarten.core.middleware import SESSION_KEY
from durchstarten.core.models import Membership, Role
from tests.factories import MembershipFactory, UserFactory
from tests.security.policy import ROLES, ROUTES, expected

MARKER = "LEAKMARKER"
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

# How each model's rows reach their district. A model of the application with text fields
# that is missing here fails test_every_model_with_text_is_seeded.
DISTRICT_PATH = {
    "organisation.District": "pk",
    "privacy.LegalHold": "participant__district",
    "privacy.PrivacyRequest": "participant__district",
    "imports.ImportBatch": "district",
    "imports.ImportRow": "batch__district",
    "accounts.BreakGlassAccess": "participant__district",
    "api.ApiToken": "user__memberships__district",
    "reporting.Target": "district",
    "funding.Grant": "district",
    "funding.OwnShare": "grant__district",
    "funding.PassThroughContract": "grant__district",
    "funding.Expenditure": "grant__district",
    "network.Partner": "district",
    "network.PartnerContact": "partner__district",
    "network.Meeting": "district",
    "network.ActionItem": "meeting__district",
    "network.Document": "district",
    "network.DocumentVersion": "document__district",
    "network.NetworkActivity": "district",
    "selection.Call": "district",
    "selection.Criterion": "call__district",
    "selection.Bid": "call__district",
    "selection.Score": "bid__call__district",
    "organisation.Municipality": "district",
    "organisation.Provider": "district",
    "organisation.ProviderAssignment": "district",
    "organisation.Position": "district",
    "cases.Participant": "district",
    "cases.ResidenceStatus": "participant__district",
    "cases.Outreach": "participant__district",
    "cases.Enrollment": "participant__district",
    "cases.Need": "participant__district",
    "cases.CaseGoal": "participant__district",
    "cases.CaseStep": "goal__participant__district",
    "cases.Contact": "participant__district",
    "cases.Task": "district",
    "offers.Offer": "district",
    "offers.Referral": "district",
    "offers.ReferralTransition": "referral__district",
    "offers.Outcome": "participant__district",
    "core.User": "memberships__district",
}
# Models whose text is no record content: derived search keys, the audit log (ids and
# action names only), memberships (role codes).
NOT_SEEDED = {"cases.ParticipantNameKey", "core.AuditEntry", "core.Membership"}
# Structure that a user who is a member of district B legitimately sees of B on any page:
# the names of their own district and provider in the role switcher.
MEMBER_OF_B_SEES = {
    "organisation.District.name",
    "organisation.Provider.name",
    "organisation.Provider.short_name",
}
# State-wide roles see every district's name in the district list.
STATEWIDE_SEES = {"organisation.District.name"}


def seedable_fields(model) -> list[models.Field]:
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField)
        and not f.choices
        and f.editable
        and not f.unique
        and (f.max_length is None or f.max_length >= 40)
        and f.name != "password"
    ]


def text_models():
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label in APPS and seedable_fields(model)
    ]


def test_every_model_with_text_is_seeded():
    labels = {model._meta.label for model in text_models()}
    assert labels - NOT_SEEDED == set(DISTRICT_PATH), (
        "add the model to DISTRICT_PATH (or NOT_SEEDED with a reason)"
    )


def seed(district, tag: str, *, exclude_users=()) -> dict[str, str]:
    """Write a marker into every text field of the district's records: {marker: field}."""
    markers = {}
    for model in text_models():
        label = model._meta.label
        if label in NOT_SEEDED:
            continue
        rows = model._default_manager.filter(**{DISTRICT_PATH[label]: district.pk})
        if model._meta.label == "core.User":
            rows = rows.exclude(pk__in=exclude_users)
        pks = list(rows.values_list("pk", flat=True).distinct())
        assert pks, f"district {tag} has no {label}: the world must have one"
        fields = {}
        for field in seedable_fields(model):
            marker = f"{MARKER}-{tag}-{len(markers):03d}"
            markers[marker.lower()] = f"{label}.{field.name}"
            fields[field.name] = (marker, isinstance(field, models.EmailField))
        for number, pk in enumerate(pks):
            # One value per row: some fields are unique together with the district.
            model._default_manager.filter(pk=pk).update(
                **{
                    name: f"{marker.lower()}r{number}@example.org"
                    if email
                    else f"{marker}r{number}"
                    for name, (marker, email) in fields.items()
                }
            )
    for participant in Participant.objects.filter(district=district):
        _store_name_keys(participant)
    return markers


def body_of(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def leaks(text: str, markers: dict[str, str], allowed: set[str]) -> list[str]:
    lowered = text.lower()
    return sorted(
        {
            f"{marker} ({field})"
            for marker, field in markers.items()
            if field not in allowed and marker in lowered
        }
    )


# Exports read the filters their list stored (core.lists.filter_data): search through the list.
SEARCHED_THROUGH = {"offers:offer_export": "offers:offer_list"}
# Apps whose lists search through list_filter; their search probes must not fall back to GET.
SEARCH_THROUGH_SESSION = (
    "organisation:",
    "cases:",
    "offers:",
    "reporting:",
    "funding:",
    "selection:",
    "network:",
    "imports:",
    "privacy:",
    "accounts:",
)
# Records that belong to one user, not to a role: the policy's answers are for the user under
# test, so another coordinator (the member of B) gets 404 where the policy says 200.
OWNED_BY_THE_USER = {
    "api_tokens:revoke",
    "exports:calendar_regenerate",
    "exports:calendar_revoke",
}


def requests_for(world, row):
    """(target, url, search, headers) of every GET the page offers; search: the request is a
    search for the marker."""
    for target in row["targets"]:
        url = reverse(row["name"], kwargs=world.kwargs(row, target))
        yield target, url, False, {}
        if row["htmx"]:
            yield target, url, False, {"HX-Request": "true"}
        if row["search"]:
            yield target, url, True, {}
            if row["htmx"]:
                yield target, url, True, {"HX-Request": "true"}


def search(client, row, url, headers):
    """A search for the marker as the page submits it: through list_filter, which stores it in
    the session and redirects to the list with a token. Lists that still read the URL (their
    next is refused) are searched with ``?q=`` instead; returns (response, through_session)."""
    name = SEARCHED_THROUGH.get(row["name"])
    list_url = reverse(name) if name else url
    stored = client.post(reverse("list_filter"), {"next": list_url, "q": MARKER}, headers=headers)
    location = stored["Location"] if stored.status_code == 302 else ""
    if not location.startswith(f"{list_url}?f="):
        return client.get(url, {"q": MARKER}, headers=headers), False
    assert MARKER not in location
    return client.get(url + location.removeprefix(list_url), headers=headers), True


@pytest.fixture
def seeded(world, db):
    """Markers in both districts, and a user who coordinates A but also works in B."""
    member_of_b = UserFactory(username="a-und-b")
    # With the export permission, like the users under test: the exports are probed too.
    MembershipFactory(
        user=member_of_b, role=Role.COORDINATOR, district=world.a.district, can_export=True
    )
    MembershipFactory(
        user=member_of_b,
        role=Role.COACH,
        district=world.b.district,
        provider=world.b.objects[("provider", 1)],
    )
    MembershipFactory(user=member_of_b, role=Role.CASE_MANAGER, district=world.b.district)
    markers_b = seed(world.b.district, "B", exclude_users=[member_of_b.pk])
    markers_a = seed(world.a.district, "A", exclude_users=[member_of_b.pk])
    return member_of_b, markers_a, markers_b


def _client(user, membership=None) -> Client:
    client = Client()
    client.force_login(user)
    if membership is not None:
        session = client.session
        session[SESSION_KEY] = membership.pk
        session.save()
    return client


def test_district_a_never_sees_district_b(world, seeded):
    member_of_b, markers_a, markers_b = seeded
    viewers = {role: (_client(world.users[role]), role, set()) for role in ROLES}
    for role in ("state_analyst", "admin"):
        viewers[role] = (viewers[role][0], role, STATEWIDE_SEES)
    acting_in_a = Membership.objects.get(user=member_of_b, district=world.a.district)
    viewers["coordinator_also_in_b"] = (
        _client(member_of_b, acting_in_a),
        "coordinator",
        MEMBER_OF_B_SEES,
    )
    found, wrong, fetched, seen_own, by_url = [], [], 0, set(), []
    for viewer, (client, role, allowed) in viewers.items():
        for row in ROUTES:
            for target, url, searching, headers in requests_for(world, row):
                if searching:
                    response, through_session = search(client, row, url, headers)
                    if not through_session and row["name"].startswith(SEARCH_THROUGH_SESSION):
                        by_url.append(f"{viewer}: {row['name']}")
                else:
                    response = client.get(url, headers=headers)
                fetched += 1
                want = expected(row, "GET", role, target)
                # The matrix asks fragments as htmx does (without htmx they redirect to the page).
                as_in_matrix = bool(headers) == (row["kind"] == "fragment") and not searching
                someone_else = (
                    viewer == "coordinator_also_in_b" and row["name"] in OWNED_BY_THE_USER
                )
                if as_in_matrix and response.status_code != want and not someone_else:
                    wrong.append(f"{viewer}: GET {url}: {response.status_code}, policy: {want}")
                text = body_of(response)
                probe = f"{url} {'search' if searching else ''} {headers or ''}"
                for leak in leaks(text, markers_b, allowed):
                    found.append(f"{viewer}: GET {probe}: {leak}")
                if role == "coordinator" and any(m in text.lower() for m in markers_a):
                    seen_own.add(row["name"])
    assert fetched > 300
    assert not found, "district B's data reached district A:\n" + "\n".join(found)
    assert not wrong, "\n".join(wrong)
    assert not by_url, "searched by URL, not through list_filter:\n" + "\n".join(by_url)
    # The pages do show data: district A's own markers appear on its lists and exports.
    for name in (
        "cases:participant_list",
        "cases:participant_detail",
        "offers:offer_list",
        "offers:offer_export",
        "offers:inbox",
        "organisation:provider_list",
        "funding:grant_list",
        "funding:expenditure_list",
        "network:partner_list",
        "network:meeting_list",
        "selection:call_list",
        "home",
    ):
        assert name in seen_own, f"{name} showed none of district A's own data"
