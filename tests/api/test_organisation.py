"""Municipalities, providers, assignments, positions and the gap analysis through the API."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from durchstarten.core.models import AuditEntry, Role
from durchstarten.organisation.models import Module, Position, Provider, ProviderAssignment
from tests.api.conftest import api_client
from tests.factories import (
    MunicipalityFactory,
    PositionFactory,
    ProviderAssignmentFactory,
    ProviderFactory,
    member,
)

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def url(name, *args):
    return reverse(f"api:{name}", args=args)


def patch(client, path, body, etag):
    headers = {} if etag is None else {"HTTP_IF_MATCH": etag}
    return client.patch(path, body, format="json", **headers)


# --- Municipalities ------------------------------------------------------------------------


def test_it_lists_the_municipalities_in_reach(coordinator, municipality, other_district):
    MunicipalityFactory(district=other_district)
    response = api_client(coordinator).get(url("municipality-list"))
    assert response.status_code == 200
    assert response.json()["results"] == [
        {"ags": municipality.ags, "name": "Harsewinkel", "district": municipality.district.ags}
    ]


def test_it_answers_another_districts_municipality_with_404(coordinator, other_district):
    foreign = MunicipalityFactory(district=other_district)
    response = api_client(coordinator).get(url("municipality-detail", foreign.ags))
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM


# --- Providers -----------------------------------------------------------------------------


def test_it_shows_a_provider_with_its_version_as_etag(coordinator, provider):
    response = api_client(coordinator).get(url("provider-detail", provider.public_id))
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "public_id",
        "version",
        "created_at",
        "updated_at",
        "district",
        "name",
        "short_name",
        "address",
        "email",
        "phone",
        "is_active",
    }
    assert body["district"] == provider.district.ags
    assert response["ETag"] == f'"{provider.public_id}-1"'


def test_it_lists_providers_of_the_district_only(coordinator, provider, other_district):
    ProviderFactory(district=other_district)
    rows = api_client(coordinator).get(url("provider-list")).json()["results"]
    assert [row["public_id"] for row in rows] == [str(provider.public_id)]


def test_it_searches_providers_by_name(coordinator, provider, other_provider):
    rows = api_client(coordinator).get(url("provider-list"), {"q": "carit"}).json()["results"]
    assert [row["name"] for row in rows] == [other_provider.name]


def test_it_refuses_providers_to_roles_the_page_refuses(coach, state_analyst, provider):
    for user in (coach, state_analyst):
        response = api_client(user).get(url("provider-list"))
        assert response.status_code == 403
        assert response["Content-Type"] == PROBLEM


def test_it_lets_a_coordinator_create_a_provider(coordinator, district):
    response = api_client(coordinator).post(
        url("provider-list"),
        {"district": district.ags, "name": "Diakonie Gütersloh e. V.", "version": 7},
        format="json",
    )
    assert response.status_code == 201
    provider = Provider.objects.get(name="Diakonie Gütersloh e. V.")
    assert provider.version == 1 and provider.district == district
    assert response.json()["public_id"] == str(provider.public_id)
    assert AuditEntry.objects.filter(action="organisation.provider.created").exists()


def test_it_refuses_provider_writes_by_case_managers(case_manager, district, provider):
    client = api_client(case_manager)
    response = client.post(url("provider-list"), {"district": district.ags, "name": "X"})
    assert response.status_code == 403
    response = patch(client, url("provider-detail", provider.public_id), {"name": "Y"}, '"x"')
    assert response.status_code == 403
    assert not Provider.objects.filter(name__in=["X", "Y"]).exists()


def test_it_treats_another_districts_ags_as_unknown(coordinator, other_district):
    response = api_client(coordinator).post(
        url("provider-list"), {"district": other_district.ags, "name": "Fremd"}, format="json"
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "district"
    assert "nicht sichtbar" in response.json()["errors"][0]["message"]
    assert not Provider.objects.filter(name="Fremd").exists()


def test_it_answers_a_duplicate_name_with_a_german_problem(coordinator, provider):
    response = api_client(coordinator).post(
        url("provider-list"),
        {"district": provider.district.ags, "name": provider.name},
        format="json",
    )
    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["title"] == "Eingaben ungültig"
    assert "existiert bereits" in str(body)


def test_it_needs_if_match_to_change_a_provider(coordinator, provider):
    client = api_client(coordinator)
    path = url("provider-detail", provider.public_id)
    missing = patch(client, path, {"name": "Neu"}, None)
    assert missing.status_code == 428
    assert missing["Content-Type"] == PROBLEM
    changed = patch(
        client, path, {"name": "Neu", "district": "99999999"}, f'"{provider.public_id}-1"'
    )
    assert changed.status_code == 200
    assert changed["ETag"] == f'"{provider.public_id}-2"'
    stale = patch(client, path, {"name": "Älter"}, f'"{provider.public_id}-1"')
    assert stale.status_code == 409
    assert stale.json()["type"] == "urn:durchstarten:problem:stale"
    provider.refresh_from_db()
    assert (provider.name, provider.version, provider.district.ags) == (
        "Neu",
        2,
        changed.json()["district"],
    )


def test_it_answers_another_districts_provider_with_404(coordinator, other_district):
    foreign = ProviderFactory(district=other_district)
    client = api_client(coordinator)
    assert client.get(url("provider-detail", foreign.public_id)).status_code == 404
    response = patch(client, url("provider-detail", foreign.public_id), {"name": "x"}, '"x"')
    assert response.status_code == 404


def test_it_lists_providers_in_constant_queries(coordinator, district, django_assert_num_queries):
    client = api_client(coordinator)
    client.get(url("provider-list"))  # the token's first use is written once
    for size in (2, 12):
        ProviderFactory.create_batch(size // 2 if size == 2 else 10, district=district)
        with django_assert_num_queries(3):
            response = client.get(url("provider-list"))
        assert response.status_code == 200


# --- Assignments ---------------------------------------------------------------------------


@pytest.fixture
def second_municipality(district):
    return MunicipalityFactory(district=district, name="Harsewinkel-Nord")


def test_it_creates_an_assignment_through_the_overlap_rule(
    coordinator, provider, other_provider, municipality
):
    client = api_client(coordinator)
    body = {
        "provider": str(provider.public_id),
        "module": Module.COACHING,
        "municipalities": [municipality.ags],
        "valid_from": "2026-01-01",
        "valid_until": "2026-12-31",
    }
    created = client.post(url("assignment-list"), body, format="json")
    assert created.status_code == 201
    assert created.json()["municipalities"] == [municipality.ags]
    assert created.json()["provider_name"] == provider.name
    clash = client.post(
        url("assignment-list"), {**body, "provider": str(other_provider.public_id)}, format="json"
    )
    assert clash.status_code == 422
    error = clash.json()["errors"][0]
    assert error["field"] == "municipalities"
    assert "bereits „asH Gütersloh gGmbH“ zuständig" in error["message"]
    assert ProviderAssignment.objects.count() == 1


def test_it_changes_an_assignments_municipalities_with_if_match(
    coordinator, provider, municipality, second_municipality
):
    assignment = ProviderAssignmentFactory(provider=provider, municipalities=[municipality])
    client = api_client(coordinator)
    path = url("assignment-detail", assignment.public_id)
    etag = client.get(path)["ETag"]
    response = patch(
        client, path, {"municipalities": [municipality.ags, second_municipality.ags]}, etag
    )
    assert response.status_code == 200
    assert sorted(response.json()["municipalities"]) == sorted(
        [municipality.ags, second_municipality.ags]
    )
    assert patch(client, path, {"note": "x"}, etag).status_code == 409


def test_it_keeps_an_assignments_provider_and_module(
    coordinator, provider, other_provider, municipality
):
    assignment = ProviderAssignmentFactory(provider=provider, municipalities=[municipality])
    client = api_client(coordinator)
    path = url("assignment-detail", assignment.public_id)
    response = patch(
        client,
        path,
        {"provider": str(other_provider.public_id), "module": Module.PREPARATION, "note": "n"},
        client.get(path)["ETag"],
    )
    assert response.status_code == 200
    assignment.refresh_from_db()
    assert (assignment.provider, assignment.module, assignment.note) == (
        provider,
        Module.COACHING,
        "n",
    )


def test_it_deletes_an_assignment_for_coordinators_only(coordinator, case_manager, provider):
    assignment = ProviderAssignmentFactory(provider=provider)
    path = url("assignment-detail", assignment.public_id)
    assert api_client(case_manager).delete(path).status_code == 403
    assert api_client(coordinator).delete(path).status_code == 204
    assert not ProviderAssignment.objects.exists()


def test_it_shows_a_coach_only_their_providers_assignments(coach, provider, other_provider):
    own = ProviderAssignmentFactory(provider=provider)
    ProviderAssignmentFactory(provider=other_provider, module=Module.PREPARATION)
    rows = api_client(coach).get(url("assignment-list")).json()["results"]
    assert [row["public_id"] for row in rows] == [str(own.public_id)]


def test_it_filters_assignments_by_day_and_module(coordinator, provider):
    current = ProviderAssignmentFactory(provider=provider)
    ProviderAssignmentFactory(
        provider=provider, valid_from=dt.date(2025, 1, 1), valid_until=dt.date(2025, 12, 31)
    )
    client = api_client(coordinator)
    rows = client.get(url("assignment-list"), {"active_on": "2026-06-01", "module": 1}).json()[
        "results"
    ]
    assert [row["public_id"] for row in rows] == [str(current.public_id)]


def test_it_lists_assignments_in_constant_queries(
    coordinator, provider, municipality, django_assert_num_queries
):
    client = api_client(coordinator)
    client.get(url("assignment-list"))
    for count in (1, 8):
        for index in range(count):
            ProviderAssignmentFactory(
                provider=provider,
                module=Module.PREPARATION,
                municipalities=[municipality],
                valid_from=dt.date(2000 + index + count * 10, 1, 1),
                valid_until=dt.date(2000 + index + count * 10, 12, 31),
            )
        with django_assert_num_queries(4):
            assert client.get(url("assignment-list")).status_code == 200


# --- Positions -----------------------------------------------------------------------------


def test_it_creates_a_position_with_a_holder(coordinator, case_manager, district, provider):
    response = api_client(coordinator).post(
        url("position-list"),
        {
            "district": district.ags,
            "provider": None,
            "module": Module.CASE_MANAGEMENT,
            "fte": "0.75",
            "holder": case_manager.username,
            "valid_from": "2026-01-01",
        },
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["employer_name"] == "Koordinierungsstelle"
    position = Position.objects.get()
    assert (position.fte, position.holder) == (Decimal("0.75"), case_manager)


def test_it_refuses_a_holder_without_a_role_in_the_district(coordinator, district, outsider):
    response = api_client(coordinator).post(
        url("position-list"),
        {
            "district": district.ags,
            "module": Module.CASE_MANAGEMENT,
            "fte": "1",
            "holder": outsider.username,
            "valid_from": "2026-01-01",
        },
        format="json",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "holder"
    assert not Position.objects.exists()


def test_it_checks_a_positions_period_in_german(coordinator, district):
    position = PositionFactory(district=district)
    client = api_client(coordinator)
    path = url("position-detail", position.public_id)
    response = patch(client, path, {"valid_until": "2025-01-01"}, client.get(path)["ETag"])
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert (error["field"], error["message"]) == (
        "valid_until",
        "Das Ende darf nicht vor dem Beginn liegen.",
    )


def test_it_refuses_positions_to_coaches_and_provider_staff(coach, provider_staff, district):
    PositionFactory(district=district)
    for user in (coach, provider_staff):
        assert api_client(user).get(url("position-list")).status_code == 403


def test_it_deletes_a_position(coordinator, district, other_district):
    position = PositionFactory(district=district)
    foreign = PositionFactory(district=other_district)
    client = api_client(coordinator)
    assert client.delete(url("position-detail", foreign.public_id)).status_code == 404
    assert client.delete(url("position-detail", position.public_id)).status_code == 204
    assert list(Position.objects.all()) == [foreign]


# --- Gap analysis --------------------------------------------------------------------------


def test_it_gives_the_gap_analysis_to_district_staff_only(
    coordinator, coach, state_analyst, district, other_district, municipality
):
    client = api_client(coordinator)
    response = client.get(url("district-gaps", district.ags))
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"district", "on", "totals", "rows"}
    assert body["district"] == district.ags
    assert {"category", "category_label", "open_needs", "free_places", "unmet"} == set(
        body["totals"][0]
    )
    assert client.get(url("district-gaps", other_district.ags)).status_code == 404
    for user in (coach, state_analyst):
        assert api_client(user).get(url("district-gaps", district.ags)).status_code == 403


def test_it_lets_a_coordinator_of_two_districts_act_in_each(district, other_district):
    user = member(Role.COORDINATOR, district)
    user.memberships.create(role=Role.CASE_MANAGER, district=other_district)
    client = api_client(user)
    for target in (district, other_district):
        response = client.post(
            url("provider-list"), {"district": target.ags, "name": "Neu"}, format="json"
        )
        assert response.status_code == (201 if target == district else 403)
