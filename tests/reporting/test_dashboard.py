"""The KPI dashboard, the persons behind its figures, its downloads and the definitions page."""

import datetime as dt
import io
import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from durchstarten.cases.choices import ExitReason, ResidenceStatusKind
from durchstarten.cases.models import Enrollment, Outreach, Participant, ResidenceStatus
from durchstarten.cases.services.participants import _store_name_keys
from durchstarten.core.models import AuditEntry, Role
from durchstarten.offers.choices import OutcomeKind, ReferralState
from durchstarten.offers.models import Outcome, Referral
from durchstarten.organisation.models import Module
from durchstarten.reporting import services
from durchstarten.reporting.kpi import kpi_report
from durchstarten.reporting.views._period import quarter_bounds, quick_choices
from tests.factories import (
    MunicipalityFactory,
    OfferFactory,
    PositionFactory,
    ProviderFactory,
    member,
)
from tests.reporting.factories import initiative_offer

pytestmark = pytest.mark.django_db

PERIOD = {"from": "2026-01-01", "to": "2026-06-30"}
IN_PERIOD = dt.date(2026, 3, 2)
PLACED_ON = dt.date(2026, 4, 15)
BORN = dt.date(2002, 6, 15)


class Place:
    """A district with two municipalities, two providers and offers; records persons' paths."""

    def __init__(self, district, *, tag=""):
        self.district = district
        self.towns = [
            MunicipalityFactory(district=district, name=f"{tag}Harsewinkel"),
            MunicipalityFactory(district=district, name=f"{tag}Verl"),
        ]
        self.providers = [
            ProviderFactory(district=district, name=f"{tag}asH gGmbH"),
            ProviderFactory(district=district, name=f"{tag}Caritas e. V."),
        ]
        self.case_manager = member(Role.CASE_MANAGER, district)
        self.measure = initiative_offer(
            district, 4, provider=self.providers[1], organiser="", capacity=None
        )
        self.regular = OfferFactory(district=district, capacity=None)
        self.count = 0

    def person(self, *, town=0, entered=True, placed=False, outcome=False, exited=False, name=None):
        self.count += 1
        person = Participant.objects.create(
            district=self.district,
            municipality=self.towns[town] if town is not None else None,
            given_names=f"Vorname{self.count:03d}",
            family_name=name or f"{self.district.name.split()[-1]}{self.count:03d}",
            date_of_birth=BORN,
        )
        _store_name_keys(person)
        ResidenceStatus.objects.create(
            participant=person, kind=ResidenceStatusKind.DULDUNG, valid_from=dt.date(2024, 1, 1)
        )
        Outreach.objects.create(
            participant=person, channel="social_welfare", date=IN_PERIOD, result="reached"
        )
        if entered:
            Enrollment.objects.create(
                participant=person,
                entry_date=IN_PERIOD,
                case_manager=self.case_manager,
                coaching_provider=self.providers[0],
                exit_date=dt.date(2026, 5, 31) if exited else None,
                exit_reason=ExitReason.TRAINING if exited else "",
            )
        if placed:
            Referral.objects.create(
                participant=person,
                offer=self.measure,
                district=self.district,
                state=ReferralState.STARTED,
                proposed_on=IN_PERIOD,
                started_on=PLACED_ON,
            )
        if outcome:
            Outcome.objects.create(
                participant=person, kind=OutcomeKind.INTERNSHIP, start_date=dt.date(2026, 5, 4)
            )
        return person

    def populate(self, size: int):
        for index in range(size):
            self.person(
                town=index % 2,
                entered=index % 4 != 3,
                placed=index % 2 == 0,
                outcome=index % 4 == 0,
                exited=index % 8 == 0,
            )


@pytest.fixture
def place(district):
    return Place(district)


@pytest.fixture
def elsewhere(other_district):
    """Another district with persons who must never show up."""
    other = Place(other_district, tag="Fremd-")
    other.populate(4)
    return other


def _get(client, user, name="dashboard", data=None):
    client.force_login(user)
    return client.get(reverse(f"reporting:{name}"), data if data is not None else PERIOD)


def _body(response) -> str:
    return response.content.decode()


def _persons_url(**params) -> str:
    return reverse("reporting:persons"), {**PERIOD, **params}


# --- Dashboard --------------------------------------------------------------------------------


def test_it_shows_the_figures_with_links_to_the_persons(client, coordinator, place):
    place.populate(8)
    response = _get(client, coordinator)
    assert response.status_code == 200
    report = response.context["report"]
    assert (report["contacted"], report["entered"], report["placed"]) == (8, 6, 4)
    body = _body(response)
    assert "01.01.2026 bis 30.06.2026" in body
    assert "?metric=entered&amp;from=2026-01-01&amp;to=2026-06-30" in body
    assert "?metric=by_module&amp;key=4&amp;from=2026-01-01&amp;to=2026-06-30" in body
    assert "?metric=target_groups&amp;key=primary&amp;from=2026-01-01&amp;to=2026-06-30" in body
    assert "?metric=age_band&amp;key=21-24&amp;from=2026-01-01&amp;to=2026-06-30" in body
    assert "Harsewinkel" in body and "Caritas e. V." in body
    # Persons' names never appear on the dashboard, nor in any link.
    assert "Vorname001" not in body


def test_it_shows_targets_met_and_not_met(client, coordinator, district, place):
    place.populate(8)
    for metric, value in (("entry_rate", "0.7"), ("placement_rate", "0.9")):
        services.target_create(
            actor=coordinator, district=district, year=2026, metric=metric, value=Decimal(value)
        )
    response = _get(client, coordinator)
    rows = {row["key"]: row for row in response.context["overview"]}
    assert rows["entry_rate"]["target"] == {"text": "70,0\u00a0%", "met": True}
    assert rows["placement_rate"]["target"] == {"text": "90,0\u00a0%", "met": False}
    assert rows["entry_rate"]["parts"]["numerator"]["text"] == "6"
    assert rows["entry_rate"]["parts"]["denominator"]["text"] == "8"
    body = _body(response)
    assert "nicht erreicht" in body and "75,0\u00a0%" in body


def test_it_defaults_to_this_year_to_date(client, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("reporting:dashboard"))
    assert response.status_code == 200
    start, end = response.context["start"], response.context["end"]
    assert start == dt.date(end.year, 1, 1)
    assert response.context["form"]["from"].value() == start.isoformat()


def test_it_changes_the_period(client, coordinator, place):
    place.populate(4)
    response = _get(client, coordinator, data={"from": "2025-01-01", "to": "2025-12-31"})
    assert response.context["report"]["contacted"] == 0
    assert response.context["report"]["period"] == {"from": "2025-01-01", "to": "2025-12-31"}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"from": "2026-06-30", "to": "2026-01-01"}, "nicht vor dem Beginn"),
        ({"from": "2010-01-01", "to": "2026-01-01"}, "höchstens fünf Jahre"),
        ({"from": "gestern"}, "gültiges Datum"),
        ({"from": "1900-01-01", "to": "1900-02-01"}, "zwischen den Jahren 2000 und 2100"),
    ],
)
def test_it_explains_an_invalid_period(client, coordinator, data, message):
    response = _get(client, coordinator, data=data)
    assert response.status_code == 200
    assert message in _body(response)
    assert "report" not in response.context


def test_it_offers_quick_choices():
    today = dt.date(2026, 8, 10)
    choices = quick_choices(dt.date(2026, 1, 1), today, today=today)
    assert [(c["from"], c["to"]) for c in choices] == [
        ("2026-01-01", "2026-08-10"),
        ("2025-01-01", "2025-12-31"),
        ("2026-01-01", "2026-03-31"),
        ("2026-04-01", "2026-06-30"),
        ("2026-07-01", "2026-09-30"),
    ]
    assert choices[0]["current"] and not choices[1]["current"]
    assert quarter_bounds(2026, 4) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))


def test_it_lets_case_managers_view_but_not_manage_targets(client, case_manager, place):
    response = _get(client, case_manager)
    assert response.status_code == 200
    assert reverse("reporting:target_list") not in _body(response)


def test_it_links_coordinators_to_the_targets(client, coordinator):
    assert reverse("reporting:target_list") in _body(_get(client, coordinator))


@pytest.mark.parametrize("role", ["coach", "provider_staff", "state_analyst"])
@pytest.mark.parametrize("name", ["dashboard", "persons", "dashboard_export"])
def test_it_forbids_the_dashboard_to_other_roles(request, client, role, name):
    assert _get(client, request.getfixturevalue(role), name).status_code == 403


def test_it_shows_nothing_of_another_district(client, coordinator, place, elsewhere):
    place.populate(2)
    response = _get(client, coordinator)
    body = _body(response)
    assert response.context["report"]["contacted"] == 2
    assert "Fremd-" not in body
    outsider_view = _get(client, member(Role.COORDINATOR, elsewhere.district))
    assert outsider_view.context["report"]["contacted"] == 4
    assert "Fremd-Harsewinkel" in _body(outsider_view) and "asH gGmbH" in _body(outsider_view)


def test_it_warns_when_the_caseload_exceeds_the_ratio(client, coordinator, district, place):
    place.populate(4)
    PositionFactory(
        district=district,
        module=Module.CASE_MANAGEMENT,
        fte=Decimal("0.01"),
        valid_from=dt.date(2026, 1, 1),
    )
    body = _body(_get(client, coordinator))
    assert "Der Betreuungsschlüssel von 1:100 ist überschritten" in body
    assert "200,0 Personen je Vollzeitstelle" in body


def test_it_keeps_within_the_ratio_quietly(client, coordinator, district, place):
    place.populate(4)
    PositionFactory(district=district, module=Module.CASE_MANAGEMENT, fte=Decimal("1.5"))
    body = _body(_get(client, coordinator))
    assert "überschritten" not in body
    assert "Schlüssel 1:100 eingehalten" in body


def test_it_draws_charts_from_json_without_inline_scripts(client, coordinator, place):
    place.populate(4)
    body = _body(_get(client, coordinator))
    scripts = re.findall(r"<script([^>]*)>", body)
    for attributes in scripts:
        assert "src=" in attributes or 'type="application/json"' in attributes, attributes
    assert "vendor/chartjs/chart.umd.min.js" in body and "js/charts.js" in body
    for name in ("funnel", "trend", "modules", "outcomes", "exits"):
        match = re.search(
            rf'<script id="chart-{name}-data" type="application/json">(.*?)</script>', body
        )
        assert match, name
        data = json.loads(match.group(1))
        assert data["labels"] and data["datasets"]
        assert f'data-chart="chart-{name}-data"' in body
    funnel = json.loads(
        re.search(r'id="chart-funnel-data" type="application/json">(.*?)<', body).group(1)
    )
    assert funnel["datasets"][0]["data"] == [4, 3, 2, 1]


def test_every_chart_has_a_table_with_its_numbers(client, coordinator, place):
    place.populate(4)
    response = _get(client, coordinator)
    context = response.context
    assert [row["value"] for row in context["funnel"]] == [4, 3, 2, 1]
    months = {row["label"]: [cell["value"] for cell in row["cells"]] for row in context["months"]}
    assert months["März 2026"] == [4, 3, 0]
    assert months["April 2026"] == [0, 0, 2]
    assert len(months) == 6
    modules = {row["key"]: row["value"] for row in context["modules"]}
    assert modules["4"] == 2 and modules["6"] == 3


def test_it_tables_municipalities_and_providers(client, coordinator, place):
    place.populate(8)
    place.person(town=None)
    context = _get(client, coordinator).context
    towns = {row["name"]: [c["value"] for c in row["cells"]] for row in context["municipalities"]}
    assert towns == {"Harsewinkel": [4, 4, 4], "Verl": [4, 2, 0], "ohne Angabe": [1, 1, 0]}
    providers = {row["name"]: [c["value"] for c in row["cells"]] for row in context["providers"]}
    assert providers == {"asH gGmbH": [7, 0], "Caritas e. V.": [0, 4]}


def _dashboard_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("reporting:dashboard"), PERIOD).status_code == 200
    return len(queries)


def test_it_takes_a_fixed_number_of_queries(
    client, coordinator, place, django_assert_max_num_queries
):
    client.force_login(coordinator)
    place.populate(2)
    few = _dashboard_queries(client)
    place.populate(40)
    for index in range(5):
        MunicipalityFactory(district=place.district, name=f"Ort {index}")
        ProviderFactory(district=place.district)
    with django_assert_max_num_queries(few):
        assert client.get(reverse("reporting:dashboard"), PERIOD).status_code == 200
    assert few <= 30


# --- Persons behind a figure ----------------------------------------------------------------


def test_it_lists_the_persons_behind_a_figure(client, coordinator, place):
    place.populate(8)
    client.force_login(coordinator)
    url, params = _persons_url(metric="placed")
    response = client.get(url, params)
    assert response.status_code == 200
    people = list(response.context["page_obj"].object_list)
    assert len(people) == 4
    body = _body(response)
    for person in people:
        assert reverse("cases:participant_detail", args=[person.public_id]) in body
    assert "Harsewinkel" in body
    assert "Vermittelte Personen" in body


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"metric": "contacted"}, 8),
        ({"metric": "entered"}, 6),
        ({}, 6),
        ({"metric": "by_module", "key": "4"}, 4),
        ({"metric": "outcomes", "key": "internship"}, 2),
        ({"metric": "exits", "key": "training"}, 1),
        ({"metric": "with_outcome"}, 2),
        ({"metric": "active"}, 5),
        ({"metric": "entered", "municipality": "none"}, 0),
        ({"metric": "target_groups", "key": "primary"}, 6),
        ({"metric": "gender", "key": "not_stated"}, 6),
        ({"metric": "age_band", "key": "21-24"}, 6),
        ({"metric": "status", "key": "duldung"}, 6),
        ({"metric": "nationality", "key": "none"}, 6),
        ({"metric": "nationality", "key": "SY"}, 0),
    ],
)
def test_it_lists_as_many_persons_as_the_figure_counts(
    client, coordinator, place, params, expected
):
    place.populate(8)
    client.force_login(coordinator)
    url, query = _persons_url(**params)
    response = client.get(url, query)
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == expected


def test_it_narrows_to_a_municipality_and_a_provider(client, coordinator, place):
    place.populate(8)
    client.force_login(coordinator)
    url, query = _persons_url(metric="entered", municipality=str(place.towns[1].public_id))
    response = client.get(url, query)
    assert response.context["page_obj"].paginator.count == 2
    assert {p.municipality for p in response.context["page_obj"]} == {place.towns[1]}
    url, query = _persons_url(metric="placed", provider=str(place.providers[1].public_id))
    assert client.get(url, query).context["page_obj"].paginator.count == 4
    url, query = _persons_url(metric="entered", provider=str(place.providers[1].public_id))
    assert client.get(url, query).context["page_obj"].paginator.count == 0


def test_it_never_lists_another_districts_persons(client, coordinator, place, elsewhere):
    place.populate(2)
    client.force_login(coordinator)
    url, query = _persons_url(metric="contacted")
    response = client.get(url, query)
    assert response.context["page_obj"].paginator.count == 2
    assert "Fremd-" not in _body(response)
    # Another district's municipality or provider is not found at all.
    for narrowing in (
        {"municipality": str(elsewhere.towns[0].public_id)},
        {"provider": str(elsewhere.providers[0].public_id)},
    ):
        url, query = _persons_url(metric="entered", **narrowing)
        assert client.get(url, query).status_code == 404


@pytest.mark.parametrize(
    "params",
    [
        {"metric": "gossip"},
        {"metric": "by_module", "key": "9"},
        {"metric": "by_module"},
        {"metric": "entered", "key": "1"},
        {"metric": "exits", "key": "'; drop table"},
        {"metric": "contacted", "provider": "x"},
        {"metric": "contacted", "provider": "00000000-0000-4000-8000-000000000000"},
        {"metric": "entered", "municipality": "nope"},
        {"from": "2026-13-01"},
        {"from": "2026-06-01", "to": "2026-01-01"},
    ],
)
def test_it_answers_404_to_an_unknown_figure_or_period(client, coordinator, params):
    client.force_login(coordinator)
    url, query = _persons_url(**params)
    assert client.get(url, query).status_code == 404


def test_it_logs_who_listed_which_persons(client, coordinator, district, place):
    place.populate(2)
    client.force_login(coordinator)
    url, query = _persons_url(metric="by_module", key="4")
    client.get(url, query)
    entry = AuditEntry.objects.get(action="report.kpi.persons_listed")
    assert entry.actor_id == coordinator.pk
    assert entry.district_id == district.pk
    assert entry.data == {
        "metric": "by_module",
        "key": "4",
        "from": "2026-01-01",
        "to": "2026-06-30",
        "page": 1,
    }


def test_it_searches_sorts_and_pages_the_persons(client, coordinator, place):
    place.populate(30)
    client.force_login(coordinator)
    url, query = _persons_url(metric="contacted")
    response = client.get(url, query)
    page = response.context["page_obj"]
    assert page.paginator.count == 30 and len(page.object_list) == 25
    names = [p.family_name for p in page.object_list]
    assert names == sorted(names)
    response = client.get(url, {**query, "sort": "-name", "page": "2"})
    assert [p.family_name for p in response.context["page_obj"]] == [
        f"Gütersloh{n:03d}" for n in (5, 4, 3, 2, 1)
    ]
    place.person(name="Al-Hassan")
    # The search goes through the session (core.lists): the name never reaches a URL, the
    # figure and its period are kept with it.
    stored = client.post(reverse("list_filter"), {"next": url, "q": "hasan", **query})
    assert stored.status_code == 302 and "hasan" not in stored["Location"]
    response = client.get(stored["Location"])
    assert [p.family_name for p in response.context["page_obj"]] == ["Al-Hassan"]
    assert "?q=" not in _body(response) and "hasan" not in response.wsgi_request.get_full_path()
    # Paging and sorting keep the search.
    assert f"f={stored['Location'].split('f=')[1].split('&')[0]}" in _body(response)


def test_it_lists_persons_with_a_fixed_number_of_queries(client, coordinator, place):
    client.force_login(coordinator)
    url, query = _persons_url(metric="contacted")
    place.populate(2)
    with CaptureQueriesContext(connection) as few:
        client.get(url, query)
    place.populate(20)
    with CaptureQueriesContext(connection) as many:
        client.get(url, query)
    assert len(many) == len(few)


# --- Downloads --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "content_type", "magic"),
    [
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK"),
        ("pdf", "application/pdf", b"%PDF"),
        ("json", "application/json", b"{"),
    ],
)
def test_it_downloads_the_report(client, coordinator, district, place, fmt, content_type, magic):
    place.populate(4)
    response = _get(client, coordinator, "dashboard_export", {**PERIOD, "format": fmt})
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    filename = f"kennzahlen-{district.ags}-2026-01-01-2026-06-30.{fmt}"
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert response.content.startswith(magic)
    entry = AuditEntry.objects.get(action="report.kpi.exported")
    assert entry.data == {"format": fmt, "from": "2026-01-01", "to": "2026-06-30"}
    assert entry.district_id == district.pk


def test_the_json_download_is_the_report(client, coordinator, district, place):
    place.populate(4)
    response = _get(client, coordinator, "dashboard_export", {**PERIOD, "format": "json"})
    expected = kpi_report(districts=[district], start=dt.date(2026, 1, 1), end=dt.date(2026, 6, 30))
    assert json.loads(response.content) == expected


def test_the_xlsx_download_holds_the_figures(client, coordinator, district, place):
    place.populate(8)
    response = _get(client, coordinator, "dashboard_export", PERIOD)
    workbook = load_workbook(io.BytesIO(response.content))
    values = [
        cell
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
    ]
    assert district.ags in " ".join(str(v) for v in values if v is not None)
    assert 8 in values and 6 in values


@pytest.mark.parametrize("params", [{"format": "docx"}, {"format": "pdf", "from": "x"}])
def test_it_refuses_an_unknown_download(client, coordinator, params):
    response = _get(client, coordinator, "dashboard_export", {**PERIOD, **params})
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action="report.kpi.exported").exists()


# --- Definitions ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role", ["coordinator", "case_manager", "coach", "provider_staff", "state_analyst"]
)
def test_it_explains_the_figures_to_all_staff(request, client, role):
    response = _get(client, request.getfixturevalue(role), "definitions", {})
    assert response.status_code == 200
    body = _body(response)
    assert "Kennzahlen-Definitionen" in body
    assert "Eintrittsquote" in body and "Vermittelte Personen" in body
    # The quarterly monitoring's definitions are there too.
    assert "Bestand am Quartalsende" in body


def test_the_dashboard_links_to_the_definitions(client, coordinator):
    assert reverse("reporting:definitions") in _body(_get(client, coordinator))
