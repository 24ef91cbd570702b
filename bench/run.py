"""Run the benchmarks: `python bench/run.py [--only NAME] [--repeat N] [--participants M]`.

The database server comes from DATABASE_URL (or --database), but the benchmarks never touch
an existing database:

- postgres://…: only host, port and user are taken; a database `durchstarten_bench` is
  created (marked with a comment), migrated, filled, measured and dropped again. If a
  database of that name exists without the mark, the run refuses.
- sqlite://…: a temporary file in a temporary directory, removed afterwards.

Results go to bench/results/<database>-<name>.json and the table in docs/performance.md is
regenerated from all results found there.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))
sys.path.insert(0, str(ROOT / "src"))

BENCH_DB = "durchstarten_bench"
BENCH_MARK = "durchstarten benchmark database, dropped after every run"
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/postgres"


def log(message: str) -> None:
    print(message, flush=True)


# --- A database of our own -----------------------------------------------------------------


def _pg_admin(url):
    import psycopg

    return psycopg.connect(
        host=url.hostname or "127.0.0.1",
        port=url.port or 5432,
        user=unquote(url.username) if url.username else None,
        password=unquote(url.password) if url.password else None,
        dbname="postgres",
        autocommit=True,
        connect_timeout=10,
    )


@contextmanager
def postgres_database(database_url: str, name: str = BENCH_DB):
    url = urlsplit(database_url)
    try:
        admin = _pg_admin(url)
    except Exception as error:  # psycopg.OperationalError and friends
        raise SystemExit(
            f"PostgreSQL at {url.hostname}:{url.port} is not reachable: {error}"
        ) from error
    with admin:
        row = admin.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [name],
        ).fetchone()
        if row is not None:
            if row[0] != BENCH_MARK:
                raise SystemExit(
                    f'A database "{name}" exists and was not created by bench/run.py; '
                    "refusing to touch it."
                )
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
        admin.execute(f"COMMENT ON DATABASE \"{name}\" IS '{BENCH_MARK}'")
    netloc = url.netloc.rsplit("@", 1)
    bench_url = f"postgres://{netloc[0] + '@' if len(netloc) == 2 else ''}{netloc[-1]}/{name}"
    try:
        yield bench_url
    finally:
        from django.db import connections

        connections.close_all()
        with _pg_admin(url) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        log(f'Dropped database "{name}".')


@contextmanager
def sqlite_database():
    directory = tempfile.mkdtemp(prefix="durchstarten-bench-")
    try:
        yield f"sqlite:///{directory}/bench.sqlite3"
    finally:
        from django.db import connections

        connections.close_all()
        shutil.rmtree(directory, ignore_errors=True)


def own_database(database_url: str):
    scheme = urlsplit(database_url).scheme
    if scheme.startswith("postgres"):
        return postgres_database(database_url)
    if scheme == "sqlite":
        return sqlite_database()
    raise SystemExit(f"Unsupported database for the benchmarks: {scheme!r}")


# --- Running ---------------------------------------------------------------------------------


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "durchstarten.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.utils import translation

    # No query log while timing (DEBUG keeps every statement); CaptureQueriesContext still
    # counts queries where the harness asks for it.
    settings.DEBUG = False
    translation.activate("de")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=os.environ.get("DATABASE_URL", DEFAULT_PG))
    parser.add_argument("--only", action="append", metavar="NAME", help="run only NAME")
    parser.add_argument("--repeat", type=int, default=30, metavar="N")
    parser.add_argument("--warmup", type=int, default=3, metavar="W")
    parser.add_argument(
        "--budget",
        type=float,
        default=None,
        metavar="SECONDS",
        help="stop repeating a benchmark after this many seconds (at least 10 runs)",
    )
    parser.add_argument("--participants", type=int, default=20_000, metavar="M")
    parser.add_argument("--districts", type=int, default=3, metavar="N")
    parser.add_argument("--offers", type=int, default=10_000, metavar="K")
    parser.add_argument("--seed", type=int, default=1, metavar="S")
    args = parser.parse_args(argv)

    with own_database(args.database) as url:
        setup_django(url)
        from django.core.management import call_command

        import caselist
        import exports
        import harness
        import http_load
        import imports
        import matching
        import reporting
        from dataset import seed_base

        # exports last: it tops the district up to 100,000 participants.
        benchmarks = {
            **matching.BENCHMARKS,
            **reporting.BENCHMARKS,
            **caselist.BENCHMARKS,
            **http_load.BENCHMARKS,
            **imports.BENCHMARKS,
            **exports.BENCHMARKS,
        }
        unknown = set(args.only or ()) - set(benchmarks)
        if unknown:
            parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
        selected = {k: v for k, v in benchmarks.items() if not args.only or k in args.only}

        database = harness.database_info()
        log(f"== Benchmarks on {database['vendor']} {database['version']} ==")
        started = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        base = seed_base(
            districts=args.districts, participants=args.participants, seed=args.seed, log=log
        )
        log(f"Seeded {base.participants:,} participants in {base.seconds:.1f} s.")
        ctx = matching.build(base, offers=args.offers, seed=args.seed, log=log)
        if database["vendor"] == "postgresql":
            from django.db import connection

            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        log(f"Data ready after {time.perf_counter() - started:.1f} s.")

        failures = []
        results = []
        for name, bench in selected.items():
            log(f"-- {name} ({args.repeat} runs after {args.warmup} warm-up) …")
            try:
                result = bench(ctx, warmup=args.warmup, repeat=args.repeat, budget_s=args.budget)
            except harness.BenchmarkFailure as failure:
                failures.append(str(failure))
                result = harness.load_results_for(database["vendor"], name)
            if result:
                results.append(result)
                s, f = result["subject"], result["floor"]
                log(
                    f"   median {s['median_ms']} ms, p95 {s['p95_ms']} ms, {s['queries']} "
                    f"queries | floor median {f['median_ms']} ms, p95 {f['p95_ms']} ms | "
                    f"ratio {result['ratio']}×"
                )
        path = harness.update_docs()
        log(f"\n{harness.render_table(results)}")
        log(f"Results in {harness.RESULTS_DIR}; table in {path}.")
    if failures:
        for failure in failures:
            print(f"FAILED: {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
