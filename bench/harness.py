"""The benchmark harness: timing, query counts, results as JSON and the table in the docs.

Every figure is measured in the same run as its floor (a hand-written SQL statement or another
lower bound of the same work), subject and floor alternating sample by sample so that a busy
machine slows both alike. Reported are the median, the 95th percentile and the minimum after
warm-up, the ratio subject median / floor median, and the number of queries of one run of each.

Only the standard library and Django; no database or dataset of its own (see run.py).
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import math
import os
import platform
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR / "results"
DOCS_FILE = BENCH_DIR.parent / "docs" / "performance.md"

DEFAULT_WARMUP = 3
DEFAULT_REPEAT = 20
MIN_REPEAT = 10

TABLE_START = "<!-- bench:table:start -->"
TABLE_END = "<!-- bench:table:end -->"


class BenchmarkFailure(AssertionError):
    """A benchmark broke one of its hard conditions (e.g. more queries than allowed)."""


# --- Statistics ------------------------------------------------------------------------------


def percentile(samples: Sequence[float], q: float) -> float:
    """The q-th percentile (0–100) with linear interpolation between closest ranks
    (the same as numpy's default and `statistics.quantiles(method="inclusive")`)."""
    if not samples:
        raise ValueError("percentile of no samples")
    if not 0 <= q <= 100:
        raise ValueError(f"percentile out of range: {q}")
    ordered = sorted(samples)
    position = (len(ordered) - 1) * q / 100
    low = math.floor(position)
    high = math.ceil(position)
    if low == high:
        return float(ordered[low])
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass(frozen=True)
class Timing:
    """Samples of one callable in nanoseconds and the queries of one extra run."""

    samples_ns: tuple[int, ...]
    queries: int | None = None

    @property
    def median_ns(self) -> float:
        return percentile(self.samples_ns, 50)

    @property
    def p95_ns(self) -> float:
        return percentile(self.samples_ns, 95)

    @property
    def min_ns(self) -> int:
        return min(self.samples_ns)

    def as_dict(self) -> dict:
        return {
            "median_ms": round(self.median_ns / 1e6, 3),
            "p95_ms": round(self.p95_ns / 1e6, 3),
            "min_ms": round(self.min_ns / 1e6, 3),
            "samples": len(self.samples_ns),
            "queries": self.queries,
        }


def _time_once(fn: Callable[[], object]) -> int:
    # Collect the garbage of earlier runs first (untimed), so that one callable does not pay
    # for the other's: subject and floor alternate and allocate very differently.
    gc.collect()
    start = time.perf_counter_ns()
    fn()
    return time.perf_counter_ns() - start


def count_queries(fn: Callable[[], object], using: str = "default") -> int:
    """Run fn once and return how many queries it sent (Django's query log)."""
    from django.db import connections
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connections[using]) as captured:
        fn()
    return len(captured.captured_queries)


def measure(
    fn: Callable[[], object],
    *,
    warmup: int = DEFAULT_WARMUP,
    repeat: int = DEFAULT_REPEAT,
    queries: bool = True,
) -> Timing:
    """Time fn `repeat` times after `warmup` untimed runs; count its queries on one more run
    (not timed: the query log costs time of its own)."""
    return measure_many({"fn": fn}, warmup=warmup, repeat=repeat, queries=queries)["fn"]


def measure_many(
    fns: dict[str, Callable[[], object]],
    *,
    warmup: int = DEFAULT_WARMUP,
    repeat: int = DEFAULT_REPEAT,
    queries: bool = True,
    budget_s: float | None = None,
    min_repeat: int = MIN_REPEAT,
) -> dict[str, Timing]:
    """Like `measure` for several callables, interleaved: each round runs every callable once,
    so that drift of the machine (other processes, caches, autovacuum) hits all of them.

    With `budget_s`, rounds stop once that many seconds of timed rounds have passed and at
    least `min_repeat` rounds are done (slow subjects get fewer samples, never fewer than
    `min_repeat`)."""
    if repeat < 1:
        raise ValueError("repeat must be at least 1")
    for _ in range(warmup):
        for fn in fns.values():
            fn()
    samples: dict[str, list[int]] = {name: [] for name in fns}
    deadline = None if budget_s is None else time.perf_counter() + budget_s
    for round_ in range(repeat):
        if deadline is not None and round_ >= min_repeat and time.perf_counter() > deadline:
            break
        for name, fn in fns.items():
            samples[name].append(_time_once(fn))
    return {
        name: Timing(
            samples_ns=tuple(samples[name]),
            queries=count_queries(fn) if queries else None,
        )
        for name, fn in fns.items()
    }


# --- Results -----------------------------------------------------------------------------------


def database_info(using: str = "default") -> dict:
    from django.db import connections

    connection = connections[using]
    vendor = connection.vendor
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0].split()[0]
    elif vendor == "sqlite":
        import sqlite3

        version = sqlite3.sqlite_version
    else:  # pragma: no cover - other backends are not used by the project
        version = ".".join(str(part) for part in connection.get_database_version())
    return {"vendor": vendor, "version": version}


def machine_info() -> dict:
    cores = os.cpu_count() or 0
    return {
        "cores": cores,
        "note": f"{cores} cores",
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
    }


def ratio(subject: Timing, floor: Timing) -> float:
    return round(subject.median_ns / floor.median_ns, 2) if floor.median_ns else math.inf


def compare(
    name: str,
    subject: Callable[[], object],
    floor: Callable[[], object],
    size: dict,
    *,
    title: str = "",
    floor_description: str = "",
    target: str = "",
    target_ms: float | None = None,
    max_queries: int | None = None,
    warmup: int = DEFAULT_WARMUP,
    repeat: int = DEFAULT_REPEAT,
    budget_s: float | None = None,
    notes: str = "",
    write: bool = True,
) -> dict:
    """Measure subject against its floor in the same run and return (and write) the result.

    `max_queries` is a hard limit for one run of the subject: above it the result is still
    written (so the table shows it) and then BenchmarkFailure is raised.
    `target_ms` is the issue's target for the subject's p95; a miss is recorded, not raised
    (the docs must say by how much and why).
    """
    timings = measure_many(
        {"subject": subject, "floor": floor}, warmup=warmup, repeat=repeat, budget_s=budget_s
    )
    result = make_result(
        name,
        timings["subject"],
        timings["floor"],
        size,
        title=title,
        floor_description=floor_description,
        target=target,
        target_ms=target_ms,
        max_queries=max_queries,
        warmup=warmup,
        notes=notes,
    )
    if write:
        write_result(result)
    if max_queries is not None and (timings["subject"].queries or 0) > max_queries:
        raise BenchmarkFailure(
            f"{name}: {timings['subject'].queries} queries for one run, at most {max_queries} "
            "are allowed (the query count must not grow with the data)."
        )
    return result


def make_result(
    name: str,
    subject: Timing,
    floor: Timing,
    size: dict,
    *,
    title: str = "",
    floor_description: str = "",
    target: str = "",
    target_ms: float | None = None,
    max_queries: int | None = None,
    warmup: int = DEFAULT_WARMUP,
    notes: str = "",
    database: dict | None = None,
    measured_at: str | None = None,
) -> dict:
    database = database or database_info()
    subject_dict = subject.as_dict()
    target_met = None if target_ms is None else subject_dict["p95_ms"] <= target_ms
    return {
        "name": name,
        "title": title or name,
        "database": database,
        "machine": machine_info(),
        "measured_at": measured_at or dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "size": size,
        "warmup": warmup,
        "repeat": len(subject.samples_ns),
        "subject": subject_dict,
        "floor": {**floor.as_dict(), "description": floor_description},
        "ratio": ratio(subject, floor),
        "max_queries": max_queries,
        "target": target,
        "target_ms": target_ms,
        "target_met": target_met,
        "notes": notes,
    }


def result_path(result: dict, directory: Path = RESULTS_DIR) -> Path:
    return directory / f"{result['database']['vendor']}-{result['name']}.json"


def write_result(result: dict, directory: Path = RESULTS_DIR) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = result_path(result, directory)
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def load_results_for(vendor: str, name: str, directory: Path = RESULTS_DIR) -> dict | None:
    path = directory / f"{vendor}-{name}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def load_results(directory: Path = RESULTS_DIR) -> list[dict]:
    results = []
    for path in sorted(directory.glob("*.json")):
        results.append(json.loads(path.read_text(encoding="utf-8")))
    vendor_order = {"postgresql": 0, "sqlite": 1}
    results.sort(key=lambda r: (vendor_order.get(r["database"]["vendor"], 9), r["name"]))
    return results


# --- The table -------------------------------------------------------------------------------


def _ms(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def _size(size: dict, limit: int | None = None) -> str:
    items = list(size.items())[:limit]
    return ", ".join(
        f"{value:,} {key}" if isinstance(value, int) else f"{key} {value}" for key, value in items
    )


def _target(result: dict) -> str:
    if not result.get("target"):
        return "–"
    met = result.get("target_met")
    mark = "" if met is None else (" ✔" if met else " ✘ missed")
    return f"{result['target']}{mark}"


def render_table(results: list[dict]) -> str:
    header = (
        "| Benchmark | Database | Data size | Median ms | p95 ms | Floor median ms "
        "| Floor p95 ms | Ratio | Queries (subject / floor) | Target (p95) | Measured |\n"
        "|---|---|---|--:|--:|--:|--:|--:|--:|---|---|\n"
    )
    rows = []
    for r in results:
        s, f, db = r["subject"], r["floor"], r["database"]
        rows.append(
            f"| {r['title']} | {db['vendor']} {db['version']} | {_size(r['size'], 2)} "
            f"| {_ms(s['median_ms'])} | {_ms(s['p95_ms'])} | {_ms(f['median_ms'])} "
            f"| {_ms(f['p95_ms'])} | {r['ratio']:.2f}× | {s['queries']} / {f['queries']} "
            f"| {_target(r)} | {r['measured_at'][:10]}, {r['machine']['note']}, "
            f"{r['repeat']} runs after {r['warmup']} warm-up |"
        )
    return header + "\n".join(rows) + "\n"


def render_details(results: list[dict]) -> str:
    """Per result: what the floor is, and the full data size."""
    lines = []
    for r in results:
        db = r["database"]
        lines.append(
            f"- **{r['title']}** ({db['vendor']}): floor = {r['floor'].get('description') or '–'}."
            f" Data: {_size(r['size'])}."
        )
    return "\n".join(lines) + "\n"


def update_docs(results: list[dict] | None = None, path: Path = DOCS_FILE) -> Path:
    """Regenerate the generated part of docs/performance.md from the JSON results, keeping
    the hand-written text around it."""
    results = load_results() if results is None else results
    generated = (
        f"{TABLE_START}\n"
        "<!-- Generated by bench/run.py from bench/results/*.json; do not edit by hand. -->\n\n"
        f"{render_table(results)}\n{render_details(results)}"
        f"{TABLE_END}"
    )
    if path.exists():
        text = path.read_text(encoding="utf-8")
        if TABLE_START in text and TABLE_END in text:
            before, rest = text.split(TABLE_START, 1)
            _old, after = rest.split(TABLE_END, 1)
            text = before + generated + after
        else:
            text = text.rstrip("\n") + "\n\n" + generated + "\n"
    else:
        text = "# Performance\n\n" + generated + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
