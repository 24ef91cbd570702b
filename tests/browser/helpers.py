"""Steps shared by the browser journeys: signing in and out, the axe-core audit."""

import re
from pathlib import Path

from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect

from durchstarten.core.models import User

AXE_PATH = Path(__file__).parent / "vendor" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = {"serious", "critical"}

DEMO_PASSWORD = "Durchstarten-Demo-2026"


def log_in(page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the login form and wait for the start page."""
    page.goto("/anmelden/")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(password)
    page.get_by_role("button", name="Anmelden").click()
    expect(page).not_to_have_url(re.compile(r"/anmelden/"))


def sign_in_directly(page: Page, base_url: str, username: str) -> None:
    """Start a session for the user without the login form (for tests about other pages)."""
    client = Client()
    client.force_login(User.objects.get(username=username))
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base_url}]
    )


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Abmelden").click()


def audit_accessibility(page: Page) -> None:
    """Run axe-core (WCAG 2.1 A and AA) on the page; fail on serious or critical violations.

    The assertion message lists every violation, minor ones included, so that one run
    shows all there is to fix.
    """
    # Evaluated through the driver rather than as a <script> tag: the pages' Content
    # Security Policy (rightly) refuses inline scripts, and the audit must not weaken it.
    page.evaluate(AXE_PATH.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        AXE_TAGS,
    )
    violations = result["violations"]
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, f"axe-core on {page.url}:\n" + _describe(violations)


def _describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"    {target}: {node['failureSummary'] or ''}".rstrip())
    return "\n".join(lines)
