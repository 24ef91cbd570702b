"""The coordinator's targets: services (rules, audit, versions) and pages (list, forms, delete)."""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from durchstarten.core.models import AuditEntry, Role
from durchstarten.reporting import services
from durchstarten.reporting.choices import TargetMetric
from durchstarten.reporting.forms import TargetForm
from durchstarten.reporting.models import Target
from tests.factories import member

pytestmark = pytest.mark.django_db

STALE = "inzwischen von jemand anderem geändert"
DUPLICATE = "schon einen Zielwert"


@pytest.fixture
def entry_target(district, coordinator):
    return services.target_create(
        actor=coordinator,
        district=district,
        year=2026,
        metric=TargetMetric.ENTRY_RATE,
        value=Decimal("0.3"),
    )


@pytest.fixture
def other_target(other_district, outsider):
    return services.target_create(
        actor=outsider,
        district=other_district,
        year=2026,
        metric=TargetMetric.ENTRY_RATE,
        value=Decimal("0.6"),
        note="Zielwert des anderen Kreises",
    )


def _url(name, target=None):
    if target is None:
        return reverse(f"reporting:{name}")
    return reverse(f"reporting:{name}", kwargs={"public_id": target.public_id})


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def _form(**data):
    return {"year": "2026", "metric": "entry_rate", "value": "30", "note": "", **data}


# --- Services ---------------------------------------------------------------------------------


def test_it_creates_a_target_with_an_audit_entry(district, coordinator):
    target = services.target_create(
        actor=coordinator,
        district=district,
        year=2026,
        metric=TargetMetric.PLACED,
        value=Decimal("50"),
        note="Beschluss der Bündniskerngruppe",
    )
    assert target.value == Decimal("50")
    entry = AuditEntry.objects.get(action="reporting.target.created")
    assert entry.object_id == str(target.public_id)
    assert entry.district_id == district.pk
    assert entry.data == {"year": 2026, "metric": "placed"}


@pytest.mark.parametrize("value", ["-0.01", "1.0001", "30"])
def test_it_refuses_a_rate_outside_0_and_100_percent(district, coordinator, value):
    with pytest.raises(ValidationError) as error:
        services.target_create(
            actor=coordinator,
            district=district,
            year=2026,
            metric=TargetMetric.PLACEMENT_RATE,
            value=Decimal(value),
        )
    assert "zwischen 0 und 100 %" in str(error.value.message_dict["value"])


@pytest.mark.parametrize("value", ["-1", "12.5"])
def test_it_refuses_a_count_that_is_no_whole_number(district, coordinator, value):
    with pytest.raises(ValidationError) as error:
        services.target_create(
            actor=coordinator,
            district=district,
            year=2026,
            metric=TargetMetric.ENTERED,
            value=Decimal(value),
        )
    assert "ganze Zahl" in str(error.value.message_dict["value"])


def test_it_refuses_a_second_target_for_the_same_figure_and_year(entry_target, coordinator):
    with pytest.raises(ValidationError) as error:
        services.target_create(
            actor=coordinator,
            district=entry_target.district,
            year=2026,
            metric=TargetMetric.ENTRY_RATE,
            value=Decimal("0.6"),
        )
    assert DUPLICATE in str(error.value.message_dict["metric"])
    # Another year or another district is fine.
    services.target_create(
        actor=coordinator,
        district=entry_target.district,
        year=2027,
        metric=TargetMetric.ENTRY_RATE,
        value=Decimal("0.6"),
    )


@pytest.mark.parametrize("role", [Role.CASE_MANAGER, Role.STATE_ANALYST])
def test_it_lets_only_coordinators_set_targets(district, role):
    actor = member(role, None if role == Role.STATE_ANALYST else district)
    with pytest.raises(PermissionDenied):
        services.target_create(
            actor=actor,
            district=district,
            year=2026,
            metric=TargetMetric.ENTRY_RATE,
            value=Decimal("0.3"),
        )


def test_it_refuses_an_update_based_on_an_old_version(entry_target, coordinator):
    stale = Target.objects.get(pk=entry_target.pk)
    services.target_update(
        actor=coordinator, target=entry_target, version=1, value=Decimal("0.4"), metric="entry_rate"
    )
    with pytest.raises(ValidationError) as error:
        services.target_update(
            actor=coordinator, target=stale, version=1, value=Decimal("0.5"), metric="entry_rate"
        )
    assert STALE in str(error.value)
    entry_target.refresh_from_db()
    assert entry_target.value == Decimal("0.4") and entry_target.version == 2
    assert AuditEntry.objects.filter(action="reporting.target.changed").count() == 1


def test_it_refuses_to_move_a_target_onto_an_existing_one(entry_target, coordinator):
    second = services.target_create(
        actor=coordinator,
        district=entry_target.district,
        year=2027,
        metric=TargetMetric.ENTRY_RATE,
        value=Decimal("0.6"),
    )
    with pytest.raises(ValidationError) as error:
        services.target_update(actor=coordinator, target=second, version=1, year=2026)
    assert DUPLICATE in str(error.value.message_dict["metric"])


def test_it_deletes_a_target_only_in_the_version_read(entry_target, coordinator):
    services.target_update(
        actor=coordinator, target=entry_target, version=1, value=Decimal("0.4"), metric="entry_rate"
    )
    with pytest.raises(ValidationError):
        services.target_delete(actor=coordinator, target=entry_target, version=1)
    assert Target.objects.filter(pk=entry_target.pk).exists()
    assert not AuditEntry.objects.filter(action="reporting.target.deleted").exists()
    services.target_delete(actor=coordinator, target=entry_target, version=2)
    assert not Target.objects.filter(pk=entry_target.pk).exists()
    assert AuditEntry.objects.get(action="reporting.target.deleted").data == {
        "year": 2026,
        "metric": "entry_rate",
    }


def test_it_sets_a_target_whether_or_not_it_exists(district, coordinator):
    first = services.target_set(
        actor=coordinator, district=district, year=2026, metric="placed", value=Decimal("10")
    )
    again = services.target_set(
        actor=coordinator, district=district, year=2026, metric="placed", value=Decimal("12")
    )
    assert first.pk == again.pk
    assert Target.objects.get(pk=first.pk).value == Decimal("12")


# --- Form: percent in, fraction out ------------------------------------------------------------


@pytest.mark.parametrize(
    ("metric", "typed", "stored"),
    [
        ("entry_rate", "30", Decimal("0.3000")),
        ("placement_rate", "67,5", Decimal("0.6750")),
        ("placement_rate", "100", Decimal("1.0000")),
        ("entered", "88", Decimal("88")),
    ],
)
def test_it_reads_rates_as_percent(metric, typed, stored):
    form = TargetForm(_form(metric=metric, value=typed))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["value"] == stored


@settings(max_examples=50, deadline=None)
@given(percent=st.decimals(min_value=0, max_value=100, places=2))
def test_it_turns_every_percent_into_the_fraction(percent):
    form = TargetForm(_form(value=str(percent)))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["value"] * 100 == percent


@pytest.mark.parametrize(
    ("metric", "typed", "message"),
    [
        ("entry_rate", "130", "zwischen 0 und 100 %"),
        ("entry_rate", "-5", "größer oder gleich 0"),
        ("entered", "7,5", "ganze Zahl"),
        ("entered", "viele", "Zahl"),
    ],
)
def test_it_explains_invalid_values_in_german(metric, typed, message):
    form = TargetForm(_form(metric=metric, value=typed))
    assert not form.is_valid()
    assert message in " ".join(form.errors["value"])


def test_it_shows_a_stored_rate_as_percent(entry_target):
    form = TargetForm(initial={"metric": "entry_rate", "value": entry_target.value})
    assert str(form["value"].value()) == "30"


# --- Pages ------------------------------------------------------------------------------------


def test_it_lists_the_districts_targets_only(client, coordinator, entry_target, other_target):
    client.force_login(coordinator)
    response = client.get(_url("target_list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Eintrittsquote" in body and "30,0\u00a0%" in body
    assert "Zielwert des anderen Kreises" not in body


def test_it_filters_and_sorts_the_list(client, coordinator, district, entry_target):
    for year, metric in ((2025, "placed"), (2027, "entered")):
        services.target_create(
            actor=coordinator, district=district, year=year, metric=metric, value=Decimal("40")
        )
    client.force_login(coordinator)
    rows = client.get(_url("target_list")).context["page_obj"].object_list
    assert [t.year for t in rows] == [2027, 2026, 2025]
    rows = client.get(_url("target_list"), {"sort": "year"}).context["page_obj"].object_list
    assert [t.year for t in rows] == [2025, 2026, 2027]
    rows = client.get(_url("target_list"), {"year": "2026"}).context["page_obj"].object_list
    assert [t.metric for t in rows] == ["entry_rate"]
    rows = client.get(_url("target_list"), {"metric": "placed"}).context["page_obj"].object_list
    assert [t.year for t in rows] == [2025]


def test_it_searches_the_notes_through_the_session(client, coordinator, entry_target):
    services.target_update(
        actor=coordinator, target=entry_target, version=1, note="Beschluss vom Mai"
    )
    client.force_login(coordinator)
    stored = client.post(reverse("list_filter"), {"next": _url("target_list"), "q": "Mai"})
    assert stored.status_code == 302 and "Mai" not in stored["Location"]
    rows = client.get(stored["Location"]).context["page_obj"].object_list
    assert [t.pk for t in rows] == [entry_target.pk]
    stored = client.post(reverse("list_filter"), {"next": _url("target_list"), "q": "Juni"})
    assert not client.get(stored["Location"]).context["page_obj"].object_list


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_it_lists_with_a_fixed_number_of_queries(client, coordinator, district):
    client.force_login(coordinator)
    services.target_create(
        actor=coordinator, district=district, year=2026, metric="placed", value=Decimal(5)
    )
    few = _queries(client, _url("target_list"))
    for year in range(2000, 2020):
        services.target_create(
            actor=coordinator, district=district, year=year, metric="placed", value=Decimal(5)
        )
    assert _queries(client, _url("target_list")) == few


def test_it_creates_a_target_from_the_form(client, coordinator, district):
    client.force_login(coordinator)
    response = client.post(_url("target_create"), _form(value="30", note="laut Konzept"))
    assert response.status_code == 302
    target = Target.objects.get(district=district)
    assert (target.year, target.metric, target.value) == (2026, "entry_rate", Decimal("0.3"))
    assert "wurde angelegt" in _messages(response)[0]


def test_it_shows_the_duplicate_error_on_the_form(client, coordinator, entry_target):
    client.force_login(coordinator)
    response = client.post(_url("target_create"), _form(value="40"))
    assert response.status_code == 200
    assert DUPLICATE in response.content.decode()
    assert Target.objects.count() == 1


def test_it_edits_a_target(client, coordinator, entry_target):
    client.force_login(coordinator)
    form = client.get(_url("target_edit", entry_target)).context["form"]
    assert str(form["value"].value()) == "30"
    response = client.post(_url("target_edit", entry_target), _form(value="35", version="1"))
    assert response.status_code == 302
    entry_target.refresh_from_db()
    assert entry_target.value == Decimal("0.35") and entry_target.version == 2


def test_it_reports_a_concurrent_edit(client, coordinator, entry_target):
    client.force_login(coordinator)
    client.post(_url("target_edit", entry_target), _form(value="35", version="1"))
    response = client.post(_url("target_edit", entry_target), _form(value="45", version="1"))
    assert response.status_code == 200
    assert STALE in response.content.decode()
    entry_target.refresh_from_db()
    assert entry_target.value == Decimal("0.35")


def test_it_asks_before_deleting(client, coordinator, entry_target):
    client.force_login(coordinator)
    response = client.get(_url("target_delete", entry_target))
    assert response.status_code == 200
    assert "Wirklich löschen?" in response.content.decode()
    assert Target.objects.filter(pk=entry_target.pk).exists()
    response = client.post(_url("target_delete", entry_target), {"version": "1"})
    assert response.status_code == 302
    assert not Target.objects.filter(pk=entry_target.pk).exists()


def test_it_asks_again_when_the_target_changed_before_deleting(client, coordinator, entry_target):
    client.force_login(coordinator)
    services.target_update(
        actor=coordinator, target=entry_target, version=1, value=Decimal("0.5"), metric="entry_rate"
    )
    response = client.post(_url("target_delete", entry_target), {"version": "1"})
    assert response.status_code == 200
    assert STALE in response.content.decode()
    assert "50,0\u00a0%" in response.content.decode()
    assert Target.objects.filter(pk=entry_target.pk).exists()


@pytest.mark.parametrize("name", ["target_edit", "target_delete"])
def test_it_answers_404_for_another_districts_target(client, coordinator, other_target, name):
    client.force_login(coordinator)
    assert client.get(_url(name, other_target)).status_code == 404
    assert client.post(_url(name, other_target), {"version": "1"}).status_code == 404
    assert Target.objects.filter(pk=other_target.pk).exists()


@pytest.mark.parametrize("role", ["case_manager", "coach", "provider_staff", "state_analyst"])
def test_it_forbids_the_target_pages_to_other_roles(request, client, role, entry_target):
    client.force_login(request.getfixturevalue(role))
    assert client.get(_url("target_list")).status_code == 403
    assert client.post(_url("target_create"), _form()).status_code == 403
    assert client.post(_url("target_delete", entry_target)).status_code == 403
    assert Target.objects.count() == 1
