"""The KPI report reproduces a published district report and handles the edge cases."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from durchstarten.cases.choices import ExitReason, ResidenceStatusKind
from durchstarten.cases.models import Enrollment, Outreach, Participant, ResidenceStatus
from durchstarten.cases.rules import age_on
from durchstarten.cases.services import consent as consent_services
from durchstarten.core.models import Role
from durchstarten.offers.choices import OfferCategory, OfferKind, OutcomeKind, ReferralState
from durchstarten.offers.models import Outcome, Referral
from durchstarten.reporting import definitions
from durchstarten.reporting.kpi import (
    BREAKDOWN_METRICS,
    KEYED_METRICS,
    KPI_METRICS,
    Populations,
    UnknownMetric,
    kpi_by_month,
    kpi_by_municipality,
    kpi_persons,
    kpi_report,
    rate,
)
from durchstarten.reporting.models import Target
from tests.factories import (
    DistrictFactory,
    MunicipalityFactory,
    OfferFactory,
    PositionFactory,
    ProviderFactory,
    member,
)

pytestmark = pytest.mark.django_db

START = dt.date(2026, 1, 1)
END = dt.date(2026, 12, 31)
IN_PERIOD = dt.date(2026, 3, 2)
BORN = dt.date(2002, 6, 15)

JSON_KEYS = [
    "districts",
    "period",
    "contacted",
    "entered",
    "entry_rate",
    "placed",
    "placed_new_measures",
    "placed_regular_offers",
    "placed_both",
    "placement_rate",
    "by_module",
    "specialist_referrals",
    "outcomes",
    "exits",
    "targets",
]


class District:
    """A district with offers of every kind and helpers to record a person's path."""

    def __init__(self):
        self.district = DistrictFactory()
        self.municipality = MunicipalityFactory(district=self.district)
        self.provider = ProviderFactory(district=self.district)
        self.case_manager = member(Role.CASE_MANAGER, self.district)
        self.offers = {
            module: OfferFactory(
                district=self.district,
                provider=self.provider,
                organiser="",
                kind=OfferKind.INITIATIVE,
                category={
                    1: OfferCategory.COACHING,
                    2: OfferCategory.IN_WORK_QUALIFICATION,
                    3: OfferCategory.SCHOOL_CERTIFICATE_COURSE,
                    4: OfferCategory.PREPARATION_COURSE,
                    5: OfferCategory.INNOVATION_PROJECT,
                }[module],
                module=module,
                capacity=None,
            )
            for module in (1, 2, 3, 4, 5)
        }
        self.regular = OfferFactory(district=self.district, capacity=None)
        self.specialist = OfferFactory(
            district=self.district,
            kind=OfferKind.SPECIALIST,
            category=OfferCategory.DEBT_COUNSELLING,
            capacity=None,
        )

    def person(self, *, status=ResidenceStatusKind.DULDUNG, born=BORN, **fields) -> Participant:
        person = Participant.objects.create(
            district=self.district,
            municipality=self.municipality,
            given_names="Test",
            family_name="Person",
            date_of_birth=born,
            **fields,
        )
        if status:
            ResidenceStatus.objects.create(
                participant=person, kind=status, valid_from=dt.date(2024, 1, 1)
            )
        return person

    def contact(self, person, on=IN_PERIOD, result="reached"):
        Outreach.objects.create(
            participant=person, channel="social_welfare", date=on, result=result
        )

    def enter(self, person, on=IN_PERIOD, exit_on=None, reason=""):
        return Enrollment.objects.create(
            participant=person,
            entry_date=on,
            exit_date=exit_on,
            exit_reason=reason,
            case_manager=self.case_manager,
        )

    def refer(self, person, offer, *, started_on=dt.date(2026, 5, 4), state=None):
        state = state or (ReferralState.STARTED if started_on else ReferralState.PROPOSED)
        return Referral.objects.create(
            participant=person,
            offer=offer,
            district=self.district,
            state=state,
            proposed_on=dt.date(2026, 4, 1),
            started_on=started_on,
        )

    def report(self, start=START, end=END):
        return kpi_report(districts=[self.district], start=start, end=end)


@pytest.fixture
def place():
    return District()


def published(place: District) -> list[Participant]:
    """124 contacted, 88 entered; 47 in new measures (modules 1, 2, 5), 20 in regular offers,
    8 of them in both: 59 placed."""
    people = []
    for index in range(124):
        person = place.person()
        place.contact(person)
        if index < 88:
            place.enter(person)
        people.append(person)
    modules = (1, 2, 5)
    for index in range(47):
        place.refer(people[index], place.offers[modules[index % 3]])
    for index in range(39, 59):
        place.refer(people[index], place.regular)
    return people


def test_it_reproduces_the_published_district_report(place):
    published(place)
    report = place.report()
    assert report["contacted"] == 124
    assert report["entered"] == 88
    assert report["entry_rate"] == 0.7097
    assert report["placed_new_measures"] == 47
    assert report["placed_regular_offers"] == 20
    assert report["placed_both"] == 8
    assert report["placed"] == 59
    assert report["placement_rate"] == 0.6705
    assert report["by_module"] == {"1": 16, "2": 16, "3": 0, "4": 0, "5": 15, "6": 88}


def test_it_emits_the_stable_json_shape(place):
    published(place)
    report = place.report()
    assert list(report)[: len(JSON_KEYS)] == JSON_KEYS
    assert report["districts"] == [place.district.ags]
    assert report["period"] == {"from": "2026-01-01", "to": "2026-12-31"}
    assert list(report["outcomes"]) == OutcomeKind.values
    assert json.loads(json.dumps(report)) == report


def test_every_key_has_a_german_label(place):
    report = place.report()
    for key in report:
        assert key in definitions.LABELS, key
    for key in report["caseload"]:
        assert key in definitions.LABELS, key


def test_it_counts_a_person_placed_twice_in_one_module_once(place):
    person = place.person()
    place.enter(person)
    place.refer(person, place.offers[4], started_on=dt.date(2026, 3, 1))
    second = OfferFactory(
        district=place.district,
        kind=OfferKind.INITIATIVE,
        category=OfferCategory.PREPARATION_COURSE,
        module=4,
        capacity=None,
    )
    place.refer(person, second, started_on=dt.date(2026, 9, 1))
    report = place.report()
    assert report["by_module"]["4"] == 1
    assert report["placed"] == 1
    assert report["placed_new_measures"] == 1


def test_a_referral_only_proposed_accepted_or_declined_is_no_placement(place):
    person = place.person()
    place.enter(person)
    place.refer(person, place.offers[4], started_on=None)
    place.refer(person, place.offers[3], started_on=None, state=ReferralState.DECLINED)
    place.refer(person, place.regular, started_on=None, state=ReferralState.ACCEPTED)
    report = place.report()
    assert report["placed"] == 0
    assert report["placement_rate"] == 0.0


def test_an_entry_before_the_period_and_a_placement_in_it(place):
    person = place.person()
    place.enter(person, on=dt.date(2025, 11, 3))
    place.refer(person, place.regular, started_on=dt.date(2026, 2, 2))
    report = place.report()
    assert report["entered"] == 0
    assert report["placed"] == 1
    assert report["placed_regular_offers"] == 1
    assert report["placement_rate"] is None
    previous = place.report(start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))
    assert previous["entered"] == 1
    assert previous["placed"] == 0


def test_a_placement_before_the_entry_does_not_count(place):
    person = place.person()
    place.enter(person, on=dt.date(2026, 6, 1))
    place.refer(person, place.regular, started_on=dt.date(2026, 5, 1))
    assert place.report()["placed"] == 0


def test_a_withdrawn_consent_does_not_change_reported_figures(place):
    coordinator = member(Role.COORDINATOR, place.district)
    people = published(place)
    before = place.report()
    for person in people[:30]:
        consent = consent_services.consent_give(
            actor=coordinator,
            participant=person,
            purpose="provider_sharing",
            provider=place.provider,
            given_on=dt.date(2026, 1, 5),
            form_language="de",
        )
        consent_services.consent_withdraw(
            actor=coordinator, consent=consent, withdrawn_on=dt.date(2026, 6, 1)
        )
    assert place.report() == before


def test_contacted_counts_only_the_target_group_on_the_day(place):
    place.contact(place.person())  # Duldung, 23: primary
    place.contact(place.person(status=ResidenceStatusKind.GESTATTUNG))  # secondary
    place.contact(place.person(status=ResidenceStatusKind.RESIDENCE_PERMIT))
    place.contact(place.person(status=None))
    place.contact(place.person(born=dt.date(1990, 1, 1)))  # 36
    place.contact(place.person(born=dt.date(2008, 3, 3)))  # 17 on the day
    turns_18 = place.person(born=dt.date(2008, 3, 2))  # 18 on the day itself
    place.contact(turns_18)
    place.contact(place.person(), result="not_reached")
    twice = place.person()
    place.contact(twice)
    place.contact(twice, on=dt.date(2026, 8, 1))
    place.contact(place.person(), on=dt.date(2025, 12, 31))
    assert place.report()["contacted"] == 4


def test_exits_outcomes_specialist_referrals_and_caseload(place):
    first, second, third = (place.person() for _ in range(3))
    place.enter(first, on=dt.date(2025, 5, 1), exit_on=dt.date(2026, 4, 1), reason="training")
    place.enter(second, exit_on=dt.date(2026, 7, 1), reason=ExitReason.OTHER)
    place.enter(third)
    Outcome.objects.create(participant=first, kind="training_dual", start_date=dt.date(2026, 8, 1))
    Outcome.objects.create(participant=first, kind="training_dual", start_date=dt.date(2026, 9, 1))
    Outcome.objects.create(participant=third, kind="internship", start_date=dt.date(2025, 8, 1))
    place.refer(third, place.specialist, started_on=None)
    place.refer(second, place.specialist, started_on=None, state=ReferralState.DECLINED)
    PositionFactory(district=place.district, fte=Decimal("0.5"), valid_from=dt.date(2026, 1, 1))
    report = place.report()
    assert report["exits"]["training"] == 1
    assert report["exits"][ExitReason.OTHER] == 1
    assert sum(report["exits"].values()) == 2
    assert report["outcomes"]["training_dual"] == 1
    assert report["outcomes"]["internship"] == 0
    assert report["specialist_referrals"] == 2
    assert report["placed"] == 0  # specialist services are no placement
    assert report["caseload"] == {
        "active": 1,
        "case_manager_fte": 0.5,
        "per_fte": 2.0,
        "ratio": 100,
        "within_ratio": True,
    }


def test_breakdowns_and_target_groups_describe_the_entries(place):
    place.enter(place.person(gender="female", nationality="SY"))
    place.enter(place.person(status=ResidenceStatusKind.GESTATTUNG, nationality="AF"))
    place.enter(place.person(status=ResidenceStatusKind.RESIDENCE_PERMIT, born=dt.date(2007, 1, 1)))
    twice = place.person(nationality="SY")
    place.enter(twice, on=dt.date(2026, 2, 1), exit_on=dt.date(2026, 3, 1), reason="other")
    place.enter(twice, on=dt.date(2026, 5, 1))
    report = place.report()
    assert report["entered"] == 4
    assert report["target_groups"] == {"primary": 2, "secondary": 1, "other": 1}
    breakdowns = report["breakdowns"]
    assert breakdowns["gender"]["female"] == 1
    assert breakdowns["nationality"] == {"SY": 2, "AF": 1, "none": 1}
    assert breakdowns["age_band"] == {"18-20": 1, "21-24": 3, "25-27": 0, "other": 0}
    assert breakdowns["status"]["duldung"] == 2
    assert sum(breakdowns["status"].values()) == 4


def test_other_districts_are_left_out_and_several_add_up(place):
    published(place)
    other = District()
    person = other.person()
    other.contact(person)
    other.enter(person)
    other.refer(person, other.regular)
    assert place.report()["placed"] == 59
    both = kpi_report(districts=[place.district, other.district], start=START, end=END)
    assert both["contacted"] == 125
    assert both["placed"] == 60
    assert both["districts"] == sorted([place.district.ags, other.district.ags])


def test_targets_are_met_or_not_and_shared_targets_only(place):
    published(place)
    Target.objects.create(district=place.district, year=2026, metric="entry_rate", value="0.8")
    Target.objects.create(district=place.district, year=2026, metric="placement_rate", value="0.3")
    Target.objects.create(district=place.district, year=2026, metric="entered", value="88")
    Target.objects.create(district=place.district, year=2025, metric="contacted", value="1")
    targets = place.report()["targets"]
    assert targets == {
        "entry_rate": {"target": 0.8, "actual": 0.7097, "met": False},
        "placement_rate": {"target": 0.3, "actual": 0.6705, "met": True},
        "entered": {"target": 88, "actual": 88, "met": True},
    }
    other = District()
    Target.objects.create(district=other.district, year=2026, metric="placement_rate", value="0.3")
    Target.objects.create(district=other.district, year=2026, metric="entry_rate", value="0.6")
    both = kpi_report(districts=[place.district, other.district], start=START, end=END)
    assert set(both["targets"]) == {"placement_rate"}


def test_rates_are_fractions_or_none():
    assert rate(88, 124) == 0.7097
    assert rate(59, 88) == 0.6705
    assert rate(1, 3) == 0.3333
    assert rate(2, 3) == 0.6667
    assert rate(0, 0) is None
    assert rate(5, 0) is None


def test_the_persons_behind_each_figure_match_the_figure(place):
    published(place)
    person = place.person()
    place.enter(person, exit_on=dt.date(2026, 10, 1), reason="moved_away")
    Outcome.objects.create(participant=person, kind="internship", start_date=IN_PERIOD)
    report = place.report()
    for metric in KPI_METRICS:
        if metric in BREAKDOWN_METRICS:
            continue  # test_the_persons_behind_each_breakdown_cell_match_the_cell
        if metric in KEYED_METRICS:
            for key in KEYED_METRICS[metric]:
                persons = kpi_persons(
                    districts=[place.district], start=START, end=END, metric=metric, key=key
                )
                assert persons.count() == report[metric][key], (metric, key)
        elif metric == "active":
            persons = kpi_persons(districts=[place.district], start=START, end=END, metric=metric)
            assert persons.count() == report["caseload"]["active"]
        else:
            persons = kpi_persons(districts=[place.district], start=START, end=END, metric=metric)
            assert persons.count() == report[metric], metric
    with pytest.raises(UnknownMetric):
        kpi_persons(districts=[place.district], start=START, end=END, metric="names")
    with pytest.raises(UnknownMetric):
        kpi_persons(districts=[place.district], start=START, end=END, metric="by_module", key="9")


def test_the_query_count_does_not_grow_with_participants(place, django_assert_num_queries):
    def grow(count):
        for _ in range(count):
            person = place.person(nationality="ER")
            place.contact(person)
            place.enter(person)
            place.refer(person, place.offers[1])
            Outcome.objects.create(participant=person, kind="internship", start_date=IN_PERIOD)

    grow(2)
    with django_assert_num_queries(7):
        place.report()
    grow(30)
    with django_assert_num_queries(7):
        place.report()


def test_the_dashboard_tables_add_up(place):
    published(place)
    rows = kpi_by_municipality(districts=[place.district], start=START, end=END)
    assert [(row["contacted"], row["entered"], row["placed"]) for row in rows] == [(124, 88, 59)]
    months = kpi_by_month(districts=[place.district], start=START, end=END)
    assert len(months) == 12
    march = next(month for month in months if month["month"] == "2026-03")
    assert (march["contacted"], march["entered"]) == (124, 88)
    may = next(month for month in months if month["month"] == "2026-05")
    assert may["placed"] == 59


@settings(max_examples=40, deadline=None)
@given(
    born=st.dates(min_value=dt.date(1995, 1, 1), max_value=dt.date(2010, 12, 31)),
    day=st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2028, 12, 31)),
)
def test_the_sql_age_rule_agrees_with_the_python_rule(born, day):
    place = District()
    person = place.person(born=born)
    place.contact(person, on=day)
    counted = Populations([place.district.pk], day, day).outreach().exists()
    assert counted == (18 <= age_on(born, day) <= 27)


def test_the_persons_behind_each_breakdown_cell_match_the_cell(place):
    place.enter(place.person(gender="female", nationality="SY"))
    place.enter(place.person(status=ResidenceStatusKind.GESTATTUNG, nationality="AF"))
    place.enter(place.person(status=None, born=dt.date(2007, 1, 1)))
    place.enter(place.person(born=None, gender="diverse"))
    place.enter(place.person(status=ResidenceStatusKind.RESIDENCE_PERMIT, born=dt.date(1990, 1, 1)))
    twice = place.person(nationality="SY")
    place.enter(twice, on=dt.date(2026, 2, 1), exit_on=dt.date(2026, 3, 1), reason="other")
    place.enter(twice, on=dt.date(2026, 5, 1))
    report = place.report()

    def persons(metric, key):
        return kpi_persons(
            districts=[place.district], start=START, end=END, metric=metric, key=key
        ).count()

    for key, value in report["target_groups"].items():
        assert persons("target_groups", key) == value, key
    for metric, cells in report["breakdowns"].items():
        for key, value in cells.items():
            assert persons(metric, key) == value, (metric, key)
    assert persons("nationality", "DE") == 0
    for bad in ("sy", "SYR", "", None):
        with pytest.raises(UnknownMetric):
            persons("nationality", bad)
