"""Two-factor authentication in the browser: a coordinator is made to set up an authenticator,
confirms it with a code, signs out and signs in again with password and code; every page of
the journey passes the accessibility audit."""

import base64
import re
import time

import pytest
from django.conf import settings
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect

from durchstarten.core.models import Role
from tests.browser.helpers import audit_accessibility, log_out
from tests.factories import PASSWORD, DistrictFactory, member

pytestmark = pytest.mark.browser

MIDDLEWARE = "durchstarten.accounts.middleware.TwoFactorMiddleware"
AFTER = "durchstarten.core.middleware.ActiveMembershipMiddleware"


def _reload_middleware(live_server) -> None:
    # Each handler the live server stacks (static files, media files, Django) may run its
    # own middleware chain; all of them must see the changed setting.
    app = live_server.thread.httpd.get_app()
    while app is not None:
        app.load_middleware()
        app = getattr(app, "application", None)


@pytest.fixture
def two_factor_enforced(settings, live_server):
    """Enforcement on, with the middleware in the live server's stack (added here until
    settings.py has it)."""
    settings.DURCHSTARTEN_2FA_ENFORCED_ROLES = ["coordinator", "admin"]
    original = list(settings.MIDDLEWARE)
    if MIDDLEWARE in original:
        yield
        return
    settings.MIDDLEWARE = [
        *original[: original.index(AFTER) + 1],
        MIDDLEWARE,
        *original[original.index(AFTER) + 1 :],
    ]
    _reload_middleware(live_server)
    yield
    settings.MIDDLEWARE = original
    _reload_middleware(live_server)


def _code(secret: str, steps: int = 0) -> str:
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    totp = TOTP(key)
    totp.time = time.time() + 30 * steps
    return f"{totp.token():06d}"


def _password_step(page: Page, username: str) -> None:
    page.goto("/anmelden/")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()


def test_it_sets_up_two_factor_and_signs_in_with_a_code(
    page: Page, transactional_db, two_factor_enforced
):
    coordinator = member(Role.COORDINATOR, DistrictFactory(name="Kreis Browsertest"))
    # Every login hashes a password and writes the audit chain: slow on a busy machine.
    page.set_default_navigation_timeout(30_000)

    _password_step(page, coordinator.username)
    expect(page).to_have_url(re.compile(r"/konto/zwei-faktor/einrichten/"))
    expect(page.get_by_role("img", name="QR-Code für Ihre Authenticator-App")).to_be_visible()
    expect(page.get_by_role("navigation", name="Hauptnavigation")).to_have_count(0)
    audit_accessibility(page)

    secret = page.locator("code").first.inner_text().replace(" ", "")
    page.get_by_label("Code aus der App").fill(_code(secret))
    page.get_by_role("button", name="Einrichtung abschließen").click()
    expect(page.get_by_role("heading", name="Ihre Notfallcodes")).to_be_visible()
    expect(page.get_by_role("list", name="Notfallcodes").get_by_role("listitem")).to_have_count(10)
    audit_accessibility(page)

    page.get_by_role("link", name="Weiter zur Startseite").click()
    expect(page.get_by_role("navigation", name="Hauptnavigation")).to_be_visible()
    log_out(page)

    _password_step(page, coordinator.username)
    expect(page).to_have_url(re.compile(r"/konto/anmelden/code/"))
    audit_accessibility(page)
    page.get_by_label("Sicherheitscode").fill("000000")
    page.get_by_role("button", name="Bestätigen").click()
    expect(page.get_by_role("link", name=re.compile("Der Code ist nicht richtig"))).to_be_visible()
    # django-otp makes a retry after a wrong code wait a second.
    page.wait_for_timeout(1100)
    # The code of the setup was used once already: the next one (accepted a period early).
    page.get_by_label("Sicherheitscode").fill(_code(secret, steps=1))
    page.get_by_role("button", name="Bestätigen").click()
    expect(page.get_by_role("navigation", name="Hauptnavigation")).to_be_visible()

    page.goto("/konto/")
    expect(page.get_by_role("heading", name="Mein Konto")).to_be_visible()
    expect(page.get_by_text("Zweiter Faktor bestätigt")).to_be_visible()
    audit_accessibility(page)
    assert settings.SESSION_COOKIE_NAME in {c["name"] for c in page.context.cookies()}
