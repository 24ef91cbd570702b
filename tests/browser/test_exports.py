"""Exports and the calendar in the browser: the coordinator filters the case list, downloads
it as XLSX and reads it back; then makes a calendar address, reads the feed and revokes it.

The export buttons are placed on the list pages by the integrator (exports/includes/
export_links.html); the journey follows the link such a button carries: the list's URL
query (filter token and sort) on the export's address.
"""

import datetime as dt
import io
import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from durchstarten.cases.choices import Stage
from durchstarten.cases.models import Task
from durchstarten.cases.services.participants import _store_name_keys
from durchstarten.core.models import Membership, User
from durchstarten.exports.calendar import reference
from durchstarten.organisation.models import District
from tests.browser.helpers import audit_accessibility, log_in
from tests.factories import ParticipantFactory

pytestmark = pytest.mark.browser


def _people(district):
    town = district.municipalities.order_by("name").first()
    people = []
    for given, family, stage in (
        ("Amal", "Haddad", Stage.ACTIVE),
        ("Bilal", "Yousef", Stage.ACTIVE),
        ("Dawit", "Tesfaye", Stage.CONTACTED),
    ):
        person = ParticipantFactory(
            district=district, municipality=town, given_names=given, family_name=family,
            stage=stage,
        )  # fmt: skip
        _store_name_keys(person)
        people.append(person)
    return people


def _download(page: Page, url: str) -> bytes:
    """Follow a download link as a click on it does."""
    with page.expect_download() as info:
        page.evaluate(
            """url => { const a = document.createElement("a"); a.href = url;
                        document.body.appendChild(a); a.click(); a.remove(); }""",
            url,
        )
    with open(info.value.path(), "rb") as file:
        return file.read()


def test_it_exports_the_filtered_case_list_and_serves_a_revocable_calendar(page: Page, demo):
    district = District.objects.get(name__contains="Gütersloh")
    people = _people(district)
    coordinator = User.objects.get(username="koordination")
    Membership.objects.filter(user=coordinator).update(can_export=True)
    Task.objects.create(
        participant=people[0],
        district=district,
        title="Termin bei der Ausländerbehörde",
        due_date=timezone.localdate() + dt.timedelta(days=2),
        assignee=coordinator,
    )
    main = page.get_by_role("main")

    # Filter the case list.
    log_in(page, "koordination")
    page.goto(reverse("cases:participant_list"))
    page.get_by_label("Stand").select_option(label="im Programm")
    page.get_by_role("button", name="Suchen").click()
    expect(main).to_contain_text("2 Fälle gefunden")
    expect(page).to_have_url(re.compile(r"\?f="))
    audit_accessibility(page)

    # Export it as XLSX with the list's token and read it back.
    query = urlsplit(page.url).query
    body = _download(page, f"{reverse('exports:participants_xlsx')}?{query}")
    sheet = load_workbook(io.BytesIO(body), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Vorname(n)", "Familienname")
    assert sorted(row[1] for row in rows[1:]) == ["Haddad", "Yousef"]

    # Make a calendar address showing initials.
    page.goto(reverse("exports:calendar"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Kalender abonnieren")
    audit_accessibility(page)
    page.get_by_label("Kennung und Initialen").check()
    page.get_by_role("button", name="Kalenderadresse erzeugen").click()
    expect(page.get_by_role("status").first).to_have_text("Ihre Kalenderadresse wurde erzeugt.")
    address = page.get_by_label("Adresse zum Abonnieren").input_value()
    assert address.endswith(".ics")
    audit_accessibility(page)

    # A calendar program reads it without signing in.
    calendar_program = page.context.browser.new_context()
    feed = calendar_program.request.get(address)
    assert feed.status == 200
    calendar = Calendar.from_ical(feed.body())
    summaries = [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")]
    assert f"Aufgabe · A. H. ({reference(people[0])})" in summaries
    assert "Haddad" not in feed.text()

    # Revoke it after confirmation; the address stops working.
    page.reload()
    expect(page.get_by_label("Adresse zum Abonnieren")).to_have_count(0)
    page.get_by_role("link", name="Adresse widerrufen").click()
    expect(page.get_by_role("heading", level=2)).to_have_text("Wirklich widerrufen?")
    audit_accessibility(page)
    page.get_by_role("button", name="Ja, widerrufen").click()
    expect(page.get_by_role("status").first).to_have_text("Die Kalenderadresse wurde widerrufen.")
    assert calendar_program.request.get(address).status == 404
    calendar_program.close()
