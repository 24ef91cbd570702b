"""axe-core audit (WCAG 2.1 A/AA) of every page a demo user reaches, signed out and in."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.browser.helpers import audit_accessibility, sign_in_directly

pytestmark = pytest.mark.browser

# Each user signs in with a session cookie: the login form itself is covered by test_journeys,
# and skipping it keeps the suite fast.
PAGES = [
    ("admin", "home"),
    ("koordination", "home"),
    ("teilhabe", "home"),
    ("coach", "home"),
    ("traeger", "home"),
    ("land", "home"),
    ("koordination", "organisation:district_overview"),
    ("koordination", "organisation:provider_list"),
    ("koordination", "organisation:provider_create"),
    ("koordination", "organisation:assignment_list"),
    ("koordination", "organisation:assignment_create"),
    ("koordination", "organisation:position_list"),
    ("land", "organisation:district_list"),
]


def test_it_has_an_accessible_german_login_page(page: Page, demo):
    page.goto(reverse("login"))

    expect(page.locator("html")).to_have_attribute("lang", "de")
    audit_accessibility(page)


@pytest.mark.parametrize(("username", "url_name"), PAGES, ids=[f"{u}-{n}" for u, n in PAGES])
def test_it_has_accessible_pages(page: Page, live_server, demo, username, url_name):
    sign_in_directly(page, live_server.url, username)
    response = page.goto(reverse(url_name))

    assert response is not None and response.ok, f"{url_name}: HTTP {response and response.status}"
    expect(page.locator("html")).to_have_attribute("lang", "de")
    audit_accessibility(page)
