"""Participants through the API: the case list, the record, residence status, outreach,
consent and enrollment — scoped, audited and versioned like the pages."""

# The fixtures come from tests/api/case_fixtures.py: pytest finds them through the import.
# ruff: noqa: F811

import datetime as dt

import pytest
from django.urls import reverse

from durchstarten.api.models import TokenScope
from durchstarten.cases.choices import ConsentPurpose, ResidenceStatusKind, Stage
from durchstarten.cases.models import Consent, Enrollment, Participant
from durchstarten.cases.services import participants as participant_services
from durchstarten.core.models import AuditEntry, Role
from tests.api.case_fixtures import (  # noqa: F401
    DOCUMENT,
    PROBLEM,
    audit_queries,
    coaching_assignment,
    colleague_coach,
    enrolled,
    foreign,
    participant,
    today,
)
from tests.api.conftest import api_client
from tests.factories import MembershipFactory, ParticipantFactory, member

pytestmark = pytest.mark.django_db

PARTICIPANT_FIELDS = {
    "public_id",
    "district",
    "municipality",
    "given_names",
    "family_name",
    "date_of_birth",
    "gender",
    "nationality",
    "languages",
    "german_level",
    "literacy",
    "interpreter_needed",
    "phone",
    "email",
    "address",
    "schooling",
    "work_history",
    "stage",
    "case_manager",
    "coaching_provider",
    "coach",
    "last_contact_on",
    "residence_status_kind",
    "target_group",
    "open_need_count",
    "version",
    "created_at",
    "updated_at",
}


def list_url():
    return reverse("api:participant-list")


def detail_url(participant):
    return reverse("api:participant-detail", args=[participant.public_id])


def nested(name, participant, **ids):
    return reverse(f"api:participant-{name}", kwargs={"participant": participant.public_id, **ids})


def names(response):
    return [row["family_name"] for row in response.json()["results"]]


# --- The case list ------------------------------------------------------------------------------


def test_it_lists_the_case_list_with_status_and_target_group_of_today(coordinator, enrolled):
    response = api_client(coordinator).get(list_url())
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert set(row) == PARTICIPANT_FIELDS
    assert row["public_id"] == str(enrolled.public_id)
    assert row["district"] == enrolled.district.ags
    assert row["residence_status_kind"] == "duldung"
    assert row["target_group"] == "primary"
    assert row["stage"] == Stage.ACTIVE
    assert row["open_need_count"] == 0


def test_it_lists_only_participants_in_reach(coordinator, coach, enrolled, foreign, district):
    unshared = ParticipantFactory(district=district, family_name="Ohnefreigabe")
    assert names(api_client(coordinator).get(list_url())) == ["Al-Hassan", "Ohnefreigabe"]
    assert names(api_client(coach).get(list_url())) == ["Al-Hassan"]
    assert unshared.family_name not in names(
        api_client(member(Role.COORDINATOR, foreign.district)).get(list_url())
    )


@pytest.mark.parametrize("role", [Role.PROVIDER_STAFF, Role.STATE_ANALYST, Role.ADMIN])
def test_it_refuses_roles_without_case_work(role, provider):
    user = member(role, provider=provider) if role == Role.PROVIDER_STAFF else member(role)
    response = api_client(user).get(list_url())
    assert response.status_code == 403
    assert response["Content-Type"] == PROBLEM
    assert response.json()["detail"] == "Sie haben keine Berechtigung für diese Aktion."


def test_it_searches_names_spelling_tolerantly_and_dates_of_birth(coordinator, enrolled, district):
    participant_services.participant_create(
        actor=coordinator,
        district=district,
        given_names="Amina",
        family_name="Yusuf",
        date_of_birth=dt.date(2005, 1, 2),
    )
    client = api_client(coordinator)
    assert names(client.get(list_url(), {"search": "Muhamad al hasan"})) == ["Al-Hassan"]
    assert names(client.get(list_url(), {"search": "01.04.2003"})) == ["Al-Hassan"]
    assert names(client.get(list_url(), {"search": "Jusuf"})) == ["Yusuf"]


def test_it_filters_like_the_case_list(coordinator, enrolled, district, municipality, case_manager):
    ParticipantFactory(district=district, family_name="Ohnestatus")
    client = api_client(coordinator)
    assert names(client.get(list_url(), {"stage": "active"})) == ["Al-Hassan"]
    assert names(client.get(list_url(), {"target_group": "primary"})) == ["Al-Hassan"]
    assert names(client.get(list_url(), {"target_group": "undetermined"})) == ["Ohnestatus"]
    assert names(client.get(list_url(), {"municipality": municipality.ags})) == ["Al-Hassan"]
    assert names(client.get(list_url(), {"case_manager": case_manager.username})) == ["Al-Hassan"]
    assert names(client.get(list_url(), {"district": district.ags})) == ["Al-Hassan", "Ohnestatus"]
    assert names(client.get(list_url(), {"open_needs": "true"})) == []


def test_it_finds_nothing_with_another_districts_keys(coordinator, enrolled, other_district):
    client = api_client(coordinator)
    assert names(client.get(list_url(), {"district": other_district.ags})) == []
    assert names(client.get(list_url(), {"municipality": "99999999"})) == []


def test_it_answers_invalid_filters_with_a_422_problem(coordinator):
    response = api_client(coordinator).get(list_url(), {"stage": "nonsense"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "stage"


def test_it_orders_and_pages_with_cursors(coordinator, district):
    for name in ("Cem", "Abadi", "Bakr"):
        ParticipantFactory(district=district, family_name=name)
    client = api_client(coordinator)
    first = client.get(list_url(), {"page_size": 2}).json()
    assert [row["family_name"] for row in first["results"]] == ["Abadi", "Bakr"]
    second = client.get(first["next"]).json()
    assert [row["family_name"] for row in second["results"]] == ["Cem"]
    backwards = client.get(list_url(), {"ordering": "-family_name"})
    assert names(backwards) == ["Cem", "Bakr", "Abadi"]


@pytest.mark.parametrize("extra", [2, 8])
def test_it_lists_in_a_constant_number_of_queries(
    extra, coordinator, enrolled, district, django_assert_num_queries
):
    for _ in range(extra):
        ParticipantFactory(district=district)
    client = api_client(coordinator)
    client.get(list_url())  # the token's first use is written once
    # token, access, the page (case list with target group and staff in one query)
    with django_assert_num_queries(3):
        response = client.get(list_url(), {"search": "a", "open_needs": "false"})
    assert response.status_code == 200


def test_it_does_not_audit_list_rows(coordinator, enrolled):
    api_client(coordinator).get(list_url())
    assert not AuditEntry.objects.filter(action="cases.participant.viewed").exists()


# --- The record ---------------------------------------------------------------------------------


def test_it_shows_a_record_with_todays_status_and_audits_the_view(coordinator, enrolled):
    response = api_client(coordinator).get(detail_url(enrolled))
    assert response.status_code == 200
    body = response.json()
    assert set(body) == PARTICIPANT_FIELDS | {"residence_status", "target_group_reason"}
    assert body["residence_status"] == {
        "kind": "duldung",
        "valid_from": "2025-01-01",
        "valid_until": None,
    }
    assert body["target_group"] == "primary"
    assert body["target_group_reason"] == "Duldung und 23 Jahre alt."
    assert response["ETag"] == f'"{enrolled.public_id}-{enrolled.version}"'
    entry = AuditEntry.objects.get(action="cases.participant.viewed")
    assert entry.object_id == str(enrolled.public_id)
    assert entry.actor == coordinator
    assert "Hassan" not in str(entry.data)


def test_it_answers_another_districts_record_like_a_missing_one(coordinator, foreign):
    client = api_client(coordinator)
    other = client.get(detail_url(foreign))
    missing = client.get(
        reverse("api:participant-detail", args=["00000000-0000-4000-8000-0000000000aa"])
    )
    assert other.status_code == missing.status_code == 404
    assert other["Content-Type"] == PROBLEM
    assert other.json() == missing.json()
    assert "Yusuf" not in other.content.decode()


def test_it_hides_a_case_from_the_coach_once_sharing_is_withdrawn(coach, enrolled, case_manager):
    client = api_client(coach)
    assert client.get(detail_url(enrolled)).status_code == 200
    sharing = Consent.objects.get(participant=enrolled, purpose=ConsentPurpose.PROVIDER_SHARING)
    response = api_client(case_manager).post(
        nested("consent-withdraw", enrolled, consent_id=sharing.public_id), {}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["withdrawn_on"] is not None
    assert client.get(detail_url(enrolled)).status_code == 404


# --- Creating and changing records ----------------------------------------------------------


def test_it_creates_a_record_in_the_users_district(coordinator, district, municipality):
    response = api_client(coordinator).post(
        list_url(),
        {
            "given_names": "Amina",
            "family_name": "Yusuf",
            "date_of_birth": "2004-05-01",
            "municipality": municipality.ags,
            "languages": ["so", "de"],
            "nationality": "SO",
        },
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["district"] == district.ags
    assert body["target_group"] == "undetermined"
    created = Participant.objects.get(public_id=body["public_id"])
    assert created.district == district and created.languages == ["so", "de"]
    assert response["ETag"] == f'"{created.public_id}-1"'
    assert AuditEntry.objects.filter(action="cases.participant.created").exists()
    found = api_client(coordinator).get(list_url(), {"search": "Jusuf"})
    assert names(found) == ["Yusuf"]


def test_it_needs_the_district_from_staff_of_several_districts(coordinator, other_district):
    MembershipFactory(user=coordinator, role=Role.CASE_MANAGER, district=other_district)
    client = api_client(coordinator)
    response = client.post(list_url(), {"given_names": "Amina"}, format="json")
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "district"
    assert error["message"] == "Bitte geben Sie den Kreis (AGS) an."
    response = client.post(
        list_url(), {"given_names": "Amina", "district": other_district.ags}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["district"] == other_district.ags


def test_it_refuses_a_district_out_of_reach(coordinator, other_district):
    response = api_client(coordinator).post(
        list_url(), {"given_names": "Amina", "district": other_district.ags}, format="json"
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "district"
    assert not Participant.objects.filter(given_names="Amina").exists()


def test_it_explains_invalid_records_in_german(coordinator):
    client = api_client(coordinator)
    response = client.post(list_url(), {"family_name": " ", "given_names": ""}, format="json")
    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    [error] = response.json()["errors"]
    assert error["field"] == "given_names"
    assert error["message"] == "Bitte geben Sie mindestens einen Namen an."
    response = client.post(
        list_url(), {"given_names": "A", "date_of_birth": "2999-01-01"}, format="json"
    )
    assert response.json()["errors"][0]["message"] == (
        "Das Geburtsdatum darf nicht in der Zukunft liegen."
    )


def test_it_lets_only_district_staff_create_records(coach):
    response = api_client(coach).post(list_url(), {"given_names": "Amina"}, format="json")
    assert response.status_code == 403
    assert not Participant.objects.exists()


def test_it_refuses_writes_with_a_read_only_token(coordinator):
    client = api_client(coordinator, scope=TokenScope.READ)
    response = client.post(list_url(), {"given_names": "Amina"}, format="json")
    assert response.status_code == 403
    assert not Participant.objects.exists()


def test_it_changes_a_record_with_if_match(case_manager, enrolled):
    client = api_client(case_manager)
    etag = client.get(detail_url(enrolled))["ETag"]
    response = client.patch(
        detail_url(enrolled),
        {"phone": "0151 000000", "family_name": "Al-Hasan", "stage": "exited", "version": 99},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert response.status_code == 200
    enrolled.refresh_from_db()
    assert enrolled.phone == "0151 000000" and enrolled.family_name == "Al-Hasan"
    assert enrolled.stage == Stage.ACTIVE and enrolled.version == 2
    assert response["ETag"] == f'"{enrolled.public_id}-2"'
    assert response.json()["version"] == 2


def test_it_requires_if_match_for_changes(case_manager, enrolled):
    response = api_client(case_manager).patch(detail_url(enrolled), {"phone": "1"}, format="json")
    assert response.status_code == 428
    assert response["Content-Type"] == PROBLEM
    assert "If-Match" in response.json()["detail"]


def test_it_refuses_a_stale_version_with_409(case_manager, enrolled):
    client = api_client(case_manager)
    etag = client.get(detail_url(enrolled))["ETag"]
    participant_services.participant_update(
        actor=case_manager, participant=enrolled, version=enrolled.version, phone="1"
    )
    response = client.patch(detail_url(enrolled), {"phone": "2"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 409
    assert response["Content-Type"] == PROBLEM
    assert "inzwischen von jemand anderem geändert" in response.json()["detail"]
    enrolled.refresh_from_db()
    assert enrolled.phone == "1"


def test_it_answers_put_and_delete_with_405(case_manager, enrolled):
    client = api_client(case_manager)
    assert client.put(detail_url(enrolled), {}, format="json").status_code == 405
    assert client.delete(detail_url(enrolled)).status_code == 405


# --- Residence status, outreach, consent ------------------------------------------------------


def test_it_lists_the_status_history_without_document_notes_for_coaches(
    coach, case_manager, enrolled
):
    url = nested("status-list", enrolled)
    [row] = api_client(case_manager).get(url).json()["results"]
    assert row["document_note"] == DOCUMENT
    [row] = api_client(coach).get(url).json()["results"]
    assert row["kind"] == "duldung" and row["document_note"] is None
    entry = AuditEntry.objects.filter(action="cases.participant.viewed").last()
    assert entry.data == {"section": "residence_status"}


def test_it_records_a_residence_status(case_manager, enrolled, today):
    url = nested("status-list", enrolled)
    response = api_client(case_manager).post(
        url,
        {
            "kind": ResidenceStatusKind.GESTATTUNG,
            "valid_from": str(today),
            "valid_until": "2020-01-01",
        },
        format="json",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["message"] == "Das Ende darf nicht vor dem Beginn liegen."
    response = api_client(case_manager).post(
        url, {"kind": ResidenceStatusKind.GESTATTUNG, "valid_from": str(today)}, format="json"
    )
    assert response.status_code == 201
    detail = api_client(case_manager).get(detail_url(enrolled)).json()
    assert detail["target_group"] == "secondary"


def test_it_records_outreach(case_manager, participant, today):
    url = nested("outreach-list", participant)
    response = api_client(case_manager).post(
        url, {"channel": "social_welfare", "date": str(today), "result": "entered"}, format="json"
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["message"] == (
        "„Eingetreten“ setzt einen erfassten Eintritt voraus."
    )
    response = api_client(case_manager).post(
        url, {"channel": "social_welfare", "date": str(today), "result": "reached"}, format="json"
    )
    assert response.status_code == 201
    assert api_client(case_manager).get(url).json()["results"][0]["result"] == "reached"


def test_it_gives_consent_for_a_provider_of_the_district(
    case_manager, participant, provider, today
):
    url = nested("consent-list", participant)
    client = api_client(case_manager)
    body = {"purpose": "provider_sharing", "given_on": str(today), "form_language": "ar"}
    response = client.post(url, body, format="json")
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "provider"
    assert error["message"] == "Für die Weitergabe muss der Träger genannt werden."
    response = client.post(url, {**body, "provider": str(provider.public_id)}, format="json")
    assert response.status_code == 201
    assert response.json()["provider"] == str(provider.public_id)


def test_it_treats_another_districts_provider_as_unknown(case_manager, participant, today):
    from tests.factories import ProviderFactory

    elsewhere = ProviderFactory()
    response = api_client(case_manager).post(
        nested("consent-list", participant),
        {
            "purpose": "provider_sharing",
            "provider": str(elsewhere.public_id),
            "given_on": str(today),
            "form_language": "de",
        },
        format="json",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "provider"
    assert not Consent.objects.filter(provider=elsewhere).exists()


def test_it_refuses_to_withdraw_a_consent_twice(case_manager, enrolled):
    consent = Consent.objects.filter(participant=enrolled).first()
    url = nested("consent-withdraw", enrolled, consent_id=consent.public_id)
    client = api_client(case_manager)
    assert client.post(url, {}, format="json").status_code == 200
    response = client.post(url, {}, format="json")
    assert response.status_code == 422
    assert response.json()["detail"] == "Diese Einwilligung ist bereits widerrufen."


def test_it_answers_another_participants_consent_with_404(case_manager, enrolled, foreign):
    consent = Consent.objects.filter(participant=enrolled).first()
    response = api_client(case_manager).post(
        nested("consent-withdraw", foreign, consent_id=consent.public_id), {}, format="json"
    )
    assert response.status_code == 404


# --- Enrollment ---------------------------------------------------------------------------------


def test_it_enters_a_person_once_consent_is_given(
    case_manager, participant, coaching_assignment, provider, today
):
    url = nested("enrollment-list", participant)
    client = api_client(case_manager)
    body = {"entry_date": str(today), "case_manager": case_manager.username}
    response = client.post(url, body, format="json")
    assert response.status_code == 422
    assert response.json()["detail"] == (
        "Für den Eintritt ist eine gültige Einwilligung in die Fallarbeit nötig."
    )
    client.post(
        nested("consent-list", participant),
        {"purpose": "case_work", "given_on": str(today), "form_language": "de"},
        format="json",
    )
    response = client.post(url, body, format="json")
    assert response.status_code == 201
    assert response.json()["coaching_provider"] == str(provider.public_id)
    participant.refresh_from_db()
    assert participant.stage == Stage.ACTIVE


def test_it_names_only_the_districts_case_managers(coordinator, participant, today, other_district):
    stranger = member(Role.CASE_MANAGER, other_district)
    response = api_client(coordinator).post(
        nested("enrollment-list", participant),
        {"entry_date": str(today), "case_manager": stranger.username},
        format="json",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "case_manager"


def test_it_reassigns_and_exits_with_if_match(case_manager, coordinator, enrolled, today):
    enrollment = Enrollment.objects.get(participant=enrolled)
    client = api_client(case_manager)
    detail = client.get(nested("enrollment-detail", enrolled, enrollment_id=enrollment.public_id))
    assert detail.status_code == 200
    etag = detail["ETag"]
    reassign = nested("enrollment-reassign", enrolled, enrollment_id=enrollment.public_id)
    assert (
        client.post(reassign, {"case_manager": coordinator.username}, format="json").status_code
        == 428
    )
    response = client.post(
        reassign, {"case_manager": coordinator.username}, format="json", HTTP_IF_MATCH=etag
    )
    assert response.status_code == 200
    assert response.json()["case_manager"] == coordinator.username
    assert response.json()["coach"] == enrollment.coach.username
    exit_url = nested("enrollment-exit", enrolled, enrollment_id=enrollment.public_id)
    body = {"exit_date": str(today), "exit_reason": "training"}
    stale = client.post(exit_url, body, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 409
    response = client.post(exit_url, body, format="json", HTTP_IF_MATCH=response["ETag"])
    assert response.status_code == 200
    enrolled.refresh_from_db()
    assert enrolled.stage == Stage.EXITED and enrolled.case_manager == coordinator


def test_it_lists_enrollments_in_constant_queries(
    case_manager, enrolled, today, django_assert_num_queries
):
    client = api_client(case_manager)
    url = nested("enrollment-list", enrolled)
    client.get(url)
    # token, access, participant, the audit entry, the page
    with django_assert_num_queries(4 + audit_queries()):
        response = client.get(url)
    assert len(response.json()["results"]) == 1
    assert dt.date.fromisoformat(response.json()["results"][0]["entry_date"]) <= today
