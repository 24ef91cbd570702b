"""Data protection in the browser: the coordinator finds a person due for anonymisation, records
the person's erasure request, grants it and carries it out after confirmation; every page of
the way passes the axe-core audit.
"""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from durchstarten.cases.models import Participant
from durchstarten.organisation.models import District
from tests.browser.helpers import audit_accessibility, sign_in_directly
from tests.privacy.conftest import rich_participant

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def no_funding_audit(settings):
    settings.DURCHSTARTEN_FUNDING_AUDIT_YEARS = 0


def test_a_coordinator_erases_a_person_on_request(page: Page, demo, live_server):
    district = District.objects.get(name__contains="Gütersloh")
    today = timezone.localdate()
    person = rich_participant(
        district,
        district.municipalities.first(),
        tag="browser",
        entry=today - dt.timedelta(days=1300),
        exit_date=today - dt.timedelta(days=800),
    )
    main = page.get_by_role("main")
    sign_in_directly(page, live_server.url, "koordination")

    page.goto(reverse("privacy:overview"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Datenschutz")
    audit_accessibility(page)
    page.get_by_role("link", name="Fristen ändern").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Aufbewahrungsfristen ändern")
    audit_accessibility(page)
    page.goto(reverse("privacy:due_list"))
    audit_accessibility(page)
    main.get_by_role("link", name=re.compile(person.family_name)).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(person.family_name)
    audit_accessibility(page)

    main.get_by_role("link", name="Antrag erfassen").click()
    page.get_by_label("Art des Antrags").select_option("erasure")
    page.get_by_label("Rechtsgrundlage").select_option("art17_1b")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_text("Der Antrag wurde erfasst.")).to_be_visible()

    main.get_by_role("link", name="entscheiden").click()
    audit_accessibility(page)
    page.get_by_label("stattgegeben").check()
    page.get_by_role("button", name="Speichern").click()
    main.get_by_role("link", name="umsetzen").click()
    expect(page.get_by_role("heading", level=2)).to_have_text(
        "Alle personenbezogenen Daten jetzt anonymisieren?"
    )
    audit_accessibility(page)
    page.get_by_role("button", name="Ja, anonymisieren").click()
    expect(page.get_by_text("Die Daten der Person wurden anonymisiert.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Datenschutz: anonymisierte Person")
    audit_accessibility(page)
    person = Participant.objects.get(pk=person.pk)
    assert person.anonymised_at is not None and person.family_name == ""
