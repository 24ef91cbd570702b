"""Headless Debian Chromium driven by Playwright against pytest-django's live server.

Chromium comes from the system (scripts/ensure-chromium); `playwright install` is never
used. Without Chromium the browser tests are skipped, except on CI where they fail.
"""

import io
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


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    executable = _chromium_path()
    if executable is None:
        reason = "Chromium fehlt: sudo apt-get install chromium (oder sh scripts/ensure-chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    # Playwright's sync API keeps an asyncio loop running in this thread while the browser
    # is open, so Django would take every ORM call of the test code for one made from async
    # code. Package scope: the loop and the switch end with the browser tests.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=executable, headless=True, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()


@pytest.fixture(scope="session")
def live_server(django_db_setup, live_server):
    # pytest-django's live server hands its in-memory SQLite connection to the request
    # threads only if the test database exists when it starts; otherwise every request
    # opens (and leaks) a connection of its own.
    return live_server


@pytest.fixture
def page(browser: Browser, live_server) -> Iterator[Page]:
    context = browser.new_context(locale="de-DE", base_url=live_server.url)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    page.close()
    context.close()


@pytest.fixture
def demo(transactional_db) -> None:
    """The demo data of `durchstarten seed --demo`, committed so the live server sees it.

    Tests run without DEBUG, hence --force (the demo logins have a published password).
    The demo cases are left out: journeys create the cases they need.
    """
    call_command("seed", "--demo", "--no-cases", "--force", verbosity=0, stdout=io.StringIO())
