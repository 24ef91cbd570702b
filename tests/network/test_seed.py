"""The demo network seed: written through the services, idempotent."""

import datetime as dt

from durchstarten.cases.models import Task
from durchstarten.network.models import (
    ActionItem,
    Meeting,
    NetworkActivity,
    Partner,
    PartnerContact,
)
from durchstarten.offers.choices import OfferCategory, OfferKind
from durchstarten.seeding.demo_network import seed_demo_network
from tests.factories import MunicipalityFactory, OfferFactory

TODAY = dt.date(2026, 11, 23)


def test_it_seeds_partners_meetings_and_activities_once(
    district, coordinator, case_manager, other_district
):
    MunicipalityFactory(district=district, name="Gütersloh")
    MunicipalityFactory(district=district, name="Harsewinkel")
    OfferFactory(
        district=district,
        kind=OfferKind.SPECIALIST,
        category=OfferCategory.DEBT_COUNSELLING,
        title="Schuldnerberatung",
    )
    districts = {district.ags: district, other_district.ags: other_district}

    result = seed_demo_network(districts, today=TODAY)

    assert result.skipped_districts == [other_district.ags]  # no coordinator there
    assert (result.partners, result.meetings, result.action_items) == (6, 3, 4)
    assert result.activities == 11
    assert PartnerContact.objects.count() == 6
    counselling = Partner.objects.get(name__startswith="Migrationsberatung")
    assert [o.title for o in counselling.specialist_offers.all()] == ["Schuldnerberatung"]
    open_items = ActionItem.objects.filter(task__done_at__isnull=True)
    assert [item.task.assignee for item in open_items] == [case_manager]
    assert Task.objects.filter(assignee=case_manager).count() == 4

    again = seed_demo_network(districts, today=TODAY)
    assert (again.partners, again.meetings, again.action_items, again.activities) == (0, 0, 0, 0)
    assert Partner.objects.count() == 6
    assert Meeting.objects.count() == 3
    assert NetworkActivity.objects.count() == 11


def test_it_records_no_activity_in_the_future(district, coordinator):
    MunicipalityFactory(district=district, name="Verl")
    result = seed_demo_network({district.ags: district}, today=dt.date(2026, 3, 1))
    assert result.activities == 3
    assert not NetworkActivity.objects.filter(date__gt=dt.date(2026, 3, 1)).exists()
