"""`durchstarten report kpi|quarterly`: every format, every mistake, and the audit entry."""

import datetime as dt
import io
import json
import os
import subprocess
import sys

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from durchstarten.core.models import AuditEntry
from durchstarten.reporting.kpi import kpi_report
from durchstarten.reporting.quarterly import quarterly_report
from tests.factories import (
    DistrictFactory,
    MunicipalityFactory,
    ParticipantFactory,
    ResidenceStatusFactory,
)
from tests.reporting.factories import enroll, reach
from tests.reporting.test_exports import kpi_from_xlsx, quarterly_from_xlsx, without

pytestmark = pytest.mark.django_db

KPI_KEYS = [
    "districts",
    "period",
    "contacted",
    "entered",
    "entry_rate",
    "placed",
    "placed_new_measures",
    "placed_regular_offers",
    "placed_both",
    "placement_rate",
    "by_module",
    "specialist_referrals",
    "outcomes",
    "exits",
    "targets",
    "target_groups",
    "breakdowns",
    "caseload",
]
QUARTERLY_KEYS = ["districts", "year", "quarters", "municipalities"]
PERIOD = ["--from", "2025-01-01", "--to", "2025-12-31"]


@pytest.fixture
def district():
    district = DistrictFactory(name="Kreis Gütersloh", ags="05754000")
    municipality = MunicipalityFactory(district=district, name="Gütersloh", ags="05754008")
    person = ParticipantFactory(district=district, municipality=municipality)
    ResidenceStatusFactory(participant=person)
    reach(person, dt.date(2025, 2, 1))
    enroll(person, dt.date(2025, 2, 10))
    return district


@pytest.fixture
def other_district():
    return DistrictFactory(name="Kreis Herford", ags="05758000")


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("report", *args, stdout=out)
    return out.getvalue()


def run_binary(*args: str) -> bytes:
    """The command with a stdout that has bytes underneath, as a pipe has."""
    raw = io.BytesIO()
    out = io.TextIOWrapper(raw, encoding="utf-8")
    call_command("report", *args, stdout=out)
    out.flush()
    return raw.getvalue()


def test_it_prints_the_kpi_report_as_json(district):
    output = run("kpi", "--district", "05754000", *PERIOD)
    report = json.loads(output)
    assert list(report) == KPI_KEYS
    assert report["districts"] == ["05754000"]
    assert report["period"] == {"from": "2025-01-01", "to": "2025-12-31"}
    assert report["contacted"] == 1 and report["entered"] == 1
    assert report == kpi_report(
        districts=[district], start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31)
    )
    # Readable German, indented.
    assert "\n  " in output


def test_it_keeps_german_text_unescaped_in_json(district):
    output = run("quarterly", "--district", "05754000", "--year", "2025")
    assert "Gütersloh" in output
    assert "\\u00fc" not in output


def test_it_prints_the_quarterly_report_as_json(district):
    report = json.loads(run("quarterly", "--district", "05754000", "--year", "2025"))
    assert list(report) == QUARTERLY_KEYS
    assert report == quarterly_report(districts=[district], year=2025)
    assert [quarter["quarter"] for quarter in report["quarters"]] == [1, 2, 3, 4]


def test_it_writes_json_to_a_file(district, tmp_path):
    target = tmp_path / "kennzahlen.json"
    message = run("kpi", "--district", "05754000", *PERIOD, "--output", str(target))
    assert list(json.loads(target.read_text(encoding="utf-8"))) == KPI_KEYS
    assert "Kennzahlenbericht gespeichert" in message


def test_it_writes_the_kpi_report_as_xlsx(district, tmp_path):
    target = tmp_path / "kennzahlen.xlsx"
    run("kpi", "--district", "05754000", *PERIOD, "--format", "xlsx", "--output", str(target))
    report = kpi_report(districts=[district], start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))
    assert kpi_from_xlsx(target.read_bytes()) == without(report, "districts", "period")
    workbook = openpyxl.load_workbook(target)
    assert workbook["Kennzahlen"]["A2"].value.endswith("Kreis Gütersloh (AGS 05754000)")


def test_it_writes_the_kpi_report_as_pdf(district, tmp_path):
    target = tmp_path / "kennzahlen.pdf"
    run("kpi", "--district", "05754000", *PERIOD, "--format", "pdf", "--output", str(target))
    text = " ".join(PdfReader(target).pages[0].extract_text().split())
    assert "Kennzahlenbericht" in text
    assert "Kreis Gütersloh (AGS 05754000)" in text
    assert "01.01.2025 bis 31.12.2025" in text


def test_it_writes_the_quarterly_report_as_xlsx_and_pdf(district, tmp_path):
    report = quarterly_report(districts=[district], year=2025)
    xlsx = tmp_path / "q.xlsx"
    pdf = tmp_path / "q.pdf"
    base = ["quarterly", "--district", "05754000", "--year", "2025"]
    run(*base, "--format", "xlsx", "--output", str(xlsx))
    run(*base, "--format", "pdf", "--output", str(pdf))
    rebuilt = quarterly_from_xlsx(xlsx.read_bytes())
    assert rebuilt["quarters"] == [without(q, "quarter", "from", "to") for q in report["quarters"]]
    text = " ".join(PdfReader(pdf).pages[0].extract_text().split())
    assert "Quartalsmonitoring" in text and "Jahr 2025" in text


def test_it_writes_binary_formats_to_a_piped_stdout(district):
    xlsx = run_binary("kpi", "--district", "05754000", *PERIOD, "--format", "xlsx")
    assert xlsx.startswith(b"PK")
    openpyxl.load_workbook(io.BytesIO(xlsx))
    pdf = run_binary("quarterly", "--district", "05754000", "--year", "2025", "--format", "pdf")
    assert pdf.startswith(b"%PDF")


def test_it_reports_on_several_districts(district, other_district):
    report = json.loads(run("kpi", "--district", "05758000", "--district", "05754000", *PERIOD))
    assert report["districts"] == ["05754000", "05758000"]
    entry = AuditEntry.objects.get(action="report.kpi.exported")
    assert entry.district_id is None
    assert entry.data["districts"] == ["05754000", "05758000"]


def test_it_logs_each_export_without_personal_data(district):
    run("kpi", "--district", "05754000", *PERIOD)
    run_binary("quarterly", "--district", "05754000", "--year", "2025", "--format", "xlsx")
    kpi, quarterly = AuditEntry.objects.order_by("sequence")
    assert kpi.action == "report.kpi.exported"
    assert kpi.actor_id is None
    assert kpi.district_id == district.pk
    assert kpi.data == {
        "format": "json",
        "districts": ["05754000"],
        "from": "2025-01-01",
        "to": "2025-12-31",
    }
    assert quarterly.action == "report.quarterly.exported"
    assert quarterly.data == {"format": "xlsx", "districts": ["05754000"], "year": 2025}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "Bitte geben Sie den Bericht an"),
        (["monthly", "--district", "05754000"], "Unbekannter Bericht „monthly“"),
        (["kpi", *PERIOD], "mindestens einen Kreis mit --district"),
        (["kpi", "--district", "99999999", *PERIOD], "Unbekannter AGS: 99999999"),
        (["kpi", "--district", "05754000", "--district", "0575", *PERIOD], "Unbekannter AGS: 0575"),
        (["kpi", "--district", "05754000"], "braucht --from und --to"),
        (["kpi", "--district", "05754000", "--from", "2025-01-01"], "braucht --from und --to"),
        (
            ["kpi", "--district", "05754000", "--from", "31.12.2025", "--to", "2025-12-31"],
            "Ungültiges Datum bei --from: „31.12.2025“",
        ),
        (
            ["kpi", "--district", "05754000", "--from", "2025-01-01", "--to", "2025-02-30"],
            "Ungültiges Datum bei --to",
        ),
        (
            ["kpi", "--district", "05754000", "--from", "2025-12-31", "--to", "2025-01-01"],
            "Der Beginn (31.12.2025) liegt nach dem Ende (01.01.2025)",
        ),
        (["kpi", "--district", "05754000", "--year", "2025"], "--year gilt nur"),
        (["quarterly", "--district", "05754000"], "braucht --year"),
        (["quarterly", "--district", "05754000", "--year", "25"], "Ungültiges Jahr „25“"),
        (["quarterly", "--district", "05754000", "--year", "zwei"], "Ungültiges Jahr"),
        (["quarterly", "--district", "05754000", "--year", "2025", *PERIOD], "gelten nur"),
        (["quarterly", "--year", "2025"], "mindestens einen Kreis"),
        (["kpi", "--district", "05754000", *PERIOD, "--format", "csv"], "Unbekanntes Format"),
        (
            ["kpi", "--district", "05754000", *PERIOD, "--format", "xlsx"],
            "Geben Sie --output DATEI an",
        ),
    ],
)
def test_it_refuses_wrong_arguments_with_a_german_message(district, args, message):
    with pytest.raises(CommandError) as error:
        run(*args)
    assert message in str(error.value)
    assert not AuditEntry.objects.filter(action__startswith="report.").exists()


def test_it_says_when_the_output_cannot_be_written(district, tmp_path):
    target = tmp_path / "fehlt" / "bericht.pdf"
    with pytest.raises(CommandError, match="kann nicht geschrieben werden"):
        run("kpi", "--district", "05754000", *PERIOD, "--format", "pdf", "--output", str(target))


def test_it_exits_non_zero_with_the_message_on_stderr():
    """From the console: the German message on stderr and a failing exit code."""
    result = subprocess.run(  # noqa: S603 - our own command, fixed arguments
        [sys.executable, "-m", "durchstarten", "report", "kpi", "--format", "csv"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "Unbekanntes Format „csv“" in result.stderr
    assert result.stdout == ""
