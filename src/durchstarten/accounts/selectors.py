from uuid import UUID

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from durchstarten.accounts.models import BreakGlassAccess
from durchstarten.core.models import AuditEntry, Role, User
from durchstarten.core.scoping import require_role

LAST_LOGINS = 10
LOGIN_ACTIONS = ("auth.login", "login.otp_verified", "auth.login_failed", "login.otp_failed")


def recent_logins(user: User) -> list[AuditEntry]:
    """The user's own latest sign-ins and failed attempts, from the audit log."""
    return list(
        AuditEntry.objects.filter(actor=user, action__in=LOGIN_ACTIONS)
        .only("sequence", "occurred_at", "action", "outcome", "ip_address")
        .order_by("-sequence")[:LAST_LOGINS]
    )


def _with_people(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("user", "revoked_by", "participant")


def break_glass_list_for_user(user: User, *, district_id: int | None) -> QuerySet:
    """Grants the user may see: an admin their own; a coordinator those to participants of
    the district they act in (PermissionDenied for everyone else)."""
    if district_id is None:
        require_role(user, None, {Role.ADMIN})
        return _with_people(BreakGlassAccess.objects.filter(user=user))
    require_role(user, district_id, {Role.COORDINATOR})
    return _with_people(BreakGlassAccess.objects.filter(participant__district_id=district_id))


def get_break_glass_for_user(user: User, public_id: UUID, *, district_id: int | None):
    """One grant from break_glass_list_for_user, or 404."""
    return get_object_or_404(
        break_glass_list_for_user(user, district_id=district_id), public_id=public_id
    )


def get_active_break_glass_for_user(user: User, public_id: UUID) -> BreakGlassAccess:
    """The admin's own grant while it is in force; 404 before, after, revoked or not theirs."""
    require_role(user, None, {Role.ADMIN})
    return get_object_or_404(
        _with_people(BreakGlassAccess.objects.active().filter(user=user)), public_id=public_id
    )
