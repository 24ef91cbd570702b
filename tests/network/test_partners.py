"""The partner directory: partners, their contacts and the specialist offers they run."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from durchstarten.core.models import AuditEntry
from durchstarten.network.choices import PartnerKind
from durchstarten.network.models import Partner, PartnerContact
from durchstarten.network.services import partners as services
from durchstarten.offers.choices import OfferCategory, OfferKind
from tests.core.filtering import get_filtered
from tests.factories import MunicipalityFactory, OfferFactory
from tests.network.factories import PartnerContactFactory, PartnerFactory


@pytest.fixture
def counselling(district):
    return OfferFactory(
        district=district,
        kind=OfferKind.SPECIALIST,
        category=OfferCategory.MIGRATION_COUNSELLING,
        title="Migrationsberatung für junge Erwachsene",
    )


@pytest.fixture
def partner(coordinator, district, municipality, counselling):
    partner = services.partner_create(
        actor=coordinator,
        district=district,
        name="Caritas Migrationsdienst",
        kind=PartnerKind.COUNSELLING_SERVICE,
        municipalities=[municipality],
        specialist_offers=[counselling],
        offering="Asylverfahrensberatung, Begleitung zu Behörden",
        phone="05241 12345",
    )
    services.contact_create(
        actor=coordinator,
        partner=partner,
        name="Frau Beispiel",
        function="Migrationsberatung",
        email="beispiel@caritas.example.org",
    )
    return partner


def _url(name, obj=None):
    if obj is None:
        return reverse(f"network:{name}")
    return reverse(f"network:{name}", kwargs={"public_id": obj.public_id})


# --- Services ----------------------------------------------------------------------------------


def test_it_records_a_partner_with_contacts_and_offers(partner, municipality, counselling):
    assert list(partner.municipalities.all()) == [municipality]
    assert list(partner.specialist_offers.all()) == [counselling]
    assert partner.contacts.get().function == "Migrationsberatung"
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"network.partner.created", "network.partner_contact.created"} <= actions


def test_it_links_only_specialist_services(coordinator, partner, district):
    course = OfferFactory(district=district, kind=OfferKind.REGULAR, title="Integrationskurs")
    with pytest.raises(ValidationError) as error:
        services.partner_update(
            actor=coordinator,
            partner=partner,
            version=partner.version,
            municipalities=[],
            specialist_offers=[course],
        )
    assert error.value.message_dict["specialist_offers"] == [
        "Nur Fachstellen (Verweisberatung) können verknüpft werden, nicht: Integrationskurs."
    ]


def test_it_refuses_records_of_another_district(coordinator, partner, other_district):
    town = MunicipalityFactory(district=other_district, name="Herford")
    with pytest.raises(ValidationError) as error:
        services.partner_update(
            actor=coordinator,
            partner=partner,
            version=partner.version,
            municipalities=[town],
            specialist_offers=[],
        )
    assert "municipalities" in error.value.message_dict


def test_it_refuses_a_second_partner_with_the_same_name(coordinator, district, partner):
    with pytest.raises(ValidationError) as error:
        services.partner_create(
            actor=coordinator, district=district, name="Caritas Migrationsdienst", kind="other"
        )
    assert error.value.message_dict == {
        "name": ["Es gibt in Ihrem Kreis bereits einen Partner mit diesem Namen."]
    }


@pytest.mark.parametrize("role", ["case_manager", "coach", "provider_staff", "outsider"])
def test_it_lets_only_the_districts_coordinators_write(request, role, district, partner):
    actor = request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        services.partner_create(actor=actor, district=district, name="Neu", kind="other")
    with pytest.raises(PermissionDenied):
        services.contact_create(actor=actor, partner=partner, name="Herr Neu")
    with pytest.raises(PermissionDenied):
        services.partner_delete(actor=actor, partner=partner)


def test_it_deletes_a_partner_with_its_contacts(coordinator, partner):
    services.partner_delete(actor=coordinator, partner=partner)
    assert not Partner.objects.exists()
    assert not PartnerContact.objects.exists()


# --- Pages -------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["coordinator", "case_manager", "coach"])
def test_it_shows_the_directory_to_those_who_refer_people(request, client, role, partner):
    client.force_login(request.getfixturevalue(role))
    assert "Caritas Migrationsdienst" in client.get(_url("partner_list")).content.decode()
    body = client.get(_url("partner_detail", partner)).content.decode()
    for text in ("Frau Beispiel", "beispiel@caritas.example.org", "Asylverfahrensberatung"):
        assert text in body
    assert "Migrationsberatung für junge Erwachsene" in body


@pytest.mark.parametrize("role", ["provider_staff", "state_analyst"])
def test_it_forbids_the_directory_to_other_roles(request, client, role, partner):
    client.force_login(request.getfixturevalue(role))
    assert client.get(_url("partner_list")).status_code == 403
    assert client.get(_url("partner_detail", partner)).status_code == 403


def test_it_hides_other_districts_partners(client, outsider, partner):
    client.force_login(outsider)
    contact = partner.contacts.get()
    assert client.get(_url("partner_detail", partner)).status_code == 404
    assert client.get(_url("partner_edit", partner)).status_code == 404
    assert client.get(_url("contact_edit", contact)).status_code == 404
    assert client.post(_url("contact_delete", contact)).status_code == 404
    assert "Caritas" not in client.get(_url("partner_list")).content.decode()


def test_it_offers_editing_only_to_coordinators(client, case_manager, coordinator, partner):
    client.force_login(case_manager)
    assert (
        _url("partner_edit", partner)
        not in client.get(_url("partner_detail", partner)).content.decode()
    )
    assert client.get(_url("partner_edit", partner)).status_code == 403
    client.force_login(coordinator)
    assert (
        _url("partner_edit", partner)
        in client.get(_url("partner_detail", partner)).content.decode()
    )


def test_it_creates_and_edits_through_the_pages(client, coordinator, district, municipality):
    client.force_login(coordinator)
    response = client.post(
        _url("partner_create"),
        {
            "name": "Ausländerbehörde Kreis Gütersloh",
            "kind": "foreigners_authority",
            "municipalities": [str(municipality.public_id)],
            "is_active": "on",
            "website": "www.kreis-guetersloh.example.org",
        },
    )
    partner = Partner.objects.get()
    assert response["Location"] == _url("partner_detail", partner)
    assert partner.website == "https://www.kreis-guetersloh.example.org"
    response = client.post(
        _url("partner_edit", partner),
        {
            "name": partner.name,
            "kind": "foreigners_authority",
            "email": "keine-mail",
            "version": partner.version,
        },
    )
    assert "Bitte gültige E-Mail-Adresse eingeben." in response.content.decode()
    response = client.post(
        _url("contact_create", partner), {"name": "Herr Muster", "phone": "05241 85-0"}
    )
    contact = partner.contacts.get()
    assert response.status_code == 302
    response = client.post(
        _url("contact_edit", contact),
        {"name": "Herr Muster", "function": "Leitung", "version": contact.version},
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert (contact.function, contact.phone) == ("Leitung", "")
    assert "Wirklich löschen?" in client.get(_url("contact_delete", contact)).content.decode()
    assert client.post(_url("contact_delete", contact)).status_code == 302
    assert not PartnerContact.objects.exists()


# --- List --------------------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_it_keeps_the_list_queries_constant(client, coach, district, municipality):
    client.force_login(coach)
    url = _url("partner_list")
    PartnerFactory(district=district, municipalities=[municipality])
    client.get(url)
    expected = _queries(client, url)
    for _ in range(8):
        town = MunicipalityFactory(district=district)
        partner = PartnerFactory(district=district, municipalities=[town, municipality])
        PartnerContactFactory.create_batch(2, partner=partner)
    assert _queries(client, url) == expected


def test_it_searches_filters_and_sorts_the_directory(client, case_manager, district, municipality):
    client.force_login(case_manager)
    elsewhere = MunicipalityFactory(district=district, name="Verl")
    jobcenter = PartnerFactory(district=district, name="Jobcenter", kind="jobcenter")
    welfare = PartnerFactory(
        district=district,
        name="Sozialamt Harsewinkel",
        kind="social_welfare_office",
        municipalities=[municipality],
    )
    PartnerFactory(
        district=district,
        name="Sozialamt Verl",
        kind="social_welfare_office",
        municipalities=[elsewhere],
    )
    PartnerFactory(
        district=district, name="Alte Initiative", kind="volunteer_group", is_active=False
    )
    PartnerContactFactory(partner=jobcenter, name="Frau Kaya")
    assert welfare

    def names(**params):
        return [
            p.name for p in get_filtered(client, _url("partner_list"), **params).context["page_obj"]
        ]

    assert names() == ["Jobcenter", "Sozialamt Harsewinkel", "Sozialamt Verl"]
    assert names(status="all")[0] == "Alte Initiative"
    assert names(sort="-name") == ["Sozialamt Verl", "Sozialamt Harsewinkel", "Jobcenter"]
    assert names(kind="social_welfare_office") == ["Sozialamt Harsewinkel", "Sozialamt Verl"]
    # A partner without municipalities serves the whole district.
    assert names(municipality=str(municipality.public_id)) == ["Jobcenter", "Sozialamt Harsewinkel"]
    assert names(q="kaya") == ["Jobcenter"]
    assert names(q="harsewinkel") == ["Sozialamt Harsewinkel"]
