"""Import of a 50,000-row participant list (XLSX) into the matching benchmark's district.

- import_participants: subject the whole path of the UI and the command for one file — read
  the XLSX, check every row by the services' rules (imports.bulk), look for duplicates
  against the district and within the file, then import (all or nothing) with residence
  status, outreach and names' keys per row, written in bulk; floor reading the same file
  with openpyxl and writing the bare participant rows with one `bulk_create` (no rules, no
  names' keys, no status or outreach, no audit). Each run is undone (or the floor's rows
  deleted) untimed, so that every sample imports into the same district.

A sample takes tens of seconds, so this benchmark times few runs (at most `IMPORT_REPEAT`,
fewer with --repeat, no warm-up); the size says how many rows per second the subject
reaches. `IMPORT_ROWS` is an environment override for trial runs.
"""

from __future__ import annotations

import datetime as dt
import gc
import io
import os
import random
import time

from django.db import transaction
from openpyxl import Workbook, load_workbook

from durchstarten.cases.models import Participant
from durchstarten.imports import services
from durchstarten.imports.models import BatchStatus, ImportBatch
from harness import Timing, make_result, write_result

ROWS = int(os.environ.get("IMPORT_ROWS", "50000"))
IMPORT_REPEAT = 2
TARGET_ROWS_PER_SECOND = 2000
SYLLABLES = [
    "ab",
    "al",
    "am",
    "ba",
    "da",
    "fa",
    "ha",
    "ka",
    "la",
    "ma",
    "na",
    "ra",
    "sa",
    "ta",
    "ya",
    "za",
    "mi",
    "ri",
    "si",
    "yo",
    "te",
    "ne",
    "wo",
    "ku",
    "ze",
    "fi",
]
HEADERS = [
    "Vorname(n)", "Familienname", "Geburtsdatum", "Geschlecht", "Wohnort (Kommune)",
    "Aufenthaltsstatus", "Status gültig ab", "Zugangsweg", "Datum der Kontaktaufnahme",
    "Ergebnis der Kontaktaufnahme",
]  # fmt: skip


def _name(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(parts)).capitalize()


def build_file(towns: list[str], rows: int, seed: int = 1) -> bytes:
    """A list as a district keeps it: German headers, German dates, rare names."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, no secret
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Teilnehmende")
    sheet.append(HEADERS)
    for _ in range(rows):
        born = dt.date(1998, 1, 1) + dt.timedelta(days=rng.randrange(3650))
        contact = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(300))
        sheet.append(
            [
                _name(rng, 3),
                _name(rng, 4),
                born.strftime("%d.%m.%Y"),
                rng.choice(["m", "w", "d"]),
                rng.choice(towns),
                rng.choice(["Duldung", "Aufenthaltsgestattung", "§ 60c"]),
                (contact - dt.timedelta(days=30)).strftime("%d.%m.%Y"),
                rng.choice(["Sozialamt", "Ausländerbehörde", "Ehrenamt"]),
                contact.strftime("%d.%m.%Y"),
                rng.choice(["erreicht", "nicht erreicht"]),
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


class _Upload:
    def __init__(self, data: bytes):
        self.data = data

    def read(self) -> bytes:
        return self.data


def _timed(fn) -> int:
    gc.collect()
    start = time.perf_counter_ns()
    fn()
    return time.perf_counter_ns() - start


def bench_import_participants(ctx, *, warmup: int, repeat: int, budget_s: float | None) -> dict:
    district, actor = ctx.district, ctx.coordinator
    towns = list(district.municipalities.order_by("name").values_list("name", flat=True))
    data = build_file(towns, ROWS)
    before = Participant.objects.filter(district=district).count()
    batches: list[ImportBatch] = []

    def subject():
        batch = services.import_batch_create(
            actor=actor,
            district=district,
            kind="participants",
            file=_Upload(data),
            file_name="bench.xlsx",
            inline=True,
        )
        batch.refresh_from_db()
        services.import_batch_confirm(actor=actor, batch=batch, skip_invalid=True, inline=True)
        batch.refresh_from_db()
        batches.append(batch)

    def floor():
        sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
        rows = sheet.iter_rows(min_row=2, values_only=True)
        with transaction.atomic():
            Participant.objects.bulk_create(
                (Participant(district=district, given_names=r[0], family_name=r[1]) for r in rows),
                batch_size=2000,
            )

    subject_samples, floor_samples = [], []
    for _ in range(max(1, min(repeat, IMPORT_REPEAT))):
        subject_samples.append(_timed(subject))
        batch = batches[-1]
        if batch.status != BatchStatus.DONE:
            raise AssertionError(f"the import ended as {batch.status}: {batch.error}")
        services.import_batch_undo(actor=actor, batch=batch)
        last = Participant.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        floor_samples.append(_timed(floor))
        Participant.objects.filter(pk__gt=last).delete()
    batch = batches[-1]
    seconds = min(subject_samples) / 1e9
    size = {
        "rows in file": ROWS,
        "file size": f"{len(data) / 1e6:.1f} MB",
        "imported / skipped / rejected": (
            f"{batch.imported_rows} / {batch.skipped_rows} / {batch.rejected_rows}"
        ),
        "participants in district": before,
        "rows per second (best run)": round(ROWS / seconds),
    }
    result = make_result(
        "import_participants",
        Timing(tuple(subject_samples)),
        Timing(tuple(floor_samples)),
        size,
        title=f"Import of a {ROWS:,}-row participant list (XLSX), check and import",
        floor_description=(
            "openpyxl read of the same file and one bulk_create of bare participant rows"
        ),
        target=f"≥ {TARGET_ROWS_PER_SECOND:,} rows/s (PostgreSQL, 2 cores)",
        target_ms=ROWS / TARGET_ROWS_PER_SECOND * 1000,
        warmup=0,
        notes=(
            "The subject checks every row by the services' rules in memory (twice: check, "
            "then import), matches it against the district's records and the file's rows "
            "(indexed once), and writes participants, names' keys, residence statuses and "
            "outreach with bulk_create; one audit entry per batch. Rows a duplicate check "
            "suspects are skipped, not imported."
        ),
    )
    write_result(result)
    return result


BENCHMARKS = {"import_participants": bench_import_participants}
