"""Retention: which data of whom is due for anonymisation on a day, and the run that does it.

A participant's data class is due when all of these hold (docs/privacy.md):

- no enrollment is open and the record is neither restricted nor anonymised;
- the district's period for the class has passed since the reference day: the last exit, or
  for people who never entered the last outreach (or the day the record was made);
- the funding-audit period has ended: `DURCHSTARTEN_FUNDING_AUDIT_YEARS` years after the end
  of the last funding year the person took part in (the later of the exit year and the end of
  the grants of the years of participation);
- no legal hold is in force.

The audit log is kept as a whole; the plan only counts the entries older than its period
(pruning is an operations step, docs/audit.md).
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, Max, Min, OuterRef, Q, Subquery
from django.utils import timezone

from durchstarten.cases.models import Enrollment, Outreach, Participant
from durchstarten.core.models import AuditEntry
from durchstarten.funding.models import Grant
from durchstarten.organisation.models import District
from durchstarten.privacy.anonymisation import (
    PARTICIPANT_CLASSES,
    anonymise_data_class,
    participant_anonymise,
)
from durchstarten.privacy.models import (
    AnonymisationRecord,
    Cause,
    DataClass,
    LegalHold,
    RetentionPolicy,
)

DEFAULT_MIN_DAYS = 365
DEFAULT_DAYS = 730
DEFAULT_AUDIT_LOG_DAYS = 6 * 365
DEFAULT_FUNDING_AUDIT_YEARS = 1
CHUNK = 500


def minimum_days() -> int:
    return int(getattr(settings, "DURCHSTARTEN_RETENTION_MIN_DAYS", DEFAULT_MIN_DAYS))


def default_days(data_class: str) -> int:
    if data_class == DataClass.AUDIT_LOG:
        days = getattr(settings, "DURCHSTARTEN_AUDIT_LOG_RETENTION_DAYS", DEFAULT_AUDIT_LOG_DAYS)
    else:
        days = getattr(settings, "DURCHSTARTEN_RETENTION_DAYS", DEFAULT_DAYS)
    return max(int(days), minimum_days())


def funding_audit_years() -> int:
    return int(getattr(settings, "DURCHSTARTEN_FUNDING_AUDIT_YEARS", DEFAULT_FUNDING_AUDIT_YEARS))


def periods_for(district_ids) -> dict[int, dict[str, int]]:
    """Days per data class for each district: its policy, else the default; never below the
    minimum (a minimum raised later overrides older policies)."""
    floor = minimum_days()
    out = {pk: {c: default_days(c) for c in DataClass.values} for pk in district_ids}
    for district_id, data_class, days in RetentionPolicy.objects.filter(
        district_id__in=list(district_ids)
    ).values_list("district_id", "data_class", "days"):
        out[district_id][data_class] = max(days, floor)
    return out


def funding_audit_end(
    first_entry: dt.date | None, last_exit: dt.date | None, grant_ends: dict[int, dt.date]
) -> dt.date | None:
    """The last day of the funding-audit period for a person who took part from `first_entry`
    to `last_exit` (None for someone who never entered)."""
    if first_entry is None or last_exit is None:
        return None
    last_year = last_exit.year
    for year in range(first_entry.year, last_exit.year + 1):
        if year in grant_ends:
            last_year = max(last_year, grant_ends[year].year)
    return dt.date(last_year + funding_audit_years(), 12, 31)


def grant_ends_by_year(district_id: int) -> dict[int, dt.date]:
    rows = (
        Grant.objects.filter(district_id=district_id)
        .values("year")
        .annotate(end=Max("period_to"))
        .order_by()
    )
    return {row["year"]: row["end"] for row in rows}


@dataclass(frozen=True)
class PersonStatus:
    """Where one participant stands with retention on a day."""

    participant_id: int
    public_id: str
    reference_day: dt.date | None
    audit_end: dt.date | None
    due_on: dict[str, dt.date]
    open_enrollment: bool
    held_until: dt.date | None
    restricted: bool
    done: frozenset[str]

    def due(self, today: dt.date) -> list[str]:
        """The data classes to anonymise on `today` (none while blocked)."""
        if self.open_enrollment or self.held_until or self.restricted:
            return []
        if self.audit_end is not None and today <= self.audit_end:
            return []
        return [
            c
            for c in PARTICIPANT_CLASSES
            if c not in self.done and c in self.due_on and self.due_on[c] <= today
        ]


def _annotated(queryset, today: dt.date):
    enrollments = Enrollment.objects.filter(participant=OuterRef("pk")).order_by()
    return queryset.annotate(
        open_enrollment=Exists(enrollments.filter(exit_date__isnull=True)),
        first_entry=Subquery(
            enrollments.values("participant").annotate(v=Min("entry_date")).values("v")[:1]
        ),
        last_exit=Subquery(
            enrollments.values("participant").annotate(v=Max("exit_date")).values("v")[:1]
        ),
        last_outreach=Subquery(
            Outreach.objects.filter(participant=OuterRef("pk"))
            .order_by()
            .values("participant")
            .annotate(v=Max("date"))
            .values("v")[:1]
        ),
        held_until=Subquery(
            LegalHold.objects.filter(
                participant=OuterRef("pk"), lifted_on__isnull=True, until__gte=today
            )
            .order_by()
            .values("participant")
            .annotate(v=Max("until"))
            .values("v")[:1]
        ),
    ).only("pk", "public_id", "district_id", "created_at", "restricted_at", "anonymised_at")


def _status(person, periods, grant_ends, done) -> PersonStatus:
    if person.first_entry is not None:
        reference = None if person.open_enrollment else person.last_exit
    else:
        reference = person.last_outreach or timezone.localtime(person.created_at).date()
    due_on = {}
    if reference is not None:
        due_on = {c: reference + dt.timedelta(days=periods[c]) for c in PARTICIPANT_CLASSES}
    return PersonStatus(
        participant_id=person.pk,
        public_id=str(person.public_id),
        reference_day=reference,
        audit_end=funding_audit_end(person.first_entry, person.last_exit, grant_ends),
        due_on=due_on,
        open_enrollment=person.open_enrollment,
        held_until=person.held_until,
        restricted=person.restricted_at is not None,
        done=frozenset(done),
    )


def person_status(participant: Participant, today: dt.date | None = None) -> PersonStatus:
    """The retention status of one participant (for the privacy page)."""
    today = today or timezone.localdate()
    person = _annotated(Participant.objects.filter(pk=participant.pk), today).get()
    periods = periods_for([participant.district_id])[participant.district_id]
    done = AnonymisationRecord.objects.filter(participant=participant).values_list(
        "data_class", flat=True
    )
    return _status(person, periods, grant_ends_by_year(participant.district_id), done)


@dataclass
class DistrictPlan:
    district_id: int
    ags: str
    name: str
    due: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    audit_entries_due: int = 0

    def counts(self) -> dict[str, int]:
        counts = {c: len(self.due.get(c, ())) for c in PARTICIPANT_CLASSES}
        counts[DataClass.AUDIT_LOG] = self.audit_entries_due
        return counts

    def as_dict(self) -> dict:
        return {
            "district": self.ags,
            "name": self.name,
            "counts": {str(k): v for k, v in self.counts().items()},
            "participants": {str(c): sorted(self.due.get(c, ())) for c in PARTICIPANT_CLASSES},
        }


def due_statuses(district: District, today: dt.date):
    """(PersonStatus, due classes) for every participant of the district with something due;
    streamed in chunks, with a fixed number of queries per chunk."""
    periods = periods_for([district.pk])[district.pk]
    shortest = min(periods[c] for c in PARTICIPANT_CLASSES)
    cutoff = today - dt.timedelta(days=shortest)
    candidates = _annotated(
        Participant.objects.filter(
            district=district, anonymised_at__isnull=True, restricted_at__isnull=True
        ),
        today,
    ).filter(
        Q(open_enrollment=False, held_until__isnull=True)
        & (
            Q(last_exit__lte=cutoff)
            | Q(first_entry__isnull=True, last_outreach__lte=cutoff)
            | Q(first_entry__isnull=True, last_outreach__isnull=True, created_at__date__lte=cutoff)
        )
    )
    grant_ends = grant_ends_by_year(district.pk)
    chunk: list = []
    for person in candidates.order_by("pk").iterator(chunk_size=CHUNK):
        chunk.append(person)
        if len(chunk) == CHUNK:
            yield from _chunk_due(chunk, periods, grant_ends, today)
            chunk = []
    if chunk:
        yield from _chunk_due(chunk, periods, grant_ends, today)


def _chunk_due(people, periods, grant_ends, today):
    done = defaultdict(set)
    for participant_id, data_class in AnonymisationRecord.objects.filter(
        participant_id__in=[p.pk for p in people]
    ).values_list("participant_id", "data_class"):
        done[participant_id].add(data_class)
    for person in people:
        status = _status(person, periods, grant_ends, done[person.pk])
        due = status.due(today)
        if due:
            yield status, due


def retention_plan(*, today: dt.date | None = None, districts=None) -> list[DistrictPlan]:
    """What the run would anonymise on `today`, per district and data class (public ids)."""
    today = today or timezone.localdate()
    districts = list(districts if districts is not None else District.objects.order_by("ags"))
    plans = []
    for district in districts:
        plan = DistrictPlan(district.pk, district.ags, district.name)
        for status, due in due_statuses(district, today):
            for data_class in due:
                plan.due[data_class].append(status.public_id)
        audit_days = periods_for([district.pk])[district.pk][DataClass.AUDIT_LOG]
        cutoff = timezone.now() - dt.timedelta(days=audit_days)
        plan.audit_entries_due = AuditEntry.objects.filter(
            district_id=district.pk, occurred_at__lt=cutoff
        ).count()
        plans.append(plan)
    return plans


def retention_run(*, today: dt.date | None = None, districts=None) -> list[DistrictPlan]:
    """Anonymise what is due, each person in a transaction of its own (so the audit chain's
    lock is held briefly); returns what was done, like the plan."""
    today = today or timezone.localdate()
    districts = list(districts if districts is not None else District.objects.order_by("ags"))
    plans = []
    for district in districts:
        plan = DistrictPlan(district.pk, district.ags, district.name)
        # Collected first: the run changes the rows the candidate query reads.
        work = list(due_statuses(district, today))
        for status, due in work:
            participant = Participant.objects.get(pk=status.participant_id)
            if DataClass.MASTER_DATA in due:
                done = participant_anonymise(
                    actor=None, participant=participant, reason=Cause.RETENTION
                )
            else:
                with transaction.atomic():
                    done = [
                        c
                        for c in due
                        if anonymise_data_class(
                            actor=None, participant=participant, data_class=c, cause=Cause.RETENTION
                        )
                    ]
            for data_class in done:
                plan.due[data_class].append(status.public_id)
        plans.append(plan)
    return plans
