import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from durchstarten.cases.models import Participant
from durchstarten.core.models import User
from durchstarten.core.scoping import can_do_case_work, scope_participants
from durchstarten.privacy.guards import require_writable

FUTURE_DATE = _("Das Datum darf nicht in der Zukunft liegen.")
END_BEFORE_START = _("Das Ende darf nicht vor dem Beginn liegen.")


def require_case_work(actor: User, participant: Participant) -> None:
    """The actor must see the participant and hold a case work role in its district; a
    restricted or anonymised participant's record is read-only (German ValidationError)."""
    visible = scope_participants(Participant.objects.filter(pk=participant.pk), actor).exists()
    if not visible or not can_do_case_work(actor, participant):
        raise PermissionDenied
    require_writable(participant)


def not_in_future(field: str, day: dt.date | None) -> None:
    if day is not None and day > timezone.localdate():
        raise ValidationError({field: FUTURE_DATE}, code="future")


def period(start_field: str, start: dt.date, end_field: str, end: dt.date | None) -> None:
    if end is not None and end < start:
        raise ValidationError({end_field: END_BEFORE_START}, code="period")
