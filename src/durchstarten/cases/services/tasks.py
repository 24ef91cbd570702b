"""Follow-ups (Wiedervorlagen): manual ones and the automatic ones made by the daily job."""

import datetime as dt
from collections.abc import Iterator

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from durchstarten.cases.choices import Stage, TaskKind
from durchstarten.cases.models import Enrollment, Participant, ResidenceStatus, Task
from durchstarten.cases.rules import MAX_AGE, birthday
from durchstarten.cases.services._common import require_case_work
from durchstarten.core.audit import log_action
from durchstarten.core.models import Membership, User
from durchstarten.core.scoping import CASE_WORK_ROLES, require_role
from durchstarten.organisation.models import District
from durchstarten.privacy.guards import require_writable

STATUS_EXPIRY_DAYS = 30
AGE_LIMIT_DAYS = 60
NO_CONTACT_DAYS = 8 * 7
FOLLOW_UP_MONTHS = 6
BATCH = 2000


def _date(day: dt.date) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last_day in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last_day))
        except ValueError:
            continue
    raise AssertionError("unreachable")


@transaction.atomic
def task_create(
    *,
    actor: User,
    district: District,
    title: str,
    due_date: dt.date,
    assignee: User | None = None,
    participant: Participant | None = None,
) -> Task:
    require_role(actor, district.pk, CASE_WORK_ROLES)
    if participant is not None:
        require_case_work(actor, participant)
        if participant.district_id != district.pk:
            raise PermissionDenied
    if (
        assignee is not None
        and not Membership.objects.filter(
            user=assignee, district=district, role__in=CASE_WORK_ROLES
        ).exists()
    ):
        raise ValidationError(
            {"assignee": _("Die Person arbeitet nicht in diesem Kreis.")}, code="foreign_assignee"
        )
    task = Task(
        district=district,
        participant=participant,
        title=title,
        due_date=due_date,
        assignee=assignee or actor,
        created_by=actor,
    )
    task.full_clean(exclude=["participant", "district", "assignee"])
    task.save()
    log_action("cases.task.created", actor=actor, obj=task, district_id=district.pk)
    return task


@transaction.atomic
def task_complete(*, actor: User, task: Task) -> Task:
    require_role(actor, task.district_id, CASE_WORK_ROLES)
    if task.done_at is not None:
        raise ValidationError(_("Die Aufgabe ist bereits erledigt."), code="done")
    if task.participant_id is not None:
        require_writable(task.participant)
    task.done_at = timezone.now()
    task.done_by = actor
    task.save(update_fields=["done_at", "done_by"])
    log_action("cases.task.completed", actor=actor, obj=task, district_id=task.district_id)
    return task


# --- Automatic tasks -----------------------------------------------------------------------


def _status_expiry(today: dt.date) -> Iterator[Task]:
    horizon = today + dt.timedelta(days=STATUS_EXPIRY_DAYS)
    # A newer entry in the history supersedes the expiring one.
    superseded = ResidenceStatus.objects.filter(
        participant=OuterRef("participant"), valid_from__gt=OuterRef("valid_from")
    )
    expiring = (
        ResidenceStatus.objects.filter(
            valid_until__gte=today,
            valid_until__lte=horizon,
            participant__stage=Stage.ACTIVE,
        )
        .exclude(Exists(superseded))
        .select_related("participant")
        .order_by("participant_id")
    )
    for status in expiring.iterator(chunk_size=BATCH):
        participant = status.participant
        yield Task(
            district_id=participant.district_id,
            participant=participant,
            kind=TaskKind.STATUS_EXPIRY,
            title=_("Aufenthaltsstatus „%(kind)s“ läuft am %(day)s ab")
            % {"kind": status.get_kind_display(), "day": _date(status.valid_until)},
            due_date=max(today, status.valid_until - dt.timedelta(days=14)),
            assignee_id=participant.case_manager_id,
            auto_key=f"status_expiry:{status.pk}",
        )


def _age_limit(today: dt.date) -> Iterator[Task]:
    # People turning 27 in the coming 60 days were born in this window (a day of slack
    # either side covers 29 February); the exact birthday is checked below.
    earliest = birthday(today, -(MAX_AGE)) - dt.timedelta(days=1)
    latest = birthday(today + dt.timedelta(days=AGE_LIMIT_DAYS), -(MAX_AGE)) + dt.timedelta(days=1)
    candidates = Participant.objects.filter(
        stage=Stage.ACTIVE, date_of_birth__gte=earliest, date_of_birth__lte=latest
    ).only("pk", "district_id", "case_manager_id", "date_of_birth")
    for participant in candidates.iterator(chunk_size=BATCH):
        turns = birthday(participant.date_of_birth, MAX_AGE)
        if not today <= turns <= today + dt.timedelta(days=AGE_LIMIT_DAYS):
            continue
        yield Task(
            district_id=participant.district_id,
            participant=participant,
            kind=TaskKind.AGE_LIMIT,
            title=_("27. Geburtstag am %(day)s: Anschluss planen") % {"day": _date(turns)},
            due_date=max(today, turns - dt.timedelta(days=30)),
            assignee_id=participant.case_manager_id,
            auto_key=f"age_limit:{participant.pk}:{turns.isoformat()}",
        )


def _no_contact(today: dt.date) -> Iterator[Task]:
    cutoff = today - dt.timedelta(days=NO_CONTACT_DAYS)
    silent = (
        Participant.objects.filter(stage=Stage.ACTIVE)
        .filter(Q(last_contact_on__lt=cutoff) | Q(last_contact_on__isnull=True))
        .only("pk", "district_id", "case_manager_id", "last_contact_on")
    )
    entries = {}
    for participant in silent.iterator(chunk_size=BATCH):
        since = participant.last_contact_on
        if since is None:
            if not entries:
                entries = dict(
                    Enrollment.objects.filter(exit_date__isnull=True).values_list(
                        "participant_id", "entry_date"
                    )
                )
            since = entries.get(participant.pk)
            if since is None or since >= cutoff:
                continue
        yield Task(
            district_id=participant.district_id,
            participant=participant,
            kind=TaskKind.NO_CONTACT,
            title=_("Seit %(day)s kein Beratungskontakt") % {"day": _date(since)},
            due_date=today,
            assignee_id=participant.case_manager_id,
            auto_key=f"no_contact:{participant.pk}:{since.isoformat()}",
        )


def _exit_follow_up(today: dt.date) -> Iterator[Task]:
    # Follow-ups are created a month ahead so they show up under "upcoming".
    window_start = add_months(today, -FOLLOW_UP_MONTHS - 1)
    window_end = add_months(today + dt.timedelta(days=30), -FOLLOW_UP_MONTHS)
    exits = Enrollment.objects.filter(
        exit_date__gte=window_start, exit_date__lte=window_end
    ).select_related("participant")
    for enrollment in exits.iterator(chunk_size=BATCH):
        due = add_months(enrollment.exit_date, FOLLOW_UP_MONTHS)
        yield Task(
            district_id=enrollment.participant.district_id,
            participant_id=enrollment.participant_id,
            kind=TaskKind.EXIT_FOLLOW_UP,
            title=_("Nachbefragung zum Verbleib (Austritt am %(day)s)")
            % {"day": _date(enrollment.exit_date)},
            due_date=due,
            assignee_id=enrollment.case_manager_id,
            auto_key=f"exit_follow_up:{enrollment.pk}",
        )


def tasks_generate_automatic(*, today: dt.date | None = None) -> dict[str, int]:
    """Create the automatic follow-ups due on `today`. Running it again creates nothing new:
    each task carries a unique key of its cause."""
    today = today or timezone.localdate()
    created = {}
    for kind, source in (
        (TaskKind.STATUS_EXPIRY, _status_expiry),
        (TaskKind.AGE_LIMIT, _age_limit),
        (TaskKind.NO_CONTACT, _no_contact),
        (TaskKind.EXIT_FOLLOW_UP, _exit_follow_up),
    ):
        created[kind.value] = _insert_new(source(today))
    return created


def _insert_new(tasks: Iterator[Task]) -> int:
    count = 0
    batch: list[Task] = []

    def flush() -> int:
        keys = [task.auto_key for task in batch]
        existing = set(Task.objects.filter(auto_key__in=keys).values_list("auto_key", flat=True))
        new = [task for task in batch if task.auto_key not in existing]
        # ignore_conflicts covers a concurrent run between the look-up and the insert.
        Task.objects.bulk_create(new, ignore_conflicts=True)
        batch.clear()
        return len(new)

    for task in tasks:
        batch.append(task)
        if len(batch) >= BATCH:
            count += flush()
    if batch:
        count += flush()
    return count
