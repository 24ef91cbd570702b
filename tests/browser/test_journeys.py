import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import DEMO_PASSWORD, log_in, log_out

pytestmark = pytest.mark.browser


def test_it_takes_a_coordinator_through_both_districts(page: Page, demo):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/anmelden/\?next=/$"))

    page.get_by_label("Benutzername").fill("koordination")
    page.get_by_label("Passwort").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Anmelden").click()

    main = page.get_by_role("main")
    expect(page).to_have_url(re.compile(r"://[^/]+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Kreis Gütersloh")
    expect(main).to_contain_text("asH Gütersloh")

    navigation = page.get_by_role("navigation", name="Hauptnavigation")
    navigation.get_by_role("link", name="Kreis", exact=True).click()
    expect(page).to_have_url(re.compile(r"/organisation/kreis/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Gütersloh")
    expect(main).to_contain_text("Harsewinkel")

    switcher = page.get_by_label("Kreis und Rolle")
    herford = switcher.locator("option", has_text="Herford").get_attribute("value")
    switcher.select_option(herford)
    page.get_by_role("button", name="Wechseln").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kreis Herford")
    expect(main).to_contain_text("Diakonisches Werk")
    expect(main).not_to_contain_text("asH Gütersloh")

    navigation.get_by_role("link", name="Kreis", exact=True).click()
    expect(main).to_contain_text("Bünde")
    expect(main).not_to_contain_text("Harsewinkel")

    log_out(page)
    expect(page).to_have_url(re.compile(r"/anmelden/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Anmelden")


@pytest.mark.parametrize("username", [None, "koordination"], ids=["login", "start"])
def test_it_lets_the_first_tab_reach_the_skip_link(page: Page, demo, username):
    if username is None:
        page.goto("/anmelden/")
    else:
        log_in(page, username)
        page.reload()

    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Zum Inhalt springen")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_visible()

    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()


def test_it_explains_an_overlapping_assignment_in_german(page: Page, demo):
    log_in(page, "koordination")
    page.goto("/organisation/zustaendigkeiten/neu/")

    page.get_by_label("Träger", exact=True).select_option(label="Caritas Gütersloh")
    page.get_by_label("Förderbaustein").select_option(label="1 – Coaching")
    page.get_by_role("checkbox", name="Harsewinkel").check()
    page.get_by_label("gültig ab").fill("2026-03-01")
    page.get_by_role("button", name="Speichern").click()

    overlap = "Harsewinkel: Im Förderbaustein 1 – Coaching ist vom 01.01.2026 bis 31.12.2027"
    alert = page.get_by_role("alert")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text(overlap)
    expect(page.get_by_role("group", name="Kommunen")).to_contain_text(
        "bereits „asH Gütersloh gGmbH“ zuständig"
    )
    expect(page).to_have_url(re.compile(r"/organisation/zustaendigkeiten/neu/$"))
