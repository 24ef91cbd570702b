"""The steering group in the browser: the acceptance journey of issue 9 (the coordinator records
a meeting with an action item for a case manager, who finds it under "Meine Aufgaben" and
completes it), and the accessibility of the network pages.

Partners, documents and activities for the audit are put in with the services; the browser
drives only what each test is about.
"""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from durchstarten.cases.models import Task
from durchstarten.core.models import User
from durchstarten.network.models import ActionItem, Meeting
from durchstarten.network.services import activities as activity_services
from durchstarten.network.services import documents as document_services
from durchstarten.network.services import meetings as meeting_services
from durchstarten.network.services import partners as partner_services
from durchstarten.organisation.models import District, Municipality
from tests.browser.helpers import audit_accessibility, log_in, log_out, sign_in_directly

pytestmark = pytest.mark.browser

TITLE = "4. Sitzung der Bündniskerngruppe"
ACTION = "Zahlen für den Sachbericht zusammenstellen"
PARTNER = "Jobcenter (Browsertest)"
CONTACT = "Frau Testkontakt (Demo)"
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def guetersloh() -> District:
    return District.objects.get(name__contains="Gütersloh")


def field(page: Page, label: str):
    """A form field by its label; optional fields carry " – optional" in their name."""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(label)}(\s+– optional)?\s*$"))


def _day(value: dt.date) -> str:
    return value.strftime("%d.%m.%Y")


# --- 1. The acceptance journey ---------------------------------------------------------------


def test_it_puts_a_steering_group_action_item_into_the_owners_task_list(page: Page, demo):
    today = timezone.localdate()
    due = today + dt.timedelta(days=7)
    main = page.get_by_role("main")

    # The coordinator records the meeting.
    log_in(page, "koordination")
    page.goto(reverse("network:meeting_list"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Steuerungsgruppe")
    page.get_by_role("link", name="Sitzung erfassen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sitzung erfassen")
    field(page, "Titel").fill(TITLE)
    field(page, "Datum").fill(today.isoformat())
    field(page, "Beginn").fill("14:00")
    field(page, "Ende").fill("16:00")
    page.get_by_label("in Präsenz").check()
    field(page, "Ort").fill("Kreishaus Gütersloh, Raum 2.14")
    page.get_by_label("asH Gütersloh").check()
    page.get_by_label("weitere teilnehmende Organisationen").fill("Ausländerbehörde")
    field(page, "Tagesordnung").fill("Begrüßung\nBericht Teilhabemanagement\nSachbericht")
    field(page, "Protokoll").fill("Die Kerngruppe bespricht die Gliederung des Sachberichts.")
    field(page, "Beschlüsse").fill("Die Gliederung des Sachberichts wird angenommen.")
    audit_accessibility(page)
    page.get_by_role("button", name="Speichern").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_role("status").first).to_have_text(f"Die Sitzung „{TITLE}“ wurde angelegt.")
    expect(main).to_contain_text("Bericht Teilhabemanagement")
    expect(main).to_contain_text("Die Gliederung des Sachberichts wird angenommen.")
    expect(main).to_contain_text("asH Gütersloh gGmbH")
    expect(main).to_contain_text("Aus dieser Sitzung gibt es keine Aufgaben.")

    # ... and an action item for the case manager.
    field(page, "Aufgabe").fill(ACTION)
    field(page, "zuständig").select_option(label="Leyla Demir")
    field(page, "fällig am").fill(due.isoformat())
    page.get_by_role("button", name="Aufgabe speichern").click()
    expect(page.get_by_role("status").first).to_have_text(
        f"Die Aufgabe „{ACTION}“ steht jetzt in der Aufgabenliste von Leyla Demir."
    )
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=ACTION))
    expect(row).to_contain_text("Leyla Demir")
    expect(row).to_contain_text(_day(due))
    expect(row).to_contain_text("offen")
    audit_accessibility(page)

    page.goto(reverse("network:meeting_list"))
    meeting_row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=TITLE))
    expect(meeting_row.get_by_role("cell")).to_have_text(
        [re.compile(_day(today)), "in Präsenz", "1", "1"]
    )
    audit_accessibility(page)
    log_out(page)

    # The case manager finds it in her task list and completes it there.
    log_in(page, "teilhabe")
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Meine Aufgaben", exact=True
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Meine Aufgaben")
    task_title = f"Steuerungsgruppe {_day(today)}: {ACTION}"
    task_row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=task_title))
    expect(task_row).to_contain_text(_day(due))
    audit_accessibility(page)
    task_row.get_by_role("button").click()
    expect(page.get_by_role("status").filter(has_text=task_title)).to_be_visible()

    # The meeting shows the item as done.
    meeting = Meeting.objects.get(title=TITLE)
    page.goto(reverse("network:meeting_detail", kwargs={"public_id": meeting.public_id}))
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=ACTION))
    expect(row).to_contain_text("erledigt")
    expect(row.get_by_role("button")).to_have_count(0)

    item = ActionItem.objects.select_related("task__assignee", "task__done_by").get(meeting=meeting)
    assert item.meeting == meeting
    assert item.task.assignee.username == "teilhabe"
    assert item.task.done_by.username == "teilhabe"
    assert item.task.participant is None
    assert Task.objects.filter(title=task_title).count() == 1


# --- 2. Accessibility of the network pages ---------------------------------------------------


def _records():
    coordinator = User.objects.get(username="koordination")
    district = guetersloh()
    harsewinkel = Municipality.objects.get(district=district, name="Harsewinkel")
    partner = partner_services.partner_create(
        actor=coordinator,
        district=district,
        name=PARTNER,
        kind="jobcenter",
        municipalities=[harsewinkel],
        offering="Übergang in die Grundsicherung nach einem Statuswechsel.",
    )
    partner_services.contact_create(
        actor=coordinator, partner=partner, name=CONTACT, function="U25-Team"
    )
    document = document_services.document_create(
        actor=coordinator,
        district=district,
        kind="quality_manual",
        title="Qualitätshandbuch",
        file=SimpleUploadedFile("qhb.pdf", PDF),
        change_note="Erstfassung",
    )
    meeting = meeting_services.meeting_create(
        actor=coordinator,
        district=district,
        title=TITLE,
        date=timezone.localdate(),
        format="digital",
        link="https://konferenz.example.org/bkg",
        partners=[partner],
        agenda="Bericht",
    )
    meeting_services.action_item_create(
        actor=coordinator,
        meeting=meeting,
        text=ACTION,
        owner=User.objects.get(username="teilhabe"),
        due_date=timezone.localdate(),
    )
    activity_services.activity_create(
        actor=coordinator,
        district=district,
        date=timezone.localdate(),
        kind="visit",
        municipality=harsewinkel,
        partners=[partner],
        description="Besuch im Jobcenter.",
    )
    return partner, document, meeting


def test_it_has_accessible_network_pages(page: Page, live_server, demo):
    partner, document, meeting = _records()

    def url(name, obj=None):
        return reverse(f"network:{name}", kwargs={"public_id": obj.public_id} if obj else None)

    pages = [
        ("Netzwerk", "coach", url("partner_list")),
        ("Partner", "koordination", url("partner_detail", partner)),
        ("Partner anlegen, leer abgeschickt", "koordination", url("partner_create")),
        ("Ansprechperson hinzufügen", "koordination", url("contact_create", partner)),
        ("Steuerungsgruppe", "teilhabe", url("meeting_list")),
        ("Sitzung", "teilhabe", url("meeting_detail", meeting)),
        ("Sitzung bearbeiten", "koordination", url("meeting_edit", meeting)),
        ("Sitzung löschen", "koordination", url("meeting_delete", meeting)),
        ("Dokumente", "koordination", url("document_list")),
        ("Dokument", "koordination", url("document_detail", document)),
        ("Dokument hochladen, leer abgeschickt", "koordination", url("document_create")),
        ("Netzwerkaktivitäten", "teilhabe", url("activity_list")),
        ("Aktivität erfassen", "teilhabe", url("activity_create")),
    ]
    failures = []
    for name, username, address in pages:
        page.context.clear_cookies()
        sign_in_directly(page, live_server.url, username)
        response = page.goto(address)
        assert response is not None and response.ok, f"{name}: HTTP {response and response.status}"
        main = page.get_by_role("main")
        if name.endswith("leer abgeschickt"):
            page.get_by_role("button", name=re.compile("^Speichern")).click()
            expect(page.get_by_role("alert")).to_contain_text("Bitte prüfen Sie Ihre Eingaben.")
        elif name == "Netzwerk":
            expect(
                page.get_by_role("rowheader", name=re.compile(re.escape(PARTNER)))
            ).to_be_visible()
        elif name == "Sitzung":
            expect(main).to_contain_text(ACTION)
        elif name == "Dokument":
            expect(main).to_contain_text("Erstfassung")
        elif name == "Netzwerkaktivitäten":
            expect(main).to_contain_text("Besuch im Jobcenter.")
        try:
            audit_accessibility(page)
        except AssertionError as error:
            failures.append(f"{name}: {error}")
    assert not failures, "\n\n".join(failures)


def test_it_searches_the_partner_directory_without_putting_the_term_in_the_url(
    page: Page, live_server, demo
):
    _records()
    sign_in_directly(page, live_server.url, "coach")
    page.goto(reverse("network:partner_list"))
    page.get_by_label("Name, Angebot oder Ansprechperson enthält").fill("Testkontakt")
    page.get_by_role("button", name="Suchen").click()
    expect(page.locator("#result-count")).to_have_text("1 Eintrag gefunden.")
    expect(page.get_by_role("rowheader", name=re.compile(re.escape(PARTNER)))).to_be_visible()
    assert "Testkontakt" not in page.url
