"""The load of bench/http_load.py: one user class per scenario, chosen on locust's command line.

Run only by locust, in its own process (importing locust patches the standard library with
gevent, which must never happen in Django's tests or the bench process). The plan comes from
the JSON file in HTTP_BENCH_PLAN: the addresses, and one signed-in session per user (the
cookie and the case list's address with the session's stored filters). Every response time
and the number of failures go to the JSON file in HTTP_BENCH_SAMPLES when locust quits, so
that the percentiles are exact, not locust's rounded ones.

A request counts as failed unless it answers 200 itself: a redirect (to the login, to the
second factor) would otherwise pass as a fast page.
"""

import itertools
import json
import os
import random
from collections import defaultdict

from locust import constant, events, task
from locust.contrib.fasthttp import FastHttpUser

with open(os.environ["HTTP_BENCH_PLAN"], encoding="utf-8") as plan_file:
    PLAN = json.load(plan_file)
SESSIONS = itertools.cycle(PLAN["sessions"])
# The app runs as in production behind a TLS proxy: without this it redirects to https.
HEADERS = {"X-Forwarded-Proto": "https"}
SAMPLES: dict[str, list[float]] = defaultdict(list)
FAILURES: dict[str, int] = defaultdict(int)


@events.request.add_listener
def _keep_sample(request_type, name, response_time, exception, **kwargs):
    # Also the requests that end while locust stops its users: its CSV misses those.
    if exception is None:
        SAMPLES[name].append(response_time)
    else:
        FAILURES[name] += 1


@events.quitting.add_listener
def _write_samples(environment, **kwargs):
    with open(os.environ["HTTP_BENCH_SAMPLES"], "w", encoding="utf-8") as samples_file:
        json.dump({"samples_ms": SAMPLES, "failures": FAILURES}, samples_file)


class _Scenario(FastHttpUser):
    abstract = True
    # A closed loop without think time: 16 users keep 16 requests in flight.
    wait_time = constant(0)

    def fetch(self, path: str, name: str, *, cookie: str | None = None, body: bytes = b""):
        headers = dict(HEADERS)
        if cookie:
            headers["Cookie"] = f"{PLAN['cookie_name']}={cookie}"
        with self.client.get(
            path, headers=headers, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
            elif body and body not in response.content:
                response.failure("unexpected body")


class Healthz(_Scenario):
    @task
    def healthz(self):
        self.fetch(PLAN["healthz"], "healthz", body=b"ok")


class CaseList(_Scenario):
    def on_start(self):
        self.session = next(SESSIONS)

    @task
    def case_list(self):
        self.fetch(self.session["case_list"], "case_list", cookie=self.session["cookie"])


class ParticipantDetail(_Scenario):
    def on_start(self):
        self.session = next(SESSIONS)
        # Reproducible per user, different between users.
        self.random = random.Random(self.session["cookie"])  # noqa: S311 - no secret

    @task
    def participant_detail(self):
        path = self.random.choice(PLAN["participant_pages"])
        self.fetch(path, "participant_detail", cookie=self.session["cookie"])
