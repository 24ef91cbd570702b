"""Encrypt counselling notes, need descriptions and residence document notes at rest.

The columns first become unbounded text (ciphertext is longer than the plain text), then the
existing rows are encrypted in batches with the current key, then the fields become
EncryptedTextField. Backwards, the rows are decrypted before the columns shrink again.
"""

from django.db import migrations, models

import durchstarten.core.crypto

FIELDS = (("Contact", "note"), ("Need", "description"), ("ResidenceStatus", "document_note"))
BATCH = 1000


def _convert(apps, convert):
    for model_name, field in FIELDS:
        model = apps.get_model("cases", model_name)
        last = 0
        while True:
            rows = list(
                model.objects.filter(pk__gt=last).exclude(**{field: ""}).order_by("pk")[:BATCH]
            )
            if not rows:
                break
            for row in rows:
                setattr(row, field, convert(getattr(row, field)))
            model.objects.bulk_update(rows, [field])
            last = rows[-1].pk


def encrypt_rows(apps, schema_editor):
    _convert(apps, durchstarten.core.crypto.encrypt)


def decrypt_rows(apps, schema_editor):
    _convert(apps, durchstarten.core.crypto.decrypt)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0003_privacy_fields"),
    ]

    operations = [
        migrations.AlterField(
            model_name="need",
            name="description",
            field=models.TextField(blank=True, max_length=300, verbose_name="Beschreibung"),
        ),
        migrations.AlterField(
            model_name="residencestatus",
            name="document_note",
            field=models.TextField(blank=True, max_length=200, verbose_name="Dokument / Vermerk"),
        ),
        migrations.RunPython(encrypt_rows, decrypt_rows, elidable=False),
        migrations.AlterField(
            model_name="contact",
            name="note",
            field=durchstarten.core.crypto.EncryptedTextField(
                blank=True, verbose_name="Gesprächsnotiz"
            ),
        ),
        migrations.AlterField(
            model_name="need",
            name="description",
            field=durchstarten.core.crypto.EncryptedTextField(
                blank=True, max_length=300, verbose_name="Beschreibung"
            ),
        ),
        migrations.AlterField(
            model_name="residencestatus",
            name="document_note",
            field=durchstarten.core.crypto.EncryptedTextField(
                blank=True, max_length=200, verbose_name="Dokument / Vermerk"
            ),
        ),
    ]
