from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from durchstarten.core.models import Role

MANAGING_ROLES = frozenset({Role.COORDINATOR})

FOREIGN_RECORDS = _("Diese Auswahl gehört nicht zu Ihrem Kreis: %(names)s.")


def changed_fields(instance: models.Model, names: Iterable[str], fields: dict) -> list[str]:
    """Copy the given values onto the instance; the names of those that changed."""
    changed = [n for n in names if n in fields and fields[n] != getattr(instance, n)]
    for name in changed:
        setattr(instance, name, fields[name])
    return changed


def same_district(field: str, district_id: int, records: Iterable[models.Model]) -> list:
    """The records, after checking that every one belongs to the district."""
    records = list(records)
    foreign = sorted(str(r) for r in records if r.district_id != district_id)
    if foreign:
        raise ValidationError(
            {field: FOREIGN_RECORDS % {"names": ", ".join(foreign)}}, code="foreign"
        )
    return records


def ids(records: Iterable[models.Model]) -> list[str]:
    """Public ids for the audit log (never names)."""
    return sorted(str(getattr(r, "public_id", r.pk)) for r in records)
