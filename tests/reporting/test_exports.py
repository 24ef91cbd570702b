"""XLSX and PDF exports of the KPI report and the quarterly monitoring agree with the JSON.

The spreadsheet is read back with openpyxl and turned into the JSON again (every number); the
PDF's text is extracted with pypdf and must hold every label and number as formatted, in order.
"""

import copy
import datetime as dt
import io
import re
from decimal import ROUND_HALF_UP, Decimal

import openpyxl
import pytest
from django_countries import countries
from pypdf import PdfReader

from durchstarten.cases.choices import ExitReason, Gender, ResidenceStatusKind
from durchstarten.offers.choices import OfferKind, OutcomeKind
from durchstarten.organisation.models import Module
from durchstarten.reporting import definitions, quarterly
from durchstarten.reporting.exports import kpi_pdf, kpi_xlsx, quarterly_pdf, quarterly_xlsx
from durchstarten.reporting.exports.common import german_number, german_percent
from durchstarten.reporting.exports.pdf import printable
from durchstarten.reporting.kpi import kpi_report
from durchstarten.reporting.models import Target
from durchstarten.reporting.quarterly import quarterly_report
from tests.factories import (
    DistrictFactory,
    MunicipalityFactory,
    OfferFactory,
    ParticipantFactory,
    PositionFactory,
    ProviderAssignmentFactory,
    ProviderFactory,
    ResidenceStatusFactory,
)
from tests.reporting.factories import enroll, initiative_offer, place, reach

CREATED = dt.date(2026, 3, 15)
NAMES = {"05754000": "Kreis Gütersloh"}
KPI_TITLE = "Durchstarten in Ausbildung und Arbeit – Kennzahlenbericht"
QUARTERLY_TITLE = "Durchstarten in Ausbildung und Arbeit – Quartalsmonitoring"
MET = {"erreicht": True, "nicht erreicht": False, "nicht bestimmbar": None}
WITHIN = {"eingehalten": True, "nicht eingehalten": False, "nicht bestimmbar": None}

KPI_SAMPLE = {
    "districts": ["05754000"],
    "period": {"from": "2025-01-01", "to": "2025-12-31"},
    "contacted": 124,
    "entered": 88,
    "entry_rate": 0.7097,
    "placed": 59,
    "placed_new_measures": 47,
    "placed_regular_offers": 20,
    "placed_both": 8,
    "placement_rate": 0.6705,
    "by_module": {"1": 30, "2": 10, "3": 0, "4": 0, "5": 12, "6": 88},
    "specialist_referrals": 14,
    "outcomes": {
        "training_dual": 5,
        "training_school": 1,
        "employment_insured": 7,
        "employment_marginal": 2,
        "entry_qualification": 3,
        "internship": 9,
        "school_certificate": 4,
        "language_exam": 11,
    },
    "exits": {
        "training": 4,
        "employment": 6,
        "qualification": 1,
        "moved_away": 2,
        "left_germany": 1,
        "status_change": 3,
        "unreachable": 2,
        "age_limit": 1,
        "other": 0,
    },
    "targets": {
        "entry_rate": {"target": 0.3, "actual": 0.7097, "met": True},
        "placement_rate": {"target": 0.75, "actual": 0.6705, "met": False},
        "contacted": {"target": 1500, "actual": 124, "met": False},
    },
    "target_groups": {"primary": 60, "secondary": 25, "other": 3},
    "breakdowns": {
        "gender": {"female": 20, "male": 66, "diverse": 0, "not_stated": 2},
        "age_band": {"18-20": 30, "21-24": 40, "25-27": 15, "other": 3},
        "status": {
            "duldung": 50,
            "duldung_training": 5,
            "duldung_employment": 2,
            "gestattung": 25,
            "residence_permit": 3,
            "other": 2,
            "none": 1,
        },
        "nationality": {"GN": 30, "TR": 22, "SY": 20, "AF": 15, "none": 1},
    },
    "caseload": {
        "active": 1143,
        "case_manager_fte": 11.75,
        "per_fte": 97.3,
        "ratio": 100,
        "within_ratio": True,
    },
}


def _quarter(number: int, first: str, last: str) -> dict:
    return {
        "quarter": number,
        "from": first,
        "to": last,
        "contacted": 40 + number,
        "entries": 25 + number,
        "exits": 3 * number,
        "cumulative_entries": 25 * number,
        "entry_rate": 0.625 if number < 4 else None,
        "stock": 60 + number,
        "module_share": {"1": 0.5, "2": 0.0333, "3": 0.0, "4": 0.1, "5": 0.0167, "6": 1.0},
        "module_stock": {"1": 30, "2": 2, "3": 0, "4": 6, "5": 1, "6": 60 + number},
        "by_municipality": {
            "05754008": {"entries": 20, "exits": 2, "stock": 45 + number},
            "05754012": {"entries": 5 + number, "exits": 1, "stock": 15},
            "none": {"entries": 0, "exits": 3 * number - 3, "stock": 0},
        },
        "by_group": {
            "target_group": {
                "primary": {"entries": 18, "stock": 40},
                "secondary": {"entries": 6 + number, "stock": 17},
                "other": {"entries": 1, "stock": 3 + number},
            },
            "gender": {
                "female": {"entries": 5, "stock": 12},
                "male": {"entries": 20 + number, "stock": 47 + number},
                "diverse": {"entries": 0, "stock": 0},
                "not_stated": {"entries": 0, "stock": 1},
            },
            "age_band": {
                "18-20": {"entries": 9 + number, "stock": 20},
                "21-24": {"entries": 12, "stock": 30 + number},
                "25-27": {"entries": 4, "stock": 9},
                "other": {"entries": 0, "stock": 1},
            },
        },
    }


QUARTERLY_SAMPLE = {
    "districts": ["05754000"],
    "year": 2025,
    "quarters": [
        _quarter(1, "2025-01-01", "2025-03-31"),
        _quarter(2, "2025-04-01", "2025-06-30"),
        _quarter(3, "2025-07-01", "2025-09-30"),
        _quarter(4, "2025-10-01", "2025-12-31"),
    ],
    "municipalities": [
        {
            "ags": "05754008",
            "name": "Gütersloh",
            "district": "05754000",
            "modules": {
                "1": "Caritasverband für den Kreis Gütersloh e. V.",
                "2": None,
                "3": None,
                "4": "VHS Reckenberg-Ems",
                "5": None,
                "6": "Kreis Gütersloh",
            },
        },
        {
            "ags": "05754012",
            "name": "Harsewinkel",
            "district": "05754000",
            "modules": {"1": None, "2": None, "3": None, "4": None, "5": None, "6": None},
        },
    ],
}


# --- Reading the files back ------------------------------------------------------------------


def read_rows(data: bytes) -> dict[str, list[dict]]:
    """Per sheet, the rows of its list as {header: value}; the header row is the one ending in
    "Schlüssel"."""
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheets = {}
    for ws in workbook:
        rows = list(ws.iter_rows(values_only=True))
        header_index = next(i for i, row in enumerate(rows) if row[-1] == "Schlüssel")
        header = rows[header_index]
        sheets[ws.title] = [dict(zip(header, row, strict=True)) for row in rows[header_index + 1 :]]
    return sheets


def put(target: dict, path: list[str], value) -> None:
    for part in path[:-1]:
        target = target.setdefault(part, {})
    target[path[-1]] = value


def kpi_from_xlsx(data: bytes) -> dict:
    """The KPI JSON (without districts and period) rebuilt from the spreadsheet's cells."""
    sheets = read_rows(data)
    report: dict = {}
    for row in sheets["Kennzahlen"] + sheets["Aufschlüsselung"]:
        key = row["Schlüssel"]
        path = key.split(".")
        if len(path) == 1 and key in ("targets", "target_groups"):
            report.setdefault(key, {})  # the line that says there is nothing
        elif len(path) == 2 and path[0] == "breakdowns" and row.get("Personen") is None:
            put(report, path, {})
        elif path[0] == "targets":
            value = {"target": row["Zielwert"], "actual": row["Wert"], "met": MET[row["Bewertung"]]}
            put(report, path, value)
        elif key == "caseload.within_ratio":
            put(report, path, WITHIN[row["Wert"]])
        else:
            put(report, path, row["Wert"] if "Wert" in row else row["Personen"])
    return report


def quarterly_from_xlsx(data: bytes) -> dict:
    """The quarterly JSON rebuilt from the spreadsheet: quarters without their dates, and each
    municipality's providers by AGS."""
    sheets = read_rows(data)
    columns = ["1. Quartal", "2. Quartal", "3. Quartal", "4. Quartal"]
    quarters: list[dict] = [{} for _column in columns]
    for sheet in ("Quartale", "Kommunen", "Teilnehmendengruppen"):
        for row in sheets[sheet]:
            for quarter, column in zip(quarters, columns, strict=True):
                put(quarter, row["Schlüssel"].split("."), row[column])
    providers: dict = {}
    for row in sheets["Umsetzungsstand"]:
        _municipalities, ags, _modules, module = row["Schlüssel"].split(".")
        providers.setdefault(ags, {})[module] = row["zuständiger Träger"]
    return {"quarters": quarters, "providers": providers}


def header_lines(data: bytes) -> dict[str, list[str]]:
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    return {ws.title: [ws.cell(row=r, column=1).value for r in range(1, 5)] for ws in workbook}


def pdf_text(data: bytes) -> str:
    """All pages' text with whitespace collapsed, so that wrapped cells read as one."""
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def assert_in_order(text: str, items: list[str]) -> None:
    """Each item occurs in the text after the previous one."""
    position = 0
    for item in items:
        found = text.find(item, position)
        assert found >= 0, f"{item!r} not found after …{text[max(0, position - 80) : position]!r}"
        position = found + len(item)


def count(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def percent(value: float | None) -> str:
    if value is None:
        return "–"
    shown = (Decimal(str(value)) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{shown} %".replace(".", ",")


def without(report: dict, *keys: str) -> dict:
    return {key: value for key, value in report.items() if key not in keys}


# --- Formatting ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.7097, "71,0 %"),
        (0.6705, "67,1 %"),
        (0.0333, "3,3 %"),
        (0.0005, "0,1 %"),
        (1.0, "100,0 %"),
        (0.0, "0,0 %"),
        (None, "–"),
    ],
)
def test_it_shows_rates_as_german_percentages_with_one_decimal(value, text):
    assert german_percent(value) == text


def test_it_writes_german_numbers():
    assert german_number(1234567) == "1.234.567"
    assert german_number(11.75, 2) == "11,75"
    assert german_number(97.25, 1) == "97,3"
    assert german_number(0) == "0"


def test_it_keeps_what_the_standard_fonts_can_draw_and_replaces_the_rest():
    assert printable("Gütersloh – Straße „x“ 5 € ≥ 30 %") == "Gütersloh – Straße „x“ 5 € ≥ 30 %"
    assert printable("Şanlıurfa Łódź") == "Sanliurfa Lódz"
    assert printable("مركز") == "????"


# --- KPI: spreadsheet ------------------------------------------------------------------------


def test_it_writes_every_number_of_the_kpi_report_into_the_spreadsheet():
    data = kpi_xlsx(KPI_SAMPLE, district_names=NAMES, created_on=CREATED)
    assert kpi_from_xlsx(data) == without(KPI_SAMPLE, "districts", "period")


def test_it_writes_the_kpi_document_header_on_every_sheet():
    data = kpi_xlsx(KPI_SAMPLE, district_names=NAMES, created_on=CREATED)
    expected = [
        KPI_TITLE,
        "Kreis / kreisfreie Stadt: Kreis Gütersloh (AGS 05754000)",
        "Berichtszeitraum: 01.01.2025 bis 31.12.2025",
        "Erstellt am: 15.03.2026",
    ]
    headers = header_lines(data)
    assert list(headers) == ["Kennzahlen", "Aufschlüsselung", "Definitionen"]
    assert all(lines == expected for lines in headers.values())


def test_it_formats_the_kpi_spreadsheet_like_a_document():
    data = kpi_xlsx(KPI_SAMPLE, district_names=NAMES, created_on=CREATED)
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    assert workbook.properties.title == KPI_TITLE
    assert workbook.properties.creator == "Durchstarten"
    ws = workbook["Kennzahlen"]
    assert ws.freeze_panes == "A7"
    assert [cell.value for cell in ws[6]] == [
        "Bereich",
        "Kennzahl",
        "Wert",
        "Zielwert",
        "Bewertung",
        "Schlüssel",
    ]
    assert all(cell.font.bold for cell in ws[6])
    assert ws["A1"].font.bold
    assert ws.column_dimensions["B"].width >= 40
    rows = {row[5].value: row for row in ws.iter_rows(min_row=7)}
    rate = rows["entry_rate"][2]
    assert rate.value == 0.7097
    assert rate.number_format == "0.0 %"
    assert rows["contacted"][2].number_format == "#,##0"
    assert rows["caseload.case_manager_fte"][2].number_format == "#,##0.00"
    assert rows["caseload.ratio"][2].number_format == '"1:"0'
    assert rows["targets.placement_rate"][3].value == 0.75
    assert rows["targets.placement_rate"][4].value == "nicht erreicht"
    assert rows["by_module.1"][1].value == "1 – Coaching"
    assert rows["outcomes.entry_qualification"][1].value == "Einstiegsqualifizierung (EQ)"
    assert rows["exits.left_germany"][1].value == "ausgereist / abgeschoben"
    definitions_sheet = workbook["Definitionen"]
    keys = [row[2].value for row in definitions_sheet.iter_rows(min_row=7)]
    assert keys == [key for key, _label, _text in definitions.DEFINITIONS]


def test_it_writes_values_never_formulas():
    data = kpi_xlsx(KPI_SAMPLE, district_names={"05754000": "=1+2 Kreis"}, created_on=CREATED)
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    cells = [cell for ws in workbook for row in ws.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    assert workbook["Kennzahlen"]["A2"].value.startswith("Kreis / kreisfreie Stadt: =1+2")
    assert workbook["Kennzahlen"]["A2"].data_type == "s"


def test_it_keeps_missing_rates_and_targets_missing():
    report = copy.deepcopy(KPI_SAMPLE)
    report.update(contacted=0, entered=0, entry_rate=None, placed=0, placement_rate=None)
    report["targets"] = {"entry_rate": {"target": 0.3, "actual": None, "met": None}}
    report["caseload"].update(case_manager_fte=0.0, per_fte=None, within_ratio=None)
    report["breakdowns"]["nationality"] = {}
    data = kpi_xlsx(report, district_names=NAMES, created_on=CREATED)
    assert kpi_from_xlsx(data) == without(report, "districts", "period")
    text = pdf_text(kpi_pdf(report, district_names=NAMES, created_on=CREATED))
    assert_in_order(text, ["Eintrittsquote", "–", "Vermittlungsquote", "–"])
    assert_in_order(text, ["Eintrittsquote", "–", "30,0 %", "nicht bestimmbar"])
    assert_in_order(text, ["Personen je Vollzeitstelle", "–", "nicht bestimmbar"])
    assert "Keine Eintritte im Zeitraum." in text


def test_it_says_when_no_targets_are_set():
    report = {**KPI_SAMPLE, "targets": {}}
    data = kpi_xlsx(report, district_names=NAMES, created_on=CREATED)
    assert kpi_from_xlsx(data) == without(report, "districts", "period")
    text = pdf_text(kpi_pdf(report, district_names=NAMES, created_on=CREATED))
    assert "Für dieses Jahr sind keine Zielwerte festgelegt." in text


def test_it_names_several_districts():
    report = {**KPI_SAMPLE, "districts": ["05754000", "05758000"]}
    names = {"05754000": "Kreis Gütersloh", "05758000": "Kreis Herford"}
    data = kpi_xlsx(report, district_names=names, created_on=CREATED)
    assert header_lines(data)["Kennzahlen"][1] == (
        "Kreise / kreisfreie Städte: Kreis Gütersloh (AGS 05754000), Kreis Herford (AGS 05758000)"
    )
    text = pdf_text(kpi_pdf(report, district_names=names, created_on=CREATED))
    assert "Kreis Gütersloh (AGS 05754000), Kreis Herford (AGS 05758000)" in text


def test_it_shortens_the_running_header_for_many_districts():
    codes = [f"05{number:03d}000" for number in range(700, 760)]
    names = {code: f"Kreis Nummer {code[2:5]}" for code in codes}
    report = {**KPI_SAMPLE, "districts": codes}
    data = kpi_pdf(report, district_names=names, created_on=CREATED)
    reader = PdfReader(io.BytesIO(data))
    assert "Kreis Nummer 759 (AGS 05759000)" in pdf_text(data)
    later = " ".join(reader.pages[-1].extract_text().split())
    assert "60 Kreise / kreisfreie Städte · 01.01.2025 bis 31.12.2025" in later


def test_it_looks_the_district_names_up_in_one_query(db, django_assert_num_queries):
    district = DistrictFactory(name="Kreis Gütersloh", ags="05754000")
    report = {**KPI_SAMPLE, "districts": [district.ags]}
    with django_assert_num_queries(1):
        data = kpi_xlsx(report, created_on=CREATED)
    assert header_lines(data)["Kennzahlen"][1].endswith("Kreis Gütersloh (AGS 05754000)")
    with django_assert_num_queries(1):
        kpi_pdf(report, created_on=CREATED)
    with django_assert_num_queries(0):
        kpi_pdf(report, district_names=NAMES, created_on=CREATED)


# --- KPI: PDF -------------------------------------------------------------------------------


def test_it_prints_every_label_and_number_of_the_kpi_report():
    text = pdf_text(kpi_pdf(KPI_SAMPLE, district_names=NAMES, created_on=CREATED))
    assert_in_order(
        text,
        [
            KPI_TITLE,
            "Kreis Gütersloh (AGS 05754000)",
            "01.01.2025 bis 31.12.2025",
            "Erstellt am",
            "15.03.2026",
        ],
    )
    r = KPI_SAMPLE
    figures = []
    for key in [
        "contacted",
        "entered",
        "entry_rate",
        "placed",
        "placed_new_measures",
        "placed_regular_offers",
        "placed_both",
        "placement_rate",
        "specialist_referrals",
    ]:
        value = r[key]
        figures += [str(definitions.LABELS[key]), percent(value) if "rate" in key else count(value)]
    assert_in_order(text, figures)
    assert "71,0 %" in text and "67,1 %" in text
    modules = [
        item
        for key, value in r["by_module"].items()
        for item in (Module(int(key)).label, str(value))
    ]
    assert_in_order(text, [str(item) for item in modules])
    outcomes = [
        item
        for key, value in r["outcomes"].items()
        for item in (OutcomeKind(key).label, str(value))
    ]
    assert_in_order(text, ["Verbleib", *map(str, outcomes)])
    exits = [
        item for key, value in r["exits"].items() for item in (ExitReason(key).label, str(value))
    ]
    assert_in_order(text, ["Austritte", *map(str, exits)])
    assert_in_order(
        text,
        [
            "Zielwerte",
            "Eintrittsquote", "71,0 %", "30,0 %", "erreicht",
            "Vermittlungsquote", "67,1 %", "75,0 %", "nicht erreicht",
            "Erreichte Personen", "124", "1.500", "nicht erreicht",
        ],
    )  # fmt: skip
    assert_in_order(
        text,
        [
            "Betreuungsschlüssel",
            "Personen im Programm", "1.143",
            "Vollzeitstellen Teilhabemanagement", "11,75",
            "Personen je Vollzeitstelle", "97,3",
            "1:100",
            "eingehalten",
        ],
    )  # fmt: skip
    assert_in_order(
        text,
        ["primäre Zielgruppe", "60", "sekundäre Zielgruppe", "25", "sonstige", "3"],
    )
    genders = [
        item
        for key, value in r["breakdowns"]["gender"].items()
        for item in (Gender(key).label, str(value))
    ]
    assert_in_order(text, ["Geschlecht", *map(str, genders)])
    assert_in_order(
        text, ["18 bis 20 Jahre", "30", "21 bis 24 Jahre", "40", "25 bis 27 Jahre", "15"]
    )
    statuses = [
        item
        for key, value in r["breakdowns"]["status"].items()
        if key != "none"
        for item in (ResidenceStatusKind(key).label, str(value))
    ]
    assert_in_order(text, ["Aufenthaltsstatus", *map(str, statuses)])
    assert_in_order(text, ["Guinea (GN)", "30", "Türkei (TR)", "22", "Syrien (SY)", "20"])
    definitions_text = [str(label) for _key, label, _text in definitions.DEFINITIONS]
    assert_in_order(text, ["Definitionen", *definitions_text])
    explanation = " ".join(str(definitions.DEFINITIONS[0][2]).split())
    assert explanation in text


def test_it_makes_an_a4_pdf_with_page_numbers_and_metadata():
    report = copy.deepcopy(KPI_SAMPLE)
    # Enough nationalities to split their table across pages.
    codes = [country.code for country in countries][:90]
    report["breakdowns"]["nationality"] = dict.fromkeys(codes, 1)
    data = kpi_pdf(report, district_names=NAMES, created_on=CREATED)
    reader = PdfReader(io.BytesIO(data))
    total = len(reader.pages)
    assert total >= 3
    for number, page in enumerate(reader.pages, start=1):
        assert round(float(page.mediabox.width)) == 595
        assert round(float(page.mediabox.height)) == 842
        text = page.extract_text()
        assert f"Seite {number} von {total}" in text
        assert "Erstellt am 15.03.2026 mit Durchstarten" in text
    # The nationality table goes on over a page break, with its header repeated.
    pages = [
        page.extract_text()
        for page in reader.pages
        if any(f"({code})" in page.extract_text() for code in codes)
    ]
    assert len(pages) >= 2
    assert all("Ausprägung" in text and "Personen" in text for text in pages)
    assert reader.metadata.title == KPI_TITLE
    assert reader.metadata.author == "Durchstarten"


def test_it_escapes_and_transliterates_names_in_the_pdf():
    names = {"05754000": "Kreis <Gütersloh> & Şehir"}
    text = pdf_text(kpi_pdf(KPI_SAMPLE, district_names=names, created_on=CREATED))
    assert "Kreis <Gütersloh> & Sehir (AGS 05754000)" in text


# --- Quarterly monitoring ------------------------------------------------------------------


def test_it_writes_every_number_of_the_quarterly_report_into_the_spreadsheet():
    data = quarterly_xlsx(QUARTERLY_SAMPLE, district_names=NAMES, created_on=CREATED)
    rebuilt = quarterly_from_xlsx(data)
    expected = [without(q, "quarter", "from", "to") for q in QUARTERLY_SAMPLE["quarters"]]
    assert rebuilt["quarters"] == expected
    assert rebuilt["providers"] == {
        row["ags"]: row["modules"] for row in QUARTERLY_SAMPLE["municipalities"]
    }


def test_it_formats_the_quarterly_spreadsheet_like_a_document():
    data = quarterly_xlsx(QUARTERLY_SAMPLE, district_names=NAMES, created_on=CREATED)
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == [
        "Quartale",
        "Kommunen",
        "Teilnehmendengruppen",
        "Umsetzungsstand",
        "Definitionen",
    ]
    assert workbook.properties.title == QUARTERLY_TITLE
    assert workbook.properties.creator == "Durchstarten"
    for ws in workbook:
        assert ws["A1"].value == QUARTERLY_TITLE
        assert ws["A3"].value == "Berichtszeitraum: Jahr 2025 (01.01.2025 bis 31.12.2025)"
        assert ws.freeze_panes == "A7"
    shares = {row[-1].value: row for row in workbook["Quartale"].iter_rows(min_row=7)}
    assert shares["module_share.2"][2].value == 0.0333
    assert shares["module_share.2"][2].number_format == "0.0 %"
    keys = [row[2].value for row in workbook["Definitionen"].iter_rows(min_row=7)]
    assert keys == [key for key, _label, _text in quarterly.DEFINITIONS]


def test_it_prints_every_label_and_number_of_the_quarterly_report():
    text = pdf_text(quarterly_pdf(QUARTERLY_SAMPLE, district_names=NAMES, created_on=CREATED))
    assert_in_order(
        text,
        [QUARTERLY_TITLE, "Kreis Gütersloh (AGS 05754000)", "Jahr 2025", "15.03.2026"],
    )
    quarters = QUARTERLY_SAMPLE["quarters"]
    header = ["1. Quartal", "2. Quartal", "3. Quartal", "4. Quartal"]
    for key in ("contacted", "entries", "exits", "cumulative_entries", "entry_rate", "stock"):
        values = [percent(q[key]) if key == "entry_rate" else count(q[key]) for q in quarters]
        assert_in_order(text, [*header, str(quarterly.LABELS[key]), *values])
    for name in ("module_stock", "module_share"):
        items = [str(quarterly.LABELS[name]), *header]
        for module in Module:
            key = str(module.value)
            values = [q[name][key] for q in quarters]
            shown = [percent(v) for v in values] if name == "module_share" else map(count, values)
            items += [str(module.label), *shown]
        assert_in_order(text, items)
    items = []
    for ags, label in (
        ("05754008", "Gütersloh"),
        ("05754012", "Harsewinkel"),
        ("none", "ohne Angabe"),
    ):
        items.append(label)
        for key in ("entries", "exits", "stock"):
            items += [
                str(quarterly.LABELS[key]),
                *(count(q["by_municipality"][ags][key]) for q in quarters),
            ]
    assert_in_order(text, items)
    for dimension, labels in (
        ("target_group", ["primäre Zielgruppe", "sekundäre Zielgruppe", "sonstige"]),
        ("gender", [str(label) for label in Gender.labels]),
        ("age_band", ["18 bis 20 Jahre", "21 bis 24 Jahre", "25 bis 27 Jahre", "sonstige"]),
    ):
        items = [str(quarterly.LABELS[dimension])]
        for key, label in zip(quarters[0]["by_group"][dimension], labels, strict=True):
            items.append(label)
            for flow in ("entries", "stock"):
                values = (count(q["by_group"][dimension][key][flow]) for q in quarters)
                items += [str(quarterly.LABELS[flow]), *values]
        assert_in_order(text, items)
    assert_in_order(
        text,
        [
            "Umsetzungsstand",
            "Gütersloh (AGS 05754008)",
            "1 – Coaching", "Caritasverband für den Kreis Gütersloh e. V.",
            "2 – Qualifizierung und Sprachförderung im Beruf", "–",
            "4 – Vorbereitungskurse und Jugendintegrationskurse", "VHS Reckenberg-Ems",
            "6 – Teilhabemanagement", "Kreis Gütersloh",
            "Harsewinkel (AGS 05754012)",
        ],
    )  # fmt: skip
    definitions_text = [str(label) for _key, label, _text in quarterly.DEFINITIONS]
    assert_in_order(text, ["Definitionen", *definitions_text])
    assert re.search(r"Seite 1 von \d+", text)


def test_it_neutralises_provider_names_that_look_like_formulas():
    report = copy.deepcopy(QUARTERLY_SAMPLE)
    report["municipalities"][0]["modules"]["2"] = '=HYPERLINK("http://x","klick")'
    report["municipalities"][1]["name"] = "@SUM(A1)"
    data = quarterly_xlsx(report, district_names=NAMES, created_on=CREATED)
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    cells = [cell for ws in workbook for row in ws.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    values = {cell.value for cell in cells}
    assert '\'=HYPERLINK("http://x","klick")' in values
    assert "'@SUM(A1) (AGS 05754012)" in values


# --- Real districts --------------------------------------------------------------------------


@pytest.fixture
def small_district(db):
    """Kreis Gütersloh with three persons: two reached and entered, one placed twice (a measure
    and a regular offer), one exit; a target and a case manager's post."""
    district = DistrictFactory(name="Kreis Gütersloh", ags="05754000")
    guetersloh = MunicipalityFactory(district=district, name="Gütersloh", ags="05754008")
    MunicipalityFactory(district=district, name="Harsewinkel", ags="05754012")
    provider = ProviderFactory(district=district, name="Caritasverband Gütersloh e. V.")
    ProviderAssignmentFactory(
        provider=provider,
        module=Module.COACHING,
        valid_from=dt.date(2025, 1, 1),
        valid_until=None,
        municipalities=[guetersloh],
    )
    PositionFactory(district=district, fte=Decimal("1.50"), valid_from=dt.date(2025, 1, 1))
    Target.objects.create(district=district, year=2025, metric="entry_rate", value=Decimal("0.3"))
    measure = initiative_offer(district, 1, provider=provider)
    regular = OfferFactory(district=district, kind=OfferKind.REGULAR)
    people = []
    for index, (born, gender) in enumerate(
        [
            (dt.date(2003, 5, 1), Gender.FEMALE),
            (dt.date(2001, 2, 3), Gender.MALE),
            (dt.date(2005, 8, 9), Gender.MALE),
        ]
    ):
        person = ParticipantFactory(
            district=district,
            municipality=guetersloh,
            date_of_birth=born,
            gender=gender,
            nationality="SY",
        )
        ResidenceStatusFactory(
            participant=person, kind=ResidenceStatusKind.DULDUNG, valid_from=dt.date(2024, 1, 1)
        )
        reach(person, dt.date(2025, 2, 1 + index))
        people.append(person)
    enroll(people[0], dt.date(2025, 2, 10))
    enroll(people[1], dt.date(2025, 3, 1), dt.date(2025, 9, 30))
    place(people[0], measure, dt.date(2025, 4, 1))
    place(people[0], regular, dt.date(2025, 5, 1))
    return district


def test_it_exports_a_real_kpi_report_exactly(small_district):
    report = kpi_report(
        districts=[small_district], start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31)
    )
    assert report["contacted"] == 3 and report["entered"] == 2 and report["placed_both"] == 1
    data = kpi_xlsx(report)
    assert kpi_from_xlsx(data) == without(report, "districts", "period")
    text = pdf_text(kpi_pdf(report))
    assert_in_order(
        text,
        [
            KPI_TITLE,
            "Kreis Gütersloh (AGS 05754000)",
            "01.01.2025 bis 31.12.2025",
            "Erreichte Personen", "3",
            "Eintritte", "2",
            "Eintrittsquote", "66,7 %",
            "Vermittelte Personen", "1",
            "Vermittlungsquote", "50,0 %",
            "Zielwerte", "Eintrittsquote", "66,7 %", "30,0 %", "erreicht",
            "Vollzeitstellen Teilhabemanagement", "1,50",
            "Syrien (SY)", "2",
        ],
    )  # fmt: skip


def test_it_exports_a_real_quarterly_report_exactly(small_district):
    report = quarterly_report(districts=[small_district], year=2025)
    data = quarterly_xlsx(report)
    rebuilt = quarterly_from_xlsx(data)
    assert rebuilt["quarters"] == [without(q, "quarter", "from", "to") for q in report["quarters"]]
    assert rebuilt["providers"] == {row["ags"]: row["modules"] for row in report["municipalities"]}
    text = pdf_text(quarterly_pdf(report))
    assert_in_order(
        text,
        [
            QUARTERLY_TITLE,
            "Kreis Gütersloh (AGS 05754000)",
            "Gütersloh (AGS 05754008)",
            "1 – Coaching",
            "Caritasverband Gütersloh e. V.",
            "6 – Teilhabemanagement",
            "Kreis Gütersloh",
        ],
    )
    first = report["quarters"][0]
    assert_in_order(text, ["Eintritte", *(count(q["entries"]) for q in report["quarters"])])
    assert first["entries"] == 2
