import pytest
from django.urls import reverse

from durchstarten.core.models import Role
from tests.factories import DistrictFactory, member

pytestmark = pytest.mark.django_db

HEALTHZ = "/healthz"


def test_it_lives_at_the_conventional_address():
    assert reverse("healthz") == HEALTHZ


def test_it_answers_ok_without_login_after_one_query(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get(HEALTHZ)

    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "no-store" in response["Cache-Control"]


def test_it_goes_through_the_security_middleware(client):
    response = client.get(HEALTHZ)

    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def test_it_answers_head_and_refuses_writes(client):
    assert client.head(HEALTHZ).status_code == 200
    assert client.post(HEALTHZ).status_code == 405


def test_it_tells_a_signed_in_user_nothing_more(client):
    client.force_login(member(Role.CASE_MANAGER, DistrictFactory()))

    response = client.get(HEALTHZ)

    assert response.status_code == 200
    assert response.content == b"ok"
    assert "no-store" in response["Cache-Control"]
