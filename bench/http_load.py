"""The case list and a participant's page under load over HTTP, against the liveness view.

- http_load: the app served by gunicorn on the loopback interface (WORKERS processes with
  THREADS threads each, production settings: DEBUG off, a random secret key, TLS as behind a
  proxy via X-Forwarded-Proto) and loaded by locust (bench/locustfile.py) with USERS
  concurrent users without think time for HTTP_SECONDS seconds per scenario, one scenario
  after the other: `/healthz` (the floor: the whole middleware stack and one `SELECT 1`, no
  session), the case list of a case manager of the district (page 1, people in the
  programme, sorted by name, filters kept in the session as the UI does), and the pages of
  random listed participants of the district. Every user has a session of its own, of one of
  the district's case managers. Subject = case list, floor = healthz; the participant's page
  is in `data`. Issue 6: the case list must reach at least 25 % of the floor's requests per
  second, with no failed request.

Locust and gunicorn run as child processes (locust's gevent must never be imported here) and
share the machine's two cores with PostgreSQL: the figures say what this box serves, not
what the app would serve with the load generator elsewhere. HTTP_SECONDS shortens the runs
for trials.
"""

from __future__ import annotations

import csv
import http.client
import json
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.contrib.auth import login
from django.http import HttpRequest, QueryDict
from django.test import Client, override_settings
from django.urls import reverse

from durchstarten.cases import selectors
from durchstarten.cases.choices import Stage
from durchstarten.cases.filters import CaseFilterForm
from durchstarten.core import crypto, lists
from durchstarten.core.middleware import SESSION_KEY as ACTIVE_MEMBERSHIP
from durchstarten.core.models import Membership, Role
from harness import BenchmarkFailure, Timing, count_queries, make_result, percentile, write_result

BENCH_DIR = Path(__file__).resolve().parent
LOCUSTFILE = BENCH_DIR / "locustfile.py"
SECONDS = int(os.environ.get("HTTP_SECONDS", "60"))
USERS = 16
WORKERS = 2
THREADS = 4
CASE_LIST_FILTERS = {"stage": Stage.ACTIVE.value}
CASE_LIST_SORT = "name"
DETAIL_POOL = 1000
TARGET_SHARE = 0.25
WARMUP_REQUESTS = WORKERS * THREADS
START_TIMEOUT_S = 60
REQUEST_TIMEOUT_S = 30
# Locust's own timeout for one request (FastHttpUser's default): at the end of a run every
# started request gets this long to finish, so that it counts, as an answer or a failure.
CLIENT_TIMEOUT_S = 60
SCENARIOS = {
    "healthz": "Healthz",
    "case_list": "CaseList",
    "participant_detail": "ParticipantDetail",
}


class _Server:
    def __init__(self, port: int, process: subprocess.Popen, log: Path):
        self.port, self.process, self.log = port, process, log

    def log_tail(self, lines: int = 30) -> str:
        text = self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _field_keys() -> str:
    """The keys the bench data was encrypted with, so the server can read the notes."""
    keys = crypto.configured_keys()
    if keys:
        return ",".join(keys)
    # Without configured keys the bench process wrote with the development key of its own
    # secret key; the server runs with another secret key, so it gets that key explicitly.
    return crypto._development_key(settings.SECRET_KEY).decode("ascii")


def _server_env(secret_key: str, field_keys: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DURCHSTARTEN_") and key != "DJANGO_SETTINGS_MODULE"
    }
    env.update(
        DATABASE_URL=os.environ["DATABASE_URL"],
        DJANGO_SETTINGS_MODULE="durchstarten.settings",
        DURCHSTARTEN_DEBUG="0",
        DURCHSTARTEN_SECRET_KEY=secret_key,
        DURCHSTARTEN_ALLOWED_HOSTS="127.0.0.1",
        DURCHSTARTEN_FIELD_KEYS=field_keys,
        DURCHSTARTEN_LOG_LEVEL="WARNING",
    )
    if "DURCHSTARTEN_DB_CONN_MAX_AGE" in os.environ:
        env["DURCHSTARTEN_DB_CONN_MAX_AGE"] = os.environ["DURCHSTARTEN_DB_CONN_MAX_AGE"]
    return env


def _get(port: int, path: str, cookie: str | None = None) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT_S)
    headers = {"X-Forwarded-Proto": "https"}
    if cookie:
        headers["Cookie"] = f"{settings.SESSION_COOKIE_NAME}={cookie}"
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@contextmanager
def gunicorn(env: dict[str, str], workdir: Path):
    """gunicorn on a free loopback port until it answers /healthz; always stopped again."""
    port = _free_port()
    log = workdir / "gunicorn.log"
    command = [
        sys.executable, "-m", "gunicorn", "durchstarten.wsgi:application",
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(WORKERS), "--worker-class", "gthread", "--threads", str(THREADS),
        "--timeout", str(REQUEST_TIMEOUT_S), "--graceful-timeout", "5",
        "--error-logfile", str(log), "--log-level", "warning",
    ]  # fmt: skip
    # Django logs to stderr (errors with their traceback): into the same file.
    with open(log, "ab") as output:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            command, env=env, cwd=workdir, stdout=output, stderr=output
        )
    server = _Server(port, process, log)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if process.poll() is not None:
                raise BenchmarkFailure(
                    f"gunicorn ended with {process.returncode}:\n{server.log_tail()}"
                )
            try:
                if _get(port, reverse("healthz")) == (200, b"ok"):
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise BenchmarkFailure(f"gunicorn did not answer within {START_TIMEOUT_S} s")
            time.sleep(0.25)
        yield server
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)


def _case_managers(district) -> list[Membership]:
    memberships = list(
        Membership.objects.filter(district=district, role=Role.CASE_MANAGER)
        .select_related("user")
        .order_by("pk")[:USERS]
    )
    if not memberships:
        raise BenchmarkFailure("The bench district has no case manager.")
    return memberships


def _sessions(memberships: list[Membership], secret_key: str) -> list[dict]:
    """One signed-in session per locust user, written under the server's secret key, each
    with the case list's filters stored the way the filter form stores them."""
    sessions = []
    filters = QueryDict(mutable=True)
    filters.update(CASE_LIST_FILTERS)
    with override_settings(SECRET_KEY=secret_key):
        for index in range(USERS):
            membership = memberships[index % len(memberships)]
            request = HttpRequest()
            request.session = Client().session
            login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
            request.session[ACTIVE_MEMBERSHIP] = membership.pk
            token = lists.store_filters(request, CaseFilterForm, filters)
            request.session.save()
            query = f"{lists.FILTERS_PARAM}={token}&sort={CASE_LIST_SORT}"
            sessions.append(
                {
                    "cookie": request.session.session_key,
                    "case_list": f"{reverse('cases:participant_list')}?{query}",
                }
            )
    return sessions


def _participant_pages(membership: Membership, seed: int) -> list[str]:
    """Random people of the district as the case list shows them (not restricted or
    anonymised), reproducible for a seed."""
    public_ids = list(
        selectors.case_list(
            membership.user, district_id=membership.district_id, filters=selectors.CaseFilters()
        )
        .order_by("pk")
        .values_list("public_id", flat=True)
    )
    chosen = random.Random(seed).sample(public_ids, min(DETAIL_POOL, len(public_ids)))  # noqa: S311
    return [reverse("cases:participant_detail", kwargs={"public_id": p}) for p in chosen]


def _check_pages(server: _Server, plan: dict) -> None:
    """One request of each scenario must answer 200 with the page (not a redirect), then
    some untimed requests warm up every worker."""
    session = plan["sessions"][0]
    checks = {
        "healthz": (plan["healthz"], None, b"ok"),
        "case_list": (session["case_list"], session["cookie"], b"/faelle/"),
        "participant_detail": (plan["participant_pages"][0], session["cookie"], b"</html>"),
    }
    for name, (path, cookie, marker) in checks.items():
        status, body = _get(server.port, path, cookie)
        if status != 200 or marker not in body:
            raise BenchmarkFailure(f"http_load: {name} answered {status}\n{server.log_tail()}")
        for _ in range(WARMUP_REQUESTS):
            _get(server.port, path, cookie)


def _queries(plan: dict, secret_key: str, field_keys: str) -> dict[str, int]:
    """Queries of one request of each scenario, counted in this process (the second request
    of the session: the first one also notes the login time and the two-factor state)."""
    session = plan["sessions"][0]
    paths = {
        "healthz": (plan["healthz"], False),
        "case_list": (session["case_list"], True),
        "participant_detail": (plan["participant_pages"][0], True),
    }
    counts = {}
    with override_settings(SECRET_KEY=secret_key, DURCHSTARTEN_FIELD_KEYS=field_keys.split(",")):
        for name, (path, signed_in) in paths.items():
            client = Client(HTTP_HOST="127.0.0.1")
            if signed_in:
                client.cookies[settings.SESSION_COOKIE_NAME] = session["cookie"]
            client.get(path)
            counts[name] = count_queries(lambda c=client, p=path: c.get(p))
    return counts


def _run_locust(server: _Server, scenario: str, plan_path: Path, workdir: Path) -> dict:
    prefix = workdir / scenario
    samples_path = workdir / f"{scenario}-samples.json"
    command = [
        sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), SCENARIOS[scenario],
        "--headless", "--users", str(USERS), "--spawn-rate", str(USERS),
        "--run-time", f"{SECONDS}s", "--stop-timeout", str(CLIENT_TIMEOUT_S),
        "--host", f"http://127.0.0.1:{server.port}", "--csv", str(prefix),
        "--only-summary", "--loglevel", "WARNING", "--exit-code-on-error", "0",
    ]  # fmt: skip
    env = {
        **os.environ,
        "HTTP_BENCH_PLAN": str(plan_path),
        "HTTP_BENCH_SAMPLES": str(samples_path),
    }
    completed = subprocess.run(  # noqa: S603 - our own interpreter and arguments
        command,
        env=env,
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=SECONDS + CLIENT_TIMEOUT_S + 60,
        check=False,
    )
    stats_path = prefix.with_name(f"{prefix.name}_stats.csv")
    if completed.returncode != 0 or not stats_path.exists() or not samples_path.exists():
        raise BenchmarkFailure(
            f"http_load: locust ({scenario}) ended with {completed.returncode}:\n"
            f"{completed.stderr[-3000:]}"
        )
    recorded = json.loads(samples_path.read_text(encoding="utf-8"))
    samples_ms = recorded["samples_ms"].get(scenario, [])
    # No row: not one request ended within the run time (all of them later, or never).
    stats = parse_locust_stats(stats_path.read_text(encoding="utf-8"), scenario) or {
        "requests": 0,
        "failures": 0,
        "requests_per_s": 0.0,
    }
    failures = max(stats["failures"], recorded["failures"].get(scenario, 0))
    failures_path = prefix.with_name(f"{prefix.name}_failures.csv")
    kinds = (
        {
            row["Error"]: int(row["Occurrences"])
            for row in csv.DictReader(failures_path.read_text(encoding="utf-8").splitlines())
        }
        if failures_path.exists()
        else {}
    )
    return {
        "requests_per_s": stats["requests_per_s"],
        "requests": stats["requests"],
        "failures": failures,
        "p50_ms": _percentile(samples_ms, 50),
        "p95_ms": _percentile(samples_ms, 95),
        "p99_ms": _percentile(samples_ms, 99),
        "max_ms": round(max(samples_ms), 1) if samples_ms else None,
        "failure_kinds": kinds,
        "samples_ms": samples_ms,
    }


def parse_locust_stats(text: str, name: str) -> dict | None:
    """Requests, failures and requests per second of one request name from locust's
    `<prefix>_stats.csv` (None if it has no such row)."""
    for row in csv.DictReader(text.splitlines()):
        if row["Name"] == name:
            return {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "requests_per_s": round(float(row["Requests/s"]), 1),
            }
    return None


def _percentile(samples_ms: list[float], q: float) -> float | None:
    return round(percentile(samples_ms, q), 1) if samples_ms else None


def _timing(name: str, run: dict, queries: int) -> Timing:
    if not run["samples_ms"]:
        raise BenchmarkFailure(f"http_load: not one request of {name} was answered")
    return Timing(tuple(round(ms * 1e6) for ms in run["samples_ms"]), queries=queries)


def bench_http_load(ctx, *, warmup: int, repeat: int, budget_s: float | None) -> dict:
    memberships = _case_managers(ctx.district)
    secret_key = secrets.token_urlsafe(64)
    field_keys = _field_keys()
    plan = {
        "cookie_name": settings.SESSION_COOKIE_NAME,
        "healthz": reverse("healthz"),
        "sessions": _sessions(memberships, secret_key),
        "participant_pages": _participant_pages(memberships[0], seed=1),
    }
    queries = _queries(plan, secret_key, field_keys)
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="durchstarten-http-") as directory:
        workdir = Path(directory)
        plan_path = workdir / "plan.json"
        plan_path.write_text(json.dumps(plan), encoding="utf-8")
        with gunicorn(_server_env(secret_key, field_keys), workdir) as server:
            _check_pages(server, plan)
            runs = {name: _run_locust(server, name, plan_path, workdir) for name in SCENARIOS}
            errors = server.log_tail()
    figures = {
        name: {**{k: v for k, v in run.items() if k != "samples_ms"}, "queries": queries[name]}
        for name, run in runs.items()
    }
    subject = _timing("case_list", runs["case_list"], queries["case_list"])
    floor = _timing("healthz", runs["healthz"], queries["healthz"])
    share = figures["case_list"]["requests_per_s"] / (figures["healthz"]["requests_per_s"] or 1)
    failures = sum(f["failures"] for f in figures.values())
    size = {
        "participants in district": ctx.district.participants.count(),
        "concurrent users": USERS,
        "seconds per scenario": SECONDS,
        "server": f"gunicorn {WORKERS} workers × {THREADS} threads",
        "case list req/s (share of healthz)": (
            f"{figures['case_list']['requests_per_s']} ({share:.0%})"
        ),
        "participant page req/s": figures["participant_detail"]["requests_per_s"],
        "failed requests": failures,
    }
    result = make_result(
        "http_load",
        subject,
        floor,
        size,
        title=f"HTTP: case list under load ({USERS} users, gunicorn)",
        floor_description=(
            "GET /healthz through the same server and middleware, one SELECT 1, no session; "
            "latencies are per request with all users busy"
        ),
        target=f"≥ {TARGET_SHARE:.0%} of healthz req/s, 0 errors",
        warmup=WARMUP_REQUESTS,
        notes=(
            "Case list: page 1 of the people in the programme sorted by name (filters in the "
            "session). Participant page: random listed people of the district. Locust and "
            "PostgreSQL share the two cores with the server."
        ),
    )
    result["target_met"] = share >= TARGET_SHARE and failures == 0
    result["data"] = {
        "scenarios": figures,
        "case_list_share_of_healthz": round(share, 3),
        "conn_max_age": os.environ.get("DURCHSTARTEN_DB_CONN_MAX_AGE", "0"),
        # Other work on the box slows server and load generator alike; this says how much.
        "load_average_before_after": [round(load_before[0], 1), round(os.getloadavg()[0], 1)],
    }
    write_result(result)
    if failures:
        raise BenchmarkFailure(f"http_load: {failures} failed requests\n{errors}")
    return result


BENCHMARKS = {"http_load": bench_http_load}
