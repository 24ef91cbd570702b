"""Referrals (propose, explicit steps) and outcomes through the API."""

# Fixtures imported from tests/cases/conftest.py are parameters of the tests.
# ruff: noqa: F811

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from durchstarten.cases.choices import ConsentPurpose
from durchstarten.cases.models import Consent
from durchstarten.cases.services import consent as consent_services
from durchstarten.offers import services
from durchstarten.offers.choices import OfferCategory, OfferKind, ReferralState
from durchstarten.offers.models import Outcome, Referral
from tests.api.conftest import api_client
from tests.cases.conftest import (  # noqa: F401
    coaching_assignment,
    enrolled,
    participant,
)
from tests.factories import OfferFactory, ParticipantFactory

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"
LIST = reverse("api:referral-list")
OUTCOMES = reverse("api:outcome-list")
S = ReferralState


def detail(referral):
    return reverse("api:referral-detail", args=[referral.public_id])


def step(referral, name):
    return reverse(f"api:referral-{name}", args=[referral.public_id])


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
        capacity=1,
        municipalities=[municipality],
        start_date=timezone.localdate() + dt.timedelta(days=10),
    )


@pytest.fixture
def referral(case_manager, enrolled, course):
    return services.referral_propose(
        actor=case_manager, participant=enrolled, offer=course, note="ruft vormittags an"
    )


def move(client, referral, name, body=None, *, etag=None):
    if etag is None:
        etag = client.get(detail(referral))["ETag"]
    return client.post(step(referral, name), body or {}, format="json", HTTP_IF_MATCH=etag)


# --- Propose -------------------------------------------------------------------------------


def test_it_proposes_a_referral_for_a_case_worker(case_manager, enrolled, course):
    response = api_client(case_manager).post(
        LIST,
        {"participant": str(enrolled.public_id), "offer": str(course.public_id), "note": "bitte"},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    referral = Referral.objects.get()
    assert body["id"] == str(referral.public_id) and body["state"] == "proposed"
    assert body["note"] == "bitte"
    assert body["actions"] == ["decline"]
    assert body["transitions"] == [
        {"from_state": "", "to_state": "proposed", "on": str(timezone.localdate()), "reason": ""}
    ]
    assert response["ETag"] == f'"{referral.public_id}-1"'


def test_it_refuses_a_referral_without_consent_with_the_services_message(
    case_manager, enrolled, course
):
    Consent.objects.filter(participant=enrolled, purpose=ConsentPurpose.PROVIDER_SHARING).delete()
    response = api_client(case_manager).post(
        LIST,
        {"participant": str(enrolled.public_id), "offer": str(course.public_id)},
        format="json",
    )
    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    assert response.json()["detail"] == (
        "Die Person hat nicht eingewilligt, dass ihre Daten an „asH Gütersloh gGmbH“ gehen."
    )
    assert not Referral.objects.exists()


def test_it_refuses_proposals_by_provider_staff(provider_staff, enrolled, course):
    response = api_client(provider_staff).post(
        LIST,
        {"participant": str(enrolled.public_id), "offer": str(course.public_id)},
        format="json",
    )
    assert response.status_code == 403
    assert not Referral.objects.exists()


def test_it_treats_another_districts_person_as_unknown(case_manager, course, other_district):
    foreign = ParticipantFactory(district=other_district)
    response = api_client(case_manager).post(
        LIST, {"participant": str(foreign.public_id), "offer": str(course.public_id)}, format="json"
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "participant"


# --- Read ----------------------------------------------------------------------------------


def test_it_shows_provider_staff_only_what_a_course_needs(provider_staff, referral, enrolled):
    response = api_client(provider_staff).get(detail(referral))
    assert response.status_code == 200
    body = response.json()
    assert body["note"] is None
    assert set(body["participant"]) == {
        "public_id",
        "given_names",
        "family_name",
        "date_of_birth",
        "german_level",
        "literacy",
        "languages",
        "interpreter_needed",
        "phone",
    }
    assert body["actions"] == ["accept", "wait", "decline"]
    case_worker = api_client(referral.proposed_by).get(detail(referral)).json()
    assert case_worker["note"] == "ruft vormittags an"


def test_it_ends_provider_access_with_the_withdrawal_of_consent(
    provider_staff, case_manager, referral, enrolled
):
    client = api_client(provider_staff)
    assert [row["id"] for row in client.get(LIST).json()["results"]] == [str(referral.public_id)]
    sharing = Consent.objects.get(participant=enrolled, purpose=ConsentPurpose.PROVIDER_SHARING)
    consent_services.consent_withdraw(
        actor=case_manager, consent=sharing, withdrawn_on=timezone.localdate()
    )
    assert client.get(LIST).json()["results"] == []
    assert client.get(detail(referral)).status_code == 404


def test_it_answers_another_districts_referral_with_404(outsider, referral):
    client = api_client(outsider)
    assert client.get(detail(referral)).status_code == 404
    assert move(client, referral, "accept", etag='"x"').status_code == 404
    assert client.get(LIST).json()["results"] == []


def test_it_refuses_referrals_to_state_roles(state_analyst, referral):
    assert api_client(state_analyst).get(LIST).status_code == 403


def test_it_filters_referrals_by_state_and_offer(case_manager, referral, course):
    client = api_client(case_manager)
    assert len(client.get(LIST, {"state": "open"}).json()["results"]) == 1
    assert client.get(LIST, {"state": "completed"}).json()["results"] == []
    assert len(client.get(LIST, {"offer": str(course.public_id)}).json()["results"]) == 1


def test_it_lists_referrals_in_constant_queries(
    case_manager, enrolled, district, django_assert_num_queries
):
    client = api_client(case_manager)
    client.get(LIST)
    for size in (1, 6):
        for _ in range(size):
            offer = OfferFactory(district=district, start_date=timezone.localdate())
            services.referral_propose(actor=case_manager, participant=enrolled, offer=offer)
        with django_assert_num_queries(4):
            assert client.get(LIST).status_code == 200


# --- Steps ---------------------------------------------------------------------------------


def test_it_walks_a_referral_through_its_steps(provider_staff, case_manager, referral):
    staff = api_client(provider_staff)
    accepted = move(staff, referral, "accept")
    assert accepted.status_code == 200
    assert accepted.json()["state"] == "accepted"
    assert accepted["ETag"] == f'"{referral.public_id}-2"'
    assert move(staff, referral, "start").json()["state"] == "started"
    done = move(api_client(case_manager), referral, "complete")
    assert done.json()["state"] == "completed"
    assert [t["to_state"] for t in done.json()["transitions"]] == [
        "proposed",
        "accepted",
        "started",
        "completed",
    ]
    assert done.json()["actions"] == []


def test_it_lets_no_case_worker_speak_for_the_provider(case_manager, referral):
    response = move(api_client(case_manager), referral, "accept")
    assert response.status_code == 403
    referral.refresh_from_db()
    assert referral.state == S.PROPOSED


def test_it_needs_the_current_version_for_a_step(provider_staff, referral):
    client = api_client(provider_staff)
    missing = client.post(step(referral, "accept"), {}, format="json")
    assert missing.status_code == 428
    etag = client.get(detail(referral))["ETag"]
    assert move(client, referral, "wait", etag=etag).status_code == 200
    stale = move(client, referral, "accept", etag=etag)
    assert stale.status_code == 409
    assert stale["Content-Type"] == PROBLEM
    referral.refresh_from_db()
    assert referral.state == S.WAITING


def test_it_explains_refused_steps_in_german(provider_staff, case_manager, referral):
    staff = api_client(provider_staff)
    wrong = move(api_client(case_manager), referral, "complete")
    assert wrong.status_code == 422
    assert wrong.json()["detail"] == "Von „vorgeschlagen“ geht es nicht zu „abgeschlossen“."
    decline = move(staff, referral, "decline")
    assert decline.status_code == 422
    assert decline.json()["errors"][0] == {
        "field": "declined_by",
        "message": "Bitte geben Sie an, wer abgelehnt hat.",
        "code": "required",
    }
    move(staff, referral, "accept")
    abort = move(staff, referral, "abort", {"reason": " "})
    assert abort.status_code == 422
    assert abort.json()["errors"][0]["message"] == "Bitte nennen Sie den Abbruchgrund."
    referral.refresh_from_db()
    assert referral.state == S.ACCEPTED


def test_it_refuses_a_place_beyond_capacity(provider_staff, case_manager, referral, course):
    other = ParticipantFactory(district=course.district, municipality=course.municipalities.get())
    for purpose, provider in (
        (ConsentPurpose.CASE_WORK, None),
        (ConsentPurpose.PROVIDER_SHARING, course.provider),
    ):
        consent_services.consent_give(
            actor=case_manager,
            participant=other,
            purpose=purpose,
            provider=provider,
            given_on=dt.date(2026, 1, 1),
            form_language="de",
        )
    second = services.referral_propose(actor=case_manager, participant=other, offer=course)
    staff = api_client(provider_staff)
    assert move(staff, referral, "accept").status_code == 200
    full = move(staff, second, "accept")
    assert full.status_code == 422
    assert "ausgebucht" in full.json()["detail"]


def test_it_records_a_decline_by_the_participant(case_manager, referral):
    response = move(api_client(case_manager), referral, "decline", {"declined_by": "participant"})
    assert response.status_code == 200
    assert (response.json()["state"], response.json()["declined_by"]) == ("declined", "participant")


# --- Outcomes ------------------------------------------------------------------------------


def test_it_records_an_outcome_for_a_case_worker(case_manager, enrolled, referral):
    response = api_client(case_manager).post(
        OUTCOMES,
        {
            "participant": str(enrolled.public_id),
            "kind": "language_exam",
            "language_level": "B1",
            "start_date": "2026-10-01",
            "referral": str(referral.public_id),
        },
        format="json",
    )
    assert response.status_code == 201
    outcome = Outcome.objects.get()
    assert (outcome.kind, outcome.language_level, outcome.referral) == (
        "language_exam",
        "B1",
        referral,
    )
    assert response.json()["participant"] == str(enrolled.public_id)


def test_it_explains_an_invalid_outcome_in_german(case_manager, enrolled):
    response = api_client(case_manager).post(
        OUTCOMES,
        {
            "participant": str(enrolled.public_id),
            "kind": "language_exam",
            "start_date": "2026-10-01",
        },
        format="json",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0] == {
        "field": "language_level",
        "message": "Bitte geben Sie das Sprachniveau an.",
        "code": "invalid",
    }
    assert not Outcome.objects.exists()


def test_it_lists_outcomes_of_persons_in_reach_only(
    case_manager, provider_staff, outsider, enrolled, other_district
):
    services.outcome_record(
        actor=case_manager, participant=enrolled, kind="internship", start_date=dt.date(2026, 3, 1)
    )
    assert len(api_client(case_manager).get(OUTCOMES).json()["results"]) == 1
    assert api_client(outsider).get(OUTCOMES).json()["results"] == []
    assert api_client(provider_staff).get(OUTCOMES).status_code == 403
    refused = api_client(provider_staff).post(
        OUTCOMES,
        {"participant": str(enrolled.public_id), "kind": "internship", "start_date": "2026-03-01"},
        format="json",
    )
    assert refused.status_code == 403
    assert Outcome.objects.count() == 1


def test_it_lists_outcomes_in_constant_queries(case_manager, enrolled, django_assert_num_queries):
    client = api_client(case_manager)
    client.get(OUTCOMES)
    for size in (1, 8):
        for _ in range(size):
            services.outcome_record(
                actor=case_manager,
                participant=enrolled,
                kind="internship",
                start_date=dt.date(2026, 3, 1),
            )
        with django_assert_num_queries(3):
            assert client.get(OUTCOMES).status_code == 200
