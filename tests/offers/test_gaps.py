import datetime as dt

from durchstarten.cases.choices import Stage
from durchstarten.core.models import Role
from durchstarten.offers import selectors
from tests.factories import MunicipalityFactory, OfferFactory, ParticipantFactory, member

ON = dt.date(2026, 11, 22)


def _with_need(district, municipality, category, stage=Stage.ACTIVE):
    person = ParticipantFactory(district=district, municipality=municipality, stage=stage)
    person.needs.create(category=category, identified_on=ON)
    return person


def _cell(result, municipality, category):
    row = next(r for r in result["rows"] if r["municipality"] == municipality)
    return next(c for c in row["cells"] if c["category"] == category)


def test_it_counts_unmet_needs_per_municipality_and_category(
    coordinator, district, municipality, django_assert_num_queries
):
    verl = MunicipalityFactory(district=district, name="Verl")
    for _ in range(3):
        _with_need(district, municipality, "german")
    _with_need(district, verl, "german")
    _with_need(district, verl, "debts")
    _with_need(district, verl, "debts", stage=Stage.EXITED)  # not in the programme any more
    OfferFactory(
        district=district, capacity=2, needs_covered=["german"], municipalities=[municipality]
    )
    OfferFactory(
        district=district,
        capacity=None,
        needs_covered=["debts"],
        start_date=dt.date(2025, 1, 1),
        end_date=dt.date(2026, 1, 1),
    )
    with django_assert_num_queries(6):
        result = selectors.gap_analysis(coordinator, district, today=ON)
    german_here = _cell(result, municipality, "german")
    assert (german_here["open_needs"], german_here["free_places"], german_here["unmet"]) == (
        3,
        2,
        1,
    )
    assert _cell(result, verl, "german")["unmet"] == 1  # the course serves only Harsewinkel
    assert _cell(result, verl, "debts")["open_needs"] == 1  # the ended service does not count
    assert _cell(result, verl, "debts")["unmet"] == 1


def test_it_does_not_count_a_need_met_by_a_place_as_open(coordinator, district, municipality):
    from durchstarten.offers.models import Referral

    person = _with_need(district, municipality, "german")
    course = OfferFactory(
        district=district, capacity=1, needs_covered=["german"], municipalities=[municipality]
    )
    Referral.objects.create(
        participant=person, offer=course, district=district, state="started", proposed_on=ON
    )
    cell = _cell(selectors.gap_analysis(coordinator, district, today=ON), municipality, "german")
    assert (cell["open_needs"], cell["free_places"], cell["unmet"]) == (0, 0, 0)


def test_it_treats_district_wide_unlimited_services_as_meeting_every_need(
    coordinator, district, municipality
):
    _with_need(district, municipality, "psychosocial")
    OfferFactory(district=district, capacity=None, needs_covered=["psychosocial"])
    result = selectors.gap_analysis(coordinator, district, today=ON)
    cell = _cell(result, municipality, "psychosocial")
    assert (cell["free_places"], cell["unmet"]) == (None, 0)


def test_it_shows_an_outsider_no_municipality_of_the_district(district, municipality, outsider):
    _with_need(district, municipality, "german")
    assert selectors.gap_analysis(outsider, district, today=ON)["rows"] == []


def test_it_lets_a_state_analyst_see_the_aggregate(district, municipality):
    _with_need(district, municipality, "german")
    result = selectors.gap_analysis(member(Role.STATE_ANALYST), district, today=ON)
    assert _cell(result, municipality, "german")["open_needs"] == 1
