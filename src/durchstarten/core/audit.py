"""Writing the audit log. Callers pass ids and field names, never participants' personal data."""

from django.db import models

from durchstarten.core.models import AuditEntry, User


def log_action(
    action: str,
    *,
    actor: User | None,
    obj: models.Model | None = None,
    district_id: int | None = None,
    data: dict | None = None,
) -> AuditEntry:
    object_type = object_id = ""
    if obj is not None:
        object_type = obj._meta.label_lower
        object_id = str(getattr(obj, "public_id", obj.pk))
        if district_id is None:
            district_id = getattr(obj, "district_id", None)
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        district_id=district_id,
        object_type=object_type,
        object_id=object_id,
        data=data or {},
    )
