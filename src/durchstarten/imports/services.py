"""Importing lists: upload, check (by the services' rules, without writing), decisions on
suspected duplicates, the import itself (all-or-nothing, or valid rows only) and its undo.

Checking and importing run in the background for large files (`imports.tasks`); their
progress is stored on the batch. The audit log gets counts and the batch id, never names.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections import defaultdict
from collections.abc import Iterable
from functools import partial

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import connection, connections, models, transaction
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from durchstarten.cases.models import Participant, ParticipantNameKey
from durchstarten.core.audit import log_action
from durchstarten.core.models import Role, User
from durchstarten.core.scoping import DISTRICT_WIDE_ROLES, has_role, require_role
from durchstarten.imports.bulk import ParticipantPlanner, Planned, participants_write
from durchstarten.imports.cells import Context
from durchstarten.imports.columns import COLUMNS, normalise
from durchstarten.imports.models import (
    BatchStatus,
    ColumnMapping,
    Decision,
    ImportBatch,
    ImportKind,
    ImportRow,
    RowStatus,
)
from durchstarten.imports.readers import FileError, map_headers, read_table
from durchstarten.imports.rows import IMPORTERS, RowError, parse_row
from durchstarten.offers.models import Offer
from durchstarten.organisation.models import District

IMPORT_ROLES = {
    ImportKind.PARTICIPANTS: DISTRICT_WIDE_ROLES,
    ImportKind.OFFERS: frozenset({Role.COORDINATOR}),
}
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
# Files up to this size are checked and imported within the request; larger ones in the
# background. Overridable with DURCHSTARTEN_IMPORT_SYNC_BYTES.
DEFAULT_SYNC_BYTES = 256 * 1024
CHUNK = 500
# Of suspected duplicates the user is asked from this score on.
DUPLICATE_THRESHOLD = 0.5

FILE_EMPTY = gettext_lazy("Die Datei ist leer.")
FILE_TOO_LARGE = gettext_lazy("Die Datei ist zu groß (höchstens %(limit)s MB).")
NOT_READY = gettext_lazy("Dieser Import kann in seinem jetzigen Stand nicht übernommen werden.")
HAS_INVALID = gettext_lazy(
    "%(count)s Zeilen sind fehlerhaft. Korrigieren Sie die Datei oder wählen Sie "
    "„nur gültige Zeilen übernehmen“; die fehlerhaften Zeilen erhalten Sie dann als Datei zurück."
)
NOTHING_TO_IMPORT = gettext_lazy("Es gibt keine Zeile, die übernommen würde.")
ROW_FAILED = gettext_lazy(
    "Zeile %(row)s konnte nicht übernommen werden; es wurde nichts gespeichert."
)
UNDO_NOT_DONE = gettext_lazy("Nur ein übernommener Import kann rückgängig gemacht werden.")
UNDO_MERGED = gettext_lazy(
    "Zeile %(row)s wurde mit einem anderen Datensatz zusammengeführt; das lässt sich nicht "
    "automatisch rückgängig machen."
)
UNDO_CHANGED = gettext_lazy("Zeile %(row)s: %(what)s wurde nach dem Import geändert.")
UNDO_GONE = gettext_lazy("Zeile %(row)s: %(what)s gibt es nicht mehr.")
UNDO_ADDED = gettext_lazy("Zeile %(row)s: nach dem Import wurden %(what)s erfasst.")
UNDO_MORE = gettext_lazy("… und %(count)s weitere Gründe.")
BAD_DECISION = gettext_lazy("Diese Entscheidung ist für die Zeile nicht möglich.")
UNKNOWN_KEY = gettext_lazy("Unbekannte Spalte.")
SHOWN_BLOCKERS = 10
# What a check writes to the batch (not the progress, which is written as it goes).
CHECK_FIELDS = [
    "headers",
    "header_row",
    "mapping",
    "unknown_headers",
    "total_rows",
    "invalid_rows",
    "duplicate_rows",
    "status",
    "error",
    "progress_done",
    "progress_total",
    "updated_at",
]


class ImportStorage(FileSystemStorage):
    """Uploads wait here (under a random name, never served) until their import is done."""

    @cached_property
    def base_location(self):
        configured = self._value_or_setting(self._location, settings.MEDIA_ROOT)
        return configured or str(settings.VAR_DIR / "media")


storage = ImportStorage()


def may_import(user: User, district_id: int, kind: str) -> bool:
    return has_role(user, district_id, IMPORT_ROLES[kind])


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def _jsonable(value):
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


# --- Upload ----------------------------------------------------------------------------------


@transaction.atomic
def import_batch_create(
    *, actor: User, district: District, kind: str, file, file_name: str = "", inline: bool = False
) -> ImportBatch:
    """Keep the upload and check it (in the background when it is large, unless `inline`)."""
    require_role(actor, district.pk, IMPORT_ROLES[kind])
    data = file.read()
    if not data:
        raise ValidationError({"file": FILE_EMPTY}, code="empty")
    limit = _setting("DURCHSTARTEN_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)
    if len(data) > limit:
        raise ValidationError(
            {"file": FILE_TOO_LARGE % {"limit": limit // (1024 * 1024)}}, code="too_large"
        )
    stored = storage.save(f"imports/{district.public_id}/{uuid.uuid4().hex}", ContentFile(data))
    batch = ImportBatch.objects.create(
        district=district,
        kind=kind,
        file_name=(file_name or getattr(file, "name", "") or "")[-255:],
        file=stored,
        created_by=actor,
    )
    log_action(
        "imports.batch.uploaded", actor=actor, obj=batch, data={"kind": kind, "bytes": len(data)}
    )
    _start("analyse", batch, len(data), inline)
    return batch


def _start(step: str, batch: ImportBatch, size: int, inline: bool) -> None:
    from durchstarten.imports import tasks

    if inline or size <= _setting("DURCHSTARTEN_IMPORT_SYNC_BYTES", DEFAULT_SYNC_BYTES):
        {"analyse": import_batch_analyse, "run": import_batch_run}[step](batch_id=batch.pk)
    else:
        {"analyse": tasks.analyse_batch, "run": tasks.run_batch}[step].enqueue(batch.pk)


def _file_size(batch: ImportBatch) -> int:
    return storage.size(batch.file) if batch.file and storage.exists(batch.file) else 0


# --- Progress --------------------------------------------------------------------------------


class Progress:
    """Writes the progress where the page polling it can see it: directly outside a
    transaction, through a connection of its own inside one on PostgreSQL (on SQLite a
    second writer would wait for the first, so the bar there moves after the transaction)."""

    def __init__(self, batch: ImportBatch, total: int):
        self.batch_id, self.total, self.done, self.shown = batch.pk, total, 0, 0
        self.side = connection.vendor == "postgresql" and not connection.in_atomic_block
        # About fifty writes per file however large (each from a new connection, inside a
        # transaction): the bar moves in steps of 2 %.
        self.every = max(CHUNK, total // 50)
        ImportBatch.objects.filter(pk=self.batch_id).update(progress_done=0, progress_total=total)

    def step(self, count: int = 1) -> None:
        self.done += count
        if self.done - self.shown < self.every and self.done < self.total:
            return
        self.shown = self.done
        if not connection.in_atomic_block:
            ImportBatch.objects.filter(pk=self.batch_id).update(progress_done=self.done)
        elif self.side:
            side = connections.create_connection("default")
            try:
                with side.cursor() as cursor:
                    cursor.execute(
                        f"UPDATE {ImportBatch._meta.db_table} SET progress_done = %s "  # noqa: S608  # nosec B608
                        "WHERE id = %s",
                        [self.done, self.batch_id],
                    )
            finally:
                side.close()


# --- Checking --------------------------------------------------------------------------------


def _mapping_of(batch: ImportBatch) -> dict[int, str]:
    return {int(index): key for index, key in batch.mapping.items() if key}


def _header_of(batch: ImportBatch, key: str) -> str:
    """The column's header as the user's file names it (or the template's)."""
    for index, mapped in batch.mapping.items():
        if mapped == key and int(index) < len(batch.headers) and batch.headers[int(index)]:
            return batch.headers[int(index)]
    return next(c.header for c in COLUMNS[batch.kind] if c.key == key)


def _errors(batch: ImportBatch, error: RowError) -> list[dict]:
    return [{"column": _header_of(batch, p.column), "message": p.message} for p in error.problems]


def _parsed(batch: ImportBatch, rows: Iterable[ImportRow], context: Context) -> dict[int, dict]:
    """Row number -> values of the rows whose cells can be read; the others get their errors."""
    columns, mapping = COLUMNS[batch.kind], _mapping_of(batch)
    values = {}
    for row in rows:
        try:
            values[row.number] = parse_row(columns, mapping, row.cells, context)
        except RowError as error:
            row.status, row.errors = RowStatus.INVALID, _errors(batch, error)
        else:
            row.status, row.errors = RowStatus.VALID, []
    return values


def _dry_run(batch: ImportBatch, rows: list[ImportRow], values: dict, progress: Progress) -> None:
    """Every readable row checked as the import will check it, without writing: participants
    in memory by the services' rules, offers through the service in rolled-back transactions."""
    if batch.kind == ImportKind.PARTICIPANTS:
        check = ParticipantPlanner(actor=batch.created_by, district=batch.district).plan
    else:
        check = partial(_offer_dry_run, batch)
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        for row in chunk:
            if row.status != RowStatus.VALID:
                continue
            try:
                check(values[row.number])
            except RowError as error:
                row.status, row.errors = RowStatus.INVALID, _errors(batch, error)
        progress.step(len(chunk))


def _offer_dry_run(batch: ImportBatch, values: dict) -> None:
    with transaction.atomic():
        IMPORTERS[batch.kind](actor=batch.created_by, district=batch.district, values=values)
        transaction.set_rollback(True)


def _find_duplicates(batch: ImportBatch, rows: list[ImportRow], values: dict) -> None:
    if batch.kind != ImportKind.PARTICIPANTS:
        return
    from durchstarten.imports.duplicates import person_key, suspected

    readable = [r for r in rows if r.number in values]
    people = [person_key(r.number, values[r.number]) for r in readable]
    found = suspected(batch.district, people)
    for row in readable:
        candidates = [c for c in found.get(row.number, []) if c["score"] >= DUPLICATE_THRESHOLD]
        row.duplicates = candidates
        # Nothing is merged silently: a suspected duplicate is skipped unless the user decides.
        row.decision = Decision.SKIP if candidates else Decision.NEW
        row.merge_target = ""


def _save_rows(rows: list[ImportRow], fields: list[str]) -> None:
    """Write the fields of many rows, one UPDATE statement executed for all of them
    (bulk_update's CASE per row and field costs seconds for a large file)."""
    if not rows:
        return
    columns = [ImportRow._meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE id = %s".format(  # noqa: S608  # nosec B608
        quote(ImportRow._meta.db_table),
        ", ".join(f"{quote(column.column)} = %s" for column in columns),
    )
    with connection.cursor() as cursor:
        cursor.executemany(
            sql,
            [
                [
                    column.get_db_prep_save(getattr(row, column.attname), connection)
                    for column in columns
                ]
                + [row.pk]
                for row in rows
            ],
        )


def _count(batch: ImportBatch) -> None:
    counts = defaultdict(int)
    for status, has_duplicates, n in batch.rows.values_list("status", "duplicates").annotate(
        n=models.Count("id")
    ):
        counts[status] += n
        if has_duplicates:
            counts["duplicates"] += n
    batch.total_rows = sum(n for key, n in counts.items() if key != "duplicates")
    batch.invalid_rows = counts[RowStatus.INVALID]
    batch.duplicate_rows = counts["duplicates"]


def import_batch_analyse(*, batch_id: int) -> dict:
    """Read the file, map its columns, check every row as the import would and look for
    duplicates; afterwards the batch waits for the user's confirmation."""
    batch = ImportBatch.objects.select_related("district", "created_by").get(pk=batch_id)
    ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.ANALYSING)
    columns = COLUMNS[batch.kind]
    saved = ColumnMapping.objects.filter(district=batch.district, kind=batch.kind).first()
    try:
        with storage.open(batch.file, "rb") as stored:
            data = stored.read()
        table = read_table(data, columns, saved.mapping if saved else None)
    except (FileError, OSError) as error:
        message = str(error) if isinstance(error, FileError) else _("Die Datei fehlt.")
        batch.status, batch.error = BatchStatus.FAILED, message
        batch.save(update_fields=["status", "error", "updated_at"])
        return {"status": batch.status}
    if not batch.mapping or batch.headers != table.headers:
        mapping, unknown = map_headers(table.headers, columns, saved.mapping if saved else None)
        batch.mapping = {str(index): key for index, key in mapping.items()}
        batch.unknown_headers = unknown
    batch.headers, batch.header_row = table.headers, table.header_row
    batch.rows.all().delete()
    rows = [
        ImportRow(
            batch=batch,
            number=number,
            cells=[_jsonable(cell) for cell in cells],
            status=RowStatus.VALID,
        )
        for number, cells in table.rows
    ]
    _check(batch, rows)
    ImportRow.objects.bulk_create(rows, batch_size=CHUNK)
    _count(batch)
    batch.status = BatchStatus.READY
    batch.save(update_fields=CHECK_FIELDS)
    return {"status": batch.status, "rows": batch.total_rows, "invalid": batch.invalid_rows}


def _check(batch: ImportBatch, rows: list[ImportRow]) -> None:
    progress = Progress(batch, len(rows))
    context = Context.for_district(batch.district)
    values = _parsed(batch, rows, context)
    _find_duplicates(batch, rows, values)
    _dry_run(batch, rows, values, progress)
    batch.progress_done = batch.progress_total = len(rows)


@transaction.atomic
def import_batch_remap(
    *, actor: User, batch: ImportBatch, mapping: dict[int, str], remember: bool = False
) -> ImportBatch:
    """Use another column mapping for this file (and, with `remember`, for the district's
    later lists too), then check the rows again."""
    require_role(actor, batch.district_id, IMPORT_ROLES[batch.kind])
    if batch.status != BatchStatus.READY:
        raise ValidationError(NOT_READY, code="not_ready")
    keys = {column.key for column in COLUMNS[batch.kind]}
    if set(mapping.values()) - keys - {""}:
        raise ValidationError(UNKNOWN_KEY, code="unknown_key")
    batch.mapping = {str(index): key for index, key in mapping.items() if key}
    batch.unknown_headers = [
        header for index, header in enumerate(batch.headers) if header and not mapping.get(index)
    ]
    if remember:
        saved, _created = ColumnMapping.objects.get_or_create(
            district=batch.district, kind=batch.kind
        )
        saved.mapping = {
            **saved.mapping,
            **{
                normalise(header): mapping.get(index, "")
                for index, header in enumerate(batch.headers)
                if header
            },
        }
        saved.updated_by = actor
        saved.version += 1
        saved.save()
    batch.save(update_fields=["mapping", "unknown_headers", "updated_at"])
    log_action(
        "imports.batch.remapped",
        actor=actor,
        obj=batch,
        data={"columns": sorted(set(batch.mapping.values())), "remembered": remember},
    )
    rows = list(batch.rows.order_by("number"))
    _check(batch, rows)
    _save_rows(rows, ["status", "errors", "duplicates", "decision", "merge_target"])
    _count(batch)
    batch.status = BatchStatus.READY
    batch.save(update_fields=CHECK_FIELDS)
    return batch


@transaction.atomic
def import_row_decide(
    *, actor: User, batch: ImportBatch, row: ImportRow, decision: str, target: str = ""
) -> ImportRow:
    """The user's decision on a suspected duplicate: merge into a candidate, new, or skip."""
    require_role(actor, batch.district_id, IMPORT_ROLES[batch.kind])
    if batch.status != BatchStatus.READY or row.batch_id != batch.pk:
        raise ValidationError(NOT_READY, code="not_ready")
    targets = {c["participant"] or f"row:{c['row']}" for c in row.duplicates}
    if decision not in Decision.values or (decision == Decision.MERGE and target not in targets):
        raise ValidationError(BAD_DECISION, code="decision")
    row.decision = decision
    row.merge_target = target if decision == Decision.MERGE else ""
    row.save(update_fields=["decision", "merge_target"])
    return row


# --- Importing -------------------------------------------------------------------------------


@transaction.atomic
def import_batch_confirm(
    *, actor: User, batch: ImportBatch, skip_invalid: bool, inline: bool = False
) -> ImportBatch:
    """Start the import of a checked batch: all rows or nothing, or with `skip_invalid` the
    valid rows (the others can be downloaded with their errors)."""
    require_role(actor, batch.district_id, IMPORT_ROLES[batch.kind])
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != BatchStatus.READY:
        raise ValidationError(NOT_READY, code="not_ready")
    if batch.invalid_rows and not skip_invalid:
        raise ValidationError(HAS_INVALID % {"count": batch.invalid_rows}, code="invalid_rows")
    wanted = batch.rows.filter(status=RowStatus.VALID).exclude(decision=Decision.SKIP)
    if not wanted.exists():
        raise ValidationError(NOTHING_TO_IMPORT, code="nothing")
    batch.skip_invalid = skip_invalid
    batch.status = BatchStatus.IMPORTING
    batch.save(update_fields=["skip_invalid", "status", "updated_at"])
    log_action(
        "imports.batch.confirmed",
        actor=actor,
        obj=batch,
        data={"rows": batch.total_rows, "skip_invalid": skip_invalid},
    )
    _start("run", batch, _file_size(batch), inline)
    return batch


def fingerprint(obj: models.Model) -> str:
    """A hash of the record's stored fields (and an offer's municipalities): any later edit
    changes it."""
    values = {f.attname: f.value_to_string(obj) for f in obj._meta.concrete_fields}
    if isinstance(obj, Offer):
        values["municipalities"] = sorted(obj.municipalities.values_list("pk", flat=True))
    payload = json.dumps(values, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def _fingerprints(
    rows: list[ImportRow], created: dict[int, list[models.Model]], *, read_back: bool
) -> None:
    """Fingerprints of everything created. Records written by `bulk_create` hold what was
    stored; `read_back` takes them from the database instead, for records written through
    the services (offers and their municipalities) or changed afterwards (merges)."""
    stored: dict[type, dict] = {}
    if read_back:
        by_model: dict[type, set] = defaultdict(set)
        for records in created.values():
            for record in records:
                by_model[type(record)].add(record.pk)
        stored = {
            model: model._default_manager.in_bulk(list(pks)) for model, pks in by_model.items()
        }
    for row in rows:
        records = created.get(row.number, [])
        if read_back:
            records = [stored[type(r)][r.pk] for r in records if r.pk in stored[type(r)]]
        row.created = [[r._meta.label, r.pk, fingerprint(r)] for r in records]


class RowFailed(Exception):
    """A row that stops an all-or-nothing import (its errors are on the row)."""

    def __init__(self, row: ImportRow):
        super().__init__(row.number)
        self.row = row


def _merge(batch: ImportBatch, rows: list[ImportRow], actor: User) -> int:
    from durchstarten.cases.services.merge import participant_merge

    by_number = {row.number: row for row in rows}
    merged = 0
    for row in rows:
        if row.decision != Decision.MERGE or row.participant is None:
            continue
        if row.merge_target.startswith("row:"):
            keep_row = by_number.get(int(row.merge_target.removeprefix("row:")))
            keep = keep_row.participant if keep_row else None
        else:
            keep = Participant.objects.filter(
                district=batch.district, public_id=row.merge_target
            ).first()
        if keep is None:
            continue
        keep.refresh_from_db()
        absorb = Participant.objects.get(pk=row.participant.pk)
        try:
            participant_merge(actor=actor, keep=keep, absorb=absorb)
        except ValidationError as error:
            row.errors = [
                {"column": _header_of(batch, "given_names"), "message": message}
                for message in error.messages
            ]
            raise RowFailed(row) from error
        # The merge moved everything of the absorbed record, this row's link included.
        row.participant = keep
        merged += 1
    return merged


def _run_participants(
    batch: ImportBatch, wanted: list[ImportRow], context: Context, progress: Progress
) -> dict[int, list[models.Model]]:
    """Check every wanted row, then write the valid ones in bulk. A failing row rejects the
    batch (raises) or, with skip_invalid, only itself."""
    planner = ParticipantPlanner(actor=batch.created_by, district=batch.district, checked=True)
    columns, mapping = COLUMNS[batch.kind], _mapping_of(batch)
    planned: list[tuple[ImportRow, Planned]] = []
    for row in wanted:
        try:
            planned.append((row, planner.plan(parse_row(columns, mapping, row.cells, context))))
        except RowError as error:
            row.errors = _errors(batch, error)
            if not batch.skip_invalid:
                raise RowFailed(row) from error
            row.status = RowStatus.REJECTED
            progress.step()
    participants_write([plan for _row, plan in planned], chunk=CHUNK, step=progress.step)
    for row, plan in planned:
        row.status, row.participant = RowStatus.IMPORTED, plan.participant
    return {row.number: plan.records for row, plan in planned}


def _run_offers(
    batch: ImportBatch, wanted: list[ImportRow], context: Context, progress: Progress
) -> dict[int, list[models.Model]]:
    """Offers row by row through the service (lists of offers are short)."""
    columns, mapping = COLUMNS[batch.kind], _mapping_of(batch)
    created = {}
    for row in wanted:
        try:
            values = parse_row(columns, mapping, row.cells, context)
            with transaction.atomic():
                records = IMPORTERS[batch.kind](
                    actor=batch.created_by, district=batch.district, values=values
                )
        except RowError as error:
            row.errors = _errors(batch, error)
            if not batch.skip_invalid:
                raise RowFailed(row) from error
            row.status = RowStatus.REJECTED
        else:
            created[row.number] = records
            row.status, row.offer = RowStatus.IMPORTED, records[0]
        progress.step()
    return created


def import_batch_run(*, batch_id: int) -> dict:
    """Import the batch's rows. All or nothing by default: one transaction, and a row that
    fails rolls everything back. With skip_invalid, a failing row is rejected instead."""
    batch = ImportBatch.objects.select_related("district", "created_by").get(pk=batch_id)
    rows = list(batch.rows.order_by("number"))
    wanted = [r for r in rows if r.status == RowStatus.VALID and r.decision != Decision.SKIP]
    progress = Progress(batch, len(wanted))
    context = Context.for_district(batch.district)
    run = _run_participants if batch.kind == ImportKind.PARTICIPANTS else _run_offers
    try:
        with transaction.atomic():
            created = run(batch, wanted, context, progress)
            merged = (
                _merge(batch, rows, batch.created_by)
                if batch.kind == ImportKind.PARTICIPANTS
                else 0
            )
            _fingerprints(
                rows, created, read_back=batch.kind != ImportKind.PARTICIPANTS or merged > 0
            )
            batch.progress_done = batch.progress_total = len(wanted)
            _finish(batch, rows, merged, created)
    except RowFailed as failure:
        return _fail(batch, failure.row)
    return {"status": batch.status, "imported": batch.imported_rows}


def _finish(
    batch: ImportBatch, rows: list[ImportRow], merged: int, created: dict[int, list[models.Model]]
) -> None:
    for row in rows:
        if row.status == RowStatus.VALID:
            row.status = RowStatus.SKIPPED
        elif row.status == RowStatus.INVALID:
            row.status = RowStatus.REJECTED
        if row.status != RowStatus.REJECTED:
            # The data now live in the records themselves (or were not wanted).
            row.cells = []
    _save_rows(rows, ["status", "errors", "cells", "participant", "offer", "created"])
    counts = defaultdict(int)
    for row in rows:
        counts[row.status] += 1
    batch.imported_rows = counts[RowStatus.IMPORTED]
    batch.skipped_rows = counts[RowStatus.SKIPPED]
    batch.rejected_rows = counts[RowStatus.REJECTED]
    batch.merged_rows = merged
    batch.status, batch.imported_at = BatchStatus.DONE, timezone.now()
    _drop_file(batch)
    batch.save(
        update_fields=[
            "imported_rows",
            "skipped_rows",
            "rejected_rows",
            "merged_rows",
            "status",
            "imported_at",
            "file",
            "progress_done",
            "progress_total",
            "updated_at",
        ]
    )
    records: dict[str, int] = defaultdict(int)
    for row_records in created.values():
        for record in row_records:
            records[record._meta.label] += 1
    # One entry for the batch instead of the services' entry per record and step (six per
    # row would double the time of a large import): the batch's rows keep exactly which
    # records each created (ImportRow.participant/offer and `created`: label, pk,
    # fingerprint), so who created which record when stays reconstructable from this entry
    # and its batch, and the undo deletes exactly those records. Merges still log their own
    # entries through participant_merge.
    log_action(
        "imports.batch.imported",
        actor=batch.created_by,
        obj=batch,
        data={
            "kind": batch.kind,
            "imported": batch.imported_rows,
            "skipped": batch.skipped_rows,
            "rejected": batch.rejected_rows,
            "merged": merged,
            "created": dict(sorted(records.items())),
        },
    )


def _fail(batch: ImportBatch, row: ImportRow | None) -> dict:
    if row is not None:
        row.status = RowStatus.INVALID
        row.save(update_fields=["status", "errors"])
    batch.status = BatchStatus.FAILED
    batch.error = str(ROW_FAILED % {"row": row.number if row else "?"})
    batch.save(update_fields=["status", "error", "updated_at"])
    _count(batch)
    batch.save(update_fields=["invalid_rows"])
    log_action(
        "imports.batch.failed",
        actor=batch.created_by,
        obj=batch,
        data={"row": row.number if row else None},
    )
    return {"status": batch.status}


def _drop_file(batch: ImportBatch) -> None:
    if batch.file:
        name = batch.file
        transaction.on_commit(lambda: storage.delete(name))
        batch.file = ""


# --- Undo ------------------------------------------------------------------------------------

# Records created along with a participant that are not evidence of later work.
DERIVED = (ParticipantNameKey, ImportRow)


def _later_records(participant_ids: set[int], created: set[tuple[str, int]]) -> dict:
    """Participant id -> names of record kinds added to them after the import."""
    found: dict[int, set[str]] = defaultdict(set)
    for relation in Participant._meta.related_objects:
        model = relation.related_model
        if model in DERIVED or not relation.field.concrete:
            continue
        name = relation.field.name
        rows = model._default_manager.filter(**{f"{name}__in": participant_ids}).values_list(
            "pk", f"{name}_id"
        )
        for pk, owner in rows:
            if (model._meta.label, pk) not in created:
                found[owner].add(str(model._meta.verbose_name_plural))
    return found


def undo_blockers(batch: ImportBatch) -> list[str]:
    """Why the batch cannot be undone (German, one reason each); empty when it can."""
    reasons: list[str] = []
    rows = list(batch.rows.filter(status=RowStatus.IMPORTED).order_by("number"))
    for row in rows:
        if row.decision == Decision.MERGE:
            reasons.append(str(UNDO_MERGED % {"row": row.number}))
    by_label: dict[str, dict[int, tuple[int, str]]] = defaultdict(dict)
    for row in rows:
        for label, pk, digest in row.created:
            by_label[label][pk] = (row.number, digest)
    for label, records in by_label.items():
        model = apps.get_model(label)
        stored = model._default_manager.in_bulk(list(records))
        what = str(model._meta.verbose_name)
        for pk, (number, digest) in records.items():
            if pk not in stored:
                reasons.append(str(UNDO_GONE % {"row": number, "what": what}))
            elif fingerprint(stored[pk]) != digest:
                reasons.append(str(UNDO_CHANGED % {"row": number, "what": what}))
    created = {(label, pk) for label, records in by_label.items() for pk in records}
    participant_rows = {row.participant_id: row.number for row in rows if row.participant_id}
    if participant_rows:
        for owner, kinds in _later_records(set(participant_rows), created).items():
            what = ", ".join(sorted(kinds))
            reasons.append(str(UNDO_ADDED % {"row": participant_rows[owner], "what": what}))
    offer_rows = {row.offer_id: row.number for row in rows if row.offer_id}
    if offer_rows:
        from durchstarten.offers.models import Referral

        referred = Referral.objects.filter(offer__in=offer_rows).values_list("offer", flat=True)
        for offer_id in sorted(set(referred)):
            what = str(Referral._meta.verbose_name_plural)
            reasons.append(str(UNDO_ADDED % {"row": offer_rows[offer_id], "what": what}))
    return reasons


@transaction.atomic
def import_batch_undo(*, actor: User, batch: ImportBatch) -> ImportBatch:
    """Delete everything the batch created, restoring the state before it, as long as none
    of it was changed or added to since; otherwise say what blocks the undo."""
    require_role(actor, batch.district_id, IMPORT_ROLES[batch.kind])
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != BatchStatus.DONE:
        raise ValidationError(UNDO_NOT_DONE, code="not_done")
    reasons = undo_blockers(batch)
    if reasons:
        shown = reasons[:SHOWN_BLOCKERS]
        if len(reasons) > SHOWN_BLOCKERS:
            shown.append(str(UNDO_MORE % {"count": len(reasons) - SHOWN_BLOCKERS}))
        raise ValidationError(shown, code="blocked")
    rows = batch.rows.filter(status=RowStatus.IMPORTED)
    participants = list(rows.exclude(participant=None).values_list("participant", flat=True))
    offers = list(rows.exclude(offer=None).values_list("offer", flat=True))
    Participant.objects.filter(pk__in=participants).delete()
    Offer.objects.filter(pk__in=offers).delete()
    count = len(participants) + len(offers)
    batch.status, batch.undone_at, batch.undone_by = BatchStatus.UNDONE, timezone.now(), actor
    batch.save(update_fields=["status", "undone_at", "undone_by", "updated_at"])
    log_action(
        "imports.batch.undone", actor=actor, obj=batch, data={"kind": batch.kind, "deleted": count}
    )
    return batch
