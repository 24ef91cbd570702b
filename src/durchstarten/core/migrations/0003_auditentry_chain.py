"""Chain the audit log (sequence, prev_hash, hash), add role, address and outcome, and make the
table append-only with a database trigger.

The hash function is frozen here on purpose: this migration must keep computing the same
hashes whatever later happens to durchstarten.core.audit.
"""

import datetime as dt
import hashlib
import json

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

GENESIS_HASH = "0" * 64
CHAINED_FIELDS = (
    "sequence",
    "occurred_at",
    "actor_id",
    "actor_role",
    "action",
    "outcome",
    "district_id",
    "object_type",
    "object_id",
    "data",
    "prev_hash",
)

# PostgreSQL: refuse UPDATE and DELETE row by row. TRUNCATE stays possible (test databases are
# emptied with it); it needs table-owner rights, which the application's role should not have.
PG_GUARD = """
CREATE OR REPLACE FUNCTION core_auditentry_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'core_auditentry is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER core_auditentry_append_only
    BEFORE UPDATE OR DELETE ON core_auditentry
    FOR EACH ROW EXECUTE FUNCTION core_auditentry_append_only();
"""
PG_UNGUARD = """
DROP TRIGGER IF EXISTS core_auditentry_append_only ON core_auditentry;
DROP FUNCTION IF EXISTS core_auditentry_append_only();
"""
# SQLite: refuse UPDATE only. Django empties SQLite test databases with DELETE, which a DELETE
# trigger would break; a deleted entry is still found by `durchstarten audit verify`.
# Any later migration that rebuilds this table on SQLite drops the trigger and must create it
# again (tests/core/test_audit.py checks that it exists).
SQLITE_GUARD = """
CREATE TRIGGER core_auditentry_no_update
BEFORE UPDATE ON core_auditentry
BEGIN
    SELECT RAISE(ABORT, 'core_auditentry is append-only: UPDATE refused');
END;
"""
SQLITE_UNGUARD = "DROP TRIGGER IF EXISTS core_auditentry_no_update;"


def _hash(row):
    payload = {name: row[name] for name in CHAINED_FIELDS}
    payload["occurred_at"] = (
        payload["occurred_at"].astimezone(dt.UTC).isoformat(timespec="microseconds")
    )
    text = json.dumps(
        payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
    )
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def chain_existing(apps, schema_editor):
    AuditEntry = apps.get_model("core", "AuditEntry")
    prev_hash = GENESIS_HASH
    rows = AuditEntry.objects.order_by("id").values("id", *CHAINED_FIELDS[1:-1])
    for sequence, row in enumerate(rows.iterator(chunk_size=2000), start=1):
        row |= {"sequence": sequence, "prev_hash": prev_hash}
        row_hash = _hash(row)
        AuditEntry.objects.filter(pk=row["id"]).update(
            sequence=sequence, prev_hash=prev_hash, hash=row_hash
        )
        prev_hash = row_hash


def install_guard(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_GUARD, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_GUARD)


def remove_guard(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_UNGUARD, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_UNGUARD)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_initial"),
        ("organisation", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="auditentry",
            options={
                "ordering": ["-sequence"],
                "verbose_name": "Protokolleintrag",
                "verbose_name_plural": "Protokolleinträge",
            },
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="actor",
            field=models.ForeignKey(
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="Benutzer*in",
            ),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="district",
            field=models.ForeignKey(
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="organisation.district",
                verbose_name="Kreis",
            ),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="occurred_at",
            field=models.DateTimeField(
                db_index=True,
                default=django.utils.timezone.now,
                editable=False,
                verbose_name="Zeitpunkt",
            ),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="actor_role",
            field=models.CharField(blank=True, default="", max_length=20, verbose_name="Rolle"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditentry",
            name="ip_address",
            field=models.GenericIPAddressField(blank=True, null=True, verbose_name="IP-Adresse"),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="outcome",
            field=models.CharField(
                choices=[
                    ("ok", "ausgeführt"),
                    ("denied", "verweigert"),
                    ("failed", "fehlgeschlagen"),
                ],
                default="ok",
                max_length=10,
                verbose_name="Ergebnis",
            ),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="prev_hash",
            field=models.CharField(
                default="", editable=False, max_length=64, verbose_name="Hash des Vorgängers"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditentry",
            name="hash",
            field=models.CharField(default="", editable=False, max_length=64, verbose_name="Hash"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditentry",
            name="sequence",
            field=models.PositiveBigIntegerField(
                editable=False, null=True, verbose_name="laufende Nummer"
            ),
        ),
        migrations.RunPython(chain_existing, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="auditentry",
            name="sequence",
            field=models.PositiveBigIntegerField(
                editable=False, unique=True, verbose_name="laufende Nummer"
            ),
        ),
        migrations.RunPython(install_guard, remove_guard, elidable=False),
    ]
