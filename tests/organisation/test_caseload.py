"""Caseload per case manager and coach against the 1:100 ratio of case management."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from durchstarten.cases.choices import Stage
from durchstarten.core.models import Role
from durchstarten.organisation.caseload import caseload_for_user, per_fte
from durchstarten.organisation.models import Module
from tests.factories import (
    DistrictFactory,
    ParticipantFactory,
    PositionFactory,
    member,
)

URL = reverse("organisation:caseload")


@pytest.fixture
def today():
    return timezone.localdate()


def _people(district, municipality, count, *, stage=Stage.ACTIVE, **fields):
    return ParticipantFactory.create_batch(
        count, district=district, municipality=municipality, stage=stage, **fields
    )


def _post(district, holder, fte, *, module=Module.CASE_MANAGEMENT, provider=None, **fields):
    fields.setdefault("valid_from", timezone.localdate() - dt.timedelta(days=60))
    return PositionFactory(
        district=district,
        provider=provider,
        module=module,
        holder=holder,
        fte=Decimal(fte),
        **fields,
    )


def _rows(table):
    return {row.name: (row.active, row.fte, row.ratio) for row in table.rows}


def test_it_computes_active_cases_per_full_time_post(
    district, municipality, coordinator, case_manager, provider, coach, today
):
    busy = member(Role.CASE_MANAGER, district)
    _people(district, municipality, 51, case_manager=busy, coach=coach)
    _people(district, municipality, 30, case_manager=case_manager)
    _people(district, municipality, 5, case_manager=case_manager, stage=Stage.EXITED)
    _people(district, municipality, 4, case_manager=case_manager, stage=Stage.CONTACTED)
    _people(district, municipality, 2)  # active, nobody responsible yet
    # Two half posts add up; an expired post and another module do not count.
    _post(district, busy, "0.25")
    _post(district, busy, "0.25", title="zweite Hälfte")
    _post(district, busy, "1", valid_until=today - dt.timedelta(days=1))
    _post(district, busy, "1", module=Module.COACHING, provider=provider)
    _post(district, case_manager, "0.5")
    _post(district, None, "1")  # vacant post: counts for the district total only
    _post(district, coach, "0.5", module=Module.COACHING, provider=provider)
    other = DistrictFactory()
    _people(other, None, 3, case_manager=busy)

    tables = caseload_for_user(coordinator, district, on=today)
    case_management = tables[Module.CASE_MANAGEMENT]
    assert _rows(case_management) == {
        str(busy): (51, Decimal("0.50"), Decimal("102.0")),
        str(case_manager): (30, Decimal("0.50"), Decimal("60.0")),
    }
    assert [row.person for row in case_management.warnings] == [busy]
    assert case_management.unassigned == 2
    assert case_management.total_active == 83
    assert case_management.total_fte == Decimal("2.00")
    assert case_management.total_ratio == Decimal("41.5")
    assert not case_management.total_over_target

    coaching = tables[Module.COACHING]
    assert _rows(coaching) == {
        str(coach): (51, Decimal("0.50"), Decimal("102.0")),
        str(busy): (0, Decimal("1.00"), Decimal("0.0")),
    }
    # The 1:100 target is that of case management: coaches are not warned about.
    assert coaching.warnings == []
    assert coaching.unassigned == 32


def test_it_warns_about_cases_without_a_post_but_not_at_exactly_100(
    district, municipality, coordinator, case_manager, today
):
    without = member(Role.CASE_MANAGER, district)
    _people(district, municipality, 3, case_manager=without)
    _people(district, municipality, 50, case_manager=case_manager)
    _post(district, case_manager, "0.5")
    table = caseload_for_user(coordinator, district, on=today)[Module.CASE_MANAGEMENT]
    by_person = {row.person: row for row in table.rows}
    assert by_person[without].without_position and by_person[without].warns
    assert by_person[without].ratio is None
    assert by_person[case_manager].ratio == Decimal("100.0")
    assert not by_person[case_manager].warns
    assert [row.person for row in table.warnings] == [without]


def test_it_rounds_the_ratio_half_up_to_one_place():
    assert per_fte(1, Decimal("0.75")) == Decimal("1.3")
    assert per_fte(1, Decimal("0.16")) == Decimal("6.3")  # 6.25
    assert per_fte(5, None) is None


def test_the_page_shows_warnings_and_the_district_line(
    client, district, municipality, coordinator, case_manager
):
    _people(district, municipality, 11, case_manager=case_manager)
    _post(district, case_manager, "0.1")
    client.force_login(coordinator)
    response = client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert "kern-alert--warning" in body
    assert "Betreuungsschlüssel 1:100 im Teilhabemanagement nicht eingehalten" in body
    assert f"{case_manager}: 110,0 Teilnehmende je Vollzeitstelle." in body
    assert "über 1:100" in body
    assert "Kreis insgesamt" in body
    assert "Für das Coaching wird das Verhältnis nur zur Information angezeigt." in body


def test_the_page_shows_no_warning_when_the_ratio_is_kept(
    client, district, municipality, coordinator, case_manager
):
    _people(district, municipality, 4, case_manager=case_manager)
    _post(district, case_manager, "1")
    client.force_login(coordinator)
    body = client.get(URL).content.decode()
    assert "nicht eingehalten" not in body
    assert "eingehalten" in body


def test_it_sorts_the_rows(client, district, municipality, coordinator):
    people = [member(Role.CASE_MANAGER, district) for _ in range(3)]
    for count, person in zip((5, 1, 3), people, strict=True):
        _people(district, municipality, count, case_manager=person)
        _post(district, person, "1")
    client.force_login(coordinator)

    def order(sort):
        response = client.get(URL, {"sort": sort})
        return [row.active for row in response.context["sections"][0]["table"].rows]

    assert order("active") == [1, 3, 5]
    assert order("-active") == [5, 3, 1]
    assert order("-ratio") == [5, 3, 1]
    assert order("name") == [
        row.active
        for row in sorted(
            caseload_for_user(coordinator, district, on=timezone.localdate())[
                Module.CASE_MANAGEMENT
            ].rows,
            key=lambda row: row.name.casefold(),
        )
    ]


def test_rows_without_a_post_sort_last_both_ways(client, district, municipality, coordinator):
    with_post, without = member(Role.CASE_MANAGER, district), member(Role.CASE_MANAGER, district)
    _people(district, municipality, 2, case_manager=with_post)
    _people(district, municipality, 9, case_manager=without)
    _post(district, with_post, "1")
    client.force_login(coordinator)
    for sort in ("fte", "-fte", "ratio", "-ratio"):
        rows = client.get(URL, {"sort": sort}).context["sections"][0]["table"].rows
        assert [row.person for row in rows] == [with_post, without], sort


@pytest.mark.parametrize("role", ["coordinator", "case_manager"])
def test_it_shows_the_page_to_district_roles(request, client, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(URL).status_code == 200


@pytest.mark.parametrize("role", ["coach", "provider_staff", "state_analyst"])
def test_it_forbids_the_page_to_other_roles(request, client, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(URL).status_code == 403


def test_it_counts_only_the_active_district(client, district, municipality, coordinator, outsider):
    _people(district, municipality, 7, case_manager=coordinator)
    client.force_login(outsider)
    response = client.get(URL)
    table = response.context["sections"][0]["table"]
    assert (table.total_active, table.rows) == (0, [])
    assert str(coordinator) not in response.content.decode()


def _query_count(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)
    assert response.status_code == 200
    return len(queries)


def test_the_page_needs_the_same_queries_for_small_and_large_districts(
    client, district, municipality, coordinator, provider
):
    client.force_login(coordinator)
    person = member(Role.CASE_MANAGER, district)
    _people(district, municipality, 1, case_manager=person)
    _post(district, person, "1")
    small = _query_count(client)
    for _ in range(8):
        person = member(Role.CASE_MANAGER, district)
        coach = member(Role.COACH, provider=provider)
        _people(district, municipality, 3, case_manager=person, coach=coach)
        _post(district, person, "0.5")
        _post(district, coach, "0.5", module=Module.COACHING, provider=provider)
    assert _query_count(client) == small
