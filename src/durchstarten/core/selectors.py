from django.db import models
from django.db.models import F, QuerySet

from durchstarten.core.audit import object_reference
from durchstarten.core.models import AuditEntry, Membership, Role, User
from durchstarten.core.scoping import require_role


def membership_list_for_user(user: User) -> list[Membership]:
    """The user's own memberships with district and provider, in switcher order."""
    return list(
        Membership.objects.filter(user=user)
        .select_related("district", "provider")
        .order_by(F("district__name").asc(nulls_last=True), "role", "pk")
    )


def active_membership_for(
    user: User, wanted_id: int | None
) -> tuple[list[Membership], Membership | None]:
    """All memberships of the user and the one they act in: the wanted one if it is theirs."""
    memberships = membership_list_for_user(user)
    active = next((m for m in memberships if m.pk == wanted_id), None)
    if active is None and memberships:
        active = memberships[0]
    return memberships, active


def audit_entry_list_for_object(*, object_type: str, object_id: str):
    return AuditEntry.objects.filter(object_type=object_type, object_id=object_id)


def access_history_for_object(user: User, obj: models.Model) -> QuerySet[AuditEntry]:
    """Who read or changed the object, newest first: when, who, in which role, what, outcome.

    Only coordinators of the object's district see it (PermissionDenied otherwise); the caller
    has already fetched `obj` through its scoped selector.
    """
    require_role(user, getattr(obj, "district_id", None), [Role.COORDINATOR])
    object_type, object_id = object_reference(obj)
    return (
        AuditEntry.objects.filter(object_type=object_type, object_id=object_id)
        .select_related("actor")
        .only(
            "sequence",
            "occurred_at",
            "actor_role",
            "action",
            "outcome",
            "actor__username",
            "actor__first_name",
            "actor__last_name",
        )
        .order_by("-sequence")
    )
