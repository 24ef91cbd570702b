from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

STALE_VERSION = _(
    "Der Datensatz wurde inzwischen von jemand anderem geändert. "
    "Bitte laden Sie die Seite neu und übernehmen Sie Ihre Änderungen erneut."
)


def save_with_version(instance: models.Model, *, expected_version: int, fields: list[str]) -> None:
    """Write the given fields only if nobody saved a newer version meanwhile.

    The conditional UPDATE makes the check and the write one statement, so two
    concurrent editors cannot both pass it.
    """
    model = type(instance)
    values = {name: getattr(instance, name) for name in fields}
    if any(field.name == "updated_at" for field in model._meta.concrete_fields):
        values["updated_at"] = Now()
    updated = model._default_manager.filter(pk=instance.pk, version=expected_version).update(
        version=models.F("version") + 1, **values
    )
    if updated != 1:
        raise ValidationError(STALE_VERSION, code="stale")
    instance.version = expected_version + 1
