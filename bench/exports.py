"""The case list of a district with 100,000 participants exported as XLSX and as CSV.

Dataset: the benchmarks' district (the largest synthetic one), topped up to `rows`
participants by copying the generator's people (names, dates, municipality, languages …)
with one residence status,
consent, outreach and enrollment each, so that every column of the import's column
specification is filled from related records as in real data.

- export_xlsx: subject the participant export as a coordinator downloads it: the case
  list's selector (no filter, default sort), the related records prefetched per chunk of
  2,000 rows, every cell rendered with `imports.columns.export_value`, neutralised and
  written by openpyxl's write-only workbook into a temporary file.
- export_csv: the same rows through the streaming CSV writer (UTF-8 with BOM, `;`).
- floor (both): one SELECT of the participants' own columns, streamed through csv.writer
  unchanged — reading and writing without related records, labels or the case list's
  annotations.

Time comes from runs without tracemalloc; the peak memory from one extra run under
tracemalloc (Python allocations only), recorded in the result's size. Queries grow with the
number of chunks (1 + 6 per 2,000 rows), never with the number of rows inside a chunk.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
import time
import tracemalloc
import uuid
from dataclasses import dataclass

from django.db import connection
from django.db.models import Exists, OuterRef
from django.test.utils import CaptureQueriesContext

from dataset import pick_coordinator
from durchstarten.cases.choices import ConsentPurpose
from durchstarten.cases.models import Consent, Enrollment, Outreach, Participant, ResidenceStatus
from durchstarten.cases.selectors import CaseFilters
from durchstarten.core.models import User
from durchstarten.exports import selectors, tables, writers
from durchstarten.imports.columns import PARTICIPANT_COLUMNS
from durchstarten.organisation.models import District
from harness import BenchmarkFailure, Timing, make_result, write_result

ROWS = 100_000
CHUNKS = -(-ROWS // tables.CHUNK_SIZE)
MAX_QUERIES = 1 + 6 * CHUNKS + 10
COPIED = (
    "municipality_id",
    "given_names",
    "family_name",
    "date_of_birth",
    "gender",
    "nationality",
    "languages",
    "german_level",
    "literacy",
    "interpreter_needed",
    "phone",
    "stage",
    "case_manager_id",
    "coaching_provider_id",
    "coach_id",
    "last_contact_on",
)


@dataclass
class Context:
    district: District
    coordinator: User
    size: dict


def _copies(district: District, missing: int, batch_size: int, log) -> None:
    """`missing` copies of the district's people, each with its related records."""
    templates = list(
        Participant.objects.filter(district=district)
        .filter(Exists(ResidenceStatus.objects.filter(participant=OuterRef("pk"))))
        .order_by("pk")
        .values("pk", *COPIED)
    )
    status = {
        row["participant_id"]: row
        for row in ResidenceStatus.objects.filter(participant__district=district).values(
            "participant_id", "kind", "valid_from", "valid_until", "document_note"
        )
    }
    case_manager = pick_coordinator(district)
    done = 0
    while done < missing:
        batch = []
        for index in range(min(batch_size, missing - done)):
            template = templates[(done + index) % len(templates)]
            fields = {name: template[name] for name in COPIED}
            batch.append((template["pk"], Participant(district=district, **fields)))
        Participant.objects.bulk_create([person for _pk, person in batch])
        statuses, consents, outreaches, enrollments = [], [], [], []
        for template_pk, person in batch:
            row = status[template_pk]
            statuses.append(
                ResidenceStatus(
                    participant=person,
                    kind=row["kind"],
                    valid_from=row["valid_from"],
                    valid_until=row["valid_until"],
                    document_note=row["document_note"] or f"D-{uuid.uuid4().hex[:8]}",
                )
            )
            consents.append(
                Consent(
                    participant=person,
                    purpose=ConsentPurpose.CASE_WORK,
                    given_on=row["valid_from"],
                    form_language="ar",
                )
            )
            outreaches.append(
                Outreach(
                    participant=person,
                    channel="social_welfare",
                    date=row["valid_from"],
                    result="reached",
                )
            )
            enrollments.append(
                Enrollment(
                    participant=person,
                    entry_date=row["valid_from"],
                    case_manager_id=person.case_manager_id or case_manager.pk,
                    coaching_provider_id=person.coaching_provider_id,
                )
            )
        ResidenceStatus.objects.bulk_create(statuses)
        Consent.objects.bulk_create(consents)
        Outreach.objects.bulk_create(outreaches)
        Enrollment.objects.bulk_create(enrollments)
        done += len(batch)
        log(f"   {done:,} of {missing:,} participants copied")


_CONTEXTS: dict[int, Context] = {}


def build(district: District, *, rows: int = ROWS, batch_size: int = 5000, log=print) -> Context:
    """Top the district up to `rows` participants (once per run)."""
    if district.pk in _CONTEXTS:
        return _CONTEXTS[district.pk]
    have = Participant.objects.filter(district=district).count()
    started = time.perf_counter()
    if have < rows:
        _copies(district, rows - have, batch_size, log)
    log(f"Export data: {rows:,} participants in {time.perf_counter() - started:.1f} s.")
    size = {
        "participants": Participant.objects.filter(district=district).count(),
        "columns": len(PARTICIPANT_COLUMNS),
        "residence statuses": ResidenceStatus.objects.filter(
            participant__district=district
        ).count(),
        "enrollments": Enrollment.objects.filter(participant__district=district).count(),
    }
    _CONTEXTS[district.pk] = Context(district, pick_coordinator(district), size)
    return _CONTEXTS[district.pk]


def _table(ctx: Context) -> tables.Table:
    return tables.Table(
        kind="participants",
        title="Teilnehmende",
        filename="teilnehmende",
        fields=tables._spec_fields(PARTICIPANT_COLUMNS),
        queryset=selectors.participant_rows(
            ctx.coordinator, district_id=ctx.district.pk, filters=CaseFilters()
        ),
        filter_keys=[],
        wrap=tables._Prefetched,
    )


def _xlsx(ctx: Context) -> int:
    table = _table(ctx)
    with tempfile.TemporaryFile() as target:
        count = writers.write_xlsx(target, "Teilnehmende", table.header, table.rows())
    return count


def _csv(ctx: Context) -> int:
    table = _table(ctx)
    count = 0
    with open(os.devnull, "wb") as sink:
        for line in writers.csv_lines(table.header, table.rows()):
            sink.write(line.encode("utf-8"))
            count += 1
    return count - 1


def _floor(ctx: Context) -> int:
    rows = (
        Participant.objects.filter(district=ctx.district)
        .order_by("family_name", "given_names", "pk")
        .values_list(*COPIED[1:11])
        .iterator(chunk_size=tables.CHUNK_SIZE)
    )
    writer = csv.writer(io.StringIO(), delimiter=";")
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    return count


def _timed(fn, repeat: int) -> tuple[int, ...]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter_ns()
        fn()
        samples.append(time.perf_counter_ns() - start)
    return tuple(samples)


def _peak(fn, *, result: bool = False):
    """Peak Python memory (bytes) of one run under tracemalloc and its queries (and what fn
    returned, with `result`)."""
    tracemalloc.start()
    try:
        with CaptureQueriesContext(connection) as queries:
            value = fn()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    measured = (peak, len(queries.captured_queries))
    return (measured, value) if result else measured


def _bench(name, ctx, subject, *, title, repeat, fmt) -> dict:
    # A 100,000-row export takes minutes: a few samples are enough to show its order.
    repeat = max(1, min(repeat, 3))
    floor_peak, _floor_queries = _peak(lambda: _floor(ctx))
    (peak, queries), rows = _peak(lambda: subject(ctx), result=True)
    if rows != ctx.size["participants"]:
        raise AssertionError(f"{name}: {rows} rows exported, {ctx.size['participants']} exist")
    subject_timing = Timing(samples_ns=_timed(lambda: subject(ctx), repeat), queries=queries)
    floor_timing = Timing(samples_ns=_timed(lambda: _floor(ctx), repeat), queries=1)
    size = {
        **ctx.size,
        "format": fmt,
        "peak memory (tracemalloc)": f"{peak / 2**20:.1f} MiB",
        "floor peak memory": f"{floor_peak / 2**20:.1f} MiB",
    }
    result = make_result(
        name,
        subject_timing,
        floor_timing,
        size,
        title=title,
        floor_description=(
            "one SELECT of the participants' own columns streamed through csv.writer "
            "(no related records, labels or sanitising)"
        ),
        target="peak memory bounded (independent of the number of rows)",
        max_queries=MAX_QUERIES,
        warmup=0,
        notes=(
            f"Peak Python memory {peak / 2**20:.1f} MiB for {rows:,} rows; queries "
            f"{queries} (1 + 6 per chunk of {tables.CHUNK_SIZE:,} rows)."
        ),
    )
    write_result(result)
    if queries > MAX_QUERIES:
        raise BenchmarkFailure(f"{name}: {queries} queries, at most {MAX_QUERIES} are allowed.")
    return result


def bench_export_xlsx(ctx, *, warmup: int, repeat: int, budget_s: float | None) -> dict:
    """`ctx`: any benchmark context with the district (matching.Context)."""
    return _bench(
        "export_xlsx",
        build(ctx.district),
        _xlsx,
        title="Participant export: 100,000 rows as XLSX",
        repeat=repeat,
        fmt="xlsx",
    )


def bench_export_csv(ctx, *, warmup: int, repeat: int, budget_s: float | None) -> dict:
    """`ctx`: any benchmark context with the district (matching.Context)."""
    return _bench(
        "export_csv",
        build(ctx.district),
        _csv,
        title="Participant export: 100,000 rows as CSV",
        repeat=repeat,
        fmt="csv",
    )


BENCHMARKS = {"export_xlsx": bench_export_xlsx, "export_csv": bench_export_csv}
