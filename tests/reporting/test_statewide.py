"""The state view: figures per district equal the KPI report, small counts are suppressed,
no person is reachable, only state analysts get in."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from durchstarten.cases.choices import ResidenceStatusKind
from durchstarten.cases.models import Participant, ResidenceStatus
from durchstarten.core.models import AuditEntry, Role
from durchstarten.offers.choices import OfferKind
from durchstarten.reporting import statewide
from durchstarten.reporting.kpi import kpi_report
from durchstarten.reporting.suppression import Reason
from tests.factories import DistrictFactory, MunicipalityFactory, OfferFactory, member
from tests.reporting.factories import enroll, initiative_offer, place, reach

pytestmark = pytest.mark.django_db

START = dt.date(2026, 1, 1)
END = dt.date(2026, 6, 30)
PERIOD = {"from": START.isoformat(), "to": END.isoformat()}
IN_PERIOD = dt.date(2026, 3, 2)
PLACED_ON = dt.date(2026, 4, 15)
MARKER = "Namensmarke"


class Place:
    """A district with offers; records persons' paths (names carry a marker)."""

    def __init__(self, name: str):
        self.district = DistrictFactory(name=name)
        self.town = MunicipalityFactory(district=self.district)
        self.modules = {module: initiative_offer(self.district, module) for module in (1, 4)}
        self.regular = OfferFactory(district=self.district, kind=OfferKind.REGULAR)
        self.count = 0

    def person(self, *, contacted=True, entered=True, module=None, regular=False):
        self.count += 1
        person = Participant.objects.create(
            district=self.district,
            municipality=self.town,
            given_names=f"{MARKER}{self.district.ags}x{self.count}",
            family_name=f"{MARKER}Familie{self.count}",
            date_of_birth=dt.date(2002, 6, 15),
        )
        ResidenceStatus.objects.create(
            participant=person, kind=ResidenceStatusKind.DULDUNG, valid_from=dt.date(2024, 1, 1)
        )
        if contacted:
            reach(person, IN_PERIOD)
        if entered:
            enroll(person, IN_PERIOD)
        if module:
            place(person, self.modules[module], PLACED_ON)
        if regular:
            place(person, self.regular, PLACED_ON)
        return person

    def people(self, number: int, **path):
        return [self.person(**path) for _ in range(number)]


@pytest.fixture
def places():
    """Three districts: A places 3 persons, B 10, C 20 (and some more figures)."""
    a, b, c = Place("Kreis A"), Place("Kreis B"), Place("Stadt C")
    a.people(3, module=1)
    a.people(6)
    b.people(8, module=1)
    b.people(2, module=4, regular=True)
    b.people(5, entered=False)
    c.people(12, module=4)
    c.people(8, regular=True)
    c.people(7, contacted=False)
    return a, b, c


@pytest.fixture
def analyst():
    return member(Role.STATE_ANALYST)


def _figures(report: dict) -> dict:
    figures = {key: report[key] for key in ("contacted", "entered", *statewide.PLACED)}
    figures |= {f"module_{key}": value for key, value in report["by_module"].items()}
    return figures


def test_it_counts_what_the_kpi_report_counts_per_district_and_for_the_state(places):
    districts = [place.district for place in places]
    counts = statewide.district_counts(districts, start=START, end=END)
    for district in districts:
        report = kpi_report(districts=[district], start=START, end=END)
        assert counts[district.pk] == _figures(report)
    whole = _figures(kpi_report(districts=districts, start=START, end=END))
    assert {column: sum(c[column] for c in counts.values()) for column in whole} == whole
    assert counts[places[1].district.pk]["placed_both"] == 2


def test_it_suppresses_three_placed_persons_and_one_more_in_the_column(places, analyst):
    a, b, c = places
    table = statewide.state_table_for_user(analyst, start=START, end=END)
    rows = {row.name: row for row in table.rows}
    assert rows["Kreis A"].cell("placed").text == "< 5"
    assert rows["Kreis A"].cell("placed").reason == Reason.PRIMARY
    # The total (33) stays; B's 10, the smallest other, goes so that 33 − 10 − 20 is not 3.
    assert table.total.cell("placed").value == 33
    assert rows["Kreis B"].cell("placed").reason == Reason.SECONDARY
    assert rows["Kreis B"].cell("placed").text == "x"
    assert rows["Stadt C"].cell("placed").value == 20
    # The placement rate of A and B would give their placed persons away.
    assert rows["Kreis A"].placement_rate.suppressed
    assert rows["Kreis B"].placement_rate.suppressed
    assert rows["Stadt C"].placement_rate.value == 0.7407  # 20 of 27
    assert rows["Stadt C"].entry_rate.value == 1.35  # 27 entered, 20 of them contacted


def test_it_leaves_a_table_without_small_counts_as_it_is(analyst):
    place = Place("Kreis Groß")
    place.people(6, module=1)
    table = statewide.state_table_for_user(analyst, start=START, end=END)
    assert not table.suppressed
    assert table.rows[0].cell("placed").value == 6
    assert table.rows[0].cell("module_6").value == 6
    assert table.rows[0].entry_rate.value == 1.0


def test_its_queries_do_not_grow_with_participants(analyst, django_assert_num_queries):
    small, other = Place("Kreis A"), Place("Kreis B")
    small.people(2, module=1)
    with django_assert_num_queries(3):
        statewide.state_table_for_user(analyst, start=START, end=END)
    small.people(20, module=4, regular=True)
    other.people(30, module=1)
    analyst = type(analyst).objects.get(pk=analyst.pk)  # without the cached access
    with django_assert_num_queries(3):
        statewide.state_table_for_user(analyst, start=START, end=END)


def test_it_refuses_everyone_but_state_analysts(places):
    from django.core.exceptions import PermissionDenied

    coordinator = member(Role.COORDINATOR, places[0].district)
    with pytest.raises(PermissionDenied):
        statewide.state_table_for_user(coordinator, start=START, end=END)


# --- The page and the downloads ---------------------------------------------------------------


def _get(client, user, name="reporting:state", **params):
    client.force_login(user)
    return client.get(reverse(name), {**PERIOD, **params})


def test_the_page_shows_suppressed_figures_and_no_person(client, places, analyst):
    response = _get(client, analyst)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Kreis A" in text
    assert "&lt; 5" in text
    assert "Schutz kleiner Zahlen" in text
    assert MARKER.lower() not in text.lower()
    assert reverse("reporting:persons") not in text
    assert "/faelle/" not in text and "public_id" not in text


@pytest.mark.parametrize(
    "role", [Role.COORDINATOR, Role.CASE_MANAGER, Role.COACH, Role.PROVIDER_STAFF, Role.ADMIN]
)
def test_other_roles_are_refused(client, places, role, provider):
    if role in (Role.COACH, Role.PROVIDER_STAFF):
        user = member(role, provider=provider)
    elif role == Role.ADMIN:
        user = member(role)
    else:
        user = member(role, places[0].district)
    assert _get(client, user).status_code == 403
    assert _get(client, user, "reporting:state_export").status_code == 403


def test_an_invalid_period_shows_errors_and_no_table(client, analyst):
    client.force_login(analyst)
    response = client.get(reverse("reporting:state"), {"from": "2026-05-01", "to": "2026-01-01"})
    assert response.status_code == 200
    assert "Bitte prüfen Sie Ihre Eingaben" in response.content.decode()
    assert "table" not in response.context or response.context.get("table") is None
    export = client.get(
        reverse("reporting:state_export"), {"from": "2026-05-01", "to": "2026-01-01"}
    )
    assert export.status_code == 404
    assert _get(client, analyst, "reporting:state_export", format="pdf").status_code == 404


def _page_rows(response) -> list[list[str]]:
    shown = [*response.context["rows"], response.context["total"]]
    return [[row.name, row.ags, *(item.text for item in items)] for row, items in shown]


def test_the_csv_is_what_the_page_shows_and_is_audited(client, places, analyst):
    page = _get(client, analyst)
    response = _get(client, analyst, "reporting:state_export", format="csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="landesuebersicht_20260101_20260630.csv"' in response["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert lines[0][:3] == ["Kreis", "AGS", "Erreichte Personen"]
    assert "Baustein 1 – Coaching" in lines[0]
    assert lines[0][2:] == page.context["columns"]
    assert lines[1:] == _page_rows(page)
    assert MARKER.lower() not in response.content.decode().lower()
    entry = AuditEntry.objects.get(action="reporting.state.exported")
    assert entry.actor == analyst
    assert entry.data == {"format": "csv", "from": "2026-01-01", "to": "2026-06-30", "districts": 3}


def test_the_xlsx_is_what_the_page_shows(client, places, analyst):
    page = _get(client, analyst)
    response = _get(client, analyst, "reporting:state_export", format="xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    header_at = next(i for i, row in enumerate(values) if row[0] == "Kreis")
    assert values[header_at][2:] == page.context["columns"]
    shown = _page_rows(page)
    table = values[header_at + 1 : header_at + 1 + len(shown)]
    for got, want, (_row, items) in zip(
        table, shown, [*page.context["rows"], page.context["total"]], strict=True
    ):
        assert list(got[:2]) == [want[0], want[1] or None]
        for value, item in zip(got[2:], items, strict=True):
            assert value == (item.text if item.number is None else item.number)
    assert "< 5" in [value for row in table for value in row]
    assert any("weniger als 5 Personen" in str(row[0]) for row in values[header_at:])
    assert AuditEntry.objects.filter(
        action="reporting.state.exported", data__format="xlsx"
    ).exists()


def test_the_downloads_are_formula_safe(client, analyst):
    Place("=HYPERLINK(1)").people(6)
    csv_text = _get(client, analyst, "reporting:state_export").content.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in csv_text
    response = _get(client, analyst, "reporting:state_export", format="xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    names = [row[0] for row in sheet.iter_rows(values_only=True)]
    assert "'=HYPERLINK(1)" in names
    assert "=HYPERLINK(1)" not in names
