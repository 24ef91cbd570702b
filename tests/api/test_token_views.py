import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from durchstarten.api.models import ApiToken
from durchstarten.core.models import Role
from tests.api.conftest import token_for
from tests.factories import member

pytestmark = pytest.mark.django_db


@pytest.fixture
def user(district):
    return member(Role.CASE_MANAGER, district)


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    return client


def test_it_creates_a_token_and_shows_the_secret_once(signed_in, user):
    expires = timezone.localdate() + dt.timedelta(days=30)
    response = signed_in.post(
        reverse("api_tokens:create"),
        {"name": "Auswertung", "scope": "read", "expires_on": expires.isoformat()},
    )
    assert response.status_code == 200
    secret = re.search(rb'value="(ds_[^"]+)"', response.content).group(1).decode()
    assert (
        response["Cache-Control"].startswith("no-store") or "no-store" in response["Cache-Control"]
    )
    token = ApiToken.objects.get(user=user)
    assert token.name == "Auswertung" and token.scope == "read"
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get(reverse("api:district-list")).status_code == 200
    listing = signed_in.get(reverse("api_tokens:list"))
    assert secret.encode() not in listing.content
    assert b"Auswertung" in listing.content


def test_it_explains_invalid_input_in_german(signed_in):
    response = signed_in.post(
        reverse("api_tokens:create"),
        {"name": "", "scope": "read", "expires_on": "2001-01-01"},
    )
    assert response.status_code == 200
    assert "Dieses Feld ist zwingend erforderlich." in response.content.decode()
    assert not ApiToken.objects.exists()


def test_it_refuses_a_past_expiry_date_with_the_services_message(signed_in):
    response = signed_in.post(
        reverse("api_tokens:create"),
        {"name": "x", "scope": "read", "expires_on": "2001-01-01"},
    )
    assert "Das Ablaufdatum muss in der Zukunft liegen." in response.content.decode()


def test_it_asks_before_revoking_and_then_revokes(signed_in, user):
    token_for(user)
    token = ApiToken.objects.get()
    url = reverse("api_tokens:revoke", args=[token.public_id])
    assert b"wirklich widerrufen" in signed_in.get(url).content
    token.refresh_from_db()
    assert token.revoked_at is None
    assert signed_in.post(url).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_it_answers_404_for_someone_elses_token(signed_in, district):
    other = member(Role.COORDINATOR, district)
    token_for(other)
    token = ApiToken.objects.get()
    url = reverse("api_tokens:revoke", args=[token.public_id])
    assert signed_in.get(url).status_code == 404
    assert signed_in.post(url).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_it_lists_tokens_with_constant_queries(signed_in, user, django_assert_max_num_queries):
    for _ in range(3):
        token_for(user)
    with django_assert_max_num_queries(12) as few:
        signed_in.get(reverse("api_tokens:list"))
    for _ in range(10):
        token_for(user)
    with django_assert_max_num_queries(len(few.captured_queries)):
        signed_in.get(reverse("api_tokens:list"))
