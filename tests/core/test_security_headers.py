"""Security headers on every kind of page; no caching of anything a signed-in user sees."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from durchstarten.cases.services import participants as participant_services
from tests.factories import PASSWORD

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
TEMPLATE_DIRS = sorted(Path(settings.BASE_DIR).glob("**/templates"))
# Inline scripts, styles and handlers, and htmx features that evaluate strings as code.
INLINE_CODE = re.compile(
    "|".join(
        [
            r"<script(?![^>]*\ssrc=)[^>]*>",
            r"<style[\s>]",
            r"\sstyle=",
            r"\son[a-z]+=",
            r"javascript:",
            r"hx-on",
            r"[\"']js:",
            r'hx-trigger="[^"]*\[',
        ]
    ),
    re.IGNORECASE,
)


def _assert_security_headers(response) -> None:
    assert response["Content-Security-Policy"] == CSP
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def _is_never_cached(response) -> bool:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"no-store", "no-cache", "private"} <= directives


@pytest.fixture
def participant(case_manager, district, municipality):
    return participant_services.participant_create(
        actor=case_manager,
        district=district,
        given_names="Mohammad",
        family_name="Al-Hassan",
        date_of_birth=dt.date(2003, 4, 1),
        municipality=municipality,
    )


def test_it_sends_the_security_headers_on_the_login_page(client, db):
    _assert_security_headers(client.get(reverse("login")))


def test_it_sends_the_security_headers_on_the_lockout_page(client, db):
    for _ in range(5):
        response = client.post(reverse("login"), {"username": "niemand", "password": "falsch"})
    assert response.status_code == 429
    _assert_security_headers(response)
    assert _is_never_cached(response)


@pytest.mark.parametrize(
    "url",
    [
        lambda p: "/",
        lambda p: reverse("cases:participant_list"),
        lambda p: reverse("cases:participant_detail", args=[p.public_id]),
    ],
    ids=["start", "case_list", "case_detail"],
)
def test_it_sends_the_security_headers_and_no_store_to_signed_in_users(
    client, case_manager, participant, url
):
    client.force_login(case_manager)
    response = client.get(url(participant))
    assert response.status_code == 200
    _assert_security_headers(response)
    assert _is_never_cached(response)


def test_it_forbids_caching_htmx_fragments(client, case_manager, participant):
    client.force_login(case_manager)
    response = client.get(reverse("cases:participant_list"), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert _is_never_cached(response)


def test_it_forbids_caching_the_redirect_after_login(client, case_manager):
    response = client.post(
        reverse("login"), {"username": case_manager.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert _is_never_cached(response)


def test_it_marks_the_session_cookie_http_only_and_same_site(client, case_manager):
    client.post(reverse("login"), {"username": case_manager.username, "password": PASSWORD})
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


@pytest.mark.parametrize(
    "template",
    [p for d in TEMPLATE_DIRS for p in sorted(d.glob("**/*.html"))],
    ids=lambda p: str(p.relative_to(settings.BASE_DIR)),
)
def test_it_keeps_templates_free_of_inline_code_the_policy_would_block(template):
    assert not INLINE_CODE.findall(template.read_text())
