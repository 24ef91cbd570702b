"""Encryption at rest of counselling notes, need descriptions and residence document notes."""

import datetime as dt
import importlib
import io

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import override_settings

from durchstarten.cases.models import Contact, Need, ResidenceStatus
from durchstarten.core.crypto import (
    E_BAD_KEY,
    E_NO_KEYS,
    W_DEV_KEY,
    FieldKeyError,
    check_field_keys,
    encrypted_fields,
)
from durchstarten.core.models import AuditEntry
from tests.factories import ParticipantFactory, ResidenceStatusFactory

NOTE = "Psychosoziale Belastung nach Abschiebungsandrohung, Termin beim Psychologen"
KEY_OLD = Fernet.generate_key().decode()
KEY_NEW = Fernet.generate_key().decode()


def raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def contact(participant, note: str = NOTE) -> Contact:
    return Contact.objects.create(
        participant=participant, date=dt.date(2025, 3, 4), duration_minutes=30, note=note
    )


@pytest.fixture
def participant(district):
    return ParticipantFactory(district=district)


def test_it_encrypts_every_sensitive_note_field():
    labels = {f"{model._meta.label}.{field.name}" for model, field in encrypted_fields()}
    assert labels == {
        "cases.Contact.note",
        "cases.Need.description",
        "cases.ResidenceStatus.document_note",
    }


def test_it_stores_no_plaintext_in_the_column(participant):
    note = contact(participant)
    need = Need.objects.create(
        participant=participant,
        category="health",
        identified_on=dt.date(2025, 3, 4),
        description="Diabetes, Insulin",
    )
    status = ResidenceStatusFactory(participant=participant, document_note="Duldung Nr. 4711")

    stored = [
        raw("cases_contact", "note", note.pk),
        raw("cases_need", "description", need.pk),
        raw("cases_residencestatus", "document_note", status.pk),
    ]
    for value, plain in zip(stored, (NOTE, "Diabetes", "4711"), strict=True):
        assert plain not in value
        assert value.startswith("gAAAA")
    assert Contact.objects.get(pk=note.pk).note == NOTE
    assert Need.objects.values_list("description", flat=True).get(pk=need.pk) == "Diabetes, Insulin"
    assert ResidenceStatus.objects.get(pk=status.pk).document_note == "Duldung Nr. 4711"


def test_it_gives_the_same_text_a_different_ciphertext_each_time(participant):
    first, second = contact(participant), contact(participant)
    assert raw("cases_contact", "note", first.pk) != raw("cases_contact", "note", second.pk)


def test_it_keeps_empty_values_empty_and_queryable(participant):
    empty = contact(participant, note="")
    contact(participant)
    assert raw("cases_contact", "note", empty.pk) == ""
    assert list(Contact.objects.filter(note="").values_list("pk", flat=True)) == [empty.pk]


def test_it_refuses_to_search_in_ciphertext(participant):
    contact(participant)
    with pytest.raises(FieldError):
        list(Contact.objects.filter(note__icontains="Psycho"))
    with pytest.raises(FieldError):
        list(Need.objects.filter(description__startswith="Dia"))


def test_it_reencrypts_every_row_with_the_first_key(participant):
    with override_settings(DURCHSTARTEN_FIELD_KEYS=[KEY_OLD]):
        notes = [contact(participant, note=f"{NOTE} {n}") for n in range(5)]
        contact(participant, note="")
    with override_settings(DURCHSTARTEN_FIELD_KEYS=[KEY_NEW, KEY_OLD]):
        # Old rows are still readable while the old key follows the new one.
        assert Contact.objects.get(pk=notes[0].pk).note == f"{NOTE} 0"
        out = io.StringIO()
        call_command("rotate_keys", "--batch-size", "2", stdout=out)
    assert "cases.Contact.note: 5 Werte neu verschlüsselt" in out.getvalue()
    new = Fernet(KEY_NEW.encode())
    for n, note in enumerate(notes):
        token = raw("cases_contact", "note", note.pk)
        assert new.decrypt(token.encode()).decode() == f"{NOTE} {n}"
    with override_settings(DURCHSTARTEN_FIELD_KEYS=[KEY_NEW]):
        assert [
            c.note for c in Contact.objects.filter(pk__in=[n.pk for n in notes]).order_by("pk")
        ] == [f"{NOTE} {n}" for n in range(5)]
    entry = AuditEntry.objects.get(action="core.field_keys.rotated")
    assert entry.data["rows"]["cases.Contact.note"] == 5
    assert NOTE not in str(entry.data)


def test_it_names_the_problem_when_no_key_fits(participant):
    with override_settings(DURCHSTARTEN_FIELD_KEYS=[KEY_OLD]):
        note = contact(participant)
    with (
        override_settings(DURCHSTARTEN_FIELD_KEYS=[KEY_NEW]),
        pytest.raises(FieldKeyError) as error,
    ):
        Contact.objects.get(pk=note.pk)
    message = str(error.value)
    assert "cases.Contact.note" in message
    assert "DURCHSTARTEN_FIELD_KEYS" in message
    assert "rotate_keys" in message
    assert KEY_NEW not in message
    assert KEY_OLD not in message


def test_it_refuses_a_malformed_key_without_printing_it(participant):
    bad = "kein-schluessel-" + "x" * 20
    with override_settings(DURCHSTARTEN_FIELD_KEYS=[KEY_NEW, bad]):
        with pytest.raises(FieldKeyError) as error:
            contact(participant)
        assert "key number 2" in str(error.value)
        assert bad not in str(error.value)
        assert [m.id for m in check_field_keys()] == [E_BAD_KEY]


def test_it_warns_in_development_and_refuses_production_without_keys():
    with override_settings(DURCHSTARTEN_FIELD_KEYS=[], DEBUG=True):
        assert [m.id for m in check_field_keys()] == [W_DEV_KEY]
    with override_settings(DURCHSTARTEN_FIELD_KEYS=[], DEBUG=False):
        assert [m.id for m in check_field_keys()] == [E_NO_KEYS]
    with override_settings(DURCHSTARTEN_FIELD_KEYS=[KEY_NEW], DEBUG=False):
        assert check_field_keys() == []


def test_it_prints_a_fresh_key(capsys):
    call_command("rotate_keys", "--generate")
    key = capsys.readouterr().out.strip()
    Fernet(key.encode())


def test_the_migration_encrypts_existing_rows_and_decrypts_them_on_the_way_back(participant):
    migration = importlib.import_module("durchstarten.cases.migrations.0004_encrypt_notes")
    # The models as the migration's data step sees them: plain text fields.
    plain = (
        MigrationExecutor(connection).loader.project_state(("cases", "0003_privacy_fields")).apps
    )
    note = contact(participant)
    need = Need.objects.create(
        participant=participant, category="psychosocial", identified_on=dt.date(2024, 1, 2)
    )
    empty = contact(participant, note="")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cases_contact SET note = %s WHERE id = %s", [NOTE, note.pk])
        cursor.execute("UPDATE cases_need SET description = 'Trauma' WHERE id = %s", [need.pk])

    migration.encrypt_rows(plain, None)
    assert raw("cases_contact", "note", note.pk).startswith("gAAAA")
    assert "Trauma" not in raw("cases_need", "description", need.pk)
    assert raw("cases_contact", "note", empty.pk) == ""
    assert Contact.objects.get(pk=note.pk).note == NOTE
    assert Need.objects.get(pk=need.pk).description == "Trauma"

    migration.decrypt_rows(plain, None)
    assert raw("cases_contact", "note", note.pk) == NOTE
    assert raw("cases_need", "description", need.pk) == "Trauma"
