"""The Art. 15 report: everything stored, the access history, as JSON and as PDF."""

import io
import json

from django.urls import reverse
from pypdf import PdfReader

from durchstarten.core.audit import log_action
from durchstarten.core.models import AuditEntry
from durchstarten.privacy.access_report import access_report
from durchstarten.privacy.pdf import access_report_pdf
from tests.privacy.conftest import marked


def test_it_reports_everything_stored_with_the_access_history(exited, coordinator, case_manager):
    log_action("cases.participant.viewed", actor=case_manager, obj=exited, role="case_manager")
    report = access_report(coordinator, exited)
    text = json.dumps(report, ensure_ascii=False)
    for tag in ("vorname1", "adresse", "notiz", "bedarf", "ziel", "schritt", "vermittlung"):
        assert marked(tag) in text
    assert report["participant"] == str(exited.public_id)
    (viewed,) = [e for e in report["access_history"] if e["action"] == "angesehen"]
    assert viewed["role"] == "Teilhabemanagement"
    assert viewed["organisation"] == exited.district.name
    # Staff are named by role and organisation, not by name.
    assert case_manager.last_name not in json.dumps(report["access_history"])


def test_the_pdf_holds_every_section(exited, coordinator):
    report = access_report(coordinator, exited)
    reader = PdfReader(io.BytesIO(access_report_pdf(report)))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Auskunft nach Art. 15 DSGVO" in text
    for section in report["sections"]:
        assert section["title"] in text, section["title"]
    assert "Zugriffe auf die Daten" in text
    assert marked("notiz") in text


def test_coordinators_download_it_and_the_download_is_logged(client, exited, coordinator):
    client.force_login(coordinator)
    url = reverse("privacy:access_report", kwargs={"public_id": exited.public_id})
    response = client.get(url, {"format": "json"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert json.loads(response.content)["participant"] == str(exited.public_id)
    response = client.get(url, {"format": "pdf"})
    assert response.content.startswith(b"%PDF")
    assert client.get(url, {"format": "xlsx"}).status_code == 404
    logged = AuditEntry.objects.filter(action="privacy.access_report.exported")
    assert sorted(e["format"] for e in logged.values_list("data", flat=True)) == ["json", "pdf"]
