"""The log of network activities (visits, meetings, information events, calls)."""

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from durchstarten.core.audit import log_action
from durchstarten.core.models import Role, User
from durchstarten.core.scoping import has_role, require_role
from durchstarten.core.services import save_with_version
from durchstarten.network.models import NetworkActivity, Partner
from durchstarten.network.selectors import ACTIVITY_READERS
from durchstarten.network.services._common import changed_fields, ids, same_district
from durchstarten.organisation.models import District, Municipality

ACTIVITY_FIELDS = ("date", "kind", "municipality", "description")
RECORDING_ROLES = ACTIVITY_READERS

FUTURE_DATE = _("Das Datum darf nicht in der Zukunft liegen.")
FOREIGN_MUNICIPALITY = _("Die Kommune gehört nicht zu Ihrem Kreis.")


def may_change(user: User, activity: NetworkActivity) -> bool:
    """Coordinators change every activity of their district; case managers their own."""
    if has_role(user, activity.district_id, {Role.COORDINATOR}):
        return True
    return activity.recorded_by_id == user.pk and has_role(
        user, activity.district_id, {Role.CASE_MANAGER}
    )


def _check(activity: NetworkActivity) -> None:
    errors = {}
    if activity.date and activity.date > timezone.localdate():
        errors["date"] = FUTURE_DATE
    municipality = activity.municipality
    if municipality is not None and municipality.district_id != activity.district_id:
        errors["municipality"] = FOREIGN_MUNICIPALITY
    if errors:
        raise ValidationError(errors, code="invalid")


@transaction.atomic
def activity_create(
    *,
    actor: User,
    district: District,
    date: dt.date,
    kind: str,
    description: str,
    municipality: Municipality | None = None,
    partners: Iterable[Partner] = (),
) -> NetworkActivity:
    require_role(actor, district.pk, RECORDING_ROLES)
    partners = same_district("partners", district.pk, partners)
    activity = NetworkActivity(
        district=district,
        date=date,
        kind=kind,
        municipality=municipality,
        description=description.strip(),
        recorded_by=actor,
    )
    _check(activity)
    activity.full_clean()
    activity.save()
    activity.partners.set(partners)
    log_action(
        "network.activity.created",
        actor=actor,
        obj=activity,
        data={"kind": kind, "partners": ids(partners)},
    )
    return activity


@transaction.atomic
def activity_update(
    *,
    actor: User,
    activity: NetworkActivity,
    version: int,
    partners: Iterable[Partner],
    **fields,
) -> NetworkActivity:
    if not may_change(actor, activity):
        raise PermissionDenied
    partners = same_district("partners", activity.district_id, partners)
    if "description" in fields:
        fields["description"] = fields["description"].strip()
    changed = changed_fields(activity, ACTIVITY_FIELDS, fields)
    _check(activity)
    activity.full_clean()
    save_with_version(activity, expected_version=version, fields=changed)
    activity.partners.set(partners)
    log_action(
        "network.activity.changed",
        actor=actor,
        obj=activity,
        data={"fields": changed, "partners": ids(partners)},
    )
    return activity


@transaction.atomic
def activity_delete(*, actor: User, activity: NetworkActivity) -> None:
    if not may_change(actor, activity):
        raise PermissionDenied
    log_action("network.activity.deleted", actor=actor, obj=activity)
    activity.delete()
