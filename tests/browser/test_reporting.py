"""The KPI dashboard in the browser, the acceptance journey of issue 5: the coordinator opens
the dashboard, changes the period, downloads the XLSX, follows a figure to the persons behind
it, opens the definitions, and sets a target; every page passes the accessibility audit.

The persons' paths are written directly (the journeys of issues 3 and 4 drive the case pages);
the browser drives only the reporting pages.
"""

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from durchstarten.cases.choices import ResidenceStatusKind
from durchstarten.cases.models import Enrollment, Outreach, Participant, ResidenceStatus
from durchstarten.core.models import User
from durchstarten.offers.choices import ReferralState
from durchstarten.offers.models import Referral
from durchstarten.organisation.models import District, Municipality
from tests.browser.helpers import audit_accessibility, log_in
from tests.factories import OfferFactory

pytestmark = pytest.mark.browser


def guetersloh() -> District:
    return District.objects.get(name__contains="Gütersloh")


def paths(year: int) -> None:
    """Five persons reached in March of the year, four of them entered, two placed in April."""
    district = guetersloh()
    town = Municipality.objects.get(district=district, name="Harsewinkel")
    manager = User.objects.get(username="teilhabe")
    offer = OfferFactory(district=district, title="Integrationskurs VHS Gütersloh", capacity=None)
    for index in range(5):
        person = Participant.objects.create(
            district=district,
            municipality=town,
            given_names=f"Amal{index}",
            family_name="Haddad",
            date_of_birth=dt.date(year - 22, 5, 1),
        )
        ResidenceStatus.objects.create(
            participant=person, kind=ResidenceStatusKind.DULDUNG, valid_from=dt.date(year - 2, 1, 1)
        )
        Outreach.objects.create(
            participant=person, channel="social_welfare", date=dt.date(year, 3, 2), result="reached"
        )
        if index < 4:
            Enrollment.objects.create(
                participant=person, entry_date=dt.date(year, 3, 9), case_manager=manager
            )
        if index < 2:
            Referral.objects.create(
                participant=person,
                offer=offer,
                district=district,
                state=ReferralState.STARTED,
                proposed_on=dt.date(year, 3, 20),
                started_on=dt.date(year, 4, 6),
            )


def charts_drawn(page: Page) -> None:
    """Wait until Chart.js has drawn every chart (it is loaded from static, not a CDN)."""
    page.wait_for_function(
        "() => window.Chart && [...document.querySelectorAll('canvas[data-chart]')]"
        ".every((canvas) => window.Chart.getChart(canvas))"
    )


def figure(page: Page, key: str):
    return page.locator(f"#figure-{key} td").first


def test_it_shows_the_dashboard_changes_the_period_and_downloads_the_report(page: Page, demo):
    year = timezone.localdate().year
    paths(year)
    # Script errors and refusals by the Content Security Policy (a missing favicon is no error).
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: (
            message.type == "error"
            and "Failed to load resource" not in message.text
            and errors.append(message.text)
        ),
    )
    log_in(page, "koordination")

    page.goto("/berichte/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kennzahlen")
    charts_drawn(page)
    expect(figure(page, "contacted")).to_contain_text("5")
    expect(figure(page, "entered")).to_contain_text("4")
    expect(figure(page, "entry_rate")).to_contain_text("80,0")
    audit_accessibility(page)

    # Another period: March to April of the year, typed into the date fields.
    page.get_by_label("von").fill(f"{year}-04-01")
    page.get_by_label("bis").fill(f"{year}-04-30")
    page.get_by_role("button", name="Zeitraum anzeigen").click()
    expect(page).to_have_url(re.compile(rf"from={year}-04-01&to={year}-04-30"))
    expect(page.locator("#period-shown")).to_contain_text(f"01.04.{year} bis 30.04.{year}")
    expect(figure(page, "contacted")).to_contain_text("0")
    expect(figure(page, "placed")).to_contain_text("2")
    charts_drawn(page)

    # A quick choice brings back the whole year to date.
    page.get_by_role("link", name="Dieses Jahr").click()
    expect(page.locator("#period-shown")).to_contain_text(f"01.01.{year} bis")
    expect(figure(page, "contacted")).to_contain_text("5")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Bericht als Excel (XLSX)").click()
    download = download_info.value
    assert re.fullmatch(
        rf"kennzahlen-\d{{8}}-{year}-01-01-{year}-\d\d-\d\d\.xlsx", download.suggested_filename
    )
    workbook = load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    cells = [
        cell
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if cell is not None
    ]
    assert 5 in cells and 4 in cells

    # Every number leads to the persons behind it.
    figure(page, "entered").get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Personen hinter einer Kennzahl")
    expect(page.get_by_role("table")).to_contain_text("Amal0 Haddad")
    expect(page.get_by_role("table")).not_to_contain_text("Amal4")
    audit_accessibility(page)
    page.get_by_role("link", name="Zurück zum Kennzahlen-Dashboard").click()

    page.get_by_role("link", name="Kennzahlen-Definitionen").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kennzahlen-Definitionen")
    expect(page.get_by_text("Eintritte geteilt durch erreichte Personen")).to_be_visible()
    audit_accessibility(page)
    assert not errors, errors


def test_it_sets_targets_and_shows_them_met_or_not(page: Page, demo):
    """The demo district has targets for the entry and placement rate (30 %) already."""
    year = timezone.localdate().year
    paths(year)
    log_in(page, "koordination")
    page.goto("/berichte/")
    page.get_by_role("link", name="Zielwerte verwalten").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Zielwerte")
    audit_accessibility(page)

    page.get_by_role("link", name="Zielwert anlegen").click()
    page.get_by_label("Kennzahl").select_option("entry_rate")
    page.get_by_label("Zielwert").fill("40")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_role("alert")).to_contain_text(f"im Jahr {year} schon einen Zielwert")
    page.get_by_label("Kennzahl").select_option("entered")
    page.get_by_label("Zielwert").fill("3,5")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_role("alert")).to_contain_text("ganze Zahl")
    audit_accessibility(page)
    page.get_by_label("Zielwert").fill("3")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_role("status").first).to_contain_text("wurde angelegt")

    page.get_by_role("link", name=re.compile(rf"Bearbeiten\s*: Eintrittsquote {year}")).click()
    expect(page.get_by_label("Zielwert")).to_have_value("30")
    page.get_by_label("Zielwert").fill("90")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_role("table")).to_contain_text("90,0\u00a0%")

    page.goto("/berichte/")
    entry_rate = page.locator("#figure-entry_rate")
    expect(entry_rate).to_contain_text("90,0\u00a0%")
    expect(entry_rate).to_contain_text("nicht erreicht")
    entered = page.locator("#figure-entered")
    expect(entered).to_contain_text("erreicht")
    expect(entered).not_to_contain_text("nicht erreicht")
