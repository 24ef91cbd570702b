"""The benchmark harness's statistics and reports (fast, no timing asserted, no database)."""

import importlib.util
import json
import statistics
import sys
from pathlib import Path

import pytest

HARNESS = Path(__file__).resolve().parents[2] / "bench" / "harness.py"


@pytest.fixture(scope="module")
def harness():
    spec = importlib.util.spec_from_file_location("bench_harness", HARNESS)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being defined
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(spec.name, None)


@pytest.mark.parametrize(
    ("samples", "q", "expected"),
    [
        ([5], 50, 5),
        ([5], 95, 5),
        ([1, 2, 3, 4], 50, 2.5),
        ([4, 1, 3, 2], 0, 1),
        ([4, 1, 3, 2], 100, 4),
        (list(range(1, 21)), 95, 19.05),
        (list(range(1, 101)), 95, 95.05),
    ],
)
def test_percentile_interpolates_between_closest_ranks(harness, samples, q, expected):
    assert harness.percentile(samples, q) == pytest.approx(expected)


def test_percentile_agrees_with_statistics_inclusive(harness):
    samples = [13, 2, 7, 7, 40, 5, 11, 3, 8, 21, 1]
    cuts = statistics.quantiles(samples, n=20, method="inclusive")
    assert harness.percentile(samples, 95) == pytest.approx(cuts[-1])
    assert harness.percentile(samples, 50) == statistics.median(samples)


def test_percentile_refuses_nonsense(harness):
    with pytest.raises(ValueError):
        harness.percentile([], 50)
    with pytest.raises(ValueError):
        harness.percentile([1], 101)


def test_timing_in_milliseconds(harness):
    timing = harness.Timing(samples_ns=(3_000_000, 1_000_000, 2_000_000), queries=4)
    assert timing.as_dict() == {
        "median_ms": 2.0,
        "p95_ms": 2.9,
        "min_ms": 1.0,
        "samples": 3,
        "queries": 4,
    }


def test_measure_many_interleaves_after_warmup(harness):
    calls = []
    fns = {"a": lambda: calls.append("a"), "b": lambda: calls.append("b")}
    timings = harness.measure_many(fns, warmup=2, repeat=3, queries=False)
    assert calls == ["a", "b"] * 5
    assert {name: len(t.samples_ns) for name, t in timings.items()} == {"a": 3, "b": 3}
    assert all(t.queries is None for t in timings.values())


def test_budget_stops_early_but_not_below_the_minimum(harness):
    timings = harness.measure_many(
        {"x": lambda: None}, warmup=0, repeat=1000, queries=False, budget_s=0, min_repeat=4
    )
    assert len(timings["x"].samples_ns) == 4


def _result(harness, name, vendor, subject_ms, floor_ms):
    ms = 1_000_000
    return harness.make_result(
        name,
        harness.Timing(tuple(int(v * ms) for v in subject_ms), queries=5),
        harness.Timing(tuple(int(v * ms) for v in floor_ms), queries=1),
        {"offers": 10_000, "participants": 20_000, "municipalities": 9},
        title=f"Title {name}",
        floor_description="bare SQL",
        target="≤ 50 ms",
        target_ms=50,
        database={"vendor": vendor, "version": "1.0"},
        measured_at="2026-11-22T12:00:00+00:00",
    )


def test_result_ratio_and_target(harness):
    result = _result(harness, "matching", "postgresql", [30, 40, 50, 60], [10, 10, 10, 10])
    assert result["ratio"] == 4.5
    assert result["subject"]["median_ms"] == 45.0
    assert result["subject"]["queries"] == 5
    assert result["floor"]["queries"] == 1
    assert result["target_met"] is False  # p95 58.5 ms > 50 ms
    assert result["database"] == {"vendor": "postgresql", "version": "1.0"}


def test_results_files_and_docs_table(harness, tmp_path):
    results_dir = tmp_path / "results"
    docs = tmp_path / "performance.md"
    docs.write_text(
        f"# Performance\n\nintro\n\n{harness.TABLE_START}\nold\n{harness.TABLE_END}\n\nafter\n",
        encoding="utf-8",
    )
    sqlite = _result(harness, "matching", "sqlite", [20], [10])
    pg = _result(harness, "matching", "postgresql", [10], [10])
    for result in (sqlite, pg):
        harness.write_result(result, results_dir)
    assert sorted(p.name for p in results_dir.iterdir()) == [
        "postgresql-matching.json",
        "sqlite-matching.json",
    ]
    loaded = harness.load_results(results_dir)
    assert [r["database"]["vendor"] for r in loaded] == ["postgresql", "sqlite"]
    assert json.loads((results_dir / "sqlite-matching.json").read_text())["ratio"] == 2.0

    harness.update_docs(loaded, docs)
    text = docs.read_text(encoding="utf-8")
    assert text.startswith("# Performance\n\nintro\n\n")
    assert text.endswith("\n\nafter\n")
    assert "old" not in text
    assert "| Title matching | postgresql 1.0 | 10,000 offers, 20,000 participants |" in text
    assert "| 2.00× | 5 / 1 | ≤ 50 ms ✔ | 2026-11-22, " in text
    assert "9 municipalities" in text  # full size in the details
