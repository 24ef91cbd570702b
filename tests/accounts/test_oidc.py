"""Optional single sign-on: existing accounts only, switched on by the environment.

The identity provider is faked through mozilla-django-oidc's backend hooks (token request,
token check, user info): no network.
"""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from durchstarten.accounts import oidc_settings
from durchstarten.accounts.oidc import ExistingAccountBackend
from durchstarten.core.models import AuditEntry, User
from tests.accounts.helpers import give_device
from tests.factories import UserFactory

ENVIRONMENT = {
    "DURCHSTARTEN_OIDC_CLIENT_ID": "durchstarten",
    "DURCHSTARTEN_OIDC_CLIENT_SECRET": "geheim",
    "DURCHSTARTEN_OIDC_AUTHORIZATION_ENDPOINT": "https://sso.example/auth",
    "DURCHSTARTEN_OIDC_TOKEN_ENDPOINT": "https://sso.example/token",
    "DURCHSTARTEN_OIDC_USERINFO_ENDPOINT": "https://sso.example/userinfo",
    "DURCHSTARTEN_OIDC_JWKS_ENDPOINT": "https://sso.example/certs",
}
FAKE_BACKEND = "tests.accounts.test_oidc.FakeProviderBackend"


class FakeProviderBackend(ExistingAccountBackend):
    """Answers the token and user-info requests itself instead of asking the provider."""

    claims: dict = {}
    token_requests: list = []

    def get_token(self, payload):
        self.token_requests.append(payload)
        return {"id_token": "id-token", "access_token": "access-token"}

    def verify_token(self, token, **kwargs):
        return {"nonce": kwargs.get("nonce"), "sub": "abc"}

    def get_userinfo(self, access_token, id_token, payload):
        return dict(self.claims)


@pytest.fixture
def sso(settings, monkeypatch, db):
    for name, value in ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    for name, value in oidc_settings.oidc_settings().items():
        setattr(settings, name, value)
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, FAKE_BACKEND]
    monkeypatch.setattr(FakeProviderBackend, "token_requests", [])
    return settings


def _sign_on(client, claims, monkeypatch):
    monkeypatch.setattr(FakeProviderBackend, "claims", claims)
    start = client.get(reverse("accounts:oidc_login"))
    assert start.status_code == 302
    query = parse_qs(urlsplit(start.url).query)
    return client.get(
        reverse("accounts:oidc_callback"), {"code": "code-123", "state": query["state"][0]}
    )


def test_it_is_off_without_configuration(client, db):
    assert client.get(reverse("accounts:oidc_login")).status_code == 404
    assert client.get(reverse("accounts:oidc_callback")).status_code == 404
    assert "Single Sign-on" not in client.get(reverse("login")).content.decode()


def test_it_reads_nothing_without_a_client_id(monkeypatch):
    monkeypatch.delenv("DURCHSTARTEN_OIDC_CLIENT_ID", raising=False)
    assert oidc_settings.oidc_settings() == {}


def test_it_refuses_to_start_with_half_a_configuration(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.setenv("DURCHSTARTEN_OIDC_CLIENT_ID", "durchstarten")
    monkeypatch.delenv("DURCHSTARTEN_OIDC_TOKEN_ENDPOINT", raising=False)
    with pytest.raises(ImproperlyConfigured, match="DURCHSTARTEN_OIDC_TOKEN_ENDPOINT"):
        oidc_settings.oidc_settings()


def test_it_offers_single_sign_on_on_the_login_page(client, sso):
    body = client.get(reverse("login")).content.decode()
    assert "Mit Single Sign-on anmelden" in body
    assert reverse("accounts:oidc_login") in body


def test_it_sends_the_browser_to_the_provider_with_pkce(client, sso):
    response = client.get(reverse("accounts:oidc_login"))
    assert response.url.startswith("https://sso.example/auth?")
    query = parse_qs(urlsplit(response.url).query)
    assert query["client_id"] == ["durchstarten"]
    assert query["code_challenge_method"] == ["S256"]
    assert query["redirect_uri"][0].endswith(reverse("accounts:oidc_callback"))


def test_it_signs_in_an_existing_account_by_user_name(client, sso, monkeypatch):
    user = UserFactory(username="m.mustermann")
    response = _sign_on(client, {"preferred_username": "m.mustermann"}, monkeypatch)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    assert FakeProviderBackend.token_requests[0]["code"] == "code-123"
    assert AuditEntry.objects.filter(action="auth.login", actor=user).exists()


def test_it_creates_no_account_for_an_unknown_person(client, sso, monkeypatch):
    before = User.objects.count()
    response = _sign_on(
        client, {"preferred_username": "fremd", "email": "f@example.org"}, monkeypatch
    )
    assert response.url == reverse("login")
    assert "_auth_user_id" not in client.session
    assert User.objects.count() == before
    assert "nicht gelungen" in client.get(response.url).content.decode()


def test_it_signs_in_no_disabled_account(client, sso, monkeypatch):
    UserFactory(username="gesperrt", is_active=False)
    _sign_on(client, {"preferred_username": "gesperrt"}, monkeypatch)
    assert "_auth_user_id" not in client.session


def test_it_matches_by_email_only_when_allowed(client, sso, monkeypatch):
    user = UserFactory(username="intern-42", email="Anna.Beispiel@kreis.example")
    claims = {"preferred_username": "anna", "email": "anna.beispiel@kreis.example"}
    _sign_on(client, claims, monkeypatch)
    assert "_auth_user_id" not in client.session
    sso.DURCHSTARTEN_OIDC_MATCH_EMAIL = True
    _sign_on(client, claims, monkeypatch)
    assert client.session["_auth_user_id"] == str(user.pk)


def test_it_still_asks_for_the_second_factor(client, sso, monkeypatch, two_factor_middleware):
    user = UserFactory(username="m.mustermann")
    give_device(user)
    _sign_on(client, {"preferred_username": "m.mustermann"}, monkeypatch)
    response = client.get(reverse("home"))
    assert response.url.startswith(reverse("accounts:otp_verify"))
