"""Checks other apps call before they change or list a participant's data.

No imports of the case models here: cases.services calls `require_writable` from its common
guard, so this module must not import them back.
"""

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

RESTRICTED = _(
    "Die Verarbeitung der Daten dieser Person ist eingeschränkt (Art. 18 DSGVO). "
    "Die Akte kann gelesen, aber nicht geändert werden."
)
ANONYMISED = _(
    "Die Daten dieser Person wurden anonymisiert. Die Akte kann nicht mehr geändert werden."
)


def require_writable(participant) -> None:
    """Refuse any change to a restricted or anonymised participant (German message)."""
    if participant.anonymised_at is not None:
        raise ValidationError(ANONYMISED, code="anonymised")
    if participant.restricted_at is not None:
        raise ValidationError(RESTRICTED, code="restricted")


def listed_q(prefix: str = "") -> Q:
    """Participants (or rows reached through `prefix`) that lists and searches may show:
    neither restricted nor anonymised."""
    return Q(**{f"{prefix}restricted_at__isnull": True, f"{prefix}anonymised_at__isnull": True})
