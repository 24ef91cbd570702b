"""Needs assessment and the case plan (goals and steps)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from durchstarten.cases.choices import OPEN_NEED_STATUSES
from durchstarten.cases.models import CaseGoal, CaseStep, Need, Participant
from durchstarten.cases.services._common import not_in_future, require_case_work
from durchstarten.core.audit import log_action
from durchstarten.core.models import User
from durchstarten.core.services import save_with_version


@transaction.atomic
def need_record(
    *,
    actor: User,
    participant: Participant,
    category: str,
    priority: str,
    identified_on: dt.date,
    description: str = "",
) -> Need:
    require_case_work(actor, participant)
    not_in_future("identified_on", identified_on)
    need = Need(
        participant=participant,
        category=category,
        priority=priority,
        identified_on=identified_on,
        description=description,
        recorded_by=actor,
    )
    need.full_clean()
    need.save()
    log_action("cases.need.recorded", actor=actor, obj=participant)
    return need


@transaction.atomic
def need_update(
    *, actor: User, need: Need, version: int, status: str, priority: str, description: str
) -> Need:
    """Change a need's state; closing it (met/dropped) stamps the day, reopening clears it."""
    require_case_work(actor, need.participant)
    need.status, need.priority, need.description = status, priority, description
    if status in OPEN_NEED_STATUSES:
        need.closed_on = None
    elif need.closed_on is None:
        need.closed_on = timezone.localdate()
    need.full_clean(exclude=["participant"])
    save_with_version(
        need, expected_version=version, fields=["status", "priority", "description", "closed_on"]
    )
    log_action("cases.need.changed", actor=actor, obj=need.participant)
    return need


@transaction.atomic
def goal_create(
    *,
    actor: User,
    participant: Participant,
    title: str,
    due_date: dt.date | None = None,
    need: Need | None = None,
) -> CaseGoal:
    require_case_work(actor, participant)
    if need is not None and need.participant_id != participant.pk:
        raise ValidationError(
            {"need": _("Der Bedarf gehört zu einer anderen Person.")}, code="foreign_need"
        )
    goal = CaseGoal(
        participant=participant, title=title, due_date=due_date, need=need, created_by=actor
    )
    goal.full_clean()
    goal.save()
    log_action("cases.goal.created", actor=actor, obj=participant)
    return goal


@transaction.atomic
def goal_set_status(*, actor: User, goal: CaseGoal, status: str) -> CaseGoal:
    require_case_work(actor, goal.participant)
    goal.status = status
    goal.full_clean(exclude=["participant", "need"])
    goal.save(update_fields=["status"])
    log_action("cases.goal.changed", actor=actor, obj=goal.participant, data={"status": status})
    return goal


@transaction.atomic
def step_add(
    *, actor: User, goal: CaseGoal, title: str, owner: str, due_date: dt.date | None = None
) -> CaseStep:
    require_case_work(actor, goal.participant)
    step = CaseStep(goal=goal, title=title, owner=owner, due_date=due_date)
    step.full_clean(exclude=["goal"])
    step.save()
    log_action("cases.step.created", actor=actor, obj=goal.participant)
    return step


@transaction.atomic
def step_complete(*, actor: User, step: CaseStep, done_on: dt.date | None = None) -> CaseStep:
    require_case_work(actor, step.goal.participant)
    if step.done_on is not None:
        raise ValidationError(_("Der Schritt ist bereits erledigt."), code="done")
    done_on = done_on or timezone.localdate()
    not_in_future("done_on", done_on)
    step.done_on = done_on
    step.save(update_fields=["done_on"])
    log_action("cases.step.completed", actor=actor, obj=step.goal.participant)
    return step
