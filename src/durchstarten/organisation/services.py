"""Writes to the organisation model: providers, their responsibilities and posts."""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext as _

from durchstarten.core.audit import log_action
from durchstarten.core.models import Role, User
from durchstarten.core.scoping import require_role
from durchstarten.core.services import save_with_version
from durchstarten.organisation.models import (
    District,
    Module,
    Municipality,
    Position,
    Provider,
    ProviderAssignment,
)

MANAGING_ROLES = {Role.COORDINATOR, Role.ADMIN}

PROVIDER_FIELDS = ("name", "short_name", "address", "email", "phone", "is_active")
ASSIGNMENT_FIELDS = ("module", "valid_from", "valid_until", "note")
POSITION_FIELDS = ("provider", "module", "title", "fte", "holder", "valid_from", "valid_until")


def _date(value: dt.date | None) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT") if value else _("offen")


def _check_period(valid_from: dt.date, valid_until: dt.date | None) -> None:
    if valid_until is not None and valid_until < valid_from:
        raise ValidationError(
            {"valid_until": _("Das Ende darf nicht vor dem Beginn liegen.")}, code="period"
        )


# --- Providers -----------------------------------------------------------------------------


@transaction.atomic
def provider_create(*, actor: User, district: District, **fields) -> Provider:
    require_role(actor, district.pk, MANAGING_ROLES)
    provider = Provider(district=district, **fields)
    provider.full_clean()
    provider.save()
    log_action("organisation.provider.created", actor=actor, obj=provider)
    return provider


@transaction.atomic
def provider_update(*, actor: User, provider: Provider, version: int, **fields) -> Provider:
    require_role(actor, provider.district_id, MANAGING_ROLES)
    changed = [
        name
        for name in PROVIDER_FIELDS
        if name in fields and fields[name] != getattr(provider, name)
    ]
    for name in changed:
        setattr(provider, name, fields[name])
    provider.full_clean()
    save_with_version(provider, expected_version=version, fields=changed)
    log_action("organisation.provider.changed", actor=actor, obj=provider, data={"fields": changed})
    return provider


# --- Provider assignments ------------------------------------------------------------------


def assignment_validate(
    *,
    provider: Provider,
    module: int,
    municipalities: Iterable[Municipality],
    valid_from: dt.date,
    valid_until: dt.date | None,
    exclude_pk: int | None = None,
) -> None:
    """Enforce: per district, module and day each municipality has at most one provider."""
    _check_period(valid_from, valid_until)
    municipalities = list(municipalities)
    if not municipalities:
        raise ValidationError(
            {"municipalities": _("Bitte wählen Sie mindestens eine Kommune.")}, code="required"
        )
    foreign = [m.name for m in municipalities if m.district_id != provider.district_id]
    if foreign:
        raise ValidationError(
            {
                "municipalities": _(
                    "Diese Kommunen gehören nicht zum Kreis des Trägers: %(names)s."
                )
                % {"names": ", ".join(sorted(foreign))}
            },
            code="foreign_municipality",
        )
    overlapping = (
        ProviderAssignment.objects.filter(
            district_id=provider.district_id,
            module=module,
            municipalities__in=municipalities,
        )
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=valid_from))
        .select_related("provider")
        .prefetch_related("municipalities")
        .distinct()
    )
    if valid_until is not None:
        overlapping = overlapping.filter(valid_from__lte=valid_until)
    if exclude_pk is not None:
        overlapping = overlapping.exclude(pk=exclude_pk)
    wanted = {m.pk for m in municipalities}
    messages = []
    for other in overlapping:
        names = sorted(m.name for m in other.municipalities.all() if m.pk in wanted)
        messages.append(
            _(
                "%(municipalities)s: Im Förderbaustein %(module)s ist vom %(start)s bis "
                "%(end)s bereits „%(provider)s“ zuständig."
            )
            % {
                "municipalities": ", ".join(names),
                "module": Module(module).label,
                "start": _date(other.valid_from),
                "end": _date(other.valid_until),
                "provider": other.provider.name,
            }
        )
    if messages:
        raise ValidationError({"municipalities": messages}, code="overlap")


def _lock_district(district_id: int) -> None:
    # Serialises assignment writes per district so two overlapping saves cannot both pass.
    District.objects.select_for_update().filter(pk=district_id).first()


@transaction.atomic
def assignment_create(
    *,
    actor: User,
    provider: Provider,
    module: int,
    municipalities: Iterable[Municipality],
    valid_from: dt.date,
    valid_until: dt.date | None = None,
    note: str = "",
) -> ProviderAssignment:
    require_role(actor, provider.district_id, MANAGING_ROLES)
    _lock_district(provider.district_id)
    municipalities = list(municipalities)
    assignment_validate(
        provider=provider,
        module=module,
        municipalities=municipalities,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    assignment = ProviderAssignment(
        provider=provider,
        district_id=provider.district_id,
        module=module,
        valid_from=valid_from,
        valid_until=valid_until,
        note=note,
    )
    assignment.full_clean()
    assignment.save()
    assignment.municipalities.set(municipalities)
    log_action(
        "organisation.assignment.created",
        actor=actor,
        obj=assignment,
        data={"municipalities": [m.ags for m in municipalities], "module": module},
    )
    return assignment


@transaction.atomic
def assignment_update(
    *,
    actor: User,
    assignment: ProviderAssignment,
    version: int,
    municipalities: Iterable[Municipality],
    **fields,
) -> ProviderAssignment:
    require_role(actor, assignment.district_id, MANAGING_ROLES)
    _lock_district(assignment.district_id)
    municipalities = list(municipalities)
    changed = [n for n in ASSIGNMENT_FIELDS if n in fields and fields[n] != getattr(assignment, n)]
    for name in changed:
        setattr(assignment, name, fields[name])
    assignment_validate(
        provider=assignment.provider,
        module=assignment.module,
        municipalities=municipalities,
        valid_from=assignment.valid_from,
        valid_until=assignment.valid_until,
        exclude_pk=assignment.pk,
    )
    assignment.full_clean()
    save_with_version(assignment, expected_version=version, fields=changed)
    assignment.municipalities.set(municipalities)
    log_action(
        "organisation.assignment.changed",
        actor=actor,
        obj=assignment,
        data={"fields": changed, "municipalities": [m.ags for m in municipalities]},
    )
    return assignment


@transaction.atomic
def assignment_delete(*, actor: User, assignment: ProviderAssignment) -> None:
    require_role(actor, assignment.district_id, MANAGING_ROLES)
    log_action("organisation.assignment.deleted", actor=actor, obj=assignment)
    assignment.delete()


# --- Positions -----------------------------------------------------------------------------


def _check_position(district: District, provider: Provider | None, holder: User | None) -> None:
    if provider is not None and provider.district_id != district.pk:
        raise ValidationError(
            {"provider": _("Der Träger gehört nicht zu diesem Kreis.")}, code="foreign_provider"
        )
    if holder is not None and not holder.memberships.filter(district=district).exists():
        raise ValidationError(
            {"holder": _("Die Person hat keine Rolle in diesem Kreis.")}, code="foreign_holder"
        )


@transaction.atomic
def position_create(
    *,
    actor: User,
    district: District,
    module: int,
    fte: Decimal,
    valid_from: dt.date,
    provider: Provider | None = None,
    title: str = "",
    holder: User | None = None,
    valid_until: dt.date | None = None,
) -> Position:
    require_role(actor, district.pk, MANAGING_ROLES)
    _check_period(valid_from, valid_until)
    _check_position(district, provider, holder)
    position = Position(
        district=district,
        provider=provider,
        module=module,
        title=title,
        fte=fte,
        holder=holder,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    position.full_clean()
    position.save()
    log_action("organisation.position.created", actor=actor, obj=position)
    return position


@transaction.atomic
def position_update(*, actor: User, position: Position, version: int, **fields) -> Position:
    require_role(actor, position.district_id, MANAGING_ROLES)
    changed = [n for n in POSITION_FIELDS if n in fields and fields[n] != getattr(position, n)]
    for name in changed:
        setattr(position, name, fields[name])
    _check_period(position.valid_from, position.valid_until)
    _check_position(position.district, position.provider, position.holder)
    position.full_clean()
    save_with_version(position, expected_version=version, fields=changed)
    log_action("organisation.position.changed", actor=actor, obj=position, data={"fields": changed})
    return position


@transaction.atomic
def position_delete(*, actor: User, position: Position) -> None:
    require_role(actor, position.district_id, MANAGING_ROLES)
    log_action("organisation.position.deleted", actor=actor, obj=position)
    position.delete()
