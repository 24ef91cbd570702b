"""Tokens, problem details, limits and the schema: what every endpoint relies on."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from durchstarten.api.models import ApiToken, TokenScope
from durchstarten.api.services import api_token_revoke
from durchstarten.core.models import AuditEntry, Role
from tests.api.conftest import api_client, token_for
from tests.factories import DistrictFactory, member

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


@pytest.fixture
def coordinator(district):
    return member(Role.COORDINATOR, district)


def districts_url():
    return reverse("api:district-list")


def test_it_lists_only_the_districts_in_reach(coordinator, district, other_district):
    response = api_client(coordinator).get(districts_url())
    assert response.status_code == 200
    assert [row["ags"] for row in response.json()["results"]] == [district.ags]


def test_it_answers_another_districts_record_like_a_missing_one(coordinator, other_district):
    client = api_client(coordinator)
    foreign = client.get(reverse("api:district-detail", args=[other_district.ags]))
    missing = client.get(reverse("api:district-detail", args=["99999999"]))
    assert foreign.status_code == missing.status_code == 404
    assert foreign["Content-Type"] == PROBLEM
    assert foreign.json() == missing.json()
    assert foreign.json()["type"] == "urn:durchstarten:problem:not_found"


def test_it_refuses_requests_without_a_token_with_401_problem():
    response = APIClient().get(districts_url())
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    assert response["WWW-Authenticate"] == "Bearer"
    assert response.json()["status"] == 401


@pytest.mark.parametrize("header", ["Bearer nonsense", "Bearer ds_abcd_wrong", "Bearer", "Token x"])
def test_it_refuses_malformed_or_unknown_tokens(header, coordinator):
    token_for(coordinator)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    assert client.get(districts_url()).status_code == 401


def test_it_refuses_a_token_with_the_right_prefix_but_a_wrong_secret(coordinator):
    secret = token_for(coordinator)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret[:-2]}xx")
    assert client.get(districts_url()).status_code == 401
    assert AuditEntry.objects.filter(action="api.token.refused").exists()


def test_it_refuses_revoked_and_expired_tokens(coordinator):
    secret = token_for(coordinator)
    token = ApiToken.objects.get()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert client.get(districts_url()).status_code == 200
    api_token_revoke(actor=coordinator, token=token)
    assert client.get(districts_url()).status_code == 401

    secret = token_for(coordinator)
    ApiToken.objects.filter(revoked_at=None).update(expires_at=timezone.now())
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert client.get(districts_url()).status_code == 401


def test_it_refuses_the_token_of_a_disabled_account(coordinator):
    client = api_client(coordinator)
    coordinator.is_active = False
    coordinator.save(update_fields=["is_active"])
    assert client.get(districts_url()).status_code == 401


def test_it_stores_only_a_hash_of_the_secret(coordinator):
    secret = token_for(coordinator)
    token = ApiToken.objects.get()
    assert secret.split("_", 2)[2] not in {token.secret_hash, token.prefix, token.name}
    assert len(token.secret_hash) == 64


def test_it_lets_a_read_only_token_read_but_not_write(coordinator):
    client = api_client(coordinator, scope=TokenScope.READ)
    assert client.get(districts_url()).status_code == 200
    response = client.post(districts_url(), {"ags": "05754000"}, format="json")
    assert response.status_code == 403
    assert response.json()["detail"] == "Dieser API-Schlüssel darf nur lesen."


def test_it_records_when_a_token_was_last_used(coordinator):
    client = api_client(coordinator)
    assert ApiToken.objects.get().last_used_at is None
    client.get(districts_url())
    assert ApiToken.objects.get().last_used_at is not None


def test_it_limits_the_request_rate_per_token(coordinator, settings):
    settings.DURCHSTARTEN_API_RATE = "3/min"
    client = api_client(coordinator)
    answers = [client.get(districts_url()).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    other = api_client(coordinator)
    assert other.get(districts_url()).status_code == 200


def test_it_refuses_oversized_bodies_with_413(coordinator, settings):
    settings.DURCHSTARTEN_API_MAX_BODY_BYTES = 100
    response = api_client(coordinator).post(districts_url(), {"name": "x" * 200}, format="json")
    assert response.status_code == 413
    assert response["Content-Type"] == PROBLEM


def test_it_speaks_english_when_asked(coordinator, other_district):
    response = api_client(coordinator).get(
        reverse("api:district-detail", args=[other_district.ags]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.json()["title"] == "Not found"


def test_it_pages_with_opaque_cursors(coordinator, district):
    for _ in range(3):
        DistrictFactory()
    analyst = member(Role.STATE_ANALYST)
    client = api_client(analyst)
    first = client.get(districts_url(), {"page_size": 2}).json()
    assert len(first["results"]) == 2 and first["next"]
    second = client.get(first["next"]).json()
    seen = [row["ags"] for row in first["results"] + second["results"]]
    assert seen == sorted(seen) and len(set(seen)) == len(seen)


def test_it_serves_the_schema_and_the_docs_without_login(client):
    schema = client.get(reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    docs = client.get(reverse("api:docs"))
    assert docs.status_code == 200
    assert b"/static/" in docs.content and b"cdn" not in docs.content.lower()


def test_it_accepts_the_browser_session(client, coordinator):
    client.force_login(coordinator)
    assert client.get(districts_url()).status_code == 200


def test_it_refuses_session_writes_without_csrf(coordinator):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(coordinator)
    response = client.post(districts_url(), {}, format="json")
    assert response.status_code == 403


def test_it_audits_token_creation_without_the_secret(coordinator):
    secret = token_for(coordinator)
    entry = AuditEntry.objects.get(action="api.token.created")
    assert secret not in str(entry.data)
    assert entry.data["scope"] == "write"


def test_it_refuses_expiry_dates_in_the_past_or_too_far_ahead(coordinator):
    from django.core.exceptions import ValidationError

    from durchstarten.api.services import api_token_create

    for days in (0, 400):
        with pytest.raises(ValidationError):
            api_token_create(
                actor=coordinator,
                name="x",
                scope=TokenScope.READ,
                expires_on=timezone.localdate() + dt.timedelta(days=days),
            )
