import importlib
import io
import threading
from contextlib import contextmanager

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.http import HttpResponse
from django.urls import reverse

from durchstarten.core.audit import (
    GENESIS_HASH,
    current_request,
    entry_hash,
    log_action,
    verify_chain,
)
from durchstarten.core.audit_middleware import AuditRequestMiddleware
from durchstarten.core.models import AuditEntry, AuditOutcome, Membership, Role
from durchstarten.core.selectors import access_history_for_object
from tests.factories import PASSWORD, ParticipantFactory

migration = importlib.import_module("durchstarten.core.migrations.0003_auditentry_chain")
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL only (trigger, advisory lock)"
)
on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only")


@contextmanager
def guard_lifted():
    """Tampering needs the append-only trigger out of the way, as an attacker would do it."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "ALTER TABLE core_auditentry DISABLE TRIGGER core_auditentry_append_only"
            )
        else:
            cursor.execute(migration.SQLITE_UNGUARD)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "ALTER TABLE core_auditentry ENABLE TRIGGER core_auditentry_append_only"
                )
            else:
                cursor.execute(migration.SQLITE_GUARD)


def raw(sql, params=()):
    with guard_lifted(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def verify(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("audit", "verify", *args, stdout=out, stderr=err)
    return out.getvalue()


def verify_fails(*args):
    err = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("audit", "verify", *args, stdout=io.StringIO(), stderr=err)
    assert failure.value.returncode == 1
    return err.getvalue()


@pytest.fixture
def participant(district):
    return ParticipantFactory(district=district, given_names="Aisha", family_name="Al-Hassan")


@pytest.fixture
def entries(coordinator, participant):
    return [
        log_action("cases.participant.viewed", actor=coordinator, obj=participant),
        log_action(
            "cases.participant.changed",
            actor=coordinator,
            obj=participant,
            data={"fields": ["phone"]},
        ),
        log_action("seeding.demo", actor=None, data={"districts": ["05754000"]}),
        log_action("cases.participant.viewed", actor=coordinator, obj=participant),
    ]


# --- Writing --------------------------------------------------------------------------------


def test_it_chains_each_entry_to_its_predecessor(entries):
    stored = list(AuditEntry.objects.order_by("sequence"))
    assert [e.sequence for e in stored] == [1, 2, 3, 4]
    assert stored[0].prev_hash == GENESIS_HASH
    for before, entry in zip(stored, stored[1:], strict=False):
        assert entry.prev_hash == before.hash
    for entry in stored:
        assert len(entry.hash) == 64
        assert entry_hash(entry.__dict__) == entry.hash


def test_it_keeps_the_signature_of_existing_callers(coordinator, participant):
    entry = log_action(
        "cases.participant.changed", actor=coordinator, obj=participant, data={"fields": ["x"]}
    )
    entry.refresh_from_db()
    assert entry.actor == coordinator
    assert entry.district_id == participant.district_id
    assert entry.object_type == "cases.participant"
    assert entry.object_id == str(participant.public_id)
    assert entry.outcome == AuditOutcome.OK
    assert entry.actor_role == ""
    assert entry.ip_address is None


def test_it_takes_role_and_address_from_the_request(rf, coordinator, participant):
    request = rf.get("/", REMOTE_ADDR="203.0.113.7")
    request.user = coordinator
    request.membership = Membership.objects.get(user=coordinator)
    entry = log_action(
        "cases.participant.viewed", actor=coordinator, obj=participant, request=request
    )
    entry.refresh_from_db()
    assert entry.actor_role == Role.COORDINATOR
    assert entry.ip_address == "203.0.113.7"


def test_it_takes_an_explicit_role(coordinator):
    assert log_action("x", actor=coordinator, role=Role.CASE_MANAGER).actor_role == "case_manager"


def test_it_stores_no_address_that_is_not_one(rf, coordinator):
    request = rf.get("/", REMOTE_ADDR="unix:/run/gunicorn.sock")
    request.membership = None
    entry = log_action("x", actor=coordinator, request=request)
    assert entry.ip_address is None
    assert entry.actor_role == ""


def test_it_hashes_what_the_database_gives_back(coordinator):
    log_action("x", actor=coordinator, data={"ids": (1, 2), 3: "drei", "ratio": 0.1})
    entry = AuditEntry.objects.get()
    assert entry.data == {"ids": [1, 2], "3": "drei", "ratio": 0.1}
    assert verify_chain().intact


def test_it_refuses_an_update_through_the_orm(entries):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entries[0].pk).update(action="geändert")


@on_sqlite
def test_it_has_the_sqlite_guard_after_all_migrations(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
            ["core_auditentry"],
        )
        assert cursor.fetchall() == [("core_auditentry_no_update",)]


@on_postgresql
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE core_auditentry SET action = 'x' WHERE sequence = 2",
        "DELETE FROM core_auditentry WHERE sequence = 2",
    ],
)
def test_it_refuses_update_and_delete_on_postgresql(entries, sql):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert AuditEntry.objects.count() == 4


@on_sqlite
def test_it_refuses_update_on_sqlite(entries):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE core_auditentry SET action = 'x' WHERE sequence = 2")


def test_it_keeps_the_log_when_a_user_is_deleted(entries, coordinator):
    user_id = coordinator.pk
    coordinator.delete()
    assert AuditEntry.objects.filter(actor_id=user_id).count() == 3
    assert verify_chain().intact


# --- Verifying ------------------------------------------------------------------------------


def test_it_verifies_an_untouched_log(entries):
    output = verify()
    assert "Protokoll unversehrt: 4 Einträge" in output
    assert f"Anker: 4:{entries[-1].hash}" in output


def test_it_verifies_an_empty_log(db):
    assert "Protokoll unversehrt: 0 Einträge" in verify()


def test_it_detects_an_edited_entry(entries):
    raw("UPDATE core_auditentry SET data = %s WHERE id = %s", ['{"fields":[]}', entries[1].pk])
    assert f"Eintrag id={entries[1].pk} (Nr. 2)" in verify_fails()


def test_it_detects_an_edited_entry_whose_hash_was_recomputed(entries):
    forged = entries[1].__dict__ | {"action": "cases.participant.viewed"}
    raw(
        "UPDATE core_auditentry SET action = %s, hash = %s WHERE id = %s",
        ["cases.participant.viewed", entry_hash(forged), entries[1].pk],
    )
    message = verify_fails()
    assert f"Eintrag id={entries[2].pk} (Nr. 3)" in message
    assert "Vorgänger" in message


def test_it_detects_a_deleted_entry(entries):
    raw("DELETE FROM core_auditentry WHERE id = %s", [entries[1].pk])
    message = verify_fails()
    assert f"Eintrag id={entries[2].pk} (Nr. 3)" in message
    assert "Eintrag Nr. 2 fehlt" in message


def test_it_detects_a_deleted_entry_with_renumbered_successors(entries):
    raw("DELETE FROM core_auditentry WHERE id = %s", [entries[1].pk])
    for entry in entries[2:]:
        raw(
            "UPDATE core_auditentry SET sequence = %s WHERE id = %s",
            [entry.sequence - 1, entry.pk],
        )
    assert f"Eintrag id={entries[2].pk} (Nr. 2)" in verify_fails()


def test_it_detects_swapped_entries(entries):
    first, second = entries[1], entries[2]
    raw("UPDATE core_auditentry SET sequence = 0 WHERE id = %s", [first.pk])
    raw("UPDATE core_auditentry SET sequence = %s WHERE id = %s", [first.sequence, second.pk])
    raw("UPDATE core_auditentry SET sequence = %s WHERE id = %s", [second.sequence, first.pk])
    assert f"Eintrag id={second.pk} (Nr. 2)" in verify_fails()


def test_it_detects_entries_cut_off_at_the_end_with_an_anchor(entries):
    anchor = f"{entries[-1].sequence}:{entries[-1].hash}"
    assert "Protokoll unversehrt" in verify("--anchor", anchor)
    raw("DELETE FROM core_auditentry WHERE id = %s", [entries[-1].pk])
    assert "Protokoll unversehrt: 3 Einträge" in verify()
    assert "Einträge am Ende fehlen" in verify_fails("--anchor", anchor)


def test_it_detects_a_chain_rewritten_after_the_anchor(entries):
    assert "weicht vom festgehaltenen Anker ab" in verify_fails("--anchor", f"2:{'a' * 64}")


def test_it_rejects_a_malformed_anchor(entries):
    with pytest.raises(CommandError):
        call_command("audit", "verify", "--anchor", "zwei", stdout=io.StringIO())


def test_it_walks_the_log_in_chunks(entries, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        assert verify_chain(chunk_size=2).entries == 4


# --- Concurrency and test-database teardown --------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_it_leaves_a_transactional_database_flushable():
    """pytest-django empties the tables after this test: TRUNCATE on PostgreSQL, DELETE on
    SQLite. Neither may be refused by the guard."""
    log_action("x", actor=None)
    assert verify_chain().intact


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_it_keeps_one_chain_under_concurrent_writers():
    errors = []

    def write(worker):
        try:
            for number in range(15):
                with transaction.atomic():
                    log_action("x", actor=None, data={"worker": worker, "n": number})
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    report = verify_chain()
    assert report.intact
    assert report.entries == 90


# --- Sign-in, sign-out, refusals ---------------------------------------------------------------


def test_it_logs_a_login(client, coordinator):
    client.post(reverse("login"), {"username": coordinator.username, "password": PASSWORD})
    entry = AuditEntry.objects.get(action="auth.login")
    assert entry.actor == coordinator
    assert entry.outcome == AuditOutcome.OK
    assert entry.ip_address == "127.0.0.1"


def test_it_logs_a_failed_login_of_a_known_user(client, coordinator):
    client.post(reverse("login"), {"username": coordinator.username, "password": "falsch"})
    entry = AuditEntry.objects.get(action="auth.login_failed")
    assert entry.actor == coordinator
    assert entry.outcome == AuditOutcome.FAILED
    assert entry.ip_address == "127.0.0.1"


def test_it_stores_nothing_of_an_unknown_name_tried(client, db):
    client.post(reverse("login"), {"username": "Geheimwort123", "password": "falsch"})
    entry = AuditEntry.objects.get(action="auth.login_failed")
    assert entry.actor_id is None
    assert entry.outcome == AuditOutcome.FAILED
    assert entry.ip_address == "127.0.0.1"
    assert entry.data == {}
    row = AuditEntry.objects.filter(pk=entry.pk).values().get()
    assert "Geheimwort123" not in repr(row)


def test_it_logs_a_logout_with_the_role(client, coordinator):
    client.force_login(coordinator)
    client.post(reverse("logout"))
    entry = AuditEntry.objects.get(action="auth.logout")
    assert entry.actor == coordinator
    assert entry.actor_role == Role.COORDINATOR


def test_it_logs_a_refused_request_by_its_url_name(client, coach, district):
    client.force_login(coach)
    response = client.get(reverse("organisation:district_overview"))
    assert response.status_code == 403
    entry = AuditEntry.objects.get(action="access.denied")
    assert entry.actor == coach
    assert entry.actor_role == Role.COACH
    assert entry.outcome == AuditOutcome.DENIED
    assert entry.district_id == district.pk
    assert entry.data == {"url_name": "organisation:district_overview", "method": "GET"}
    assert entry.ip_address == "127.0.0.1"


def test_it_gives_the_request_to_callers_that_pass_none(rf, coordinator, participant):
    def view(request):
        log_action("cases.participant.viewed", actor=request.user, obj=participant)
        log_action("seeding.demo", actor=None)
        return HttpResponse()

    request = rf.get("/", REMOTE_ADDR="198.51.100.4")
    request.user = coordinator
    request.membership = Membership.objects.get(user=coordinator)
    AuditRequestMiddleware(view)(request)
    viewed, system = AuditEntry.objects.order_by("sequence")
    assert (viewed.actor_role, viewed.ip_address) == (Role.COORDINATOR, "198.51.100.4")
    assert (system.actor_role, system.ip_address) == ("", None)
    assert current_request.get() is None


def test_it_does_not_log_not_found(client, coordinator):
    client.force_login(coordinator)
    assert client.get("/faelle/gibt-es-nicht/").status_code == 404
    assert not AuditEntry.objects.filter(action="access.denied").exists()


def test_it_does_not_log_refusals_of_anonymous_requests(client, db):
    client.get(reverse("organisation:district_overview"))
    assert not AuditEntry.objects.filter(action="access.denied").exists()


# --- Access history -------------------------------------------------------------------------


def test_it_shows_coordinators_who_accessed_a_participant(
    coordinator, case_manager, participant, django_assert_num_queries
):
    log_action("cases.participant.viewed", actor=case_manager, obj=participant, role="case_manager")
    log_action("cases.participant.changed", actor=coordinator, obj=participant)
    log_action("cases.participant.viewed", actor=coordinator, obj=ParticipantFactory())
    with django_assert_num_queries(2):
        history = [
            (e.actor, e.actor_role, e.action, e.outcome)
            for e in access_history_for_object(coordinator, participant)
        ]
    assert history == [
        (coordinator, "", "cases.participant.changed", "ok"),
        (case_manager, "case_manager", "cases.participant.viewed", "ok"),
    ]


@pytest.mark.parametrize("role", ["case_manager", "coach", "outsider", "state_analyst"])
def test_it_hides_the_access_history_from_everyone_else(request, role, participant):
    with pytest.raises(PermissionDenied):
        access_history_for_object(request.getfixturevalue(role), participant)
