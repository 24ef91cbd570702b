"""Opaque public ids for referrals and outcomes, so that URLs and API answers stop naming rows by their
sequential primary key.

Three steps, because existing rows each need an id of their own: add the column nullable,
fill it (one UPDATE per table on PostgreSQL, batches elsewhere), then make it unique and
required.
"""

import uuid

from django.db import migrations, models

MODELS = ["Referral", "Outcome"]
BATCH = 2000


def fill_public_ids(apps, schema_editor):
    connection = schema_editor.connection
    for name in MODELS:
        model = apps.get_model("offers", name)
        if connection.vendor == "postgresql":
            table = connection.ops.quote_name(model._meta.db_table)
            with connection.cursor() as cursor:
                # The table name comes from the model, quoted: nothing from outside.
                cursor.execute(
                    f"UPDATE {table} SET public_id = gen_random_uuid() "  # noqa: S608  # nosec B608
                    "WHERE public_id IS NULL"
                )
            continue
        pending = model.objects.filter(public_id__isnull=True).order_by("pk")
        while batch := list(pending.only("pk")[:BATCH]):
            for row in batch:
                row.public_id = uuid.uuid4()
            model.objects.bulk_update(batch, ["public_id"])


def public_id(**kwargs):
    return models.UUIDField(editable=False, verbose_name="öffentliche ID", **kwargs)


class Migration(migrations.Migration):
    dependencies = [
        ("offers", "0001_initial"),
    ]

    operations = [
        *(
            migrations.AddField(
                model_name=name.lower(), name="public_id", field=public_id(null=True)
            )
            for name in MODELS
        ),
        migrations.RunPython(fill_public_ids, migrations.RunPython.noop, elidable=True),
        *(
            migrations.AlterField(
                model_name=name.lower(),
                name="public_id",
                field=public_id(default=uuid.uuid4, unique=True),
            )
            for name in MODELS
        ),
    ]
