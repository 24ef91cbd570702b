import datetime as dt
import io

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import model_to_dict
from openpyxl import load_workbook

from durchstarten.cases.choices import ResidenceStatusKind, Stage
from durchstarten.cases.models import Consent, Outreach, Participant, ResidenceStatus
from durchstarten.cases.services import participants as participant_services
from durchstarten.core.models import AuditEntry
from durchstarten.imports import services
from durchstarten.imports.models import BatchStatus, ColumnMapping, Decision, RowStatus
from durchstarten.imports.workbook import ERROR_HEADER, rejected_xlsx
from durchstarten.offers.models import Offer
from tests.factories import ParticipantFactory
from tests.imports.conftest import check

MESSY = "teilnehmende_unordentlich.xlsx"


def table_contents() -> dict:
    """Every row of every case and offer table (the audit log is append-only: left out)."""
    out = {}
    for model in apps.get_models():
        if model._meta.app_label in {"cases", "offers", "organisation"}:
            out[model._meta.label] = sorted(
                repr(sorted(model_to_dict(obj).items(), key=str)) for obj in model.objects.all()
            )
    return out


def run(batch, actor, *, skip_invalid=False):
    services.import_batch_confirm(actor=actor, batch=batch, skip_invalid=skip_invalid)
    batch.refresh_from_db()
    return batch


def test_it_checks_without_writing_and_reports_errors_by_row_and_column(place):
    batch = check(place, MESSY)
    assert batch.status == BatchStatus.READY
    assert Participant.objects.count() == 0
    invalid = batch.rows.get(status=RowStatus.INVALID)
    assert invalid.number == 11
    assert invalid.errors == [
        {"column": "Wohnort", "message": "Die Kommune „Bielefeld“ gibt es im Kreis nicht."}
    ]
    assert (batch.total_rows, batch.invalid_rows, batch.duplicate_rows) == (6, 1, 1)


def test_it_reports_the_services_rules_as_row_errors(place):
    content = (
        b"Vorname;Nachname;Geburtsdatum;Eintritt;TM\n"
        b"Amir;Haddad;01.01.2099;;\n"
        b"Ruth;Tekle;01.01.2000;02.02.2025;tm.schmidt\n"
    )
    batch = check(place, "fehler.csv", content=content)
    errors = {row.number: row.errors for row in batch.rows.all()}
    assert errors[2] == [
        {"column": "Geburtsdatum", "message": "Das Geburtsdatum darf nicht in der Zukunft liegen."}
    ]
    assert errors[3][0]["column"] == "Eintritt"
    assert "Wohnort (Kommune)" in errors[3][0]["message"]


def test_it_writes_nothing_when_one_row_is_invalid(place):
    batch = check(place, MESSY)
    before = table_contents()
    with pytest.raises(ValidationError) as raised:
        run(batch, place.coordinator)
    assert "1 Zeilen sind fehlerhaft" in raised.value.messages[0]
    assert table_contents() == before


def test_it_imports_valid_rows_and_returns_the_rejected_ones(place):
    batch = run(check(place, MESSY), place.coordinator, skip_invalid=True)
    assert batch.status == BatchStatus.DONE
    # Row 10 is a suspected duplicate of row 5: skipped unless the user decides otherwise.
    assert (batch.imported_rows, batch.skipped_rows, batch.rejected_rows) == (4, 1, 1)
    mohammed = Participant.objects.get(family_name="Al-Hassan")
    assert mohammed.date_of_birth == dt.date(2003, 1, 1)
    assert mohammed.stage == Stage.ACTIVE
    assert mohammed.case_manager == place.case_manager
    assert mohammed.coaching_provider == place.provider
    assert mohammed.municipality.name == "Harsewinkel"
    assert ResidenceStatus.objects.get(participant=mohammed).valid_until == dt.date(2026, 9, 30)
    assert Consent.objects.filter(participant=mohammed).count() == 1
    assert Outreach.objects.get(participant=mohammed).result == "entered"
    yonas = Participant.objects.get(family_name="Tesfay")
    assert (yonas.given_names, yonas.gender, str(yonas.nationality)) == ("Yonas", "male", "ER")
    assert yonas.residence_statuses.get().kind == ResidenceStatusKind.GESTATTUNG
    sheet = load_workbook(io.BytesIO(rejected_xlsx(batch, batch.rows.all()))).active
    rows = list(sheet.values)
    assert rows[0][-1] == ERROR_HEADER
    assert len(rows) == 2
    assert rows[1][0] == "Nazari"
    assert rows[1][-1] == "Wohnort: Die Kommune „Bielefeld“ gibt es im Kreis nicht."


def test_it_neutralises_formulas_in_the_rejected_rows(place):
    content = b'Vorname;Nachname;Geburtsdatum\n=HYPERLINK("x");Test;kein Datum\nLina;Test;\n'
    batch = run(check(place, "formel.csv", content=content), place.coordinator, skip_invalid=True)
    sheet = load_workbook(io.BytesIO(rejected_xlsx(batch, batch.rows.all()))).active
    assert list(sheet.values)[1][0] == '\'=HYPERLINK("x")'


def test_it_suggests_existing_records_as_duplicates_and_merges_only_when_asked(place):
    existing = ParticipantFactory(
        district=place.district,
        given_names="Yonas",
        family_name="Tesfaye",
        date_of_birth=dt.date(2001, 7, 14),
    )
    participant_services._store_name_keys(existing)
    batch = check(place, MESSY)
    row = batch.rows.get(number=6)
    assert row.duplicates[0]["participant"] == str(existing.public_id)
    assert row.duplicates[0]["reasons"]
    assert row.decision == Decision.SKIP
    services.import_row_decide(
        actor=place.coordinator,
        batch=batch,
        row=row,
        decision=Decision.MERGE,
        target=str(existing.public_id),
    )
    batch = run(batch, place.coordinator, skip_invalid=True)
    assert batch.merged_rows == 1
    existing.refresh_from_db()
    assert existing.residence_statuses.get().kind == ResidenceStatusKind.GESTATTUNG
    assert not Participant.objects.filter(family_name="Tesfay").exists()
    with pytest.raises(ValidationError) as raised:
        services.import_batch_undo(actor=place.coordinator, batch=batch)
    assert "Zeile 6 wurde mit einem anderen Datensatz zusammengeführt" in raised.value.messages[0]


def test_it_refuses_a_merge_target_that_is_no_candidate(place):
    batch = check(place, MESSY)
    row = batch.rows.get(number=5)
    with pytest.raises(ValidationError):
        services.import_row_decide(
            actor=place.coordinator, batch=batch, row=row, decision="merge", target="row:9"
        )


def test_it_undoes_an_import_exactly(place):
    ParticipantFactory(district=place.district, given_names="Bestand", family_name="Alt")
    before = table_contents()
    batch = run(check(place, MESSY), place.coordinator, skip_invalid=True)
    assert table_contents() != before
    services.import_batch_undo(actor=place.coordinator, batch=batch)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.UNDONE
    assert table_contents() == before
    entry = AuditEntry.objects.filter(action="imports.batch.undone").get()
    assert entry.data == {"kind": "participants", "deleted": 4}
    assert entry.object_id == str(batch.public_id)


def test_it_refuses_the_undo_after_an_edit_and_says_why(place):
    batch = run(check(place, MESSY), place.coordinator, skip_invalid=True)
    yonas = Participant.objects.get(family_name="Tesfay")
    participant_services.participant_update(
        actor=place.coordinator, participant=yonas, version=yonas.version, phone="0176 000"
    )
    mohammed = Participant.objects.get(family_name="Al-Hassan")
    participant_services.outreach_record(
        actor=place.coordinator,
        participant=mohammed,
        channel="other",
        date=dt.date(2025, 6, 1),
        result="reached",
    )
    with pytest.raises(ValidationError) as raised:
        services.import_batch_undo(actor=place.coordinator, batch=batch)
    assert raised.value.messages == [
        "Zeile 6: Teilnehmende*r wurde nach dem Import geändert.",
        "Zeile 5: nach dem Import wurden Kontaktaufnahmen erfasst.",
    ]
    assert Participant.objects.count() == 4


def test_it_imports_offers_for_coordinators_only(place):
    with pytest.raises(PermissionDenied):
        check(place, "angebote.xlsx", kind="offers", actor=place.case_manager)
    batch = check(place, "angebote.xlsx", kind="offers")
    assert batch.rows.get(number=6).errors[0]["column"] == "Plätze"
    batch = run(batch, place.coordinator, skip_invalid=True)
    assert batch.imported_rows == 2
    course = Offer.objects.get(title="Vorbereitungskurs Pflege")
    assert (course.module, course.provider, course.capacity) == (4, place.provider, 12)
    assert sorted(m.name for m in course.municipalities.all()) == ["Gütersloh", "Harsewinkel"]
    assert course.needs_covered == ["german", "vocational_orientation"]
    vhs = Offer.objects.get(organiser="VHS Gütersloh")
    assert (vhs.kind, vhs.module, vhs.women_only) == ("regular", None, True)
    services.import_batch_undo(actor=place.coordinator, batch=batch)
    assert Offer.objects.count() == 0


def test_it_checks_and_imports_large_files_in_the_background(place, settings):
    settings.DURCHSTARTEN_IMPORT_SYNC_BYTES = 10
    batch = check(place, "teilnehmende_cp1252.csv")
    assert (batch.status, batch.progress_done, batch.progress_total) == ("ready", 3, 3)
    batch = run(batch, place.coordinator)
    assert (batch.status, batch.imported_rows, batch.percent) == ("done", 3, 100)
    assert batch.file == ""
    ahmad = Participant.objects.get(given_names="Ahmad")
    assert (ahmad.date_of_birth, ahmad.languages) == (dt.date(2001, 2, 1), ["ar", "kmr"])


def test_it_remembers_a_column_mapping_for_the_district(place):
    content = b"Rufname;Familie;Herkunft\nAmina;Yusuf;Somalia\n"
    batch = check(place, "eigene-spalten.csv", content=content)
    assert batch.unknown_headers == ["Familie", "Herkunft"]
    services.import_batch_remap(
        actor=place.coordinator,
        batch=batch,
        mapping={0: "given_names", 1: "family_name", 2: "nationality"},
        remember=True,
    )
    assert ColumnMapping.objects.get(district=place.district).mapping["herkunft"] == "nationality"
    again = check(place, "eigene-spalten.csv", content=content)
    assert again.unknown_headers == []
    assert run(again, place.coordinator).imported_rows == 1
    assert str(Participant.objects.get().nationality) == "SO"


def test_it_logs_counts_and_ids_but_never_names(place):
    run(check(place, MESSY), place.coordinator, skip_invalid=True)
    entries = AuditEntry.objects.filter(action__startswith="imports.")
    assert {e.action for e in entries} == {
        "imports.batch.uploaded",
        "imports.batch.confirmed",
        "imports.batch.imported",
    }
    text = str([(e.data, e.object_id) for e in entries])
    for name in ("Hassan", "Tesfay", "Rahimi", "unordentlich"):
        assert name not in text
