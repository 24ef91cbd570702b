"""Funding in the browser: the acceptance journey of issue 9 (a coordinator records a grant,
its own share and a payment, and finds them in the funding overview), and the accessibility
of the funding pages, next to the demo district's own money.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from durchstarten.core.models import User
from durchstarten.funding import services
from durchstarten.funding.models import Expenditure, Grant, OwnShare
from durchstarten.organisation.models import District, Module, Provider
from durchstarten.seeding.demo_funding import seed_demo_funding
from tests.browser.helpers import audit_accessibility, log_in, sign_in_directly

pytestmark = pytest.mark.browser

ASH = "asH Gütersloh gGmbH"
REFERENCE = "36.03.02-IF-GT-17"
INNOVATION = "5 – Innovationsfonds"


def _iso(day: dt.date) -> str:
    return day.isoformat()


@pytest.fixture
def demo_money(demo) -> None:
    """The demo data with its money (idempotent, so also right once `seed --demo` adds it)."""
    seed_demo_funding({district.ags: district for district in District.objects.all()})


def test_it_records_a_grant_and_a_payment_and_shows_them_in_the_overview(page: Page, demo_money):
    today = timezone.localdate()
    year = today.year
    main = page.get_by_role("main")

    log_in(page, "koordination")
    page.goto(reverse("funding:overview"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Förderung")
    expect(main).to_contain_text(f"Kreis Gütersloh, Förderjahr {year}")

    # The grant.
    main.get_by_role("link", name="Bewilligung anlegen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bewilligung anlegen")
    # Module 5: the demo data, if any, has no grant for it.
    page.get_by_label("Förderbaustein").select_option(label=INNOVATION)
    page.get_by_label("Förderjahr").fill(str(year))
    page.get_by_label("Bewilligungsbehörde").fill("Bezirksregierung Arnsberg")
    page.get_by_label("Aktenzeichen des Bescheids").fill(REFERENCE)
    page.get_by_label("Bescheiddatum").fill(_iso(dt.date(year, 1, 2)))
    page.get_by_label("Bewilligungszeitraum von").fill(_iso(dt.date(year, 1, 1)))
    page.get_by_label("Bewilligungszeitraum bis").fill(_iso(dt.date(year, 12, 31)))
    page.get_by_label("Zuwendungsfähige Ausgaben (€)").fill("250.000,00")
    page.get_by_label("Bewilligter Betrag (€)").fill("200.000,00")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(INNOVATION)
    expect(page.get_by_role("status")).to_have_text("Die Bewilligung wurde angelegt.")

    # The own share: a cent too much is refused, with the numbers.
    main.get_by_role("link", name="Eigenanteil erfassen").click()
    expect(main).to_contain_text("hier 50.000,00 €")
    page.get_by_label("Betrag (€)").fill("50.000,01")
    page.get_by_label("Herkunft der Mittel").select_option(
        label="Integrationspauschale (§ 14c TIntG)"
    )
    page.get_by_label("Zu verwenden bis").fill(_iso(today + dt.timedelta(days=30)))
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Der Eigenanteil (50.000,01 €) übersteigt 20 % der zuwendungsfähigen Ausgaben "
        "(50.000,00 €)."
    )
    page.get_by_label("Betrag (€)").fill("50.000,00")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_role("status")).to_have_text("Der Eigenanteil wurde erfasst.")

    # The payment, from the grant's page (the grant is chosen already).
    main.get_by_role("link", name="Ausgabe erfassen").click()
    expect(page.get_by_label("Bewilligung")).to_have_value(
        str(Grant.objects.get(notice_reference=REFERENCE).public_id)
    )
    page.get_by_label("Ausgabenart").select_option(label="Personalausgaben")
    page.get_by_label("Datum").fill(_iso(min(today, dt.date(year, 12, 31))))
    page.get_by_label("Betrag (€)").fill("12.345,67")
    page.get_by_label("Belegnummer").fill("PK-2026-001")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_role("status")).to_have_text("Die Ausgabe über 12.345,67 € wurde erfasst.")

    # The overview: the grant with its money, and the warning about the expiring funds.
    main.get_by_role("link", name="Zurück zur Übersicht").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Förderung")
    grants = page.get_by_role("table", name=f"Bewilligungen {year}")
    row = grants.get_by_role("row").filter(has=page.get_by_role("rowheader", name=INNOVATION))
    expect(row.get_by_role("cell")).to_have_text(
        [
            f"Bezirksregierung Arnsberg Az. {REFERENCE} vom 02.01.{year}",
            "200.000,00 €",
            "50.000,00 €",
            "250.000,00 €",
            "0,00 €",
            "12.345,67 €",
            "237.654,33 €",
            "4,9 %",
        ]
    )
    expect(main).to_contain_text(
        f"{INNOVATION} (Az. {REFERENCE}): Der Eigenanteil aus „Integrationspauschale "
        "(§ 14c TIntG)“ (50.000,00 €) ist bis zum "
        + (today + dt.timedelta(days=30)).strftime("%d.%m.%Y")
        + " zu verwenden (noch 30 Tage); verausgabt sind erst 4,9 % der Mittel."
    )
    audit_accessibility(page)

    grant = Grant.objects.get(notice_reference=REFERENCE)
    assert grant.district == District.objects.get(name="Kreis Gütersloh")
    assert (grant.module, grant.approved_amount) == (Module.INNOVATION, Decimal("200000.00"))
    assert OwnShare.objects.get(grant=grant).amount == Decimal("50000.00")
    assert Expenditure.objects.get(grant=grant).amount == Decimal("12345.67")


def test_it_has_accessible_funding_pages(page: Page, live_server, demo_money):
    coordinator = User.objects.get(username="koordination")
    guetersloh = District.objects.get(name="Kreis Gütersloh")
    year = timezone.localdate().year
    grant = services.grant_create(
        actor=coordinator,
        district=guetersloh,
        module=Module.CASE_MANAGEMENT,
        year=year,
        funding_authority="Bezirksregierung Arnsberg",
        notice_reference="36.03.02-TM-GT-01",
        notice_date=dt.date(year, 2, 1),
        period_from=dt.date(year, 1, 1),
        period_to=dt.date(year, 12, 31),
        approved_amount=Decimal("76000.00"),
        eligible_costs=Decimal("95000.00"),
    )
    services.own_share_create(
        actor=coordinator, grant=grant, amount=Decimal("19000"), source="own_budget"
    )
    contract = services.contract_create(
        actor=coordinator,
        grant=grant,
        provider=Provider.objects.get(name=ASH),
        amount=Decimal("40000"),
        period_from=grant.period_from,
        period_to=grant.period_to,
    )
    services.budget_update(
        actor=coordinator, grant=grant, version=grant.version, planned={"travel": Decimal("10")}
    )
    expenditure = services.expenditure_create(
        actor=coordinator,
        grant=grant,
        contract=contract,
        category="travel",
        spent_on=dt.date(year, 3, 1),
        amount=Decimal("12.50"),
        description="Fahrtkosten",
    )
    pages = [
        ("Übersicht", reverse("funding:overview")),
        ("Bewilligungen", reverse("funding:grant_list")),
        ("Bewilligung", reverse("funding:grant_detail", args=[grant.public_id])),
        ("Bewilligung anlegen, leer abgeschickt", reverse("funding:grant_create")),
        ("Budget", reverse("funding:grant_budget", args=[grant.public_id])),
        ("Vertrag", reverse("funding:contract_edit", args=[contract.public_id])),
        ("Ausgaben", reverse("funding:expenditure_list") + f"?grant={grant.public_id}"),
        ("Ausgabe", reverse("funding:expenditure_edit", args=[expenditure.public_id])),
        ("Löschen", reverse("funding:grant_delete", args=[grant.public_id])),
    ]
    sign_in_directly(page, live_server.url, "koordination")
    failures = []
    for name, url in pages:
        response = page.goto(url)
        assert response is not None and response.ok, f"{name}: HTTP {response and response.status}"
        main = page.get_by_role("main")
        if name == "Übersicht":
            expect(main).to_contain_text("„Reisekosten“ sind 12,50 € ausgegeben")
        elif name == "Bewilligung":
            # Overspent travel: the warning and the marker in the category table.
            expect(main).to_contain_text("„Reisekosten“ sind 12,50 € ausgegeben")
            expect(main.get_by_role("rowheader", name="Reisekosten überschritten")).to_be_visible()
        elif name == "Bewilligung anlegen, leer abgeschickt":
            page.get_by_role("button", name="Speichern").click()
            expect(page.get_by_role("alert")).to_contain_text("Bitte prüfen Sie Ihre Eingaben.")
        elif name == "Ausgaben":
            expect(main).to_contain_text("1 Eintrag gefunden.")
        elif name == "Löschen":
            expect(main).to_contain_text("kann nicht gelöscht werden")
        try:
            audit_accessibility(page)
        except AssertionError as error:
            failures.append(f"{name}: {error}")
    assert not failures, "\n\n".join(failures)
