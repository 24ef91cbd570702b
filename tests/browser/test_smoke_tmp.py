import pytest
from playwright.sync_api import expect

from tests.browser.helpers import audit_accessibility, log_in

pytestmark = pytest.mark.browser


def test_it_smoke(page, demo):
    page.goto("/")
    print(page.url)
    expect(page).to_have_title("Anmelden · Durchstarten")
    audit_accessibility(page)
    log_in(page, "koordination")
    print(page.content()[:3000])
