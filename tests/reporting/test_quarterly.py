"""The quarterly monitoring report: exact figures from known records, and its query count."""

import datetime as dt
import json

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from durchstarten.cases.choices import Gender, OutreachResult, ResidenceStatusKind
from durchstarten.cases.models import Participant
from durchstarten.offers.choices import OfferCategory, OfferKind, ReferralState
from durchstarten.organisation.models import Module
from durchstarten.reporting.quarterly import DEFINITIONS, LABELS, quarter_bounds, quarterly_report
from tests.factories import (
    DistrictFactory,
    MunicipalityFactory,
    OfferFactory,
    ParticipantFactory,
    PositionFactory,
    ProviderAssignmentFactory,
    ProviderFactory,
    ResidenceStatusFactory,
    UserFactory,
)
from tests.reporting.factories import enroll, initiative_offer, place, reach

D = dt.date
ZERO_PLACES = {"entries": 0, "exits": 0, "stock": 0}
NO_MODULES = dict.fromkeys("123456")


def person(district, municipality, *, born, gender, status=None):
    participant = ParticipantFactory(
        district=district, municipality=municipality, date_of_birth=born, gender=gender
    )
    if status:
        ResidenceStatusFactory(participant=participant, kind=status, valid_from=D(2024, 1, 1))
    return participant


def groups(**cells):
    """A by_group dimension: all keys zero unless given as (entries, stock)."""
    return {key: {"entries": value[0], "stock": value[1]} for key, value in cells.items()}


class World:
    """Kreis Gütersloh (three municipalities, seven persons) and Kreis Herford (one person).

    anna  f, born 2004-10-01 (21 on 1 Oct 2025), Duldung, Gütersloh: reached 10 Jan,
          enters 15 Jan with a coaching provider, stays; also in a coaching measure (module 1).
    ben   m, born 2006-02-15, Gestattung (Duldung from 15 Oct 2025), Gütersloh: enters 1 Feb,
          exits 31 Mar (last day of Q1), re-enters 1 Aug; module 2 from 10 to 20 Aug (begun and
          ended within Q3), module 4 from 1 Sep, open.
    cem   m, born 2000-12-31, Duldung, Harsewinkel: reached and entered Dec 2024, exits 1 Apr
          2025 (the day after Q1); module 3 from 10 Jan to 1 Apr, module 5 ending 31 Mar.
    dana  f, no birth date, residence permit, Harsewinkel: reached and declined in May, never
          enters.
    emil  not stated, born 1996-06-15 (too old), no municipality: not reached 30 Jun, reached
          and entered 2 Oct; module 1 measure from 5 Oct; a regular offer and a proposal only.
    fatma f, born 2004-01-01, Duldung, Gütersloh: reached 31 Dec 2025, enters 1 Jan 2026.
    gül   f, born 2005-05-05, Duldung, Harsewinkel: in from 1 Mar 2024 to 31 Dec 2024.
    xaver (Kreis Herford, Herford): reached and entered 1 Feb 2025, stays; module 4 measure.
    """

    def __init__(self):
        self.a = DistrictFactory(name="Kreis Gütersloh", ags="05754000")
        self.b = DistrictFactory(name="Kreis Herford", ags="05758000")
        self.guetersloh = MunicipalityFactory(district=self.a, name="Gütersloh", ags="05754008")
        self.harsewinkel = MunicipalityFactory(district=self.a, name="Harsewinkel", ags="05754012")
        self.verl = MunicipalityFactory(district=self.a, name="Verl", ags="05754036")
        self.herford = MunicipalityFactory(district=self.b, name="Herford", ags="05758012")
        self.case_manager = UserFactory()
        self.coaching = ProviderFactory(district=self.a, name="Caritas Gütersloh")
        a, g, h = self.a, self.guetersloh, self.harsewinkel
        self.anna = person(
            a, g, born=D(2004, 10, 1), gender=Gender.FEMALE, status=ResidenceStatusKind.DULDUNG
        )
        reach(self.anna, D(2025, 1, 10))
        self._enroll(self.anna, D(2025, 1, 15), coaching_provider=self.coaching)
        place(self.anna, initiative_offer(a, 1), D(2025, 2, 1))

        self.ben = person(
            a, g, born=D(2006, 2, 15), gender=Gender.MALE, status=ResidenceStatusKind.GESTATTUNG
        )
        ResidenceStatusFactory(
            participant=self.ben, kind=ResidenceStatusKind.DULDUNG, valid_from=D(2025, 10, 15)
        )
        reach(self.ben, D(2025, 2, 1), OutreachResult.ENTERED)
        self._enroll(self.ben, D(2025, 2, 1), D(2025, 3, 31))
        reach(self.ben, D(2025, 7, 20))
        self._enroll(self.ben, D(2025, 8, 1))
        place(self.ben, initiative_offer(a, 2), D(2025, 8, 10), D(2025, 8, 20))
        place(self.ben, initiative_offer(a, 4), D(2025, 9, 1))

        self.cem = person(
            a, h, born=D(2000, 12, 31), gender=Gender.MALE, status=ResidenceStatusKind.DULDUNG
        )
        reach(self.cem, D(2024, 12, 20), OutreachResult.ENTERED)
        self._enroll(self.cem, D(2024, 12, 20), D(2025, 4, 1))
        place(self.cem, initiative_offer(a, 3), D(2025, 1, 10), D(2025, 4, 1))
        place(self.cem, initiative_offer(a, 5), D(2025, 3, 1), D(2025, 3, 31))

        self.dana = person(
            a, h, born=None, gender=Gender.FEMALE, status=ResidenceStatusKind.RESIDENCE_PERMIT
        )
        reach(self.dana, D(2025, 5, 5))
        reach(self.dana, D(2025, 5, 6), OutreachResult.DECLINED)

        self.emil = person(a, None, born=D(1996, 6, 15), gender=Gender.NOT_STATED)
        reach(self.emil, D(2025, 6, 30), OutreachResult.NOT_REACHED)
        reach(self.emil, D(2025, 10, 2), OutreachResult.ENTERED)
        self._enroll(self.emil, D(2025, 10, 2))
        place(self.emil, initiative_offer(a, 1), D(2025, 10, 5))
        place(self.emil, OfferFactory(district=a), D(2025, 10, 5))
        place(self.emil, initiative_offer(a, 4), None, state=ReferralState.PROPOSED)

        self.fatma = person(
            a, g, born=D(2004, 1, 1), gender=Gender.FEMALE, status=ResidenceStatusKind.DULDUNG
        )
        reach(self.fatma, D(2025, 12, 31))
        reach(self.fatma, D(2026, 1, 2))
        self._enroll(self.fatma, D(2026, 1, 1))

        self.guel = person(
            a, h, born=D(2005, 5, 5), gender=Gender.FEMALE, status=ResidenceStatusKind.DULDUNG
        )
        reach(self.guel, D(2024, 12, 31))
        self._enroll(self.guel, D(2024, 3, 1), D(2024, 12, 31))

        self.xaver = person(
            self.b,
            self.herford,
            born=D(2001, 1, 1),
            gender=Gender.MALE,
            status=ResidenceStatusKind.DULDUNG,
        )
        reach(self.xaver, D(2025, 2, 1), OutreachResult.ENTERED)
        self._enroll(self.xaver, D(2025, 2, 1))
        place(self.xaver, initiative_offer(self.b, 4), D(2025, 2, 10))

        self._responsibilities()

    def _enroll(self, participant, entry, exit_date=None, **kwargs):
        return enroll(participant, entry, exit_date, case_manager=self.case_manager, **kwargs)

    def _responsibilities(self):
        g, h, v = self.guetersloh, self.harsewinkel, self.verl
        assign = ProviderAssignmentFactory
        assign(
            provider=self.coaching,
            module=Module.COACHING,
            municipalities=[g, h],
            valid_from=D(2024, 1, 1),
            valid_until=None,
        )
        for name, module, places, start, end in [
            ("VHS Reckenberg-Ems", 4, [g], D(2025, 1, 1), D(2025, 6, 30)),
            ("AWO Gütersloh", 4, [g], D(2025, 7, 1), D(2025, 10, 31)),
            ("Neu gGmbH", 2, [h], D(2026, 1, 1), None),
            ("Alt gGmbH", 3, [h], D(2024, 1, 1), D(2024, 12, 31)),
            ("Innovativ e. V.", 5, [v], D(2025, 3, 1), D(2025, 12, 31)),
        ]:
            assign(
                provider=ProviderFactory(district=self.a, name=name),
                module=module,
                municipalities=places,
                valid_from=start,
                valid_until=end,
            )
        PositionFactory(district=self.a, module=Module.CASE_MANAGEMENT, valid_from=D(2025, 1, 1))
        # Another district's coaching post is no case management.
        PositionFactory(district=self.b, module=Module.COACHING, valid_from=D(2025, 1, 1))
        assign(
            provider=ProviderFactory(district=self.b, name="TM Herford gGmbH"),
            module=Module.CASE_MANAGEMENT,
            municipalities=[self.herford],
            valid_from=D(2025, 1, 1),
            valid_until=None,
        )


@pytest.fixture
def world(db):
    return World()


@pytest.fixture
def report(world):
    return quarterly_report(districts=[world.a], year=2025)


def test_it_has_the_documented_shape_and_is_json(report):
    assert json.loads(json.dumps(report)) == report
    assert list(report) == ["districts", "year", "quarters", "municipalities"]
    assert report["districts"] == ["05754000"]
    assert report["year"] == 2025
    assert [(q["quarter"], q["from"], q["to"]) for q in report["quarters"]] == [
        (1, "2025-01-01", "2025-03-31"),
        (2, "2025-04-01", "2025-06-30"),
        (3, "2025-07-01", "2025-09-30"),
        (4, "2025-10-01", "2025-12-31"),
    ]
    for quarter in report["quarters"]:
        assert list(quarter) == [
            "quarter",
            "from",
            "to",
            "contacted",
            "entries",
            "exits",
            "cumulative_entries",
            "entry_rate",
            "stock",
            "module_share",
            "module_stock",
            "by_municipality",
            "by_group",
        ]
        assert list(quarter["by_municipality"]) == ["05754008", "05754012", "05754036", "none"]
        assert list(quarter["by_group"]["target_group"]) == ["primary", "secondary", "other"]
        assert list(quarter["by_group"]["gender"]) == Gender.values
        assert list(quarter["by_group"]["age_band"]) == ["18-20", "21-24", "25-27", "other"]


def test_it_counts_the_flows_of_each_quarter(report):
    flows = [
        (q["contacted"], q["entries"], q["exits"], q["cumulative_entries"], q["entry_rate"])
        for q in report["quarters"]
    ]
    assert flows == [
        # anna and ben reached and entered; ben leaves on 31 March.
        (2, 2, 1, 2, 1.0),
        # dana reached (twice) and declined; emil not reached; cem leaves on 1 April.
        (1, 0, 1, 2, 0.0),
        # ben reached again and re-enters: one more entry, but not one more person this year.
        (1, 1, 0, 2, 1.0),
        # emil and fatma reached (fatma on 31 December), only emil enters.
        (2, 1, 0, 3, 0.5),
    ]


def test_it_counts_the_stock_on_the_last_day(report):
    # Q1: anna and cem (leaving the day after); ben left on the last day itself.
    assert [q["stock"] for q in report["quarters"]] == [2, 1, 2, 3]


def test_it_counts_each_modules_stock_and_share(report):
    stocks = [q["module_stock"] for q in report["quarters"]]
    assert stocks == [
        # anna coached (and in a coaching measure: once); cem in module 3 until 1 April, his
        # module 5 measure ended on 31 March.
        {"1": 1, "2": 0, "3": 1, "4": 0, "5": 0, "6": 2},
        {"1": 1, "2": 0, "3": 0, "4": 0, "5": 0, "6": 1},
        # ben's module 2 measure began and ended within the quarter.
        {"1": 1, "2": 0, "3": 0, "4": 1, "5": 0, "6": 2},
        # emil by his coaching measure; his regular offer and mere proposal do not count.
        {"1": 2, "2": 0, "3": 0, "4": 1, "5": 0, "6": 3},
    ]
    assert [q["module_share"] for q in report["quarters"]] == [
        {"1": 0.5, "2": 0.0, "3": 0.5, "4": 0.0, "5": 0.0, "6": 1.0},
        {"1": 1.0, "2": 0.0, "3": 0.0, "4": 0.0, "5": 0.0, "6": 1.0},
        {"1": 0.5, "2": 0.0, "3": 0.0, "4": 0.5, "5": 0.0, "6": 1.0},
        {"1": 0.6667, "2": 0.0, "3": 0.0, "4": 0.3333, "5": 0.0, "6": 1.0},
    ]


def test_it_splits_by_municipality(report):
    assert [q["by_municipality"] for q in report["quarters"]] == [
        {
            "05754008": {"entries": 2, "exits": 1, "stock": 1},
            "05754012": {"entries": 0, "exits": 0, "stock": 1},
            "05754036": ZERO_PLACES,
            "none": ZERO_PLACES,
        },
        {
            "05754008": {"entries": 0, "exits": 0, "stock": 1},
            "05754012": {"entries": 0, "exits": 1, "stock": 0},
            "05754036": ZERO_PLACES,
            "none": ZERO_PLACES,
        },
        {
            "05754008": {"entries": 1, "exits": 0, "stock": 2},
            "05754012": ZERO_PLACES,
            "05754036": ZERO_PLACES,
            "none": ZERO_PLACES,
        },
        {
            "05754008": {"entries": 0, "exits": 0, "stock": 2},
            "05754012": ZERO_PLACES,
            "05754036": ZERO_PLACES,
            "none": {"entries": 1, "exits": 0, "stock": 1},
        },
    ]


def test_it_splits_by_target_group_on_the_quarters_last_day(report):
    assert [q["by_group"]["target_group"] for q in report["quarters"]] == [
        groups(primary=(1, 2), secondary=(1, 0), other=(0, 0)),
        groups(primary=(0, 1), secondary=(0, 0), other=(0, 0)),
        groups(primary=(0, 1), secondary=(1, 1), other=(0, 0)),
        # ben holds a Duldung from 15 October; emil is too old.
        groups(primary=(0, 2), secondary=(0, 0), other=(1, 1)),
    ]


def test_it_splits_by_gender(report):
    assert [q["by_group"]["gender"] for q in report["quarters"]] == [
        groups(female=(1, 1), male=(1, 1), diverse=(0, 0), not_stated=(0, 0)),
        groups(female=(0, 1), male=(0, 0), diverse=(0, 0), not_stated=(0, 0)),
        groups(female=(0, 1), male=(1, 1), diverse=(0, 0), not_stated=(0, 0)),
        groups(female=(0, 1), male=(0, 1), diverse=(0, 0), not_stated=(1, 1)),
    ]


def test_it_splits_by_age_band_on_the_quarters_last_day(report):
    bands = [q["by_group"]["age_band"] for q in report["quarters"]]
    assert [[(cell["entries"], cell["stock"]) for cell in band.values()] for band in bands] == [
        # 18-20, 21-24, 25-27, other
        [(2, 1), (0, 1), (0, 0), (0, 0)],
        [(0, 1), (0, 0), (0, 0), (0, 0)],
        # anna is 20 on 30 September and turns 21 on 1 October.
        [(1, 2), (0, 0), (0, 0), (0, 0)],
        [(0, 1), (0, 1), (0, 0), (1, 1)],
    ]


def test_it_breakdowns_add_up_to_the_totals(report):
    for quarter in report["quarters"]:
        places = quarter["by_municipality"].values()
        for key in ("entries", "exits", "stock"):
            assert sum(cell[key] for cell in places) == quarter[key]
        for dimension in quarter["by_group"].values():
            assert sum(cell["entries"] for cell in dimension.values()) == quarter["entries"]
            assert sum(cell["stock"] for cell in dimension.values()) == quarter["stock"]


def test_it_reports_who_is_responsible_at_the_years_end(report):
    assert report["municipalities"] == [
        {
            "ags": "05754008",
            "name": "Gütersloh",
            "district": "05754000",
            # AWO ended on 31 October, after the VHS: the year's last day with an assignment.
            "modules": {
                **NO_MODULES,
                "1": "Caritas Gütersloh",
                "4": "AWO Gütersloh",
                "6": "Kreis Gütersloh",
            },
        },
        {
            "ags": "05754012",
            "name": "Harsewinkel",
            "district": "05754000",
            # Module 2 begins only next year, module 3 ended last year.
            "modules": {**NO_MODULES, "1": "Caritas Gütersloh", "6": "Kreis Gütersloh"},
        },
        {
            "ags": "05754036",
            "name": "Verl",
            "district": "05754000",
            "modules": {**NO_MODULES, "5": "Innovativ e. V.", "6": "Kreis Gütersloh"},
        },
    ]


def test_it_leaves_out_other_districts(world, report):
    # xaver of Kreis Herford was reached, entered and placed in module 4 in Q1.
    first = report["quarters"][0]
    assert (first["contacted"], first["entries"], first["stock"]) == (2, 2, 2)
    assert first["module_stock"]["4"] == 0
    assert all("05758012" not in q["by_municipality"] for q in report["quarters"])
    assert [row["district"] for row in report["municipalities"]] == ["05754000"] * 3


def test_it_adds_up_several_districts(world):
    report = quarterly_report(districts=[world.b, world.a], year=2025)

    assert report["districts"] == ["05754000", "05758000"]
    first = report["quarters"][0]
    assert (first["contacted"], first["entries"], first["exits"], first["stock"]) == (3, 3, 1, 3)
    assert first["cumulative_entries"] == 3
    assert first["entry_rate"] == 1.0
    assert first["module_stock"] == {"1": 1, "2": 0, "3": 1, "4": 1, "5": 0, "6": 3}
    assert first["module_share"]["4"] == 0.3333
    assert first["by_municipality"]["05758012"] == {"entries": 1, "exits": 0, "stock": 1}
    assert list(first["by_municipality"]) == [
        "05754008",
        "05754012",
        "05754036",
        "05758012",
        "none",
    ]
    assert [q["stock"] for q in report["quarters"]] == [3, 2, 3, 4]
    assert [row["ags"] for row in report["municipalities"]] == [
        "05754008",
        "05754012",
        "05754036",
        "05758012",
    ]
    # Herford has no case-management post but a provider assigned to module 6.
    assert report["municipalities"][-1] == {
        "ags": "05758012",
        "name": "Herford",
        "district": "05758000",
        "modules": {**NO_MODULES, "6": "TM Herford gGmbH"},
    }


def test_it_starts_and_ends_at_the_year_boundaries(world):
    before = quarterly_report(districts=[world.a], year=2024)
    after = quarterly_report(districts=[world.a], year=2026)

    q1, q4 = before["quarters"][0], before["quarters"][3]
    assert (q1["entries"], q1["stock"], q1["cumulative_entries"]) == (1, 1, 1)  # gül
    # cem reached and entered; gül reached on and left on 31 December.
    assert (q4["contacted"], q4["entries"], q4["exits"]) == (2, 1, 1)
    assert (q4["stock"], q4["cumulative_entries"]) == (1, 2)
    assert q4["by_municipality"]["05754012"] == {"entries": 1, "exits": 1, "stock": 1}
    assert before["municipalities"][1]["modules"] == {
        **NO_MODULES,
        "1": "Caritas Gütersloh",
        "3": "Alt gGmbH",
    }

    first = after["quarters"][0]
    # fatma enters on 1 January; the cumulative count starts afresh.
    assert (first["contacted"], first["entries"], first["cumulative_entries"]) == (1, 1, 1)
    assert first["stock"] == 4
    assert after["quarters"][3]["cumulative_entries"] == 1
    assert after["municipalities"][1]["modules"]["2"] == "Neu gGmbH"


def test_it_gives_no_rates_without_denominators(db):
    district = DistrictFactory()
    report = quarterly_report(districts=[district], year=2025)

    for quarter in report["quarters"]:
        assert quarter["entry_rate"] is None
        assert quarter["stock"] == 0
        assert quarter["module_share"] == NO_MODULES
        assert quarter["module_stock"] == dict.fromkeys("123456", 0)
        assert quarter["by_municipality"] == {"none": ZERO_PLACES}
    assert report["municipalities"] == []


def test_it_counts_a_person_with_two_enrollments_in_a_quarter_once(db):
    district = DistrictFactory()
    participant = ParticipantFactory(district=district)
    reach(participant, D(2025, 1, 2))
    reach(participant, D(2025, 2, 2))
    enroll(participant, D(2025, 1, 2), D(2025, 1, 31))
    enroll(participant, D(2025, 2, 2))

    first = quarterly_report(districts=[district], year=2025)["quarters"][0]

    assert (first["contacted"], first["entries"], first["exits"], first["stock"]) == (1, 1, 1, 1)
    assert first["by_group"]["target_group"]["other"] == {"entries": 1, "stock": 1}


@pytest.mark.parametrize(
    ("born", "band"),
    [
        (D(2007, 3, 31), "18-20"),  # 18 on 31 March
        (D(2007, 4, 1), "other"),  # 17
        (D(2004, 4, 1), "18-20"),  # 20
        (D(2004, 3, 31), "21-24"),  # 21
        (D(2000, 4, 1), "21-24"),  # 24
        (D(2000, 3, 31), "25-27"),  # 25
        (D(1997, 4, 1), "25-27"),  # 27
        (D(1997, 3, 31), "other"),  # 28
        (None, "other"),
    ],
)
def test_it_takes_the_age_band_on_the_quarters_last_day(db, born, band):
    district = DistrictFactory()
    enroll(ParticipantFactory(district=district, date_of_birth=born), D(2025, 1, 1))

    first = quarterly_report(districts=[district], year=2025)["quarters"][0]

    assert first["by_group"]["age_band"][band] == {"entries": 1, "stock": 1}


def _populate(district, size):
    municipality = MunicipalityFactory(district=district)
    case_manager = UserFactory()
    provider = ProviderFactory(district=district)
    offers = [initiative_offer(district, module) for module in range(1, 6)]
    ProviderAssignmentFactory(
        provider=provider, municipalities=[municipality], valid_from=D(2025, 1, 1)
    )
    PositionFactory(district=district, valid_from=D(2025, 1, 1))
    for index in range(size):
        participant = person(
            district,
            municipality if index % 3 else None,
            born=D(1995 + index % 12, 1 + index % 12, 1),
            gender=Gender.values[index % 4],
            status=ResidenceStatusKind.values[index % 6],
        )
        reach(participant, D(2025, 1 + index % 12, 3))
        entry = D(2025, 1 + index % 12, 5)
        enroll(
            participant,
            entry,
            entry + dt.timedelta(days=40) if index % 2 else None,
            case_manager=case_manager,
            coaching_provider=provider if index % 4 == 0 else None,
        )
        place(participant, offers[index % 5], entry + dt.timedelta(days=3))


# Year counts (2), one grouped query per quarter (4), implementation status (3).
QUERIES = 9


@pytest.mark.parametrize("size", [3, 30])
def test_it_needs_the_same_queries_whatever_the_number_of_people(
    db, django_assert_num_queries, size
):
    district = DistrictFactory()
    _populate(district, size)

    with django_assert_num_queries(QUERIES):
        report = quarterly_report(districts=[district], year=2025)

    assert report["quarters"][3]["cumulative_entries"] == min(size, 12) + max(size - 12, 0)
    assert sum(q["entries"] for q in report["quarters"]) == size


def test_it_needs_no_more_queries_for_several_districts(db, django_assert_max_num_queries):
    districts = [DistrictFactory() for _ in range(3)]
    for district in districts:
        _populate(district, 5)

    with django_assert_max_num_queries(QUERIES):
        quarterly_report(districts=districts, year=2025)


def test_it_documents_every_figure():
    keys = [key for key, _label, _text in DEFINITIONS]
    assert len(keys) == len(set(keys))
    quarter_keys = {"contacted", "entries", "exits", "cumulative_entries", "entry_rate", "stock"}
    assert quarter_keys | {"module_stock", "module_share", "by_municipality"} <= set(keys)
    assert {"target_group", "gender", "age_band", "municipalities"} <= set(keys)
    for key, label, text in DEFINITIONS:
        assert str(label) == str(LABELS[key])
        assert str(text)


# --- Property: stock and module stock equal a plain recomputation from the records ----------

DAYS = st.dates(D(2024, 10, 1), D(2026, 3, 31))
enrollments = st.lists(
    st.tuples(DAYS, st.one_of(st.none(), st.integers(0, 200)), st.booleans()), max_size=2
)
referrals = st.lists(
    st.tuples(
        st.sampled_from([1, 2, 3, 4, 5, None]),  # None: a regular offer
        st.one_of(st.none(), DAYS),
        st.one_of(st.none(), st.integers(0, 120)),
    ),
    max_size=3,
)
people = st.lists(st.tuples(enrollments, referrals), min_size=1, max_size=4)


def _expected(records, last):
    stock = set()
    modules = {str(m): set() for m in range(1, 7)}
    for index, (stays, placements) in enumerate(records):
        open_stays = [
            coached
            for entry, exit_date, coached in stays
            if entry <= last and (exit_date is None or exit_date > last)
        ]
        if not open_stays:
            continue
        stock.add(index)
        modules["6"].add(index)
        if any(open_stays):
            modules["1"].add(index)
        for module, started, ended in placements:
            if module and started and started <= last and (ended is None or ended > last):
                modules[str(module)].add(index)
    return len(stock), {key: len(value) for key, value in modules.items()}


def _stays(raw):
    """Turn generated stays into non-overlapping enrollments with at most one open."""
    stays, cursor = [], None
    for entry, length, coached in sorted(raw, key=lambda stay: stay[0]):
        if cursor is True or (cursor is not None and entry <= cursor):
            continue
        exit_date = None if length is None else entry + dt.timedelta(days=length)
        stays.append((entry, exit_date, coached))
        cursor = True if exit_date is None else exit_date
    return stays


@pytest.mark.django_db
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(generated=people)
def test_it_agrees_with_a_plain_recomputation(generated):
    year = 2025
    with transaction.atomic():
        district = DistrictFactory()
        case_manager = UserFactory()
        provider = ProviderFactory(district=district)
        offers = {m: initiative_offer(district, m) for m in range(1, 6)}
        offers[None] = OfferFactory(
            district=district, kind=OfferKind.REGULAR, category=OfferCategory.ASA_FLEX
        )
        records = []
        for raw_stays, placements in generated:
            participant = ParticipantFactory(district=district)
            stays = _stays(raw_stays)
            for entry, exit_date, coached in stays:
                enroll(
                    participant,
                    entry,
                    exit_date,
                    case_manager=case_manager,
                    coaching_provider=provider if coached else None,
                )
            normalised = []
            for module, started, length in placements:
                ended = (
                    None if started is None or length is None else started + dt.timedelta(length)
                )
                place(participant, offers[module], started, ended)
                normalised.append((module, started, ended))
            records.append((stays, normalised))

        report = quarterly_report(districts=[district], year=year)

        for quarter, (_number, _first, last) in zip(
            report["quarters"], quarter_bounds(year), strict=True
        ):
            stock, module_stock = _expected(records, last)
            assert quarter["stock"] == stock
            assert quarter["module_stock"] == module_stock
        assert Participant.objects.filter(district=district).count() == len(generated)
        transaction.set_rollback(True)
