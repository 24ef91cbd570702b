"""Steering-group meetings and their action items.

An action item is a cases.Task without a participant, made by the task service, so it shows
in the owner's "Meine Aufgaben". Owner, due date and completion are the task's; the action
item only links the task to its meeting. Completing it here or in the task list is the same
write (cases.services.tasks.task_complete).
"""

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from durchstarten.cases.services import tasks as task_services
from durchstarten.core.audit import log_action
from durchstarten.core.models import Role, User
from durchstarten.core.scoping import has_role, require_role
from durchstarten.core.services import save_with_version
from durchstarten.network.choices import MeetingFormat
from durchstarten.network.models import ActionItem, Meeting, Partner
from durchstarten.network.services._common import (
    MANAGING_ROLES,
    changed_fields,
    ids,
    same_district,
)
from durchstarten.organisation.models import District, Provider

MEETING_FIELDS = (
    "title",
    "date",
    "start_time",
    "end_time",
    "format",
    "place",
    "link",
    "other_attendees",
    "agenda",
    "minutes",
    "decisions",
)

PLACE_REQUIRED = _("Bitte geben Sie den Ort der Sitzung an.")
LINK_REQUIRED = _("Bitte geben Sie den Link zur Videokonferenz an.")
LINK_NOT_HTTPS = _("Der Link muss mit https:// beginnen.")
END_BEFORE_START = _("Das Ende darf nicht vor dem Beginn liegen.")
OPEN_ACTION_ITEMS = _(
    "Die Sitzung hat noch %(count)s offene Aufgabe(n). Bitte erledigen Sie diese zuerst; "
    "sonst verlören die Aufgaben in den Aufgabenlisten den Bezug zur Sitzung."
)
DUE_BEFORE_MEETING = _("Die Frist darf nicht vor dem Sitzungstag liegen.")
OWNER_NOT_IN_DISTRICT = _(
    "Die Person arbeitet nicht in diesem Kreis oder hat keine Aufgabenliste "
    "(Koordinierung, Teilhabemanagement oder Coaching)."
)
ALREADY_DONE = _("Die Aufgabe ist bereits erledigt.")
# The task title: the prefix tells the owner where the task comes from.
TASK_TITLE = _("Steuerungsgruppe %(date)s: %(text)s")


def _check(meeting: Meeting) -> None:
    errors = {}
    if meeting.format in (MeetingFormat.IN_PERSON, MeetingFormat.HYBRID) and not meeting.place:
        errors["place"] = PLACE_REQUIRED
    if meeting.format in (MeetingFormat.DIGITAL, MeetingFormat.HYBRID) and not meeting.link:
        errors["link"] = LINK_REQUIRED
    if meeting.link and not meeting.link.lower().startswith("https://"):
        errors["link"] = LINK_NOT_HTTPS
    if meeting.start_time and meeting.end_time and meeting.end_time < meeting.start_time:
        errors["end_time"] = END_BEFORE_START
    if errors:
        raise ValidationError(errors, code="invalid")


def _attendees(
    district_id: int, providers: Iterable[Provider], partners: Iterable[Partner]
) -> tuple[list[Provider], list[Partner]]:
    return (
        same_district("providers", district_id, providers),
        same_district("partners", district_id, partners),
    )


@transaction.atomic
def meeting_create(
    *,
    actor: User,
    district: District,
    title: str,
    date: dt.date,
    format: str,
    providers: Iterable[Provider] = (),
    partners: Iterable[Partner] = (),
    **fields,
) -> Meeting:
    require_role(actor, district.pk, MANAGING_ROLES)
    providers, partners = _attendees(district.pk, providers, partners)
    unknown = set(fields) - set(MEETING_FIELDS)
    if unknown:
        raise TypeError(f"unknown meeting fields: {sorted(unknown)}")
    meeting = Meeting(
        district=district, title=title, date=date, format=format, created_by=actor, **fields
    )
    _check(meeting)
    meeting.full_clean()
    meeting.save()
    meeting.providers.set(providers)
    meeting.partners.set(partners)
    log_action(
        "network.meeting.created",
        actor=actor,
        obj=meeting,
        data={"providers": ids(providers), "partners": ids(partners)},
    )
    return meeting


@transaction.atomic
def meeting_update(
    *,
    actor: User,
    meeting: Meeting,
    version: int,
    providers: Iterable[Provider],
    partners: Iterable[Partner],
    **fields,
) -> Meeting:
    require_role(actor, meeting.district_id, MANAGING_ROLES)
    providers, partners = _attendees(meeting.district_id, providers, partners)
    changed = changed_fields(meeting, MEETING_FIELDS, fields)
    _check(meeting)
    meeting.full_clean()
    save_with_version(meeting, expected_version=version, fields=changed)
    meeting.providers.set(providers)
    meeting.partners.set(partners)
    log_action(
        "network.meeting.changed",
        actor=actor,
        obj=meeting,
        data={"fields": changed, "providers": ids(providers), "partners": ids(partners)},
    )
    return meeting


@transaction.atomic
def meeting_delete(*, actor: User, meeting: Meeting) -> None:
    """Delete a meeting; refused while it has open action items (their tasks would lose
    the way back to the meeting)."""
    require_role(actor, meeting.district_id, MANAGING_ROLES)
    open_items = meeting.action_items.filter(task__done_at__isnull=True).count()
    if open_items:
        raise ValidationError(OPEN_ACTION_ITEMS % {"count": open_items}, code="open_items")
    log_action("network.meeting.deleted", actor=actor, obj=meeting)
    # The done tasks stay in their owners' history; only the link to the meeting goes.
    meeting.delete()


def task_title(meeting: Meeting, text: str) -> str:
    day = formats.date_format(meeting.date, "SHORT_DATE_FORMAT")
    return str(TASK_TITLE % {"date": day, "text": text})


@transaction.atomic
def action_item_create(
    *, actor: User, meeting: Meeting, text: str, owner: User, due_date: dt.date
) -> ActionItem:
    """Record an action item and put it as a task into the owner's task list."""
    require_role(actor, meeting.district_id, MANAGING_ROLES)
    if due_date < meeting.date:
        raise ValidationError({"due_date": DUE_BEFORE_MEETING}, code="due_before_meeting")
    item = ActionItem(meeting=meeting, text=text.strip())
    item.full_clean(exclude=["task"])
    try:
        task = task_services.task_create(
            actor=actor,
            district=meeting.district,
            title=task_title(meeting, item.text),
            due_date=due_date,
            assignee=owner,
        )
    except ValidationError as error:
        if hasattr(error, "error_dict") and "assignee" in error.error_dict:
            raise ValidationError({"owner": OWNER_NOT_IN_DISTRICT}, code="owner") from error
        raise
    item.task = task
    item.save()
    log_action(
        "network.action_item.created",
        actor=actor,
        obj=item,
        district_id=meeting.district_id,
        data={"meeting": str(meeting.public_id), "task": task.pk},
    )
    return item


def may_complete(user: User, item: ActionItem) -> bool:
    """The district's coordinators and the item's owner may mark it done."""
    district_id = item.meeting.district_id
    if has_role(user, district_id, {Role.COORDINATOR}):
        return True
    return item.task.assignee_id == user.pk and has_role(user, district_id, {Role.CASE_MANAGER})


@transaction.atomic
def action_item_complete(*, actor: User, item: ActionItem) -> ActionItem:
    """Mark the item done: completes its task, the one record of its state."""
    if not may_complete(actor, item):
        raise PermissionDenied
    if item.is_done:
        raise ValidationError(ALREADY_DONE, code="done")
    task_services.task_complete(actor=actor, task=item.task)
    log_action(
        "network.action_item.completed",
        actor=actor,
        obj=item,
        district_id=item.meeting.district_id,
        data={"task": item.task_id},
    )
    return item
