"""The offer directory and matching suggestions through the API."""

# Fixtures imported from tests/cases/conftest.py are parameters of the tests.
# ruff: noqa: F811

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from durchstarten.cases.choices import ResidenceStatusKind
from durchstarten.core.models import AuditEntry, Role
from durchstarten.offers.choices import OfferCategory, OfferKind
from durchstarten.offers.models import Offer
from tests.api.conftest import api_client
from tests.cases.conftest import (  # noqa: F401
    coaching_assignment,
    enrolled,
    participant,
)
from tests.factories import (
    MunicipalityFactory,
    OfferFactory,
    ParticipantFactory,
    ProviderFactory,
    ResidenceStatusFactory,
    member,
)

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"
LIST = reverse("api:offer-list")


def detail(offer):
    return reverse("api:offer-detail", args=[offer.public_id])


def soon(days=30):
    return timezone.localdate() + dt.timedelta(days=days)


@pytest.fixture
def course(district, provider, municipality):
    return OfferFactory(
        district=district,
        provider=provider,
        organiser="",
        kind=OfferKind.INITIATIVE,
        category=OfferCategory.PREPARATION_COURSE,
        module=4,
        title="Jugendintegrationskurs Harsewinkel",
        capacity=2,
        needs_covered=["german"],
        municipalities=[municipality],
        start_date=soon(),
        end_date=soon(200),
    )


def new_offer(district, **fields):
    return {
        "district": district.ags,
        "title": "Berufssprachkurs B2",
        "category": OfferCategory.JOB_LANGUAGE_COURSE,
        "organiser": "VHS Gütersloh",
        "capacity": 12,
        "languages": ["de", "ar"],
        "needs_covered": ["german"],
        **fields,
    }


def test_it_shows_an_offer_with_every_field(coordinator, course, municipality):
    response = api_client(coordinator).get(detail(course))
    assert response.status_code == 200
    body = response.json()
    assert body["kind"] == "initiative" and body["module"] == 4
    assert body["provider"] == str(course.provider.public_id)
    assert body["municipalities"] == [municipality.ags]
    assert body["free_places"] == 2
    assert body["district"] == course.district.ags
    assert response["ETag"] == f'"{course.public_id}-1"'


def test_it_lists_the_directory_of_the_district_only(provider_staff, course, other_district):
    OfferFactory(district=other_district)
    rows = api_client(provider_staff).get(LIST).json()["results"]
    assert [row["public_id"] for row in rows] == [str(course.public_id)]


def test_it_filters_the_directory_as_the_page_does(coordinator, district, course, municipality):
    elsewhere = MunicipalityFactory(district=district, name="Verl")
    whole_district = OfferFactory(district=district, title="Beratung für alle", capacity=None)
    OfferFactory(district=district, title="Kurs in Verl", municipalities=[elsewhere])
    client = api_client(coordinator)

    def titles(**query):
        return [row["title"] for row in client.get(LIST, query).json()["results"]]

    assert titles(municipality=municipality.ags) == [
        "Beratung für alle",
        "Jugendintegrationskurs Harsewinkel",
    ]
    assert titles(need="german") == ["Jugendintegrationskurs Harsewinkel"]
    assert titles(q="harsew") == ["Jugendintegrationskurs Harsewinkel"]
    assert titles(kind="initiative") == ["Jugendintegrationskurs Harsewinkel"]
    assert titles(ordering="-title")[0] == "Kurs in Verl"
    assert titles(free_only="true") == [
        whole_district.title,
        "Jugendintegrationskurs Harsewinkel",
        "Kurs in Verl",
    ]


def test_it_refuses_the_directory_to_state_roles(state_analyst):
    response = api_client(state_analyst).get(LIST)
    assert response.status_code == 403
    assert response["Content-Type"] == PROBLEM


def test_it_lists_offers_in_constant_queries(coordinator, district, django_assert_num_queries):
    client = api_client(coordinator)
    client.get(LIST)
    municipality = MunicipalityFactory(district=district)
    for size in (1, 10):
        OfferFactory.create_batch(size, district=district, municipalities=[municipality])
        with django_assert_num_queries(4):
            assert client.get(LIST).status_code == 200


def test_it_lets_a_coordinator_create_an_offer(coordinator, district):
    response = api_client(coordinator).post(
        LIST, new_offer(district, kind="initiative", module=2), format="json"
    )
    assert response.status_code == 201
    offer = Offer.objects.get()
    # The kind follows from the category; a regular offer has no module.
    assert (offer.kind, offer.module, offer.languages) == ("regular", None, ["de", "ar"])
    assert response.json()["free_places"] == 12
    assert AuditEntry.objects.filter(action="offers.offer.created").exists()


def test_it_lets_provider_staff_create_offers_of_their_own_provider_only(
    provider_staff, district, provider, other_provider
):
    client = api_client(provider_staff)
    own = client.post(LIST, new_offer(district, provider=str(provider.public_id)), format="json")
    assert own.status_code == 201
    foreign = client.post(
        LIST, new_offer(district, provider=str(other_provider.public_id)), format="json"
    )
    assert foreign.status_code == 422
    assert foreign.json()["errors"][0]["field"] == "provider"
    without = client.post(LIST, new_offer(district), format="json")
    assert without.status_code == 422
    assert without.json()["errors"] == [
        {
            "field": "provider",
            "message": "Sie können nur Angebote Ihres Trägers anlegen oder bearbeiten.",
            "code": "invalid",
        }
    ]
    assert Offer.objects.count() == 1


def test_it_refuses_offer_writes_by_case_managers(case_manager, district, course):
    client = api_client(case_manager)
    assert client.post(LIST, new_offer(district), format="json").status_code == 403
    response = client.patch(detail(course), {"title": "x"}, format="json", HTTP_IF_MATCH="x")
    assert response.status_code == 403


def test_it_explains_invalid_offers_in_german(coordinator, district):
    response = api_client(coordinator).post(
        LIST,
        new_offer(
            district,
            category=OfferCategory.PREPARATION_COURSE,
            start_date="2026-09-01",
            end_date="2026-08-01",
            languages=["xx"],
        ),
        format="json",
    )
    assert response.status_code == 422
    errors = {error["field"]: error["message"] for error in response.json()["errors"]}
    assert "languages.0" in errors or "languages" in errors
    response = api_client(coordinator).post(
        LIST,
        new_offer(
            district,
            category=OfferCategory.PREPARATION_COURSE,
            start_date="2026-09-01",
            end_date="2026-08-01",
        ),
        format="json",
    )
    errors = {error["field"]: error["message"] for error in response.json()["errors"]}
    assert errors == {
        "module": "Maßnahmen der Landesinitiative gehören zu einem Förderbaustein 1–5.",
        "end_date": "Das Ende darf nicht vor dem Beginn liegen.",
    }
    assert not Offer.objects.exists()


def test_it_changes_an_offer_only_with_the_current_version(provider_staff, course):
    client = api_client(provider_staff)
    assert client.patch(detail(course), {"capacity": 3}, format="json").status_code == 428
    etag = client.get(detail(course))["ETag"]
    changed = client.patch(
        detail(course),
        {"capacity": 3, "district": "99999999", "kind": "regular", "version": 99},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert changed.status_code == 200
    assert changed.json()["free_places"] == 3
    stale = client.patch(detail(course), {"capacity": 4}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 409
    course.refresh_from_db()
    assert (course.capacity, course.version, course.kind) == (3, 2, "initiative")


def test_it_refuses_provider_staff_another_providers_offer(
    provider_staff, district, other_provider
):
    offer = OfferFactory(district=district, provider=other_provider, organiser="")
    client = api_client(provider_staff)
    assert client.get(detail(offer)).status_code == 200
    response = client.patch(detail(offer), {"title": "x"}, format="json", HTTP_IF_MATCH="x")
    assert response.status_code == 403


def test_it_refuses_to_hand_an_offer_to_another_provider(provider_staff, course, other_provider):
    client = api_client(provider_staff)
    response = client.patch(
        detail(course),
        {"provider": str(other_provider.public_id)},
        format="json",
        HTTP_IF_MATCH=client.get(detail(course))["ETag"],
    )
    assert response.status_code == 422
    course.refresh_from_db()
    assert course.provider.name == "asH Gütersloh gGmbH"


def test_it_answers_another_districts_offer_with_404(coordinator, other_district):
    foreign = OfferFactory(district=other_district)
    assert api_client(coordinator).get(detail(foreign)).status_code == 404


# --- Suggestions ---------------------------------------------------------------------------

SUGGESTIONS = reverse("api:offer-suggestions")


def test_it_suggests_offers_with_reasons_and_audits_the_read(case_manager, enrolled, course):
    women_only = OfferFactory(district=enrolled.district, title="Frauenkurs", women_only=True)
    response = api_client(case_manager).get(SUGGESTIONS, {"participant": enrolled.public_id})
    assert response.status_code == 200
    body = response.json()
    assert body["participant"] == str(enrolled.public_id)
    [first] = body["eligible"]
    assert first["offer"]["public_id"] == str(course.public_id)
    assert first["free_places"] == 2 and first["eligible"] is True
    assert "2 freie Plätze" in first["reasons"]
    [excluded] = body["excluded"]
    assert excluded["offer"]["public_id"] == str(women_only.public_id)
    assert excluded["checks"] == [
        {"rule": "women_only", "passed": False, "text": "Das Angebot ist nur für Frauen."}
    ]
    entry = AuditEntry.objects.filter(action="cases.participant.viewed").get()
    assert entry.object_id == str(enrolled.public_id)


def test_it_suggests_only_for_persons_in_reach(coordinator, provider_staff, other_district):
    foreign = ParticipantFactory(district=other_district)
    ResidenceStatusFactory(participant=foreign, kind=ResidenceStatusKind.DULDUNG)
    response = api_client(coordinator).get(SUGGESTIONS, {"participant": foreign.public_id})
    assert response.status_code == 404
    refused = api_client(provider_staff).get(SUGGESTIONS, {"participant": foreign.public_id})
    assert refused.status_code == 403
    missing = api_client(coordinator).get(SUGGESTIONS)
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "participant"
    assert not AuditEntry.objects.filter(action="cases.participant.viewed").exists()


def test_it_lets_a_provider_user_of_two_districts_manage_only_where_allowed(
    district, other_district
):
    provider = ProviderFactory(district=district)
    user = member(Role.PROVIDER_STAFF, provider=provider)
    user.memberships.create(role=Role.CASE_MANAGER, district=other_district)
    client = api_client(user)
    response = client.post(LIST, new_offer(other_district), format="json")
    assert response.status_code == 403
