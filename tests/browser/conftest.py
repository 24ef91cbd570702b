"""Headless Debian Chromium driven by Playwright against pytest-django's live server.

Chromium comes from the system (scripts/ensure-chromium); `playwright install` is never
used. Without Chromium the browser tests are skipped, except on CI where they fail.
"""

import os
import shutil
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
# Fail fast: a missing element should not cost the default 30 s.
TIMEOUT_MS = 5_000


def _chromium_path() -> str | None:
    found = shutil.which("chromium")
    if found:
        return found
    return "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = _chromium_path()
    if executable is None:
        reason = "Chromium fehlt: sudo apt-get install chromium (oder sh scripts/ensure-chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    # Playwright's sync API keeps an asyncio loop running in this thread, so Django would
    # take every ORM call of the test code for one made from async code.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=executable, headless=True, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()


@pytest.fixture
def page(browser: Browser, live_server) -> Iterator[Page]:
    context = browser.new_context(locale="de-DE", base_url=live_server.url)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    page.close()
    context.close()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    # Demo users are created and signed in on every test; the production hasher takes ~0.5 s.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


@pytest.fixture
def demo(transactional_db) -> None:
    """The demo data set of `durchstarten seed --demo` (live server tests need it committed)."""
    from django.core.management import get_commands

    if "seed" in get_commands():
        call_command("seed", "--demo", verbosity=0)
        return
    _factory_demo()


def _factory_demo() -> None:
    # Interim stand-in until the seed command lands.
    from durchstarten.core.models import Role
    from durchstarten.organisation.models import Module
    from tests.factories import (
        DistrictFactory,
        MembershipFactory,
        MunicipalityFactory,
        ProviderAssignmentFactory,
        ProviderFactory,
        UserFactory,
    )

    pw = "Durchstarten-Demo-2026"
    gt = DistrictFactory(name="Kreis Gütersloh", ags="05754000")
    hf = DistrictFactory(name="Kreis Herford", ags="05758000")
    harsewinkel = MunicipalityFactory(district=gt, name="Harsewinkel", ags="05754012")
    herford = MunicipalityFactory(district=hf, name="Herford", ags="05758012")
    ash = ProviderFactory(district=gt, name="asH Gütersloh gGmbH")
    dw = ProviderFactory(district=hf, name="Diakonisches Werk Herford")
    ProviderAssignmentFactory(provider=ash, module=Module.COACHING, municipalities=[harsewinkel],
                              valid_from=__import__("datetime").date(2026, 1, 1), valid_until=None)
    ProviderAssignmentFactory(provider=dw, module=Module.COACHING, municipalities=[herford])
    k = UserFactory(username="koordination", password=pw)
    MembershipFactory(user=k, role=Role.COORDINATOR, district=gt)
    MembershipFactory(user=k, role=Role.COORDINATOR, district=hf)
    MembershipFactory(user=UserFactory(username="teilhabe", password=pw), role=Role.CASE_MANAGER, district=gt)
    MembershipFactory(user=UserFactory(username="coach", password=pw), role=Role.COACH, district=gt, provider=ash)
    MembershipFactory(user=UserFactory(username="traeger", password=pw), role=Role.PROVIDER_STAFF, district=gt, provider=ash)
    MembershipFactory(user=UserFactory(username="land", password=pw), role=Role.STATE_ANALYST, district=None)
    MembershipFactory(user=UserFactory(username="admin", password=pw), role=Role.ADMIN, district=None)
