"""Anonymising a participant: the personal data goes, the statistical facts stay.

What happens to each model is decided in privacy.registry. Two facts need more than clearing:

- **Age.** The reports compute completed years on the days of outreach, on entry days and on
  the last day of every quarter in which the person took part. The date of birth is replaced
  by the earliest date that gives the same age on each of those days: every past figure stays,
  while the stored date only says what the reports already show (e.g. "21 on 30 June 2025").
  Without any such day the date of birth is removed.
- **Residence status.** Kind and validity dates are kept (they decide the target group on a
  day); the document note is cleared.
"""

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from durchstarten.cases.models import Enrollment, Outreach, Participant
from durchstarten.cases.rules import age_on, years_before
from durchstarten.core.audit import log_action
from durchstarten.core.models import User
from durchstarten.privacy.models import AnonymisationRecord, Cause, DataClass
from durchstarten.privacy.registry import CLEARED, DELETED, rows_of, rules_for

# Data classes that belong to a participant; the audit log is kept as a whole (docs/audit.md).
PARTICIPANT_CLASSES = (
    DataClass.NOTES,
    DataClass.CONTACTS,
    DataClass.DOCUMENTS,
    DataClass.CONSENTS,
    DataClass.MASTER_DATA,
)


def earliest_birth_for_age(day: dt.date, age: int) -> dt.date:
    """The earliest date of birth of a person aged `age` on `day`."""
    candidate = years_before(day, age + 1) + dt.timedelta(days=1)
    while age_on(candidate, day) > age:
        candidate += dt.timedelta(days=1)
    return candidate


def generalised_birth_date(date_of_birth: dt.date | None, days: Iterable[dt.date]):
    """The earliest date of birth with the same age on every one of `days` (None without days).

    Each day allows an interval of one year of birth dates; the true date lies in all of them,
    so the latest of their starts does too.
    """
    days = sorted(set(days))
    if date_of_birth is None or not days:
        return None
    generalised = max(earliest_birth_for_age(day, age_on(date_of_birth, day)) for day in days)
    if any(age_on(generalised, day) != age_on(date_of_birth, day) for day in days):
        raise RuntimeError("generalised date of birth changes an age")
    return generalised


def _quarter_end(day: dt.date) -> dt.date:
    month = 3 * ((day.month - 1) // 3) + 3
    following = dt.date(day.year + 1, 1, 1) if month == 12 else dt.date(day.year, month + 1, 1)
    return following - dt.timedelta(days=1)


def reported_days(participant: Participant) -> set[dt.date]:
    """Days on which a report computes the person's age: outreach days, entry days and the
    last day of every quarter that an enrollment touches."""
    days = set(Outreach.objects.filter(participant=participant).values_list("date", flat=True))
    today = timezone.localdate()
    for entry, exit_date in Enrollment.objects.filter(participant=participant).values_list(
        "entry_date", "exit_date"
    ):
        days.add(entry)
        end = _quarter_end(exit_date or today)
        quarter = _quarter_end(entry)
        while quarter <= end:
            days.add(quarter)
            quarter = _quarter_end(quarter + dt.timedelta(days=1))
    return days


def _apply(participant: Participant, data_class: str) -> None:
    for rule in rules_for(data_class):
        rows = rows_of(rule, participant)
        if rule.handling == DELETED:
            rows.delete()
        elif rule.handling == CLEARED and rule.path != "":
            rows.update(**rule.cleared)
    if data_class == DataClass.MASTER_DATA:
        (rule,) = (r for r in rules_for(data_class) if r.path == "")
        for name, value in rule.cleared.items():
            setattr(participant, name, value)
        participant.date_of_birth = generalised_birth_date(
            participant.date_of_birth, reported_days(participant)
        )
        participant.restricted_at = None
        participant.anonymised_at = timezone.now()
        # A form opened before now can no longer be saved over the anonymised record.
        participant.version += 1
        fields = [*rule.cleared, "date_of_birth", "restricted_at", "anonymised_at", "version"]
        fields.append("updated_at")
        participant.save(update_fields=fields)


def anonymise_data_class(
    *, actor: User | None, participant: Participant, data_class: str, cause: str
) -> bool:
    """Apply the registry's rules of one data class to the participant, once; False if that
    was done before. Writes an audit entry naming the participant by public id only."""
    if AnonymisationRecord.objects.filter(participant=participant, data_class=data_class).exists():
        return False
    _apply(participant, data_class)
    AnonymisationRecord.objects.create(
        participant=participant, data_class=data_class, cause=cause, actor=actor
    )
    log_action(
        "privacy.data.anonymised",
        actor=actor,
        obj=participant,
        data={"data_class": str(data_class), "cause": str(cause)},
    )
    return True


@transaction.atomic
def participant_anonymise(
    *, actor: User | None, participant: Participant, reason: str = Cause.RETENTION
) -> list[str]:
    """Remove all personal data of the participant, keeping the statistical facts.

    `actor` is None for the retention run. Checks (role, legal holds, audit period) are the
    caller's: privacy.services.erasure_execute and privacy.retention. Returns the data
    classes anonymised now (the others had been before).
    """
    locked = Participant.objects.select_for_update().get(pk=participant.pk)
    done = [
        data_class
        for data_class in PARTICIPANT_CLASSES
        if anonymise_data_class(
            actor=actor, participant=locked, data_class=data_class, cause=reason
        )
    ]
    log_action(
        "privacy.participant.anonymised",
        actor=actor,
        obj=locked,
        data={"cause": str(reason), "data_classes": [str(c) for c in done]},
    )
    participant.refresh_from_db()
    return done
