"""Writes of the reporting domain: the districts' yearly targets (Zielwerte)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from durchstarten.core.audit import log_action
from durchstarten.core.models import Role, User
from durchstarten.core.scoping import require_role
from durchstarten.core.services import STALE_VERSION, save_with_version
from durchstarten.organisation.models import District
from durchstarten.reporting.choices import RATE_METRICS, TargetMetric
from durchstarten.reporting.models import Target

MANAGING_ROLES = {Role.COORDINATOR, Role.ADMIN}
TARGET_FIELDS = ("year", "metric", "value", "note")

YEAR_RANGE = _("Bitte geben Sie ein Jahr zwischen 2000 und 2100 an.")
RATE_RANGE = _("Eine Quote muss zwischen 0 und 100 % liegen.")
COUNT_WHOLE = _("Eine Anzahl muss eine ganze Zahl ab 0 sein.")
UNKNOWN_METRIC = _("Diese Kennzahl gibt es nicht.")
DUPLICATE = _(
    "Für diese Kennzahl gibt es im Jahr %(year)s schon einen Zielwert. "
    "Bitte bearbeiten Sie den vorhandenen Zielwert."
)


def _check(*, year: int, metric: str, value: Decimal) -> None:
    """The rules for one target; rates are fractions (0.3 = 30 %), counts whole persons."""
    errors: dict[str, ValidationError] = {}
    if not 2000 <= year <= 2100:
        errors["year"] = ValidationError(YEAR_RANGE, code="year")
    if metric not in TargetMetric.values:
        errors["metric"] = ValidationError(UNKNOWN_METRIC, code="metric")
    elif metric in RATE_METRICS:
        if not Decimal(0) <= value <= Decimal(1):
            errors["value"] = ValidationError(RATE_RANGE, code="rate_range")
    elif value < 0 or value != value.to_integral_value():
        errors["value"] = ValidationError(COUNT_WHOLE, code="count_whole")
    if errors:
        raise ValidationError(errors)


def _check_unique(district_id: int, year: int, metric: str, *, exclude_pk=None) -> None:
    others = Target.objects.filter(district_id=district_id, year=year, metric=metric)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if others.exists():
        raise _duplicate(year)


def _duplicate(year: int) -> ValidationError:
    return ValidationError(
        {"metric": ValidationError(DUPLICATE, code="duplicate", params={"year": year})}
    )


def _normalise(metric: str, value: Decimal) -> Decimal:
    # Stored with four places; counts without a fraction so that 30 and 30.0000 compare equal.
    return value.quantize(Decimal("0.0001")) if metric in RATE_METRICS else value


@transaction.atomic
def target_create(
    *, actor: User, district: District, year: int, metric: str, value: Decimal, note: str = ""
) -> Target:
    """Set a new target of the district for a figure and year (one per figure and year)."""
    require_role(actor, district.pk, MANAGING_ROLES)
    _check(year=year, metric=metric, value=value)
    _check_unique(district.pk, year, metric)
    target = Target(
        district=district, year=year, metric=metric, value=_normalise(metric, value), note=note
    )
    target.full_clean(validate_constraints=False)
    try:
        # A concurrent save of the same figure and year passes the check above; the
        # constraint catches it, in a savepoint so the surrounding transaction survives.
        with transaction.atomic():
            target.save()
    except IntegrityError as error:
        raise _duplicate(year) from error
    log_action(
        "reporting.target.created",
        actor=actor,
        obj=target,
        data={"year": year, "metric": metric},
    )
    return target


@transaction.atomic
def target_update(*, actor: User, target: Target, version: int, **fields) -> Target:
    """Change a target; refuses if someone else saved it since `version` was read."""
    require_role(actor, target.district_id, MANAGING_ROLES)
    if "value" in fields:
        fields["value"] = _normalise(fields.get("metric", target.metric), fields["value"])
    changed = [n for n in TARGET_FIELDS if n in fields and fields[n] != getattr(target, n)]
    for name in changed:
        setattr(target, name, fields[name])
    _check(year=target.year, metric=target.metric, value=target.value)
    _check_unique(target.district_id, target.year, target.metric, exclude_pk=target.pk)
    target.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            save_with_version(target, expected_version=version, fields=changed)
    except IntegrityError as error:
        raise _duplicate(target.year) from error
    log_action(
        "reporting.target.changed",
        actor=actor,
        obj=target,
        data={"fields": changed, "year": target.year, "metric": target.metric},
    )
    return target


@transaction.atomic
def target_set(
    *, actor: User, district: District, year: int, metric: str, value: Decimal, note: str = ""
) -> Target:
    """Create the district's target for a figure and year, or change the existing one
    (for commands and demo data, which have no version to compare)."""
    existing = (
        Target.objects.select_for_update()
        .filter(district=district, year=year, metric=metric)
        .first()
    )
    if existing is None:
        return target_create(
            actor=actor, district=district, year=year, metric=metric, value=value, note=note
        )
    return target_update(
        actor=actor,
        target=existing,
        version=existing.version,
        value=value,
        metric=metric,
        note=note,
    )


@transaction.atomic
def target_delete(*, actor: User, target: Target, version: int | None = None) -> None:
    """Delete a target; with `version`, only if nobody changed it since it was read."""
    require_role(actor, target.district_id, MANAGING_ROLES)
    rows = Target.objects.filter(pk=target.pk)
    if version is not None:
        rows = rows.filter(version=version)
    log_action(
        "reporting.target.deleted",
        actor=actor,
        obj=target,
        data={"year": target.year, "metric": target.metric},
    )
    deleted, _by_model = rows.delete()
    if not deleted:
        raise ValidationError(STALE_VERSION, code="stale")
