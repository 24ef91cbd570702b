"""Rules derived from the record: age and target group on a day. Pure functions, no queries."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from django.utils import formats
from django.utils.translation import gettext as _

from durchstarten.cases.choices import DULDUNG_KINDS, ResidenceStatusKind, TargetGroup

MIN_AGE = 18
MAX_AGE = 27


class StatusLike(Protocol):
    kind: str
    valid_from: dt.date
    valid_until: dt.date | None


@dataclass(frozen=True)
class TargetGroupResult:
    group: TargetGroup
    reason: str

    @property
    def label(self) -> str:
        return str(self.group.label)


def age_on(date_of_birth: dt.date, day: dt.date) -> int:
    """Completed years on the day (a person born on 29 February ages on 1 March)."""
    return (
        day.year
        - date_of_birth.year
        - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))
    )


def birthday(date_of_birth: dt.date, years: int) -> dt.date:
    """The day a person turns `years` old."""
    try:
        return date_of_birth.replace(year=date_of_birth.year + years)
    except ValueError:  # 29 February in a common year
        return dt.date(date_of_birth.year + years, 3, 1)


def years_before(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` earlier; 29 February falls back to the 28th.

    Whoever was born on or before this day is at least `years` old on `day`.
    """
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return dt.date(day.year - years, 2, 28)


def status_on(statuses: Iterable[StatusLike], day: dt.date) -> StatusLike | None:
    """The status in force on the day: the latest one begun by then and not yet expired
    (of two begun the same day, the one recorded last)."""
    in_force = [
        status
        for status in statuses
        if status.valid_from <= day and (status.valid_until is None or status.valid_until >= day)
    ]
    if not in_force:
        return None
    return max(in_force, key=lambda status: (status.valid_from, getattr(status, "pk", None) or 0))


def target_group_on(
    *, date_of_birth: dt.date | None, statuses: Iterable[StatusLike], day: dt.date
) -> TargetGroupResult:
    """Primary: a Duldung type, aged 18–27; secondary: Aufenthaltsgestattung, aged 18–27."""
    if date_of_birth is None:
        return TargetGroupResult(TargetGroup.UNDETERMINED, _("Das Geburtsdatum fehlt."))
    age = age_on(date_of_birth, day)
    if not MIN_AGE <= age <= MAX_AGE:
        return TargetGroupResult(
            TargetGroup.NOT_ELIGIBLE,
            _("Am %(day)s %(age)s Jahre alt – gefördert werden 18- bis 27-Jährige.")
            % {"day": formats.date_format(day, "SHORT_DATE_FORMAT"), "age": age},
        )
    status = status_on(statuses, day)
    if status is None:
        return TargetGroupResult(
            TargetGroup.UNDETERMINED,
            _("Für den %(day)s ist kein gültiger Aufenthaltsstatus erfasst.")
            % {"day": formats.date_format(day, "SHORT_DATE_FORMAT")},
        )
    label = ResidenceStatusKind(status.kind).label
    if status.kind in DULDUNG_KINDS:
        return TargetGroupResult(
            TargetGroup.PRIMARY,
            _("%(status)s und %(age)s Jahre alt.") % {"status": label, "age": age},
        )
    if status.kind == ResidenceStatusKind.GESTATTUNG:
        return TargetGroupResult(
            TargetGroup.SECONDARY,
            _("%(status)s und %(age)s Jahre alt.") % {"status": label, "age": age},
        )
    return TargetGroupResult(
        TargetGroup.OTHER_NEED,
        _("%(status)s: kein Status der Zielgruppe; Zugang zu Regelangeboten prüfen.")
        % {"status": label},
    )
