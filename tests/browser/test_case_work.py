"""Case work in the browser: the acceptance journey of a case manager, the accessibility of
the case pages, and the rules the pages must keep (consent, versions, sharing with a provider).

The journey creates its person through the UI; the other tests put theirs in with the
services, as the pages would, so that each test only drives what it is about.
"""

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, Locator, Page, expect

from durchstarten.cases.choices import ConsentPurpose, NeedCategory, Priority, Stage
from durchstarten.cases.models import Contact, Enrollment, Participant
from durchstarten.cases.rules import age_on
from durchstarten.cases.services import consent as consent_services
from durchstarten.cases.services import contacts as contact_services
from durchstarten.cases.services import enrollment as enrollment_services
from durchstarten.cases.services import participants as participant_services
from durchstarten.cases.services import plan as plan_services
from durchstarten.cases.services import tasks as task_services
from durchstarten.core.models import User
from durchstarten.organisation.models import District, Municipality, Provider
from tests.browser.conftest import TIMEOUT_MS
from tests.browser.helpers import audit_accessibility, log_in, sign_in_directly

pytestmark = pytest.mark.browser

ASH = "asH Gütersloh gGmbH"
NOTE = "Möchte im Sommer eine Ausbildung als Elektroniker beginnen."
NO_CONSENT = "Für den Eintritt ist eine gültige Einwilligung in die Fallarbeit nötig."
STALE = "Der Datensatz wurde inzwischen von jemand anderem geändert."


@pytest.fixture
def second_page(browser: Browser, live_server) -> Iterator[Page]:
    """A second browser context: another user working at the same time."""
    context = browser.new_context(locale="de-DE", base_url=live_server.url)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    page.close()
    context.close()


# --- Helpers ---------------------------------------------------------------------------------


def section(page: Page, anchor: str) -> Locator:
    return page.locator(f"section#{anchor}")


def open_form(area: Locator, summary: str) -> None:
    area.locator("summary", has_text=summary).click()


def tab_to(page: Page, target: Locator, limit: int = 120) -> None:
    """Press Tab until the target has the focus, as a keyboard user would."""
    handle = target.element_handle()
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(element) => document.activeElement === element", handle):
            return
    raise AssertionError(f"{target} not reached with {limit} presses of Tab")


def guetersloh() -> District:
    return District.objects.get(name__contains="Gütersloh")


def a_participant(*, enrolled: bool = False, shared: bool = False, **fields) -> Participant:
    """A person of the Kreis Gütersloh living in Harsewinkel, created by the case manager."""
    manager = User.objects.get(username="teilhabe")
    district = guetersloh()
    fields = {
        "given_names": "Amira",
        "family_name": "Tesfaye",
        "date_of_birth": dt.date(2003, 6, 1),
        "municipality": Municipality.objects.get(district=district, name="Harsewinkel"),
        **fields,
    }
    participant = participant_services.participant_create(
        actor=manager, district=district, **fields
    )
    today = timezone.localdate()
    participant_services.residence_status_record(
        actor=manager, participant=participant, kind="duldung", valid_from=dt.date(2025, 1, 1)
    )
    if enrolled or shared:
        consent_services.consent_give(
            actor=manager,
            participant=participant,
            purpose=ConsentPurpose.CASE_WORK,
            given_on=today,
            form_language="de",
        )
    if shared:
        consent_services.consent_give(
            actor=manager,
            participant=participant,
            purpose=ConsentPurpose.PROVIDER_SHARING,
            provider=Provider.objects.get(name=ASH),
            given_on=today,
            form_language="de",
        )
    if enrolled:
        enrollment_services.enrollment_enter(
            actor=manager, participant=participant, entry_date=today, case_manager=manager
        )
    participant.refresh_from_db()
    return participant


def detail_url(participant: Participant) -> str:
    return reverse("cases:participant_detail", kwargs={"public_id": participant.public_id})


# --- 1. The acceptance journey ---------------------------------------------------------------


def test_it_takes_a_case_manager_from_a_new_person_to_a_counselling_note(page: Page, demo):
    log_in(page, "teilhabe")
    main = page.get_by_role("main")

    # The record, by mouse.
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Fälle", exact=True
    ).click()
    page.get_by_role("link", name="Person vollständig anlegen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Person anlegen")
    page.get_by_label("Vorname(n)").fill("Muhammad")
    page.get_by_label("Familienname").fill("Al-Hassan")
    page.get_by_label("Geburtsdatum").fill("2004-03-14")
    page.get_by_label("Geschlecht").select_option(label="männlich")
    page.get_by_role("checkbox", name="Arabisch").check()
    page.get_by_label("Deutschkenntnisse").select_option(label="A2")
    page.get_by_label("Wohnort (Kommune)").select_option(label="Harsewinkel")
    page.get_by_role("button", name="Speichern").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Muhammad Al-Hassan")
    expect(main).to_contain_text("Der Datensatz von Muhammad Al-Hassan wurde angelegt.")
    stammdaten = section(page, "stammdaten")
    expect(stammdaten).to_contain_text("14.03.2004")
    expect(stammdaten).to_contain_text("Arabisch")
    summary = page.locator("#fall-uebersicht")
    expect(summary).to_contain_text("nicht bestimmbar")

    # Residence status: the target group follows.
    status = section(page, "aufenthaltsstatus")
    open_form(status, "Status erfassen")
    status.get_by_role("combobox", name="Aufenthaltsstatus").select_option(label="Duldung")
    status.get_by_label("gültig ab").fill("2025-02-01")
    status.get_by_role("button", name="Status speichern").click()
    expect(status.get_by_role("status")).to_have_text("Der Aufenthaltsstatus wurde erfasst.")
    expect(status.get_by_role("table")).to_contain_text("01.02.2025")
    expect(summary).to_contain_text("primäre Zielgruppe")
    age = age_on(dt.date(2004, 3, 14), timezone.localdate())
    expect(summary).to_contain_text(f"Duldung und {age} Jahre alt.")

    # Consent to case work and to sharing with the coaching provider.
    consent = section(page, "einwilligungen")
    open_form(consent, "Einwilligung erfassen")
    consent.get_by_label("Zweck").select_option(label="Fallarbeit im Teilhabemanagement")
    consent.get_by_role("button", name="Einwilligung speichern").click()
    expect(consent.get_by_role("status")).to_have_text("Die Einwilligung wurde erfasst.")
    open_form(consent, "Einwilligung erfassen")
    consent.get_by_label("Zweck").select_option(label="Weitergabe an einen Träger")
    consent.get_by_label("Träger").select_option(label="asH Gütersloh")
    consent.get_by_role("button", name="Einwilligung speichern").click()
    expect(consent.get_by_role("status")).to_have_text("Die Einwilligung wurde erfasst.")
    consents = consent.get_by_role("table")
    expect(consents.get_by_role("row")).to_have_count(3)
    expect(consents).to_contain_text("Fallarbeit im Teilhabemanagement")
    expect(consents).to_contain_text(ASH)

    # Entry: the coaching provider comes from the municipality.
    enrollment = section(page, "teilnahme")
    open_form(enrollment, "Eintritt erfassen")
    expect(enrollment.get_by_label("Teilhabemanager*in")).to_have_value(
        str(User.objects.get(username="teilhabe").pk)
    )
    enrollment.get_by_role("button", name="Eintritt speichern").click()
    expect(enrollment.get_by_role("status")).to_have_text("Der Eintritt wurde erfasst.")
    expect(summary).to_contain_text("im Programm")
    expect(summary).to_contain_text(ASH)
    expect(summary).to_contain_text("Leyla Demir")

    # A need, by keyboard only: Tab to the form, Enter to open it, keys to choose, Space to save.
    needs = section(page, "needs")
    tab_to(page, needs.locator("summary", has_text="Bedarf erfassen"))
    page.keyboard.press("Enter")
    category = needs.get_by_label("Bereich")
    tab_to(page, category)
    page.keyboard.type("Deutsch")
    expect(category).to_have_value(NeedCategory.GERMAN)
    page.keyboard.press("Tab")
    priority = needs.get_by_label("Priorität")
    expect(priority).to_be_focused()
    page.keyboard.type("hoch")
    expect(priority).to_have_value(Priority.HIGH)
    tab_to(page, needs.get_by_label("Beschreibung"))
    page.keyboard.type("Sprachkurs B1 gesucht")
    tab_to(page, needs.get_by_role("button", name="Bedarf speichern"))
    page.keyboard.press("Space")
    message = needs.get_by_role("status")
    expect(message).to_have_text("Der Bedarf wurde erfasst.")
    expect(needs.locator(".ds-section-message")).to_be_focused()
    need_row = needs.get_by_role("row", name=re.compile("^Deutsch"))
    expect(need_row).to_contain_text("hoch")
    expect(need_row).to_contain_text("Sprachkurs B1 gesucht")

    # A counselling contact with a note, which this user may read.
    contacts = section(page, "contacts")
    open_form(contacts, "Beratungskontakt erfassen")
    contacts.get_by_label("Dauer (Minuten)").fill("45")
    contacts.get_by_label("Form", exact=True).select_option(label="persönlich")
    contacts.get_by_label("Sprache des Gesprächs").select_option(label="Arabisch")
    contacts.get_by_role("checkbox", name="mit Dolmetschung").check()
    contacts.get_by_role("checkbox", name="Deutsch").check()
    contacts.get_by_label("Gesprächsnotiz").fill(NOTE)
    contacts.get_by_role("button", name="Kontakt speichern").click()
    expect(contacts.get_by_role("status")).to_have_text("Der Beratungskontakt wurde erfasst.")
    expect(contacts.get_by_role("table")).to_contain_text(NOTE)
    contacts.get_by_role("link", name="Ganze Notiz lesen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Gesprächsnotiz vom")
    expect(main).to_contain_text(NOTE)

    # Found again under another spelling of the name.
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Fälle", exact=True
    ).click()
    search = page.get_by_label("Name oder Geburtsdatum")
    search.fill("Mohamed Alhasan")
    search.press("Enter")
    # The search goes through the session: the address shows a token, never the name.
    expect(page).to_have_url(re.compile(r"/faelle/\?f=[\w-]+"))
    expect(page.locator("#result-count")).to_have_text("1 Fall gefunden.")
    assert not re.search(r"(?i)mohamed|alhasan", page.url), page.url
    row = page.get_by_role("row", name=re.compile("Al-Hassan, Muhammad"))
    expect(row).to_contain_text("primäre Zielgruppe")
    expect(row).to_contain_text("im Programm")
    row.get_by_role("link", name="Al-Hassan, Muhammad").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Muhammad Al-Hassan")

    participant = Participant.objects.get(family_name="Al-Hassan")
    assert participant.stage == Stage.ACTIVE
    assert participant.coaching_provider.name == ASH
    assert participant.languages == ["ar"]
    assert participant.needs.get().priority == Priority.HIGH
    assert Contact.objects.get(participant=participant).note == NOTE


# --- 2. Accessibility of the case pages ------------------------------------------------------


def _filled_case() -> Participant:
    """A person with every section of the page filled."""
    participant = a_participant(enrolled=True, shared=True, languages=["ar"])
    manager = User.objects.get(username="teilhabe")
    today = timezone.localdate()
    participant_services.outreach_record(
        actor=manager,
        participant=participant,
        channel="social_welfare",
        date=today,
        result="reached",
    )
    need = plan_services.need_record(
        actor=manager,
        participant=participant,
        category=NeedCategory.GERMAN,
        priority=Priority.HIGH,
        identified_on=today,
    )
    goal = plan_services.goal_create(
        actor=manager, participant=participant, title="B1-Kurs abschließen", need=need
    )
    plan_services.step_add(
        actor=manager, goal=goal, title="Anmeldung an der VHS", owner="Teilnehmerin"
    )
    contact_services.contact_record(
        actor=manager,
        participant=participant,
        date=today,
        duration_minutes=30,
        channel="in_person",
        note=NOTE,
    )
    task_services.task_create(
        actor=manager,
        district=participant.district,
        participant=participant,
        title="Unterlagen nachreichen",
        due_date=today + dt.timedelta(days=3),
    )
    participant.refresh_from_db()
    return participant


def _case_pages(participant: Participant) -> list[tuple[str, str]]:
    kwargs = {"public_id": participant.public_id}
    need = participant.needs.get()
    contact = participant.contacts.get()
    return [
        ("Fälle mit Treffern", reverse("cases:participant_list")),
        ("Person anlegen", reverse("cases:participant_create")),
        ("Person anlegen, leer abgeschickt", reverse("cases:participant_create")),
        ("Personenseite", detail_url(participant)),
        ("Erstkontakt", reverse("cases:contact_first")),
        ("Meine Aufgaben", reverse("cases:my_tasks")),
        ("Bedarf ändern", reverse("cases:need_edit", kwargs={**kwargs, "need_id": need.public_id})),
        (
            "Gesprächsnotiz",
            reverse("cases:contact_note", kwargs={**kwargs, "contact_id": contact.public_id}),
        ),
    ]


def test_it_has_accessible_case_pages(page: Page, live_server, demo):
    participant = _filled_case()
    sign_in_directly(page, live_server.url, "teilhabe")

    failures = []
    for name, url in _case_pages(participant):
        response = page.goto(url)
        assert response is not None and response.ok, f"{name}: HTTP {response and response.status}"
        if name == "Fälle mit Treffern":
            search = page.get_by_label("Name oder Geburtsdatum")
            search.fill("Tesfaye")
            search.press("Enter")
            expect(page.locator("#result-count")).to_have_text("1 Fall gefunden.")
            assert "Tesfaye" not in page.url, page.url
        elif name == "Person anlegen, leer abgeschickt":
            page.get_by_role("button", name="Speichern").click()
            expect(page.get_by_role("alert")).to_contain_text("Bitte prüfen Sie Ihre Eingaben.")
        elif name == "Personenseite":
            for heading in ("Einwilligungen", "Teilnahme", "Bedarfe", "Beratungskontakte"):
                expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
            expect(page.get_by_role("main")).to_contain_text(NOTE)
            # Every collapsed form open, so that its fields are audited as well.
            page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        elif name == "Meine Aufgaben":
            expect(page.get_by_role("main")).to_contain_text("Unterlagen nachreichen")
        try:
            audit_accessibility(page)
        except AssertionError as error:
            failures.append(f"{name}: {error}")
    assert not failures, "\n\n".join(failures)


# --- 3. Entry needs consent ------------------------------------------------------------------


def test_it_refuses_the_entry_without_consent_in_german(page: Page, live_server, demo):
    participant = a_participant()
    sign_in_directly(page, live_server.url, "teilhabe")
    page.goto(detail_url(participant))

    enrollment = section(page, "teilnahme")
    open_form(enrollment, "Eintritt erfassen")
    enrollment.get_by_role("button", name="Eintritt speichern").click()

    alert = enrollment.get_by_role("alert")
    expect(alert).to_contain_text("Bitte prüfen Sie Ihre Eingaben.")
    expect(alert).to_contain_text(NO_CONSENT)
    expect(enrollment).to_contain_text("Die Person ist noch nicht in das Programm eingetreten.")
    expect(page.locator("#fall-uebersicht")).to_contain_text("in Kontaktaufnahme")

    participant.refresh_from_db()
    assert participant.stage == Stage.CONTACTED
    assert participant.coaching_provider is None
    assert not Enrollment.objects.filter(participant=participant).exists()


# --- 4. Two people editing the same record ---------------------------------------------------


def test_it_keeps_the_first_of_two_concurrent_edits(
    page: Page, second_page: Page, live_server, demo
):
    participant = a_participant()
    edit_url = reverse("cases:participant_edit", kwargs={"public_id": participant.public_id})
    sign_in_directly(page, live_server.url, "teilhabe")
    sign_in_directly(second_page, live_server.url, "koordination")
    for tab in (page, second_page):
        tab.goto(edit_url)
        expect(tab.get_by_role("heading", level=1)).to_have_text(
            "Stammdaten von Amira Tesfaye bearbeiten"
        )

    page.get_by_label("Telefon").fill("0151 2345678")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_role("main")).to_contain_text("Die Änderungen wurden gespeichert.")
    expect(page).to_have_url(re.compile(r"#stammdaten$"))

    second_page.get_by_label("Familienname").fill("Tesfay")
    second_page.get_by_role("button", name="Speichern").click()
    alert = second_page.get_by_role("alert")
    expect(alert).to_contain_text(STALE)
    expect(alert).to_contain_text("Bitte laden Sie die Seite neu")
    expect(second_page).to_have_url(re.compile(r"/bearbeiten/$"))

    participant.refresh_from_db()
    assert participant.phone == "0151 2345678"
    assert participant.family_name == "Tesfaye"
    assert participant.version == 2


# --- 5. The coach sees the person only while the sharing consent holds ------------------------


def test_it_hides_the_person_from_the_coach_once_sharing_is_withdrawn(
    page: Page, second_page: Page, live_server, demo
):
    participant = a_participant(enrolled=True, shared=True)
    coach = page
    sign_in_directly(coach, live_server.url, "coach")
    coach.goto(reverse("cases:participant_list"))
    coach.get_by_role("link", name="Tesfaye, Amira").click()
    expect(coach.get_by_role("heading", level=1)).to_have_text("Amira Tesfaye")

    manager = second_page
    sign_in_directly(manager, live_server.url, "teilhabe")
    manager.goto(detail_url(participant))
    consent = section(manager, "einwilligungen")
    # The hidden part of the name ("Widerrufen: …") says which consent the link withdraws.
    withdraw = re.compile(rf"^Widerrufen\s*: Weitergabe an einen Träger, {ASH}$")
    consent.get_by_role("link", name=withdraw).click()
    expect(consent.get_by_role("heading", name="Einwilligung wirklich widerrufen?")).to_be_visible()
    consent.get_by_role("button", name="Ja, widerrufen").click()
    expect(consent.get_by_role("status")).to_have_text("Die Einwilligung wurde widerrufen.")
    expect(consent.get_by_role("row", name=re.compile("Weitergabe"))).to_contain_text(
        timezone.localdate().strftime("%d.%m.%Y")
    )

    response = coach.goto(detail_url(participant))
    assert response is not None and response.status == 404
    expect(coach.locator("body")).not_to_contain_text("Tesfaye")
    coach.goto(reverse("cases:participant_list"))
    expect(coach.locator("#result-count")).to_have_text("Keine Fälle gefunden.")
