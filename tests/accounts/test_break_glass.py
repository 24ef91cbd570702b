"""Break-glass access: an admin reads one participant's record for a stated reason and time."""

import datetime as dt
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from durchstarten.accounts import services
from durchstarten.accounts.models import BreakGlassAccess
from durchstarten.cases.models import Participant
from durchstarten.cases.selectors import participant_list_for_user
from durchstarten.cases.services import participants as participant_services
from durchstarten.core.models import AuditEntry, Role
from durchstarten.core.selectors import access_history_for_object
from tests.factories import ParticipantFactory, member

REASON = "Supportanfrage 4711: Eintritt lässt sich nicht speichern"
HOUR = dt.timedelta(hours=1)


@pytest.fixture
def participant(district, municipality):
    return ParticipantFactory(district=district, municipality=municipality)


@pytest.fixture
def grant(admin_user, participant):
    return services.break_glass_request(
        actor=admin_user, participant_public_id=participant.public_id, reason=REASON, duration=HOUR
    )


def _expire() -> None:
    now = timezone.now()
    BreakGlassAccess.objects.update(starts_at=now - 2 * HOUR, ends_at=now - dt.timedelta(seconds=1))


def _url(name, access):
    return reverse(f"accounts:{name}", kwargs={"public_id": access.public_id})


def _request(actor, participant, **overrides):
    arguments = {"participant_public_id": participant.public_id, "reason": REASON, "duration": HOUR}
    return services.break_glass_request(actor=actor, **(arguments | overrides))


# --- Requesting ------------------------------------------------------------------------------


def test_it_grants_an_admin_access_for_the_stated_time(admin_user, participant):
    access = _request(admin_user, participant)
    assert access.is_active()
    assert access.ends_at - access.starts_at == HOUR
    assert access.reason == REASON


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"reason": "zu kurz"}, "reason"),
        ({"reason": " " * 30}, "reason"),
        ({"duration": dt.timedelta(hours=4, minutes=1)}, "duration"),
        ({"duration": dt.timedelta(0)}, "duration"),
        ({"participant_public_id": uuid.uuid4()}, "participant"),
    ],
)
def test_it_refuses_an_invalid_request(admin_user, participant, overrides, field):
    with pytest.raises(ValidationError) as error:
        _request(admin_user, participant, **overrides)
    assert field in error.value.error_dict
    assert not BreakGlassAccess.objects.exists()


def test_it_allows_four_hours(admin_user, participant):
    assert _request(admin_user, participant, duration=dt.timedelta(hours=4)).is_active()


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.CASE_MANAGER, Role.STATE_ANALYST])
def test_it_grants_break_glass_to_admins_only(role, district, participant):
    user = member(role, None if role == Role.STATE_ANALYST else district)
    with pytest.raises(PermissionDenied):
        _request(user, participant)


def test_it_refuses_a_second_grant_while_one_runs(admin_user, participant, grant):
    with pytest.raises(ValidationError) as error:
        _request(admin_user, participant)
    assert "participant" in error.value.error_dict


def test_it_is_not_needed_by_an_admin_with_a_case_role(admin_user, district, participant):
    from durchstarten.core.models import Membership

    Membership.objects.create(user=admin_user, role=Role.CASE_MANAGER, district=district)
    with pytest.raises(ValidationError):
        _request(admin_user, participant)


def test_it_audits_the_grant_in_the_participants_access_history(
    admin_user, coordinator, participant, grant
):
    entry = access_history_for_object(coordinator, participant).get()
    assert entry.action == "participant.break_glass.granted"
    assert entry.actor_id == admin_user.pk
    assert entry.data == {"access": str(grant.public_id), "minutes": 60}
    assert REASON not in str(entry.data)


# --- Scoping ---------------------------------------------------------------------------------


def test_it_shows_the_admin_only_the_granted_participant(admin_user, participant, district):
    ParticipantFactory(district=district)
    assert not participant_list_for_user(admin_user).exists()
    _request(admin_user, participant)
    assert list(participant_list_for_user(admin_user)) == [participant]


def test_it_ends_the_access_with_the_time(admin_user, participant, grant):
    _expire()
    assert not participant_list_for_user(admin_user).exists()


def test_it_gives_nothing_to_another_admin(participant, grant):
    assert not participant_list_for_user(member(Role.ADMIN)).exists()


# --- The read-only page ----------------------------------------------------------------------


def test_it_shows_the_record_read_only_with_the_banner(client, admin_user, participant, grant):
    client.force_login(admin_user)
    response = client.get(_url("break_glass_participant", grant))
    body = response.content.decode()
    assert response.status_code == 200
    assert participant.family_name in body
    assert REASON in body
    assert "noch 60 Minuten" in body or "noch 59 Minuten" in body
    assert "<form" not in body.split('id="main"')[1]


def test_it_audits_every_read(client, admin_user, participant, grant):
    client.force_login(admin_user)
    client.get(_url("break_glass_participant", grant))
    client.get(_url("break_glass_participant", grant))
    reads = AuditEntry.objects.filter(action="participant.read.break_glass")
    assert reads.count() == 2
    assert {e.object_id for e in reads} == {str(participant.public_id)}
    assert {e.actor_id for e in reads} == {admin_user.pk}


def test_it_answers_404_once_the_grant_ended(client, admin_user, grant):
    _expire()
    client.force_login(admin_user)
    assert client.get(_url("break_glass_participant", grant)).status_code == 404


def test_it_answers_404_to_another_admin(client, grant):
    client.force_login(member(Role.ADMIN))
    assert client.get(_url("break_glass_participant", grant)).status_code == 404


def test_it_keeps_the_case_pages_closed_and_refuses_writes(client, admin_user, participant, grant):
    client.force_login(admin_user)
    kwargs = {"public_id": participant.public_id}
    assert client.get(reverse("cases:participant_detail", kwargs=kwargs)).status_code == 404
    edit = reverse("cases:participant_edit", kwargs=kwargs)
    assert client.post(edit, {"given_names": "Geändert"}).status_code == 404
    outreach = reverse("cases:outreach_create", kwargs=kwargs)
    assert client.post(outreach, {}).status_code in {403, 404}
    with pytest.raises(PermissionDenied):
        participant_services.participant_update(
            actor=admin_user,
            participant=participant,
            version=participant.version,
            given_names="Geändert",
        )
    assert Participant.objects.get().given_names == participant.given_names


# --- The list and revoking -------------------------------------------------------------------


def test_it_lists_the_districts_break_glass_accesses_for_its_coordinators(
    client, coordinator, participant, grant, django_assert_num_queries
):
    client.force_login(coordinator)
    client.get(reverse("accounts:break_glass_list"))
    with django_assert_num_queries(9):
        response = client.get(reverse("accounts:break_glass_list"))
    body = response.content.decode()
    assert response.status_code == 200
    assert REASON in body
    assert participant.family_name in body


def test_it_keeps_the_list_query_count_flat(
    client, admin_user, coordinator, district, django_assert_num_queries
):
    for _ in range(5):
        _request(admin_user, ParticipantFactory(district=district))
    client.force_login(coordinator)
    client.get(reverse("accounts:break_glass_list"))
    with django_assert_num_queries(9):
        client.get(reverse("accounts:break_glass_list"))


def test_it_hides_accesses_from_other_districts(client, outsider, grant):
    client.force_login(outsider)
    response = client.get(reverse("accounts:break_glass_list"))
    assert REASON not in response.content.decode()
    assert client.get(_url("break_glass_revoke", grant)).status_code == 404


def test_it_lists_an_admins_own_accesses(client, admin_user, participant, grant):
    client.force_login(admin_user)
    body = client.get(reverse("accounts:break_glass_list")).content.decode()
    assert str(participant.public_id) in body
    assert participant.family_name not in body


def test_it_refuses_the_list_to_case_managers(client, case_manager):
    client.force_login(case_manager)
    assert client.get(reverse("accounts:break_glass_list")).status_code == 403


def test_it_lets_a_coordinator_end_an_access(client, coordinator, admin_user, grant):
    client.force_login(coordinator)
    assert client.get(_url("break_glass_revoke", grant)).status_code == 200
    response = client.post(_url("break_glass_revoke", grant))
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.revoked_by == coordinator
    assert not participant_list_for_user(admin_user).exists()
    assert AuditEntry.objects.filter(action="participant.break_glass.revoked").exists()


def test_it_lets_the_admin_end_their_access(client, admin_user, grant):
    client.force_login(admin_user)
    client.post(_url("break_glass_revoke", grant))
    grant.refresh_from_db()
    assert grant.revoked_at is not None


def test_it_requests_access_through_the_form(client, admin_user, participant):
    client.force_login(admin_user)
    response = client.post(
        reverse("accounts:break_glass_create"),
        {"participant": str(participant.public_id), "reason": REASON, "duration": "30"},
    )
    access = BreakGlassAccess.objects.get()
    assert response.url == _url("break_glass_participant", access)
    assert access.ends_at - access.starts_at == dt.timedelta(minutes=30)


def test_it_explains_a_refused_request_on_the_form(client, admin_user, participant):
    client.force_login(admin_user)
    response = client.post(
        reverse("accounts:break_glass_create"),
        {"participant": str(participant.public_id), "reason": "kurz", "duration": "30"},
    )
    assert response.status_code == 200
    assert "mindestens 20 Zeichen" in response.content.decode()
