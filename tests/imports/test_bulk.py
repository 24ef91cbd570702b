"""The participant import checks by the services' rules and writes in bulk: its records and
errors equal those of the services row by row, and its queries do not grow with the rows."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext as _

from durchstarten.cases.choices import ConsentPurpose
from durchstarten.cases.models import (
    Consent,
    Enrollment,
    Outreach,
    Participant,
    ParticipantNameKey,
    ResidenceStatus,
)
from durchstarten.cases.services import consent as consent_services
from durchstarten.cases.services import enrollment as enrollment_services
from durchstarten.cases.services import participants as participant_services
from durchstarten.core.models import AuditEntry, Membership, Role
from durchstarten.imports import services
from durchstarten.imports.bulk import ParticipantPlanner
from durchstarten.imports.cells import Context
from durchstarten.imports.columns import COLUMNS
from durchstarten.imports.models import BatchStatus, Decision, RowStatus
from durchstarten.imports.rows import (
    OUTREACH_KEYS,
    STATUS_KEYS,
    CellProblem,
    RowError,
    parse_row,
    require,
)
from durchstarten.imports.rows import _run as _run
from tests.factories import ParticipantFactory, UserFactory
from tests.imports.conftest import check
from tests.imports.test_services import run, table_contents

HEADER = (
    "Vorname;Nachname;Geburtsdatum;Geschlecht;Wohnort;Aufenthaltsstatus;Status gültig ab;"
    "Status gültig bis;Einwilligung Fallarbeit erteilt am;Eintrittsdatum;Teilhabemanager*in;"
    "Austrittsdatum;Austrittsgrund;Zugangsweg;Datum der Kontaktaufnahme;"
    "Ergebnis der Kontaktaufnahme"
)
# Every combination the import knows: status, consent, entry, exit, outreach, minimal rows.
ROWS = [
    "Amir;Haddad;03.04.2001;m;Gütersloh;Duldung;15.01.2025;30.09.2026;10.01.2025;01.02.2025;"
    "tm.schmidt;;;Sozialamt;20.01.2025;eingetreten",
    "Ruth;Tekle;05.06.2000;w;Harsewinkel;;;;10.01.2025;01.02.2025;tm.schmidt;01.05.2025;"
    "verzogen;;;",
    "Lina;Omar;;;;Aufenthaltsgestattung;01.03.2024;;;;;;;Ehrenamt / Netzwerk;02.02.2025;erreicht",
    "Samir;;;;;;;;;;;;;;;",
    "Hawa;Diallo;07.08.1999;w;Gütersloh;;;;11.01.2025;;;;;;;",
]
BAD_ROWS = [
    "Amir;Haddad;01.01.2099;;;;;;;;;;;;;",
    "Ruth;Tekle;05.06.2000;w;;;;;10.01.2025;01.02.2025;tm.schmidt;;;;;",
    "Lina;Omar;05.06.2000;w;Gütersloh;;;;;01.02.2025;tm.schmidt;;;;;",
    "Hawa;Diallo;05.06.2000;w;Gütersloh;Duldung;15.01.2025;01.01.2025;;;;;;;;",
    "Samir;Ali;05.06.2000;m;Gütersloh;;;;10.01.2025;01.02.2025;tm.schmidt;01.01.2025;verzogen;;;",
    "Yonas;Tesfay;05.06.2000;m;Gütersloh;;;;;;;;;Sozialamt;20.01.2025;eingetreten",
    "Omar;Said;05.06.2000;m;Gütersloh;;;;10.01.2025;01.02.2025;anna.other;;;;;",
    "Ali;Reza;05.06.2000;m;Gütersloh;;;;;;;01.05.2025;verzogen;;;",
]
SKIPPED_FIELDS = {"id", "public_id", "created_at", "updated_at", "recorded_at", "participant"}


def csv(rows: list[str]) -> bytes:
    return "\n".join([HEADER, *rows]).encode()


def per_row(*, actor, district, values: dict) -> list:
    """The row through the services one by one, as the import did before it wrote in bulk."""
    fields = {k: values[k] for k in participant_services.EDITABLE_FIELDS if k in values}
    participant = _run(
        "participant",
        participant_services.participant_create,
        actor=actor,
        district=district,
        **fields,
    )
    created = [participant]
    if any(key in values for key in STATUS_KEYS):
        require(values, "status_kind", _("Bitte geben Sie den Aufenthaltsstatus an."))
        require(values, "status_valid_from", _("Bitte geben Sie an, seit wann er gilt."))
        created.append(
            _run(
                "status",
                participant_services.residence_status_record,
                actor=actor,
                participant=participant,
                kind=values["status_kind"],
                valid_from=values["status_valid_from"],
                valid_until=values.get("status_valid_until"),
                document_note=values.get("status_note", ""),
            )
        )
    if "consent_on" in values:
        created.append(
            _run(
                "consent",
                consent_services.consent_give,
                actor=actor,
                participant=participant,
                purpose=ConsentPurpose.CASE_WORK,
                given_on=values["consent_on"],
                form_language=values.get("consent_language", "de"),
            )
        )
    enrollment = None
    if "entry_date" in values:
        require(
            values, "case_manager", _("Für den Eintritt nennen Sie bitte die*den Zuständige*n.")
        )
        enrollment = _run(
            "enrollment",
            enrollment_services.enrollment_enter,
            actor=actor,
            participant=participant,
            entry_date=values["entry_date"],
            case_manager=values["case_manager"],
            coaching_provider=values.get("coaching_provider"),
        )
        created.append(enrollment)
    if "exit_date" in values or "exit_reason" in values:
        if enrollment is None:
            raise RowError(
                [CellProblem("exit_date", _("Ein Austritt setzt ein Eintrittsdatum voraus."))]
            )
        require(values, "exit_date", _("Bitte geben Sie das Austrittsdatum an."))
        require(values, "exit_reason", _("Bitte geben Sie den Austrittsgrund an."))
        _run(
            "exit",
            enrollment_services.enrollment_exit,
            actor=actor,
            enrollment=enrollment,
            version=enrollment.version,
            exit_date=values["exit_date"],
            exit_reason=values["exit_reason"],
        )
    if any(key in values for key in OUTREACH_KEYS):
        for key, message in (
            ("outreach_channel", _("Bitte geben Sie den Zugangsweg an.")),
            ("outreach_date", _("Bitte geben Sie das Datum der Kontaktaufnahme an.")),
            ("outreach_result", _("Bitte geben Sie das Ergebnis der Kontaktaufnahme an.")),
        ):
            require(values, key, message)
        created.append(
            _run(
                "outreach",
                participant_services.outreach_record,
                actor=actor,
                participant=participant,
                channel=values["outreach_channel"],
                date=values["outreach_date"],
                result=values["outreach_result"],
            )
        )
    return created


def parsed(batch) -> list[dict]:
    context = Context.for_district(batch.district)
    mapping = services._mapping_of(batch)
    return [
        parse_row(COLUMNS["participants"], mapping, row.cells, context)
        for row in batch.rows.order_by("number")
    ]


def stored(record) -> dict:
    record = type(record).objects.get(pk=record.pk)
    values = {
        f.attname: getattr(record, f.attname)
        for f in record._meta.concrete_fields
        if f.name not in SKIPPED_FIELDS
    }
    if isinstance(record, Participant):
        values["name_keys"] = sorted(record.name_keys.values_list("key", flat=True))
    return values


def numbered(count: int, *, every: str = "") -> list[str]:
    """`count` rows of different people (real, different dates of birth)."""
    rows = []
    for index in range(count):
        born = dt.date(1990, 1, 2) + dt.timedelta(days=index + index // 364)
        name = "".join("abdefghiklmnoprstuz"[int(d)] for d in f"{index:04d}")
        rows.append(
            f"Ka{name};Ba{name};{born:%d.%m.%Y};m;Gütersloh;Duldung;15.01.2025;;10.01.2025;"
            f"01.02.2025;tm.schmidt;;;Sozialamt;20.01.2025;{every or 'eingetreten'}"
        )
    return rows


def test_it_creates_the_records_the_services_create(place):
    batch = check(place, "alle.csv", content=csv(ROWS))
    assert batch.invalid_rows == 0
    rows = parsed(batch)
    batch = run(batch, place.coordinator)
    assert batch.imported_rows == len(ROWS)
    imported = list(batch.rows.order_by("number"))
    for row, values in zip(imported, rows, strict=True):
        expected = per_row(actor=place.coordinator, district=place.district, values=values)
        bulk = [
            Participant.objects.get(pk=row.participant_id),
            *[
                model.objects.get(participant=row.participant_id)
                for model in (ResidenceStatus, Consent, Enrollment, Outreach)
                if model.objects.filter(participant=row.participant_id).exists()
            ],
        ]
        assert [type(r) for r in bulk] == [type(r) for r in expected]
        assert [stored(r) for r in bulk] == [stored(r) for r in expected]
        assert len(row.created) == len(bulk)
    exited = Enrollment.objects.filter(exit_date__isnull=False)
    assert sorted(exited.values_list("version", flat=True)) == [2, 2]


def test_it_reports_the_errors_the_services_report(place):
    other = UserFactory(username="anna.other")
    Membership.objects.create(user=other, role=Role.CASE_MANAGER, district=place.district)
    batch = check(place, "fehler.csv", content=csv(BAD_ROWS))
    rows = parsed(batch)
    # Named in the file, but no longer in the district's case management.
    Membership.objects.filter(user=other, role=Role.CASE_MANAGER).delete()
    planner = ParticipantPlanner(actor=place.coordinator, district=place.district)
    for values in rows:
        with pytest.raises(RowError) as bulk:
            planner.plan(values)
        with pytest.raises(RowError) as services_error, transaction.atomic():
            per_row(actor=place.coordinator, district=place.district, values=values)
        assert bulk.value.problems == services_error.value.problems
    assert Participant.objects.count() == 0


def test_it_writes_nothing_when_a_row_in_the_middle_fails(place):
    other = UserFactory(username="anna.other", first_name="Anna", last_name="Other")
    Membership.objects.create(user=other, role=Role.CASE_MANAGER, district=place.district)
    rows = numbered(300)
    rows[150] = rows[150].replace("tm.schmidt", "anna.other")
    batch = check(place, "gross.csv", content=csv(rows))
    assert (batch.total_rows, batch.invalid_rows) == (300, 0)
    before = table_contents()
    audit_before = AuditEntry.objects.count()
    # The person left the district's case management after the check.
    Membership.objects.filter(user=other).delete()
    batch = run(batch, place.coordinator)
    assert batch.status == BatchStatus.FAILED
    assert batch.error == "Zeile 152 konnte nicht übernommen werden; es wurde nichts gespeichert."
    assert batch.rows.get(number=152).errors[0]["column"] == "Teilhabemanager*in"
    assert table_contents() == before
    assert not AuditEntry.objects.filter(action="imports.batch.imported").exists()
    assert AuditEntry.objects.count() == audit_before + 2  # confirmed, failed


def test_it_imports_valid_rows_of_a_large_file_and_rejects_the_others(place):
    rows = numbered(120)
    rows[60] = rows[60].replace("01.02.2025", "01.02.2099")
    batch = run(check(place, "gross.csv", content=csv(rows)), place.coordinator, skip_invalid=True)
    assert (batch.imported_rows, batch.rejected_rows) == (119, 1)
    assert batch.rows.get(number=62).status == RowStatus.REJECTED
    assert Participant.objects.count() == Enrollment.objects.count() == 119


def test_it_finds_duplicates_within_the_file_and_in_the_district(place):
    existing = ParticipantFactory(
        district=place.district,
        given_names="Mohammed",
        family_name="Al-Hassan",
        date_of_birth=dt.date(2003, 5, 4),
    )
    participant_services._store_name_keys(existing)
    rows = numbered(100, every="erreicht")
    rows[10] = "Muhammad;Alhassan;04.05.2003;m;;;;;;;;;;;;"
    rows[40] = "Schirin;Karimi;30.06.2000;w;;;;;;;;;;;;"
    rows[70] = "Chirine;Karimi;30.06.2000;w;;;;;;;;;;;;"
    batch = check(place, "dubletten.csv", content=csv(rows))
    assert batch.duplicate_rows == 2
    in_district = batch.rows.get(number=12)
    assert [c["participant"] for c in in_district.duplicates] == [str(existing.public_id)]
    assert in_district.decision == Decision.SKIP
    in_file = batch.rows.get(number=72)
    assert [c["row"] for c in in_file.duplicates] == [42]
    assert batch.rows.get(number=42).duplicates == []
    batch = run(batch, place.coordinator)
    assert (batch.imported_rows, batch.skipped_rows) == (98, 2)


def test_it_undoes_a_bulk_import_to_the_state_before(place):
    ParticipantFactory(district=place.district, given_names="Bestand", family_name="Alt")
    before = table_contents()
    name_keys = ParticipantNameKey.objects.count()
    batch = run(check(place, "gross.csv", content=csv(numbered(80) + ROWS)), place.coordinator)
    assert batch.imported_rows == 85
    assert ParticipantNameKey.objects.count() > name_keys
    services.import_batch_undo(actor=place.coordinator, batch=batch)
    assert table_contents() == before
    assert ParticipantNameKey.objects.count() == name_keys


def test_it_logs_one_entry_for_the_batch_with_what_it_created(place):
    batch = run(check(place, "alle.csv", content=csv(ROWS)), place.coordinator)
    assert not AuditEntry.objects.filter(action__startswith="cases.").exists()
    entry = AuditEntry.objects.get(action="imports.batch.imported")
    assert entry.object_id == str(batch.public_id)
    assert entry.data["created"] == {
        "cases.Consent": 3,
        "cases.Enrollment": 2,
        "cases.Outreach": 2,
        "cases.Participant": 5,
        "cases.ResidenceStatus": 2,
    }
    created = {(label, pk) for row in batch.rows.all() for label, pk, _digest in row.created}
    assert ("cases.Participant", Participant.objects.get(given_names="Samir").pk) in created
    assert len(created) == 14


def _queries(place, count: int) -> tuple[int, int]:
    content = csv(numbered(count))
    with CaptureQueriesContext(connection) as checking:
        batch = check(place, f"{count}.csv", content=content)
    with CaptureQueriesContext(connection) as importing:
        batch = run(batch, place.coordinator)
    assert batch.imported_rows == count
    services.import_batch_undo(actor=place.coordinator, batch=batch)
    return len(checking.captured_queries), len(importing.captured_queries)


def test_it_needs_no_more_queries_for_more_rows(place):
    small_check, small_import = _queries(place, 20)
    large_check, large_import = _queries(place, 200)
    assert large_check <= small_check + 2
    assert large_import <= small_import + 2
