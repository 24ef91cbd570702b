"""The log of network activities and its counts per municipality and kind."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from durchstarten.network.choices import ActivityKind
from durchstarten.network.models import NetworkActivity
from durchstarten.network.services import activities as services
from tests.core.filtering import get_filtered
from tests.factories import MunicipalityFactory
from tests.network.factories import ActivityFactory, PartnerFactory


@pytest.fixture
def today():
    return timezone.localdate()


def _url(name, obj=None):
    if obj is None:
        return reverse(f"network:{name}")
    return reverse(f"network:{name}", kwargs={"public_id": obj.public_id})


def _record(actor, district, **fields):
    values = {
        "date": timezone.localdate(),
        "kind": ActivityKind.VISIT,
        "description": "Besuch im Sozialamt",
    }
    return services.activity_create(actor=actor, district=district, **{**values, **fields})


def test_it_records_an_activity_with_partners(case_manager, district, municipality):
    partner = PartnerFactory(district=district)
    activity = _record(case_manager, district, municipality=municipality, partners=[partner])
    assert activity.recorded_by == case_manager
    assert list(activity.partners.all()) == [partner]


def test_it_refuses_future_dates_and_foreign_municipalities(
    case_manager, district, other_district, today
):
    with pytest.raises(ValidationError) as error:
        _record(case_manager, district, date=today + dt.timedelta(days=1))
    assert error.value.message_dict == {"date": ["Das Datum darf nicht in der Zukunft liegen."]}
    with pytest.raises(ValidationError) as error:
        _record(case_manager, district, municipality=MunicipalityFactory(district=other_district))
    assert error.value.message_dict == {
        "municipality": ["Die Kommune gehört nicht zu Ihrem Kreis."]
    }


@pytest.mark.parametrize("role", ["coach", "provider_staff", "outsider"])
def test_it_lets_only_district_staff_record(request, role, district):
    with pytest.raises(PermissionDenied):
        _record(request.getfixturevalue(role), district)


def test_it_lets_case_managers_change_only_their_own(coordinator, case_manager, district):
    own = _record(case_manager, district)
    theirs = _record(coordinator, district)
    services.activity_update(
        actor=case_manager, activity=own, version=1, partners=[], description="Geändert"
    )
    with pytest.raises(PermissionDenied):
        services.activity_update(
            actor=case_manager, activity=theirs, version=1, partners=[], description="x"
        )
    with pytest.raises(PermissionDenied):
        services.activity_delete(actor=case_manager, activity=theirs)
    services.activity_delete(actor=coordinator, activity=own)
    assert list(NetworkActivity.objects.all()) == [theirs]


def test_it_counts_per_municipality_and_kind_in_the_period(
    client, coordinator, district, municipality, today
):
    verl = MunicipalityFactory(district=district, name="Verl")
    new_year = today.replace(month=1, day=1)
    for day, kind, town in [
        (new_year, ActivityKind.VISIT, municipality),
        (today, ActivityKind.VISIT, municipality),
        (today, ActivityKind.PHONE_EMAIL, municipality),
        (today, ActivityKind.INFORMATION_EVENT, verl),
        (new_year, ActivityKind.MEETING, None),
        (new_year - dt.timedelta(days=1), ActivityKind.VISIT, verl),  # last year
    ]:
        ActivityFactory(district=district, date=day, kind=kind, municipality=town)
    client.force_login(coordinator)
    response = client.get(_url("activity_list"))
    counts = response.context["counts"]
    rows = {row["label"]: (row["cells"], row["total"]) for row in counts["rows"]}
    # Columns: visit, meeting, information event, phone/e-mail, other.
    assert rows["Harsewinkel"] == ([2, 0, 0, 1, 0], 3)
    assert rows["Verl"] == ([0, 0, 1, 0, 0], 1)
    assert rows["ganzer Kreis"] == ([0, 1, 0, 0, 0], 1)
    assert (counts["totals"], counts["total"]) == ([2, 1, 1, 1, 0], 5)
    assert response.context["page_obj"].paginator.count == 5

    last_year = {"date_from": f"{today.year - 1}-01-01", "date_to": f"{today.year - 1}-12-31"}
    counts = get_filtered(client, _url("activity_list"), **last_year).context["counts"]
    assert counts["total"] == 1
    counts = get_filtered(client, _url("activity_list"), kind="visit").context["counts"]
    assert counts["total"] == 2


def test_it_filters_and_sorts_the_log(client, case_manager, district, municipality, today):
    partner = PartnerFactory(district=district, name="Jobcenter")
    first = ActivityFactory(
        district=district, date=today - dt.timedelta(days=40), description="Runder Tisch"
    )
    second = ActivityFactory(
        district=district,
        date=today - dt.timedelta(days=39),
        municipality=municipality,
        partners=[partner],
    )
    client.force_login(case_manager)

    def shown(**params):
        since = (today - dt.timedelta(days=60)).isoformat()
        return list(
            get_filtered(client, _url("activity_list"), date_from=since, **params).context[
                "page_obj"
            ]
        )

    assert shown() == [second, first]
    assert shown(sort="date") == [first, second]
    assert shown(q="runder") == [first]
    assert shown(partner=str(partner.public_id)) == [second]
    assert shown(municipality="district") == [first]
    assert shown(municipality=str(municipality.public_id)) == [second]


def test_it_keeps_the_list_queries_constant(client, coordinator, district, today):
    client.force_login(coordinator)
    url = _url("activity_list")
    ActivityFactory(district=district, date=today)
    client.get(url)
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    for _ in range(8):
        town = MunicipalityFactory(district=district)
        ActivityFactory(
            district=district,
            date=today,
            municipality=town,
            partners=PartnerFactory.create_batch(2, district=district),
        )
    with CaptureQueriesContext(connection) as later:
        client.get(url)
    assert len(later) == len(first)


def test_it_shows_edit_links_only_where_allowed(client, coordinator, case_manager, district):
    own = _record(case_manager, district, description="eigener Besuch")
    theirs = _record(coordinator, district, description="Besuch der Koordinierung")
    client.force_login(case_manager)
    body = client.get(_url("activity_list")).content.decode()
    assert _url("activity_edit", own) in body
    assert _url("activity_edit", theirs) not in body
    assert client.get(_url("activity_edit", theirs)).status_code == 403


def test_it_records_through_the_page(client, case_manager, district, municipality, today):
    client.force_login(case_manager)
    response = client.post(
        _url("activity_create"),
        {
            "date": today.isoformat(),
            "kind": "information_event",
            "municipality": str(municipality.public_id),
            "description": "Infoabend im Jugendzentrum",
        },
    )
    assert response.status_code == 302
    activity = NetworkActivity.objects.get()
    assert (activity.municipality, activity.recorded_by) == (municipality, case_manager)
    body = client.post(_url("activity_create"), {"kind": "visit"}).content.decode()
    assert "Dieses Feld ist zwingend erforderlich." in body


@pytest.mark.parametrize("role", ["coach", "provider_staff", "state_analyst"])
def test_it_forbids_the_log_to_other_roles(request, client, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(_url("activity_list")).status_code == 403
