"""The reports through the API: exactly the command's JSON, audited; the suppressed state table."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from durchstarten.core.models import AuditEntry, Role
from tests.api.conftest import api_client
from tests.factories import (
    DistrictFactory,
    MunicipalityFactory,
    ParticipantFactory,
    ResidenceStatusFactory,
    member,
)
from tests.reporting.factories import enroll, reach

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"
KPI = reverse("api:report-kpi")
QUARTERLY = reverse("api:report-quarterly")
STATEWIDE = reverse("api:report-statewide")
PERIOD = {"from": "2025-01-01", "to": "2025-12-31"}


def people(district, number: int) -> None:
    municipality = MunicipalityFactory(district=district)
    for index in range(number):
        person = ParticipantFactory(district=district, municipality=municipality)
        ResidenceStatusFactory(participant=person)
        reach(person, dt.date(2025, 2, 1 + index))
        enroll(person, dt.date(2025, 3, 1 + index))


def command_json(*args) -> dict:
    out = io.StringIO()
    call_command("report", *args, stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def reported(district):
    people(district, 3)
    return district


def test_it_returns_exactly_the_commands_kpi_report(coordinator, reported):
    response = api_client(coordinator).get(KPI, {"district": reported.ags, **PERIOD})
    assert response.status_code == 200
    expected = command_json(
        "kpi", "--district", reported.ags, "--from", PERIOD["from"], "--to", PERIOD["to"]
    )
    assert response.json() == expected
    assert expected["entered"] == 3


def test_it_audits_the_kpi_report_like_the_command(case_manager, reported):
    api_client(case_manager).get(KPI, {"district": reported.ags, **PERIOD})
    entry = AuditEntry.objects.get(action="report.kpi.exported")
    assert entry.actor == case_manager and entry.district_id == reported.pk
    assert entry.data == {
        "format": "json",
        "districts": [reported.ags],
        "from": PERIOD["from"],
        "to": PERIOD["to"],
    }


def test_it_returns_exactly_the_commands_quarterly_report(coordinator, reported):
    response = api_client(coordinator).get(QUARTERLY, {"district": reported.ags, "year": 2025})
    assert response.status_code == 200
    assert response.json() == command_json(
        "quarterly", "--district", reported.ags, "--year", "2025"
    )
    entry = AuditEntry.objects.get(action="report.quarterly.exported", actor=coordinator)
    assert entry.data == {"format": "json", "districts": [reported.ags], "year": 2025}


def test_it_refuses_reports_to_roles_without_the_dashboard(
    coach, provider_staff, state_analyst, district
):
    for user in (coach, provider_staff, state_analyst):
        response = api_client(user).get(KPI, {"district": district.ags, **PERIOD})
        assert response.status_code == 403
        assert response["Content-Type"] == PROBLEM
    assert not AuditEntry.objects.filter(action="report.kpi.exported").exists()


def test_it_answers_another_districts_report_like_a_missing_one(coordinator, other_district):
    client = api_client(coordinator)
    foreign = client.get(QUARTERLY, {"district": other_district.ags, "year": 2025})
    missing = client.get(QUARTERLY, {"district": "99999999", "year": 2025})
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()


def test_it_refuses_a_case_manager_the_report_of_a_district_where_they_only_coach(
    district, other_district
):
    user = member(Role.CASE_MANAGER, district)
    provider = other_district.providers.create(name="Träger B")
    user.memberships.create(role=Role.COACH, district=other_district, provider=provider)
    response = api_client(user).get(KPI, {"district": other_district.ags, **PERIOD})
    assert response.status_code == 403


def test_it_explains_invalid_parameters_in_german(coordinator, district):
    client = api_client(coordinator)
    reversed_period = client.get(
        KPI, {"district": district.ags, "from": "2025-12-31", "to": "2025-01-01"}
    )
    assert reversed_period.status_code == 422
    assert reversed_period.json()["errors"] == [
        {
            "field": "from",
            "message": "Der Beginn liegt nach dem Ende des Zeitraums.",
            "code": "invalid",
        }
    ]
    fields = {e["field"] for e in client.get(KPI, {"district": "12"}).json()["errors"]}
    assert fields == {"district", "from", "to"}
    bad_year = client.get(QUARTERLY, {"district": district.ags, "year": 1999})
    assert bad_year.status_code == 422
    assert bad_year.json()["errors"][0]["field"] == "year"


@pytest.mark.parametrize(
    ("path", "query", "queries"),
    [
        (KPI, PERIOD, 13),
        (QUARTERLY, {"year": 2025}, 15),
        (STATEWIDE, PERIOD, 6),
    ],
)
def test_it_reports_in_constant_queries(
    path, query, queries, coordinator, state_analyst, district, django_assert_num_queries
):
    client = api_client(state_analyst if path == STATEWIDE else coordinator)
    if path != STATEWIDE:
        query = {"district": district.ags, **query}
    client.get(path, query)
    # The audit entry takes the chain's advisory lock on PostgreSQL: one statement more.
    queries += connection.vendor == "postgresql"
    for size in (1, 6):
        people(district, size)
        with django_assert_num_queries(queries):
            assert client.get(path, query).status_code == 200


# --- State-wide table ----------------------------------------------------------------------


def test_it_gives_state_analysts_the_suppressed_table(state_analyst, district):
    big = DistrictFactory(name="Kreis Groß")
    people(district, 3)
    people(big, 7)
    response = api_client(state_analyst).get(STATEWIDE, PERIOD)
    assert response.status_code == 200
    body = response.json()
    assert body["suppressed"] is True
    rows = {row["district"]: row for row in body["rows"]}
    small = rows[district.ags]["cells"]["entered"]
    assert small == {"value": None, "text": "< 5", "suppressed": True}
    assert rows[big.ags]["cells"]["entered"]["value"] in (7, None)
    assert body["total"]["cells"]["entered"] == {"value": 10, "text": "10", "suppressed": False}
    assert all(cell["value"] != 3 for cell in rows[district.ags]["cells"].values())
    entry = AuditEntry.objects.get(action="reporting.state.exported")
    assert entry.data["format"] == "json"


def test_it_refuses_the_state_table_to_everyone_else(coordinator, district):
    admin = member(Role.ADMIN)
    for user in (coordinator, admin):
        assert api_client(user).get(STATEWIDE, PERIOD).status_code == 403
