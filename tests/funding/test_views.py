"""The funding pages: who may see them, forms in German, lists, overview, query counts."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from durchstarten.core.models import Role
from durchstarten.funding.models import BudgetLine, Expenditure, Grant, OwnShare
from durchstarten.organisation.models import Module
from tests.core.filtering import get_filtered
from tests.factories import ProviderFactory, member
from tests.funding.factories import (
    BudgetLineFactory,
    ContractFactory,
    ExpenditureFactory,
    GrantFactory,
    OwnShareFactory,
)


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def grant(district):
    return GrantFactory(district=district, notice_reference="36.2-DS-0815")


@pytest.fixture
def foreign_grant(other_district):
    return GrantFactory(district=other_district, notice_reference="FREMD-1")


def _get(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


GRANT_POST = {
    "module": "6",
    "year": "2026",
    "funding_authority": "Bezirksregierung Arnsberg",
    "notice_reference": "36.2-DS-2026-17",
    "notice_date": "2026-02-10",
    "period_from": "2026-01-01",
    "period_to": "2026-12-31",
    "eligible_costs": "125.000,00",
    "approved_amount": "100000,00",
}


# --- Who may see what -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["overview", "grant_list", "expenditure_list", "grant_create", "year_report_pdf"]
)
def test_it_shows_money_only_to_coordinators(
    as_user, name, case_manager, coach, provider_staff, state_analyst
):
    url = reverse(f"funding:{name}")
    for user in (case_manager, coach, provider_staff, state_analyst, member(Role.ADMIN)):
        assert as_user(user).get(url).status_code == 403


def test_it_answers_404_for_another_districts_records(as_user, outsider, grant, provider):
    share = OwnShareFactory(grant=grant)
    contract = ContractFactory(grant=grant, provider=provider)
    expenditure = ExpenditureFactory(grant=grant)
    client = as_user(outsider)
    pages = ["grant_detail", "grant_report_xlsx", "grant_report_pdf"]
    forms = ["grant_edit", "grant_delete", "grant_budget", "own_share_create", "contract_create"]
    urls = [(reverse(f"funding:{n}", args=[grant.public_id]), n in forms) for n in pages + forms]
    records = ((share, "own_share"), (contract, "contract"), (expenditure, "expenditure"))
    for record, kind in records:
        urls += [
            (reverse(f"funding:{kind}_{action}", args=[record.public_id]), True)
            for action in ("edit", "delete")
        ]
    for url, writable in urls:
        assert client.get(url).status_code == 404, url
        if writable:
            assert client.post(url, {}).status_code == 404, url
    assert Expenditure.objects.count() == 1 and OwnShare.objects.count() == 1


def test_it_shows_no_other_districts_grants_anywhere(as_user, coordinator, grant, foreign_grant):
    ExpenditureFactory(grant=foreign_grant, description="fremde Ausgabe")
    client = as_user(coordinator)
    for name in ("overview", "grant_list", "expenditure_list", "expenditure_create"):
        page = _get(client, reverse(f"funding:{name}"))
        assert "FREMD-1" not in page and "fremde Ausgabe" not in page, name
    page = _get(client, reverse("funding:expenditure_list"), grant=str(foreign_grant.public_id))
    assert "fremde Ausgabe" not in page
    page = get_filtered(client, reverse("funding:expenditure_list"), q="fremde").content.decode()
    assert "fremde Ausgabe" not in page


# --- Grants ---------------------------------------------------------------------------------


def test_it_records_a_grant_with_german_amounts(as_user, coordinator, district):
    response = as_user(coordinator).post(reverse("funding:grant_create"), GRANT_POST)
    grant = Grant.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("funding:grant_detail", args=[grant.public_id])
    assert (grant.district, grant.module, grant.eligible_costs, grant.approved_amount) == (
        district,
        Module.CASE_MANAGEMENT,
        Decimal("125000.00"),
        Decimal("100000.00"),
    )
    assert _messages(response) == ["Die Bewilligung wurde angelegt."]


def test_it_explains_what_is_wrong_in_german(as_user, coordinator):
    data = GRANT_POST | {"approved_amount": "125.000,01", "eligible_costs": "zwölf"}
    page = as_user(coordinator).post(reverse("funding:grant_create"), data).content.decode()
    assert "Bitte prüfen Sie Ihre Eingaben." in page
    assert "Bitte geben Sie einen Betrag in Euro an, z. B. 1.234,56." in page
    data = GRANT_POST | {"approved_amount": "125.000,01"}
    page = as_user(coordinator).post(reverse("funding:grant_create"), data).content.decode()
    assert (
        "Der bewilligte Betrag (125.000,01 €) übersteigt die zuwendungsfähigen Ausgaben "
        "(125.000,00 €)." in page
    )
    assert not Grant.objects.exists()


def test_it_shows_amounts_the_german_way_when_editing(as_user, coordinator, grant):
    page = _get(as_user(coordinator), reverse("funding:grant_edit", args=[grant.public_id]))
    assert 'value="100.000,00"' in page
    assert 'value="80.000,00"' in page


def test_it_refuses_an_edit_of_a_stale_version(as_user, coordinator, grant):
    client = as_user(coordinator)
    url = reverse("funding:grant_edit", args=[grant.public_id])
    data = GRANT_POST | {"version": "1", "note": "erste"}
    assert client.post(url, data).status_code == 302
    page = client.post(url, data | {"note": "zweite"}).content.decode()
    assert "inzwischen von jemand anderem geändert" in page
    grant.refresh_from_db()
    assert (grant.note, grant.version) == ("erste", 2)


def test_it_asks_before_deleting_a_grant(as_user, coordinator, grant):
    client = as_user(coordinator)
    url = reverse("funding:grant_delete", args=[grant.public_id])
    page = _get(client, url)
    assert "Wirklich löschen?" in page and "36.2-DS-0815" in page
    response = client.post(url)
    assert response["Location"] == reverse("funding:grant_list")
    assert not Grant.objects.exists()


def test_it_keeps_a_grant_with_payments(as_user, coordinator, grant):
    ExpenditureFactory(grant=grant)
    client = as_user(coordinator)
    url = reverse("funding:grant_delete", args=[grant.public_id])
    page = _get(client, url)
    assert "kann nicht gelöscht werden" in page and "Wirklich löschen?" not in page
    response = client.post(url)
    assert response["Location"] == reverse("funding:grant_detail", args=[grant.public_id])
    assert Grant.objects.exists()


def test_it_plans_the_budget(as_user, coordinator, grant):
    client = as_user(coordinator)
    url = reverse("funding:grant_budget", args=[grant.public_id])
    data = {"version": "1", "personnel": "60.000", "travel": "1.250,50", "fees": ""}
    assert client.post(url, data).status_code == 302
    assert dict(BudgetLine.objects.values_list("category", "planned_amount")) == {
        "personnel": Decimal("60000.00"),
        "travel": Decimal("1250.50"),
    }
    page = _get(client, url)
    assert 'value="60.000,00"' in page and 'value="1.250,50"' in page


def test_it_shows_a_grant_with_its_money(as_user, coordinator, grant, provider):
    OwnShareFactory(grant=grant, amount=Decimal("20000.00"), use_by=dt.date(2020, 1, 31))
    ContractFactory(grant=grant, provider=provider, amount=Decimal("45000.00"), reference="WV-9")
    BudgetLineFactory(grant=grant, category="personnel", planned_amount=Decimal("500.00"))
    ExpenditureFactory(grant=grant, amount=Decimal("1234.56"))
    page = _get(as_user(coordinator), reverse("funding:grant_detail", args=[grant.public_id]))
    for text in (
        "Bezirksregierung Arnsberg",
        "100.000,00 €",  # eligible, and approved plus own share
        "20.000,00 €",
        "45.000,00 €",
        "WV-9",
        "1.234,56 €",
        "98.765,44 €",  # left
        "1,2 %",
        "Eigenanteil (20,0 % der zuwendungsfähigen Ausgaben)",
        "überschritten",
        "ist am 31.01.2020 abgelaufen",
    ):
        assert text in page, text


# --- Own shares and contracts ---------------------------------------------------------------


def test_it_puts_the_own_share_limit_on_the_form(as_user, coordinator, grant):
    client = as_user(coordinator)
    url = reverse("funding:own_share_create", args=[grant.public_id])
    assert "hier 20.000,00 €" in _get(client, url)
    data = {"amount": "20.000,01", "source": "integration_lump_sum", "use_by": "2026-12-31"}
    page = client.post(url, data).content.decode()
    assert (
        "Der Eigenanteil (20.000,01 €) übersteigt 20 % der zuwendungsfähigen Ausgaben "
        "(20.000,00 €)." in page
    )
    response = client.post(url, data | {"amount": "20.000,00"})
    assert response.status_code == 302
    assert OwnShare.objects.get().amount == Decimal("20000.00")


def test_it_records_and_edits_a_contract(as_user, coordinator, grant, provider):
    client = as_user(coordinator)
    data = {
        "provider": str(provider.public_id),
        "amount": "80.000,00",
        "fte": "1,5",
        "period_from": "2026-01-01",
        "period_to": "2026-12-31",
        "signed_on": "2026-01-20",
    }
    url = reverse("funding:contract_create", args=[grant.public_id])
    assert client.post(url, data).status_code == 302
    contract = grant.contracts.get()
    assert (contract.amount, contract.fte) == (Decimal("80000.00"), Decimal("1.50"))
    edit = reverse("funding:contract_edit", args=[contract.public_id])
    page = client.post(edit, data | {"version": "1", "amount": "80.000,01"}).content.decode()
    assert "übersteigen den bewilligten Betrag zuzüglich Eigenanteil (80.000,00 €)" in page


def test_it_offers_only_the_districts_providers(as_user, coordinator, grant, provider):
    foreign = ProviderFactory(name="Fremder Träger e. V.")
    page = _get(as_user(coordinator), reverse("funding:contract_create", args=[grant.public_id]))
    assert provider.name in page and foreign.name not in page


# --- Expenditures ---------------------------------------------------------------------------


def test_it_books_a_payment_and_warns_about_the_budget(as_user, coordinator, grant):
    BudgetLineFactory(grant=grant, category="travel", planned_amount=Decimal("100.00"))
    client = as_user(coordinator)
    url = reverse("funding:expenditure_create")
    page = _get(client, url, grant=str(grant.public_id))
    assert f'value="{grant.public_id}" selected' in page
    data = {
        "grant": str(grant.public_id),
        "category": "travel",
        "spent_on": "2026-03-02",
        "amount": "120,00",
        "receipt_reference": "RK-2026-001",
    }
    response = client.post(url, data)
    assert response["Location"] == reverse("funding:grant_detail", args=[grant.public_id])
    assert _messages(response) == [
        "Die Ausgabe über 120,00 € wurde erfasst.",
        "1 – Coaching (Az. 36.2-DS-0815): In der Ausgabenart „Reisekosten“ sind 120,00 € "
        "ausgegeben, geplant sind 100,00 € (20,00 € mehr).",
    ]
    assert Expenditure.objects.get().amount == Decimal("120.00")


def test_it_ignores_a_broken_grant_link(as_user, coordinator, grant):
    page = _get(as_user(coordinator), reverse("funding:expenditure_create"), grant="kaputt")
    assert f'value="{grant.public_id}" selected' not in page


def test_it_filters_and_sums_the_payments(as_user, coordinator, district, grant, provider):
    other = GrantFactory(district=district, module=Module.CASE_MANAGEMENT)
    ExpenditureFactory(grant=grant, provider=provider, amount=Decimal("0.10"), category="fees")
    ExpenditureFactory(grant=grant, amount=Decimal("0.20"), spent_on=dt.date(2026, 6, 1))
    ExpenditureFactory(grant=other, amount=Decimal("7.00"), description="Miete Juni")
    client = as_user(coordinator)
    url = reverse("funding:expenditure_list")

    def total(**params) -> str:
        page = get_filtered(client, url, **params).content.decode()
        return page.split("Summe aller gefundenen Ausgaben")[1].split("€")[0].split(">")[-1]

    assert total() == "7,30 "
    assert total(grant=str(grant.public_id)) == "0,30 "
    assert total(category="fees") == "0,10 "
    assert total(provider=str(provider.public_id)) == "0,10 "
    assert total(provider="none") == "7,20 "
    assert total(date_from="2026-05-01", date_to="2026-06-30") == "0,20 "
    assert total(q="miete") == "7,00 "
    assert "Keine Einträge gefunden." in get_filtered(client, url, q="nichts").content.decode()
    page = _get(client, url, sort="amount")
    assert page.index("0,10 €") < page.index("0,20 €") < page.index("7,00 €")
    # Links may name a grant, a category or a provider; a search term in the URL is ignored.
    assert "0,30 €" in _get(client, url, grant=str(grant.public_id))
    assert "7,30 €" in _get(client, url, q="miete", date_from="2026-05-01")


def test_it_pages_the_payments(as_user, coordinator, grant):
    for _ in range(27):
        ExpenditureFactory(grant=grant, amount=Decimal("1.00"))
    page = _get(as_user(coordinator), reverse("funding:expenditure_list"), page="2")
    assert "Ausgaben, Seite 2 von 2" in page
    assert "27,00 €" in page  # the sum covers every page


def test_it_filters_the_grants(as_user, coordinator, district, grant):
    GrantFactory(district=district, year=2025, module=Module.PREPARATION, notice_reference="ALT")
    client = as_user(coordinator)
    url = reverse("funding:grant_list")
    assert "1 Eintrag gefunden." in _get(client, url, year="2025")
    assert "1 Eintrag gefunden." in _get(client, url, module="1")
    assert "1 Eintrag gefunden." in get_filtered(client, url, q="alt").content.decode()
    assert "2 Einträge gefunden" in _get(client, url, q="alt")
    assert "2 Einträge gefunden" in _get(client, url, sort="-approved")


def test_it_deletes_a_payment_after_asking(as_user, coordinator, grant):
    expenditure = ExpenditureFactory(grant=grant, amount=Decimal("9.99"))
    client = as_user(coordinator)
    url = reverse("funding:expenditure_delete", args=[expenditure.public_id])
    assert "9,99 €" in _get(client, url)
    assert client.post(url).status_code == 302
    assert not Expenditure.objects.exists()


# --- Overview -------------------------------------------------------------------------------


def test_it_shows_the_overview_of_the_year(as_user, coordinator, district, grant, provider):
    OwnShareFactory(grant=grant, amount=Decimal("20000.00"))
    ContractFactory(grant=grant, provider=provider, amount=Decimal("50000.00"))
    ExpenditureFactory(grant=grant, provider=provider, amount=Decimal("12345.67"))
    GrantFactory(district=district, year=2025, notice_reference="VORJAHR")
    client = as_user(coordinator)
    page = _get(client, reverse("funding:overview"), year="2026")
    for text in ("Förderjahr 2026", "36.2-DS-0815", "12.345,67 €", "87.654,33 €", "12,3 %"):
        assert text in page, text
    assert "VORJAHR" not in page
    assert "VORJAHR" in _get(client, reverse("funding:overview"), year="2025")
    assert "Für 2031 sind keine Bewilligungen erfasst." in _get(
        client, reverse("funding:overview"), year="2031"
    )


@pytest.mark.parametrize(
    "name", ["overview", "grant_list", "expenditure_list", "grant_detail", "grant_report_xlsx"]
)
def test_its_query_count_does_not_grow_with_the_records(
    as_user, coordinator, district, grant, provider, name
):
    def add_some():
        other = GrantFactory(district=district, module=Module.CASE_MANAGEMENT)
        for g in (grant, other):
            OwnShareFactory(grant=g, amount=Decimal("100.00"), use_by=dt.date(2026, 12, 1))
            contract = ContractFactory(grant=g, provider=ProviderFactory(district=district))
            BudgetLine.objects.get_or_create(
                grant=g, category="travel", district=district, defaults={"planned_amount": 1}
            )
            ExpenditureFactory(grant=g, contract=contract, provider=contract.provider)
            ExpenditureFactory(grant=g, category="travel")

    args = [grant.public_id] if name.startswith("grant_") and name != "grant_list" else []
    url = reverse(f"funding:{name}", args=args)
    client = as_user(coordinator)
    add_some()
    client.get(url)
    before = _queries(client, url)
    add_some()
    add_some()
    assert _queries(client, url) == before
