"""The list import in the browser: a case manager uploads a Windows-1252 CSV list, reads the
preview, confirms, finds the participants, and undoes the import; axe audits each page."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from durchstarten.cases.models import Participant
from durchstarten.imports.models import ImportBatch
from tests.browser.helpers import audit_accessibility, log_in
from tests.imports.conftest import FIXTURES

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def test_it_imports_a_list_and_undoes_it(page: Page, demo):
    before = Participant.objects.count()
    main = page.get_by_role("main")
    log_in(page, "teilhabe")
    page.goto(reverse("imports:batch_list"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Listenimport")
    audit_accessibility(page)
    page.get_by_role("link", name="Teilnehmendenliste hochladen").click()
    audit_accessibility(page)
    page.get_by_label("Datei").set_input_files(str(FIXTURES / "teilnehmende_cp1252.csv"))
    page.get_by_role("button", name="Hochladen und prüfen").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("teilnehmende_cp1252.csv")
    expect(main).to_contain_text("3 Zeilen, davon 0 fehlerhaft")
    expect(page.get_by_role("cell", name="Zugangsweg", exact=True).first).to_be_visible()
    audit_accessibility(page)
    page.get_by_role("link", name="Weiter zur Übernahme").click()
    audit_accessibility(page)
    page.get_by_role("button", name="Jetzt übernehmen").click()

    expect(main).to_contain_text("3 übernommen")
    assert Participant.objects.count() == before + 3
    audit_accessibility(page)
    page.get_by_role("link", name="Import rückgängig machen").click()
    audit_accessibility(page)
    page.get_by_role("button", name="Ja, rückgängig machen").click()
    expect(page.get_by_role("status").first).to_contain_text("rückgängig gemacht")
    assert Participant.objects.count() == before
    assert ImportBatch.objects.get().status == "undone"
