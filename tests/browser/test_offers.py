"""Offers, referrals and gap analysis in the browser: the acceptance journey of issue 4 (a case
manager proposes a suggested offer, the provider accepts and starts it, the gap table moves),
the accessibility of the offers pages, and a full offer in the provider's inbox.

People, consents, needs and offers are put in with the services, as the pages would; the
browser drives only what each test is about.
"""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from durchstarten.cases.choices import ConsentPurpose, NeedCategory, Priority
from durchstarten.cases.models import Participant
from durchstarten.cases.services import consent as consent_services
from durchstarten.cases.services import contacts as contact_services
from durchstarten.cases.services import enrollment as enrollment_services
from durchstarten.cases.services import participants as participant_services
from durchstarten.cases.services import plan as plan_services
from durchstarten.core.models import User
from durchstarten.offers import services as offer_services
from durchstarten.offers.choices import OfferCategory, ReferralState
from durchstarten.offers.models import Offer, Referral
from durchstarten.organisation.models import District, Municipality, Provider
from tests.browser.helpers import audit_accessibility, log_in, log_out, sign_in_directly

pytestmark = pytest.mark.browser

CARITAS = "Caritasverband für den Kreis Gütersloh e. V."
COURSE = "Jugendintegrationskurs Harsewinkel"
ADVANCED = "Berufssprachkurs C1"
# What the case file holds and a course must never see.
ADDRESS = "Lindenstraße 7, 33428 Harsewinkel"
NOTE = "Hat nach dem Umzug Schulden bei der Stadtwerke-Abrechnung."
NEED_NOTE = "Möchte vor der Ausbildung den B1-Abschluss."
FULL = "Das Angebot ist ausgebucht. Setzen Sie die Person auf die Warteliste."


# --- Set-up through the services -------------------------------------------------------------


def guetersloh() -> District:
    return District.objects.get(name__contains="Gütersloh")


def municipality(name: str) -> Municipality:
    return Municipality.objects.get(district=guetersloh(), name=name)


def caritas() -> Provider:
    return Provider.objects.get(name=CARITAS)


def a_person(given_names: str, family_name: str, **fields) -> Participant:
    """Someone in the programme in Harsewinkel with a Duldung, an open need "Deutsch", consent
    to case work and to sharing with the Caritas, a counselling note and an address."""
    manager = User.objects.get(username="teilhabe")
    today = timezone.localdate()
    participant = participant_services.participant_create(
        actor=manager,
        district=guetersloh(),
        given_names=given_names,
        family_name=family_name,
        date_of_birth=dt.date(2005, 6, 1),
        municipality=municipality("Harsewinkel"),
        german_level="A2",
        address=ADDRESS,
        **fields,
    )
    participant_services.residence_status_record(
        actor=manager, participant=participant, kind="duldung", valid_from=dt.date(2025, 1, 1)
    )
    for purpose, provider in (
        (ConsentPurpose.CASE_WORK, None),
        (ConsentPurpose.PROVIDER_SHARING, caritas()),
    ):
        consent_services.consent_give(
            actor=manager,
            participant=participant,
            purpose=purpose,
            provider=provider,
            given_on=today,
            form_language="de",
        )
    enrollment_services.enrollment_enter(
        actor=manager, participant=participant, entry_date=today, case_manager=manager
    )
    plan_services.need_record(
        actor=manager,
        participant=participant,
        category=NeedCategory.GERMAN,
        priority=Priority.HIGH,
        identified_on=today,
        description=NEED_NOTE,
    )
    contact_services.contact_record(
        actor=manager,
        participant=participant,
        date=today,
        duration_minutes=30,
        channel="in_person",
        note=NOTE,
    )
    participant.refresh_from_db()
    return participant


def the_offers() -> tuple[Offer, Offer]:
    """The Caritas course the person fits, and a course that wants more German than A2.

    The second serves only the town of Gütersloh, so it leaves the Harsewinkel cells of the
    gap analysis alone.
    """
    coordinator = User.objects.get(username="koordination")
    today = timezone.localdate()
    course = offer_services.offer_create(
        actor=coordinator,
        district=guetersloh(),
        municipalities=[municipality("Harsewinkel")],
        provider=caritas(),
        category=OfferCategory.PREPARATION_COURSE,
        module=4,
        title=COURSE,
        description="Deutsch und Vorbereitung auf die Ausbildung für junge Geflüchtete.",
        location="Harsewinkel, Familienzentrum",
        schedule="Mo–Fr 09:00–13:15 Uhr",
        start_date=today,
        end_date=today + dt.timedelta(days=180),
        capacity=2,
        needs_covered=[NeedCategory.GERMAN],
        allowed_statuses=["duldung", "gestattung"],
        min_age=16,
        max_age=27,
    )
    advanced = offer_services.offer_create(
        actor=coordinator,
        district=guetersloh(),
        municipalities=[municipality("Gütersloh")],
        provider=None,
        organiser="VHS Gütersloh",
        category=OfferCategory.JOB_LANGUAGE_COURSE,
        title=ADVANCED,
        capacity=12,
        needs_covered=[NeedCategory.GERMAN],
        min_german_level="B2",
    )
    return course, advanced


# --- Helpers ---------------------------------------------------------------------------------


def detail_url(participant: Participant) -> str:
    return reverse("cases:participant_detail", kwargs={"public_id": participant.public_id})


def nav_to(page: Page, label: str) -> None:
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name=label, exact=True
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(label)


def gap_cells(page: Page, municipality_name: str, need: str) -> Locator:
    """The figures (open needs, free places, unmet) of one municipality × need row."""
    row = page.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name=f"{municipality_name}: {need}", exact=True)
    )
    return row.get_by_role("cell")


def button(label: str, whom: str) -> re.Pattern:
    """A button's name: the visible label and, hidden, whom it is about ("Platz zusagen: …").

    The hidden part is positioned out of flow, so Chromium puts a space before its colon.
    """
    return re.compile(rf"^{re.escape(label)}\s*: {re.escape(whom)}$")


def switch_user(page: Page, base_url: str, username: str) -> None:
    page.context.clear_cookies()
    sign_in_directly(page, base_url, username)


# --- 1. The acceptance journey ---------------------------------------------------------------


def test_it_takes_a_referral_from_suggestion_to_start_and_updates_the_gap_table(page: Page, demo):
    amira = a_person("Amira", "Tesfaye", phone="0151 2345678")
    a_person("Yonas", "Haile")  # another open need for German in Harsewinkel, not referred
    course, _ = the_offers()
    main = page.get_by_role("main")

    # The case manager: the gap table before, then the person's suggestions.
    log_in(page, "teilhabe")
    nav_to(page, "Angebotslücken")
    expect(gap_cells(page, "Harsewinkel", "Deutsch")).to_have_text(["2", "2", "0"])
    expect(main).to_contain_text("Insgesamt sind 0 Bedarfe ungedeckt.")

    page.goto(detail_url(amira))
    expect(page.get_by_role("heading", level=1)).to_have_text("Amira Tesfaye")
    offers = page.locator("section#vermittlungen")
    expect(offers).to_contain_text("Es gibt noch keine Vermittlungen.")
    suggestion = offers.get_by_role("article", name=COURSE)
    expect(suggestion).to_contain_text("deckt den Bedarf „Deutsch“")
    expect(suggestion).to_contain_text("2 freie Plätze")
    expect(suggestion).to_contain_text("im Wohnort der Person")
    expect(suggestion).to_contain_text("Duldung – zugelassen.")
    expect(suggestion).to_contain_text("passt zur Altersgrenze.")
    expect(offers.get_by_role("article", name=ADVANCED)).to_have_count(0)

    # Why the other course is not suggested.
    offers.locator("summary", has_text="Nicht passende Angebote (1)").click()
    excluded = offers.get_by_role("listitem").filter(
        has=page.get_by_role("link", name=ADVANCED, exact=True)
    )
    expect(excluded).to_be_visible()
    expect(excluded).to_contain_text("Deutsch A2 – verlangt ist mindestens B2.")

    suggestion.get_by_role("button", name=button("Vorschlagen", COURSE)).click()
    expect(offers.get_by_role("status")).to_have_text(f"„{COURSE}“ wurde vorgeschlagen.")
    referral_row = offers.get_by_role("row").filter(
        has=page.get_by_role("link", name=COURSE, exact=True)
    )
    expect(referral_row).to_contain_text("vorgeschlagen")
    expect(referral_row).to_contain_text("(Leyla Demir)")
    # Confirming a place is the provider's word, not the case manager's.
    expect(referral_row.get_by_role("button", name=re.compile("^Platz zusagen"))).to_have_count(0)
    expect(offers.get_by_role("article", name=COURSE)).to_contain_text(
        "Eine Vermittlung in dieses Angebot läuft bereits."
    )
    log_out(page)

    # The provider: only what the course needs, then a place and the start.
    log_in(page, "traeger")
    nav_to(page, "Vermittlungen")
    expect(main).to_contain_text("1 Eintrag gefunden.")
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Amira Tesfaye"))
    expect(row).to_contain_text("01.06.2005")
    expect(row).to_contain_text("Deutsch: A2")
    expect(row).to_contain_text("0151 2345678")
    expect(row).to_contain_text(COURSE)
    expect(row).to_contain_text("freie Plätze: 2 von 2")
    expect(row).to_contain_text("vorgeschlagen")
    expect(row.get_by_role("link", name="Amira Tesfaye")).to_have_count(0)
    for private in (ADDRESS, NOTE, NEED_NOTE, "Duldung", "Yonas", "Haile"):
        expect(main).not_to_contain_text(private)

    row.get_by_role("button", name=button("Platz zusagen", "Amira Tesfaye")).click()
    expect(page.get_by_role("status").filter(has_text="Amira Tesfaye")).to_have_text(
        f"Amira Tesfaye, „{COURSE}“: Platz zugesagt."
    )
    expect(row).to_contain_text("freie Plätze: 1 von 2")
    expect(row).to_contain_text("Platz zugesagt")
    row.get_by_role("button", name=button("Beginn erfassen", "Amira Tesfaye")).click()
    expect(page.get_by_role("status").filter(has_text="Amira Tesfaye")).to_have_text(
        f"Amira Tesfaye, „{COURSE}“: begonnen."
    )
    expect(row).to_contain_text("begonnen")
    log_out(page)

    # The coordinator: the place taken shows in the gap table.
    log_in(page, "koordination")
    nav_to(page, "Angebotslücken")
    # Amira's need is met by her place: only Yonas still needs German, and one place is left.
    expect(gap_cells(page, "Harsewinkel", "Deutsch")).to_have_text(["1", "1", "0"])
    expect(main).to_contain_text("Insgesamt sind 0 Bedarfe ungedeckt.")
    # The other course serves only the town of Gütersloh, where nobody needs German.
    expect(gap_cells(page, "Gütersloh", "Deutsch")).to_have_text(["0", "12", "0"])

    referral = Referral.objects.get(participant=amira)
    assert referral.offer == course
    assert referral.state == ReferralState.STARTED
    today = timezone.localdate()
    assert (referral.proposed_on, referral.accepted_on, referral.started_on) == (today,) * 3
    steps = [(t.to_state, t.by.username) for t in referral.transitions.all()]
    assert steps == [
        (ReferralState.PROPOSED, "teilhabe"),
        (ReferralState.ACCEPTED, "traeger"),
        (ReferralState.STARTED, "traeger"),
    ]


# --- 2. Accessibility of the offers pages ----------------------------------------------------


def test_it_has_accessible_offers_pages(page: Page, live_server, demo):
    amira = a_person("Amira", "Tesfaye")
    course, _ = the_offers()
    offer_services.referral_propose(
        actor=User.objects.get(username="teilhabe"), participant=amira, offer=course
    )
    pages = [
        ("Angebote", "koordination", reverse("offers:offer_list")),
        ("Angebot", "koordination", reverse("offers:offer_detail", args=[course.public_id])),
        ("Angebot anlegen", "koordination", reverse("offers:offer_create")),
        ("Angebot anlegen, leer abgeschickt", "koordination", reverse("offers:offer_create")),
        ("Personenseite", "teilhabe", detail_url(amira)),
        ("Vermittlungen", "traeger", reverse("offers:inbox")),
        ("Angebotslücken", "koordination", reverse("offers:gaps")),
    ]

    failures = []
    for name, username, url in pages:
        switch_user(page, live_server.url, username)
        response = page.goto(url)
        assert response is not None and response.ok, f"{name}: HTTP {response and response.status}"
        main = page.get_by_role("main")
        if name == "Angebote":
            expect(main).to_contain_text("2 Einträge gefunden")
            expect(page.get_by_role("rowheader", name=COURSE)).to_be_visible()
        elif name == "Angebot":
            expect(main).to_contain_text("Harsewinkel")
            expect(main).to_contain_text("Alter: 16 bis 27 Jahre")
        elif name == "Angebot anlegen, leer abgeschickt":
            page.get_by_role("button", name="Speichern").click()
            expect(page.get_by_role("alert")).to_contain_text("Bitte prüfen Sie Ihre Eingaben.")
        elif name == "Personenseite":
            offers = page.locator("section#vermittlungen")
            expect(offers.get_by_role("row").filter(has_text=COURSE)).to_contain_text(
                "vorgeschlagen"
            )
            expect(offers.get_by_role("article", name=COURSE)).to_be_visible()
            offers.locator("summary", has_text="Nicht passende Angebote").click()
            expect(offers).to_contain_text("verlangt ist mindestens B2")
            # Every collapsed form open, so that its fields are audited as well.
            page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        elif name == "Vermittlungen":
            expect(main).to_contain_text("1 Eintrag gefunden.")
        elif name == "Angebotslücken":
            expect(gap_cells(page, "Harsewinkel", "Deutsch")).to_have_text(["1", "2", "0"])
        try:
            audit_accessibility(page)
        except AssertionError as error:
            failures.append(f"{name}: {error}")
    assert not failures, "\n\n".join(failures)


# --- 3. A full offer offers the waiting list -------------------------------------------------


def test_it_offers_the_waiting_list_once_the_last_place_is_taken(page: Page, live_server, demo):
    course, _ = the_offers()
    manager = User.objects.get(username="teilhabe")
    people = [
        a_person(*name) for name in (("Amira", "Tesfaye"), ("Yonas", "Haile"), ("Samir", "Darwish"))
    ]
    referrals = [
        offer_services.referral_propose(actor=manager, participant=person, offer=course)
        for person in people
    ]
    first = referrals[0]
    offer_services.referral_transition(
        actor=User.objects.get(username="traeger"),
        referral=first,
        version=first.version,
        to_state=ReferralState.ACCEPTED,
    )

    sign_in_directly(page, live_server.url, "traeger")
    page.goto(reverse("offers:inbox"))
    expect(page.get_by_role("main")).to_contain_text("3 Einträge gefunden")

    def row(name: str) -> Locator:
        return page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=name))

    expect(row("Yonas Haile")).to_contain_text("freie Plätze: 1 von 2")
    row("Yonas Haile").get_by_role("button", name=button("Platz zusagen", "Yonas Haile")).click()
    expect(page.get_by_role("status").filter(has_text="Yonas Haile")).to_have_text(
        f"Yonas Haile, „{COURSE}“: Platz zugesagt."
    )
    for name in ("Amira Tesfaye", "Yonas Haile", "Samir Darwish"):
        expect(row(name)).to_contain_text("freie Plätze: 0 von 2")

    # The button is still there; the answer explains the capacity in German.
    row("Samir Darwish").get_by_role(
        "button", name=button("Platz zusagen", "Samir Darwish")
    ).click()
    expect(page.get_by_role("alert")).to_have_text(f"Samir Darwish, „{COURSE}“: {FULL}")
    expect(row("Samir Darwish")).to_contain_text("vorgeschlagen")

    row("Samir Darwish").get_by_role(
        "button", name=button("Auf die Warteliste setzen", "Samir Darwish")
    ).click()
    expect(page.get_by_role("status").filter(has_text="Samir Darwish")).to_have_text(
        f"Samir Darwish, „{COURSE}“: auf der Warteliste."
    )
    expect(row("Samir Darwish")).to_contain_text("auf der Warteliste")
    # From the waiting list the person can move up once a place is free.
    expect(
        row("Samir Darwish").get_by_role("button", name=button("Platz zusagen", "Samir Darwish"))
    ).to_be_visible()

    states = dict(
        Referral.objects.filter(offer=course).values_list("participant__given_names", "state")
    )
    assert states == {
        "Amira": ReferralState.ACCEPTED,
        "Yonas": ReferralState.ACCEPTED,
        "Samir": ReferralState.WAITING,
    }
