"""The spending-report draft: XLSX and PDF carry the overview's figures, safely, logged."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from durchstarten.core.models import AuditEntry
from durchstarten.funding import selectors
from durchstarten.funding.money import format_eur, format_percent
from durchstarten.organisation.models import Module
from tests.factories import ProviderFactory
from tests.funding.factories import (
    BudgetLineFactory,
    ContractFactory,
    ExpenditureFactory,
    GrantFactory,
    OwnShareFactory,
)

FORMULA = '=HYPERLINK("http://example.org","klick")'


@pytest.fixture
def year(district, provider):
    """Two grants of 2026 with own shares, contracts, a budget and payments; one of 2025."""
    coaching = GrantFactory(
        district=district,
        module=Module.COACHING,
        notice_reference="36.2-DS-0815",
        notice_date=dt.date(2026, 2, 3),
        approved_amount=Decimal("80000.00"),
        eligible_costs=Decimal("100000.00"),
    )
    case_management = GrantFactory(
        district=district,
        module=Module.CASE_MANAGEMENT,
        notice_reference="36.2-TM-0042",
        approved_amount=Decimal("56789.12"),
        eligible_costs=Decimal("70986.40"),
    )
    OwnShareFactory(grant=coaching, amount=Decimal("20000.00"), use_by=dt.date(2026, 12, 31))
    OwnShareFactory(grant=case_management, amount=Decimal("14197.28"), source="own_budget")
    contract = ContractFactory(
        grant=coaching, provider=provider, amount=Decimal("60000.00"), reference="WV-1"
    )
    other = ProviderFactory(district=district, name="Caritasverband für den Kreis e. V.")
    ContractFactory(grant=case_management, provider=other, amount=Decimal("33333.33"))
    BudgetLineFactory(grant=coaching, category="personnel", planned_amount=Decimal("70000.00"))
    BudgetLineFactory(grant=coaching, category="travel", planned_amount=Decimal("100.00"))
    ExpenditureFactory(
        grant=coaching, contract=contract, provider=provider, amount=Decimal("12345.67")
    )
    ExpenditureFactory(
        grant=coaching,
        category="travel",
        amount=Decimal("100.10"),
        description=FORMULA,
        receipt_reference="+49-RK-1",
    )
    ExpenditureFactory(grant=case_management, amount=Decimal("0.10"), provider=other)
    ExpenditureFactory(grant=case_management, amount=Decimal("0.20"), category="other")
    GrantFactory(district=district, year=2025, notice_reference="VORJAHR")
    return coaching, case_management


@pytest.fixture
def client_of(client, coordinator):
    client.force_login(coordinator)
    return client


def _summary(coordinator, district):
    return selectors.year_summary(
        coordinator, district, 2026, today=timezone.localdate(), with_expenditures=True
    )


def _sheet_table(sheet, caption: str) -> tuple[list, list[list], list]:
    """(header, rows, footer) of the table under a caption of the sheet."""
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    start = next(i for i, r in enumerate(rows) if r[0] == caption)
    header = rows[start + 1]
    body = []
    for row in rows[start + 2 :]:
        if row[0] is None:
            break
        body.append(row)
    footer = body.pop() if body and body[-1][0] == "Summe" else None
    return header, body, footer


def _money(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def _xlsx(client_of, url):
    response = client_of.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "no-store" in response["Cache-Control"]
    return load_workbook(io.BytesIO(response.content)), response


def test_the_year_workbook_has_the_overviews_figures(client_of, coordinator, district, year):
    summary = _summary(coordinator, district)
    overview = client_of.get(reverse("funding:overview"), {"year": 2026}).content.decode()
    workbook, response = _xlsx(client_of, reverse("funding:year_report_xlsx") + "?year=2026")
    assert response["Content-Disposition"] == (
        f'attachment; filename="nachweis-entwurf-{district.ags}-2026.xlsx"'
    )
    sheet = workbook["Nachweis"]
    assert sheet["A1"].value == "Entwurf: Zwischen- bzw. Verwendungsnachweis"
    meta = {row[0]: row[1] for row in sheet.iter_rows(min_row=4, max_row=7, values_only=True)}
    assert meta["Kreis"] == district.name
    assert meta["Förderjahr"] == "2026"
    assert meta["Bewilligungsbehörde"] == "Bezirksregierung Arnsberg"

    header, rows, footer = _sheet_table(sheet, "Bewilligungen")
    assert header[3:6] == ["bewilligt", "Eigenanteil", "Mittel insgesamt"]
    assert len(rows) == len(summary.grants) == 2
    for row, f in zip(rows, summary.grants, strict=True):
        assert row[0] == f.grant.get_module_display()
        assert f.grant.notice_reference in row[1]
        numbers = [_money(v) for v in row[3:9]]
        assert numbers == [f.approved, f.own_share, f.funds, f.contracted, f.spent, f.remaining]
        assert Decimal(str(row[9])) * 100 == f.percent_spent
        for value in numbers:
            assert format_eur(value) in overview
        assert format_percent(f.percent_spent) in overview
    t = summary.totals
    assert [_money(v) for v in footer[3:9]] == [
        t.approved,
        t.own_share,
        t.funds,
        t.contracted,
        t.spent,
        t.remaining,
    ]
    assert t.spent == Decimal("12446.07")  # 12.345,67 + 100,10 + 0,10 + 0,20
    assert format_eur(t.spent) in overview

    _header, rows, footer = _sheet_table(sheet, "Ausgaben nach Ausgabenart")
    by_label = {row[0]: row for row in rows}
    assert _money(by_label["Reisekosten"][1]) == Decimal("100.00")
    assert _money(by_label["Reisekosten"][2]) == Decimal("100.10")
    assert _money(by_label["Reisekosten"][3]) == Decimal("-0.10")
    assert _money(footer[2]) == t.spent

    _header, rows, _footer = _sheet_table(sheet, "Nach Träger")
    assert [(r[0], _money(r[3]), _money(r[4])) for r in rows] == [
        ("Caritasverband für den Kreis e. V.", Decimal("33333.33"), Decimal("0.10")),
        ("asH Gütersloh gGmbH", Decimal("60000.00"), Decimal("12345.67")),
        ("ohne Träger (Ausgaben des Kreises)", Decimal("0.00"), Decimal("100.30")),
    ]
    warnings = [row[0] for row in sheet.iter_rows(values_only=True) if row[0]]
    assert any("Reisekosten" in text and "0,10 € mehr" in text for text in warnings)

    ledger = workbook["Belegliste"]
    _header, rows, footer = _sheet_table(ledger, "Belegliste")
    assert len(rows) == 4
    assert _money(footer[-1]) == t.spent
    assert "VORJAHR" not in str(list(sheet.values))


def test_the_workbook_runs_no_formulas(client_of, coordinator, district, year):
    workbook, _ = _xlsx(client_of, reverse("funding:year_report_xlsx") + "?year=2026")
    cells = [c for row in workbook["Belegliste"].iter_rows() for c in row if c.value]
    formula = next(c for c in cells if "HYPERLINK" in str(c.value))
    assert formula.value == "'" + FORMULA
    assert formula.data_type == "s"
    receipt = next(c for c in cells if "RK-1" in str(c.value))
    assert receipt.value == "'+49-RK-1"
    assert all(c.data_type != "f" for c in cells)


def test_the_grant_workbook_has_the_grant_pages_figures(client_of, coordinator, year):
    coaching, _ = year
    summary = selectors.grant_summary(coordinator, coaching, today=timezone.localdate())
    page = client_of.get(reverse("funding:grant_detail", args=[coaching.public_id]))
    workbook, _ = _xlsx(client_of, reverse("funding:grant_report_xlsx", args=[coaching.public_id]))
    sheet = workbook["Nachweis"]
    _header, rows, _ = _sheet_table(sheet, "Finanzierung")
    figures = {row[0]: row[1] for row in rows}
    f = summary.figures
    expected = {
        "Zuwendungsfähige Ausgaben": f.eligible,
        "Bewilligter Betrag (Zuwendung)": f.approved,
        "Eigenanteil": f.own_share,
        "Mittel insgesamt (Zuwendung und Eigenanteil)": f.funds,
        "Weitergeleitet (Weiterleitungsverträge)": f.contracted,
        "Ausgaben": f.spent,
        "Verbleibende Mittel": f.remaining,
    }
    for label, value in expected.items():
        assert _money(figures[label]) == value, label
        assert format_eur(value) in page.content.decode()
    assert Decimal(str(figures["Anteil verausgabt"])) * 100 == f.percent_spent
    meta = list(sheet.iter_rows(min_row=4, max_row=11, values_only=True))
    assert ("Bewilligungsbescheid", "Az. 36.2-DS-0815 vom 03.02.2026") in [r[:2] for r in meta]
    assert ("Bewilligungszeitraum", "01.01.2026 – 31.12.2026") in [r[:2] for r in meta]
    _header, rows, footer = _sheet_table(workbook["Belegliste"], "Belegliste")
    assert len(rows) == 2 and _money(footer[-1]) == f.spent


def _pdf_text(client_of, url) -> tuple[str, PdfReader]:
    response = client_of.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages), reader


def test_the_year_pdf_has_the_overviews_figures(client_of, coordinator, district, year):
    summary = _summary(coordinator, district)
    text, reader = _pdf_text(client_of, reverse("funding:year_report_pdf") + "?year=2026")
    pages = len(reader.pages)
    for number in range(1, pages + 1):
        assert f"Seite {number} von {pages}" in text
    assert reader.metadata.title == "Entwurf: Zwischen- bzw. Verwendungsnachweis"
    assert reader.pages[0].mediabox.width > reader.pages[0].mediabox.height  # A4 landscape
    assert round(float(reader.pages[0].mediabox.width)) == 842
    for snippet in (
        "Entwurf: Zwischen- bzw. Verwendungsnachweis",
        district.name,
        "Bezirksregierung Arnsberg",
        "Az. 36.2-DS-0815",
        "03.02.2026",  # narrow cells may wrap a notice across lines
        "01.01.2026 –",
        "Erstellt am",
        "Belegliste",
    ):
        assert snippet in text, snippet
    for f in [*summary.grants, summary.totals]:
        for value in (f.approved, f.own_share, f.funds, f.contracted, f.spent, f.remaining):
            assert format_eur(value) in text, value
        assert format_percent(f.percent_spent) in text
    assert "VORJAHR" not in text


def test_the_grant_pdf_has_the_grant_pages_figures(client_of, coordinator, year):
    coaching, _ = year
    f = selectors.grant_summary(coordinator, coaching, today=timezone.localdate()).figures
    text, _ = _pdf_text(client_of, reverse("funding:grant_report_pdf", args=[coaching.public_id]))
    for value in (f.eligible, f.approved, f.own_share, f.funds, f.contracted, f.spent):
        assert format_eur(value) in text
    assert "1 – Coaching" in text and "Seite 1 von" in text
    assert "36.2-TM-0042" not in text


def test_every_export_is_logged(client_of, coordinator, district, year):
    coaching, _ = year
    client_of.get(reverse("funding:year_report_pdf") + "?year=2026")
    client_of.get(reverse("funding:grant_report_xlsx", args=[coaching.public_id]))
    entries = list(AuditEntry.objects.filter(action="funding.report.exported").order_by("sequence"))
    assert [(e.data, e.district_id, e.actor_id) for e in entries] == [
        ({"format": "pdf", "scope": "year", "year": 2026}, district.pk, coordinator.pk),
        ({"format": "xlsx", "scope": "grant", "year": 2026}, district.pk, coordinator.pk),
    ]
    assert entries[1].object_id == str(coaching.public_id)
    assert entries[0].actor_role == "coordinator"


def test_an_empty_year_still_gives_a_report(client_of):
    workbook, _ = _xlsx(client_of, reverse("funding:year_report_xlsx") + "?year=2030")
    assert workbook["Nachweis"]["A1"].value.startswith("Entwurf")
    text, reader = _pdf_text(client_of, reverse("funding:year_report_pdf") + "?year=2030")
    assert "keine Einträge" in text and f"Seite 1 von {len(reader.pages)}" in text
