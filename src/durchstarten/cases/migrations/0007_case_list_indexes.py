"""Indexes for the case list (one partial index per sort, over the rows lists show) and a
prefix index for the name search (LIKE 'key%' under any collation on PostgreSQL)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_record_public_ids"),
        ("organisation", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="participant",
            index=models.Index(
                condition=models.Q(
                    ("anonymised_at__isnull", True), ("restricted_at__isnull", True)
                ),
                fields=["district", "family_name", "given_names", "id"],
                name="participant_list_name",
            ),
        ),
        migrations.AddIndex(
            model_name="participant",
            index=models.Index(
                condition=models.Q(
                    ("anonymised_at__isnull", True), ("restricted_at__isnull", True)
                ),
                fields=["district", "date_of_birth", "id"],
                name="participant_list_birth",
            ),
        ),
        migrations.AddIndex(
            model_name="participant",
            index=models.Index(
                condition=models.Q(
                    ("anonymised_at__isnull", True), ("restricted_at__isnull", True)
                ),
                fields=["district", "last_contact_on", "id"],
                name="participant_list_contact",
            ),
        ),
        migrations.AddIndex(
            model_name="participant",
            index=models.Index(
                condition=models.Q(
                    ("anonymised_at__isnull", True), ("restricted_at__isnull", True)
                ),
                fields=["district", "created_at", "id"],
                name="participant_list_created",
            ),
        ),
        migrations.AddIndex(
            model_name="participantnamekey",
            index=models.Index(
                fields=["key", "participant"],
                name="name_key_prefix",
                opclasses=["varchar_pattern_ops", "int8_ops"],
            ),
        ),
    ]
