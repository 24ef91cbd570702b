"""The coordinator pages for providers, assignments and positions."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from durchstarten.core.middleware import SESSION_KEY
from durchstarten.core.models import AuditEntry, Role
from durchstarten.organisation import services
from durchstarten.organisation.models import Module, Position, Provider, ProviderAssignment
from tests.core.filtering import filter_url, get_filtered
from tests.factories import (
    MembershipFactory,
    MunicipalityFactory,
    PositionFactory,
    ProviderAssignmentFactory,
    ProviderFactory,
    member,
)

STALE = "inzwischen von jemand anderem geändert"


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def towns(district):
    return [
        MunicipalityFactory(district=district, name=name)
        for name in ("Gütersloh", "Harsewinkel", "Herzebrock-Clarholz")
    ]


@pytest.fixture
def assignment(provider, towns, today):
    return ProviderAssignmentFactory(
        provider=provider,
        module=Module.COACHING,
        municipalities=towns[:2],
        valid_from=today - dt.timedelta(days=30),
        valid_until=today + dt.timedelta(days=300),
    )


@pytest.fixture
def position(district, provider, today):
    return PositionFactory(
        district=district,
        provider=provider,
        module=Module.COACHING,
        fte=Decimal("0.50"),
        valid_from=today - dt.timedelta(days=30),
    )


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def _url(name, obj=None):
    if obj is None:
        return reverse(f"organisation:{name}")
    return reverse(f"organisation:{name}", kwargs={"public_id": obj.public_id})


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def _query_count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


# --- Access -----------------------------------------------------------------------------------

LIST_PAGES = ["district_overview", "provider_list", "assignment_list", "position_list"]


@pytest.mark.parametrize("page", LIST_PAGES)
@pytest.mark.parametrize("role", ["coordinator", "case_manager"])
def test_it_shows_the_district_pages_to_district_roles(request, as_user, page, role):
    response = as_user(request.getfixturevalue(role)).get(_url(page))
    assert response.status_code == 200


@pytest.mark.parametrize("role", ["coach", "provider_staff"])
def test_it_shows_the_assignment_list_to_provider_roles(request, as_user, role, assignment):
    response = as_user(request.getfixturevalue(role)).get(_url("assignment_list"))
    assert response.status_code == 200
    assert "asH Gütersloh gGmbH" in response.content.decode()


@pytest.mark.parametrize("page", ["district_overview", "provider_list", "position_list"])
@pytest.mark.parametrize("role", ["coach", "provider_staff", "state_analyst"])
def test_it_forbids_district_pages_to_other_roles(request, as_user, page, role):
    response = as_user(request.getfixturevalue(role)).get(_url(page))
    assert response.status_code == 403


def test_it_shows_the_district_list_to_state_analysts(as_user, state_analyst, district, towns):
    response = as_user(state_analyst).get(_url("district_list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Kreis Gütersloh" in body
    assert district.ags in body
    assert "Demo-Datensatz" in body


def test_it_forbids_the_district_list_to_coordinators(as_user, coordinator):
    assert as_user(coordinator).get(_url("district_list")).status_code == 403


def _object_pages(provider, assignment, position):
    return [
        _url("provider_detail", provider),
        _url("provider_edit", provider),
        _url("assignment_edit", assignment),
        _url("assignment_delete", assignment),
        _url("position_edit", position),
        _url("position_delete", position),
    ]


def test_it_shows_object_pages_to_the_coordinator(
    as_user, coordinator, provider, assignment, position
):
    client = as_user(coordinator)
    for url in _object_pages(provider, assignment, position):
        assert client.get(url).status_code == 200, url


def test_it_answers_404_to_outsiders(as_user, outsider, provider, assignment, position):
    client = as_user(outsider)
    for url in _object_pages(provider, assignment, position):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {}).status_code == 404, url
    assert ProviderAssignment.objects.filter(pk=assignment.pk).exists()
    assert Position.objects.filter(pk=position.pk).exists()


def test_it_answers_404_while_acting_in_the_users_other_district(
    as_user, coordinator, other_district, provider, assignment, position
):
    elsewhere = MembershipFactory(user=coordinator, role=Role.COORDINATOR, district=other_district)
    client = as_user(coordinator)
    session = client.session
    session[SESSION_KEY] = elsewhere.pk
    session.save()
    for url in _object_pages(provider, assignment, position):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("role", ["case_manager", "coach", "provider_staff"])
def test_it_forbids_writes_to_non_coordinators(
    request, as_user, role, provider, assignment, position
):
    client = as_user(request.getfixturevalue(role))
    urls = [
        _url("provider_create"),
        _url("assignment_create"),
        _url("position_create"),
        *_object_pages(provider, assignment, position)[1:],
    ]
    for url in urls:
        assert client.get(url).status_code == 403, url
        assert client.post(url, {}).status_code == 403, url
    assert ProviderAssignment.objects.filter(pk=assignment.pk).exists()
    assert Position.objects.filter(pk=position.pk).exists()


# --- District overview ------------------------------------------------------------------------


def test_it_shows_who_is_responsible_for_each_municipality_today(
    as_user, coordinator, towns, assignment, position
):
    response = as_user(coordinator).get(_url("district_overview"))
    body = response.content.decode()
    assert towns[0].ags in body
    assert "Herzebrock-Clarholz" in body
    assert str(assignment.provider) in body
    assert "nicht vergeben" in body
    assert "0,50" in body
    matrix = response.context["matrix"]
    by_name = {row["municipality"].name: row["providers"] for row in matrix}
    assert by_name["Gütersloh"][0] == [assignment.provider]
    assert by_name["Herzebrock-Clarholz"][0] == []


def test_it_keeps_the_overview_queries_constant(as_user, coordinator, district, provider, today):
    client = as_user(coordinator)
    url = _url("district_overview")
    town = MunicipalityFactory(district=district)
    ProviderAssignmentFactory(provider=provider, municipalities=[town], valid_from=today)
    PositionFactory(district=district, provider=provider, valid_from=today)
    client.get(url)
    expected = _query_count(client, url)
    for module in list(Module)[1:]:
        towns = MunicipalityFactory.create_batch(3, district=district)
        extra = ProviderFactory(district=district)
        ProviderAssignmentFactory(
            provider=extra, module=module, municipalities=towns, valid_from=today
        )
        PositionFactory(district=district, provider=extra, module=module, valid_from=today)
    assert _query_count(client, url) == expected


def test_it_keeps_the_district_list_queries_constant(
    as_user, state_analyst, district, django_assert_num_queries
):
    client = as_user(state_analyst)
    url = _url("district_list")
    client.get(url)
    expected = _query_count(client, url)
    for _ in range(9):
        MunicipalityFactory(district=ProviderFactory().district)
    with django_assert_num_queries(expected):
        client.get(url)


# --- Providers --------------------------------------------------------------------------------


def test_it_offers_the_create_button_only_to_coordinators(as_user, coordinator, case_manager):
    create = _url("provider_create")
    assert create in as_user(coordinator).get(_url("provider_list")).content.decode()
    assert create not in as_user(case_manager).get(_url("provider_list")).content.decode()


def test_it_searches_filters_and_sorts_providers(as_user, coordinator, district, provider):
    ProviderFactory(district=district, name="Caritas Gütersloh", is_active=False)
    ProviderFactory(district=district, name="AWO Kreis Gütersloh")
    ProviderFactory(name="Caritas anderswo")
    client = as_user(coordinator)
    url = _url("provider_list")

    def names(**params):
        response = get_filtered(client, url, **params)
        return [p.name for p in response.context["page_obj"]]

    assert names() == ["asH Gütersloh gGmbH", "AWO Kreis Gütersloh", "Caritas Gütersloh"]
    assert names(q="caritas") == ["Caritas Gütersloh"]
    assert names(status="inactive") == ["Caritas Gütersloh"]
    assert "Caritas Gütersloh" not in names(status="active")
    assert names(sort="-name") == [
        "Caritas Gütersloh",
        "AWO Kreis Gütersloh",
        "asH Gütersloh gGmbH",
    ]
    assert names(sort="-created")[0] == "AWO Kreis Gütersloh"
    assert names(sort="nonsense") == names()
    body = client.get(url, {"sort": "-name"}).content.decode()
    assert 'aria-sort="descending"' in body
    # A search term in the URL itself is ignored: searches go through list_filter.
    assert "AWO Kreis Gütersloh" in client.get(url, {"q": "caritas"}).content.decode()
    assert "3 Einträge gefunden" in body


def test_it_pages_providers(as_user, coordinator, district):
    for n in range(30):
        ProviderFactory(district=district, name=f"Träger {n:02d}")
    client = as_user(coordinator)
    searched = filter_url(client, _url("provider_list"), q="Träger")
    first = client.get(searched)
    assert len(first.context["page_obj"]) == 25
    body = first.content.decode()
    assert 'aria-label="Seitennavigation"' in body
    token = searched.partition("?")[2]
    assert f"?{token}&amp;page=2" in body
    assert "Tr%C3%A4ger" not in body
    second = client.get(f"{searched}&page=2")
    assert [p.name for p in second.context["page_obj"]][0] == "Träger 25"
    assert len(second.context["page_obj"]) == 5
    assert client.get(_url("provider_list"), {"page": "x"}).status_code == 200


def test_it_answers_htmx_with_the_results_fragment(as_user, coordinator, provider):
    response = get_filtered(
        as_user(coordinator), _url("provider_list"), q="asH", headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert "<html" not in body
    assert "asH Gütersloh gGmbH" in body
    assert 'hx-swap-oob="innerHTML:#result-count"' in body
    assert "HX-Request" in response["Vary"]


def test_it_keeps_the_provider_list_queries_constant(
    as_user, coordinator, district, provider, django_assert_num_queries
):
    client = as_user(coordinator)
    url = _url("provider_list")
    client.get(url)
    expected = _query_count(client, url)
    ProviderFactory.create_batch(9, district=district)
    with django_assert_num_queries(expected):
        client.get(url)


def test_it_shows_a_provider_with_its_assignments_and_positions(
    as_user, case_manager, provider, assignment, position
):
    response = as_user(case_manager).get(_url("provider_detail", provider))
    body = response.content.decode()
    assert provider.name in body
    assert "Harsewinkel" in body
    assert "0,50" in body
    assert _url("provider_edit", provider) not in body


def test_it_creates_a_provider(as_user, coordinator, district):
    response = as_user(coordinator).post(
        _url("provider_create"),
        {"name": "Diakonie Gütersloh e. V.", "short_name": "Diakonie", "is_active": "on"},
    )
    provider = Provider.objects.get(name="Diakonie Gütersloh e. V.")
    assert response.status_code == 302
    assert response["Location"] == _url("provider_detail", provider)
    assert provider.district == district
    assert provider.is_active
    assert _messages(response) == ["Der Träger „Diakonie Gütersloh e. V.“ wurde angelegt."]
    assert AuditEntry.objects.filter(action="organisation.provider.created").count() == 1


def test_it_shows_field_errors_with_a_summary(as_user, coordinator):
    response = as_user(coordinator).post(_url("provider_create"), {"email": "kaputt"})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in body
    assert 'href="#id_name"' in body
    assert 'aria-describedby="id_email_error"' in body
    assert 'aria-invalid="true"' in body
    assert not Provider.objects.exists()


def test_it_shows_the_services_errors_on_the_form(as_user, coordinator, provider):
    response = as_user(coordinator).post(_url("provider_create"), {"name": provider.name})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert Provider.objects.filter(name=provider.name).count() == 1


def test_it_edits_a_provider(as_user, coordinator, provider):
    client = as_user(coordinator)
    form = client.get(_url("provider_edit", provider)).context["form"]
    data = {**form.initial, "phone": "05241 123", "is_active": ""}
    data = {k: v for k, v in data.items() if v not in (None, False)}
    response = client.post(_url("provider_edit", provider), data)
    assert response.status_code == 302
    provider.refresh_from_db()
    assert provider.phone == "05241 123"
    assert not provider.is_active
    assert provider.version == 2


def test_it_reports_a_concurrent_provider_edit(as_user, coordinator, provider):
    client = as_user(coordinator)
    services.provider_update(actor=coordinator, provider=provider, version=1, phone="1")
    response = client.post(_url("provider_edit", provider), {"name": "Neuer Name", "version": 1})
    assert response.status_code == 200
    assert STALE in response.content.decode()
    provider.refresh_from_db()
    assert provider.name == "asH Gütersloh gGmbH"


# --- Assignments ------------------------------------------------------------------------------


def _assignment_data(provider, towns, **extra):
    return {
        "provider": str(provider.public_id),
        "module": Module.COACHING,
        "municipalities": [str(t.public_id) for t in towns],
        "valid_from": "2027-01-01",
        "valid_until": "2027-12-31",
        "note": "",
        **extra,
    }


def test_it_creates_an_assignment(as_user, coordinator, provider, towns):
    response = as_user(coordinator).post(
        _url("assignment_create"), _assignment_data(provider, towns[1:])
    )
    assert response.status_code == 302
    created = ProviderAssignment.objects.get()
    assert set(created.municipalities.all()) == set(towns[1:])
    assert created.valid_from == dt.date(2027, 1, 1)
    assert _messages(response) == ["Die Zuständigkeit wurde angelegt."]


def test_it_accepts_german_dates(as_user, coordinator, provider, towns):
    data = _assignment_data(provider, towns, valid_from="01.02.2027", valid_until="")
    assert as_user(coordinator).post(_url("assignment_create"), data).status_code == 302
    assert ProviderAssignment.objects.get().valid_from == dt.date(2027, 2, 1)


def test_it_shows_the_overlap_rule_in_german(
    as_user, coordinator, other_provider, towns, assignment, today
):
    data = _assignment_data(other_provider, towns[1:], valid_from=today.isoformat(), valid_until="")
    response = as_user(coordinator).post(_url("assignment_create"), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Harsewinkel: Im Förderbaustein 1 – Coaching ist vom" in body
    assert "bereits „asH Gütersloh gGmbH“ zuständig" in body
    assert 'href="#id_municipalities_0"' in body
    assert 'aria-describedby="id_municipalities_error"' in body
    assert ProviderAssignment.objects.count() == 1


def test_it_offers_only_the_districts_providers_and_municipalities(
    as_user, coordinator, provider, towns, other_district
):
    foreign_provider = ProviderFactory(district=other_district)
    foreign_town = MunicipalityFactory(district=other_district)
    client = as_user(coordinator)
    form = client.get(_url("assignment_create")).context["form"]
    assert list(form.fields["provider"].queryset) == [provider]
    assert foreign_town not in form.fields["municipalities"].queryset
    response = client.post(
        _url("assignment_create"), _assignment_data(foreign_provider, [foreign_town])
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"provider", "municipalities"}
    assert not ProviderAssignment.objects.exists()


def test_it_edits_an_assignment(as_user, coordinator, provider, towns, assignment):
    data = _assignment_data(provider, towns, note="Ab jetzt alle drei", version=1)
    response = as_user(coordinator).post(_url("assignment_edit", assignment), data)
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.note == "Ab jetzt alle drei"
    assert assignment.municipalities.count() == 3
    assert assignment.version == 2


def test_it_reports_a_concurrent_assignment_edit(as_user, coordinator, provider, towns, assignment):
    services.assignment_update(
        actor=coordinator, assignment=assignment, version=1, municipalities=towns[:1]
    )
    data = _assignment_data(provider, towns, version=1)
    response = as_user(coordinator).post(_url("assignment_edit", assignment), data)
    assert response.status_code == 200
    assert STALE in response.content.decode()
    assert assignment.municipalities.count() == 1


def test_it_asks_before_deleting_an_assignment(as_user, coordinator, assignment):
    client = as_user(coordinator)
    response = client.get(_url("assignment_delete", assignment))
    assert "Wirklich löschen?" in response.content.decode()
    assert ProviderAssignment.objects.filter(pk=assignment.pk).exists()
    response = client.post(_url("assignment_delete", assignment))
    assert response.status_code == 302
    assert not ProviderAssignment.objects.filter(pk=assignment.pk).exists()
    assert _messages(response) == ["Die Zuständigkeit wurde gelöscht."]


def test_it_filters_and_sorts_assignments(
    as_user, coordinator, provider, other_provider, towns, assignment, today
):
    old = ProviderAssignmentFactory(
        provider=other_provider,
        module=Module.COACHING,
        municipalities=towns[2:],
        valid_from=today - dt.timedelta(days=400),
        valid_until=today - dt.timedelta(days=40),
    )
    in_work = ProviderAssignmentFactory(
        provider=other_provider, module=Module.IN_WORK, municipalities=towns, valid_from=today
    )
    client = as_user(coordinator)
    url = _url("assignment_list")

    def listed(**params):
        return list(get_filtered(client, url, **params).context["page_obj"])

    assert listed() == [assignment, old, in_work]
    assert listed(module=Module.IN_WORK) == [in_work]
    assert listed(provider=provider.public_id) == [assignment]
    assert listed(municipality=towns[2].public_id) == [old, in_work]
    assert listed(period="today") == [assignment, in_work]
    assert listed(sort="-valid_from") == [in_work, assignment, old]
    assert listed(sort="provider") == [assignment, old, in_work]


def test_it_shows_provider_roles_only_their_providers_assignments(
    as_user, coach, other_provider, towns, assignment
):
    ProviderAssignmentFactory(provider=other_provider, module=Module.IN_WORK, municipalities=towns)
    response = as_user(coach).get(_url("assignment_list"))
    assert list(response.context["page_obj"]) == [assignment]
    assert _url("assignment_create") not in response.content.decode()


def test_it_pages_assignments(as_user, coordinator, provider, district):
    for _ in range(26):
        town = MunicipalityFactory(district=district)
        ProviderAssignmentFactory(provider=provider, municipalities=[town])
    response = as_user(coordinator).get(_url("assignment_list"), {"page": 2})
    assert len(response.context["page_obj"]) == 1


def test_it_keeps_the_assignment_list_queries_constant(
    as_user, coordinator, district, provider, django_assert_num_queries
):
    client = as_user(coordinator)
    url = _url("assignment_list")
    ProviderAssignmentFactory(
        provider=provider, municipalities=[MunicipalityFactory(district=district)]
    )
    client.get(url)
    expected = _query_count(client, url)
    for _ in range(9):
        towns = MunicipalityFactory.create_batch(2, district=district)
        ProviderAssignmentFactory(provider=ProviderFactory(district=district), municipalities=towns)
    with django_assert_num_queries(expected):
        client.get(url)


# --- Positions --------------------------------------------------------------------------------


def test_it_creates_a_position_with_a_german_fte(as_user, coordinator, district):
    response = as_user(coordinator).post(
        _url("position_create"),
        {
            "provider": "",
            "module": Module.CASE_MANAGEMENT,
            "title": "Teilhabemanagement Nord",
            "fte": "0,5",
            "valid_from": "2027-01-01",
        },
    )
    assert response.status_code == 302
    position = Position.objects.get()
    assert position.fte == Decimal("0.5")
    assert position.provider is None
    assert position.district == district
    assert _messages(response) == ["Die Stelle wurde angelegt."]


def test_it_rejects_an_fte_out_of_range(as_user, coordinator):
    response = as_user(coordinator).post(
        _url("position_create"),
        {"module": Module.COACHING, "fte": "12,5", "valid_from": "2027-01-01"},
    )
    assert response.status_code == 200
    assert "fte" in response.context["form"].errors
    assert not Position.objects.exists()


def test_it_shows_the_fte_in_german_in_the_edit_form(as_user, coordinator, position):
    body = as_user(coordinator).get(_url("position_edit", position)).content.decode()
    assert 'value="0,50"' in body
    assert "Koordinierungsstelle (Kreis)" in body


def test_it_edits_a_position(as_user, coordinator, position, case_manager):
    data = {
        "provider": "",
        "module": Module.CASE_MANAGEMENT,
        "fte": "1,25",
        "holder": case_manager.pk,
        "valid_from": "2026-01-01",
        "version": 1,
    }
    response = as_user(coordinator).post(_url("position_edit", position), data)
    assert response.status_code == 302
    position.refresh_from_db()
    assert position.fte == Decimal("1.25")
    assert position.provider is None
    assert position.holder == case_manager


def test_it_reports_a_concurrent_position_edit(as_user, coordinator, position):
    services.position_update(actor=coordinator, position=position, version=1, title="Neu")
    data = {"module": Module.COACHING, "fte": "1", "valid_from": "2026-01-01", "version": 1}
    response = as_user(coordinator).post(_url("position_edit", position), data)
    assert response.status_code == 200
    assert STALE in response.content.decode()
    position.refresh_from_db()
    assert position.fte == Decimal("0.50")


def test_it_asks_before_deleting_a_position(as_user, coordinator, position):
    client = as_user(coordinator)
    assert "Wirklich löschen?" in client.get(_url("position_delete", position)).content.decode()
    assert Position.objects.filter(pk=position.pk).exists()
    response = client.post(_url("position_delete", position))
    assert response.status_code == 302
    assert not Position.objects.exists()


def test_it_filters_and_sorts_positions(as_user, coordinator, district, provider, position):
    office = PositionFactory(district=district, fte=Decimal("2.00"))
    client = as_user(coordinator)
    url = _url("position_list")

    def listed(**params):
        return list(get_filtered(client, url, **params).context["page_obj"])

    assert listed(employer="office") == [office]
    assert listed(employer=str(provider.public_id)) == [position]
    assert listed(module=Module.CASE_MANAGEMENT) == [office]
    assert listed(sort="fte") == [position, office]
    assert listed(sort="-fte") == [office, position]
    body = client.get(url).content.decode()
    assert "2,50" in body


def test_it_keeps_the_position_list_queries_constant(
    as_user, coordinator, district, position, django_assert_num_queries
):
    client = as_user(coordinator)
    url = _url("position_list")
    client.get(url)
    expected = _query_count(client, url)
    for _ in range(9):
        PositionFactory(
            district=district,
            provider=ProviderFactory(district=district),
            holder=member(Role.CASE_MANAGER, district),
        )
    with django_assert_num_queries(expected):
        client.get(url)


def test_it_ignores_only_the_invalid_filter(as_user, coordinator, provider, assignment):
    response = get_filtered(
        as_user(coordinator), _url("assignment_list"), provider="kein-uuid", module=Module.IN_WORK
    )
    assert response.status_code == 200
    assert list(response.context["page_obj"]) == []
