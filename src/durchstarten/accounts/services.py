"""Break-glass access: an admin's audited, time-limited read access to one participant."""

import datetime as dt
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from durchstarten.accounts.models import BreakGlassAccess
from durchstarten.cases.models import Participant
from durchstarten.core.audit import log_action
from durchstarten.core.models import Role, User
from durchstarten.core.scoping import CASE_WORK_ROLES, has_role, require_role

REASON_MIN_LENGTH = 20
MAX_DURATION = dt.timedelta(hours=4)

REASON_TOO_SHORT = _("Bitte begründen Sie den Zugriff in mindestens 20 Zeichen.")
DURATION_INVALID = _("Ein Notfallzugriff dauert mindestens 1 Minute und höchstens 4 Stunden.")
UNKNOWN_PARTICIPANT = _("Zu dieser Kennung gibt es keine Teilnehmende.")
HAS_CASE_ROLE = _(
    "Sie haben über Ihre Rolle im Kreis bereits Zugriff auf diese Akte; "
    "ein Notfallzugriff ist nicht nötig."
)
ALREADY_ACTIVE = _("Für diese Akte haben Sie bereits einen laufenden Notfallzugriff.")
ALREADY_ENDED = _("Dieser Notfallzugriff ist bereits beendet.")


def may_revoke(user: User, access: BreakGlassAccess) -> bool:
    """The admin who holds the grant and the coordinators of the participant's district."""
    if access.user_id == user.pk:
        return True
    return has_role(user, access.participant.district_id, {Role.COORDINATOR})


@transaction.atomic
def break_glass_request(
    *, actor: User, participant_public_id: UUID, reason: str, duration: dt.timedelta
) -> BreakGlassAccess:
    """Open read access to one participant for `duration` (at most 4 hours), audited.

    Only admins; the participant is looked up by the public id the district gave them
    (they can see no list). Writes to the case stay refused: services check case roles.
    """
    require_role(actor, None, {Role.ADMIN})
    reason = reason.strip()
    errors = {}
    if len(reason) < REASON_MIN_LENGTH:
        errors["reason"] = REASON_TOO_SHORT
    if not dt.timedelta(minutes=1) <= duration <= MAX_DURATION:
        errors["duration"] = DURATION_INVALID
    participant = Participant.objects.filter(public_id=participant_public_id).first()
    if participant is None:
        errors["participant"] = UNKNOWN_PARTICIPANT
    elif has_role(actor, participant.district_id, CASE_WORK_ROLES):
        errors["participant"] = HAS_CASE_ROLE
    elif BreakGlassAccess.objects.active().filter(user=actor, participant=participant).exists():
        errors["participant"] = ALREADY_ACTIVE
    if errors:
        raise ValidationError(errors, code="invalid")
    now = timezone.now()
    access = BreakGlassAccess.objects.create(
        user=actor, participant=participant, reason=reason, starts_at=now, ends_at=now + duration
    )
    # Named after the participant, so that it shows in their access history.
    log_action(
        "participant.break_glass.granted",
        actor=actor,
        obj=participant,
        data={"access": str(access.public_id), "minutes": int(duration.total_seconds() // 60)},
    )
    return access


@transaction.atomic
def break_glass_revoke(*, actor: User, access: BreakGlassAccess) -> BreakGlassAccess:
    """End a grant before its time: by its holder or a coordinator of the district."""
    if not may_revoke(actor, access):
        raise PermissionDenied
    access = BreakGlassAccess.objects.select_for_update().get(pk=access.pk)
    if not access.is_active():
        raise ValidationError(ALREADY_ENDED, code="ended")
    access.revoked_at = timezone.now()
    access.revoked_by = actor
    access.save(update_fields=["revoked_at", "revoked_by"])
    log_action(
        "participant.break_glass.revoked",
        actor=actor,
        obj=access.participant,
        data={"access": str(access.public_id)},
    )
    return access
