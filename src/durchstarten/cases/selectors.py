"""Reads of case work data. Every queryset goes through core.scoping first."""

import datetime as dt
import re
from dataclasses import dataclass, replace
from uuid import UUID

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.shortcuts import get_object_or_404
from django.utils import timezone

from durchstarten.cases import names
from durchstarten.cases.choices import DULDUNG_KINDS, OPEN_NEED_STATUSES, ResidenceStatusKind
from durchstarten.cases.choices import TargetGroup as TG
from durchstarten.cases.models import (
    CaseGoal,
    CaseStep,
    Consent,
    Contact,
    Enrollment,
    Need,
    Participant,
    ParticipantNameKey,
    ResidenceStatus,
    Task,
)
from durchstarten.cases.rules import MAX_AGE, MIN_AGE, target_group_on, years_before
from durchstarten.core.lists import KeysetPage, SortColumn, keyset_order, keyset_paginate
from durchstarten.core.models import Membership, Role, User
from durchstarten.core.scoping import (
    CASE_WORK_ROLES,
    access_for,
    can_read_notes,
    scope_organisation,
    scope_participants,
)
from durchstarten.offers.models import ReferralTransition
from durchstarten.organisation.models import District
from durchstarten.organisation.selectors import staff_list_for_user
from durchstarten.privacy.guards import listed_q

_SORT_COLUMNS = {
    "name": (SortColumn("family_name"), SortColumn("given_names")),
    "birth": (SortColumn("date_of_birth", nullable=True),),
    "contact": (SortColumn("last_contact_on", nullable=True),),
    "created": (SortColumn("created_at"),),
}
# sort key -> (columns, descending); the pk breaks ties. People without a date count as later
# than any date (core.lists.SortColumn). Participant.Meta.indexes holds one partial index per
# sort (participant_list_*), so that every page, however deep, is an index seek.
SORTS = {
    **{key: (columns, False) for key, columns in _SORT_COLUMNS.items()},
    **{f"-{key}": (columns, True) for key, columns in _SORT_COLUMNS.items()},
}
_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
# A search counts its matches up to here (see case_page); a search with more needs narrowing.
SEARCH_COUNT_CAP = 1_000


def participant_list_for_user(
    user: User, *, district_id: int | None = None
) -> QuerySet[Participant]:
    qs = scope_participants(Participant.objects.all(), user)
    return qs.filter(district_id=district_id) if district_id is not None else qs


def get_participant_for_user(user: User, public_id: UUID) -> Participant:
    """One participant, or 404 alike for "does not exist" and "not yours"."""
    return get_object_or_404(
        participant_list_for_user(user).select_related(
            "municipality", "case_manager", "coach", "coaching_provider", "district"
        ),
        public_id=public_id,
    )


def current_status_kind(day: dt.date) -> Subquery:
    return Subquery(
        ResidenceStatus.objects.filter(participant=OuterRef("pk"), valid_from__lte=day)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
        .order_by("-valid_from", "-id")
        .values("kind")[:1],
        output_field=CharField(),
    )


def with_target_group(qs: QuerySet[Participant], day: dt.date) -> QuerySet[Participant]:
    """Annotate `status_kind` and `target_group` on the day, computed in the database with
    the same rule as cases.rules.target_group_on."""
    in_age = Q(date_of_birth__lte=years_before(day, MIN_AGE)) & Q(
        date_of_birth__gt=years_before(day, MAX_AGE + 1)
    )
    return qs.annotate(status_kind=current_status_kind(day)).annotate(
        target_group=Case(
            When(date_of_birth__isnull=True, then=Value(TG.UNDETERMINED)),
            When(~in_age, then=Value(TG.NOT_ELIGIBLE)),
            When(status_kind__isnull=True, then=Value(TG.UNDETERMINED)),
            When(status_kind__in=[k.value for k in DULDUNG_KINDS], then=Value(TG.PRIMARY)),
            When(status_kind=ResidenceStatusKind.GESTATTUNG, then=Value(TG.SECONDARY)),
            default=Value(TG.OTHER_NEED),
            output_field=CharField(),
        )
    )


def search_by_name(qs: QuerySet[Participant], query: str) -> QuerySet[Participant]:
    """Every word of the query must match one of the person's names, spelling-tolerantly."""
    for token in names.tokens(query):
        keys = names.query_keys(token)
        if not keys:
            continue
        condition = Q()
        for key in keys:
            condition |= Q(key__startswith=key)
        qs = qs.filter(
            Exists(ParticipantNameKey.objects.filter(condition, participant=OuterRef("pk")))
        )
    return qs


@dataclass(frozen=True)
class CaseFilters:
    query: str = ""
    stage: str = ""
    target_group: str = ""
    municipality_id: int | None = None
    case_manager_id: int | None = None
    open_needs: bool = False
    task_overdue: bool = False
    sort: str = "name"


def case_list(user: User, *, district_id: int, filters: CaseFilters, day: dt.date | None = None):
    """The case list: scoped, filtered, sorted; one query per page whatever its length."""
    day = day or timezone.localdate()
    # Restricted (Art. 18) and anonymised people leave the lists and searches.
    qs = participant_list_for_user(user, district_id=district_id).filter(listed_q())
    query = filters.query.strip()
    if match := _DATE.match(query):
        day_, month, year = (int(part) for part in match.groups())
        try:
            qs = qs.filter(date_of_birth=dt.date(year, month, day_))
        except ValueError:
            qs = qs.none()
    elif query:
        qs = search_by_name(qs, query)
    if filters.stage:
        qs = qs.filter(stage=filters.stage)
    if filters.municipality_id:
        qs = qs.filter(municipality_id=filters.municipality_id)
    if filters.case_manager_id:
        qs = qs.filter(case_manager_id=filters.case_manager_id)
    open_needs = Need.objects.filter(participant=OuterRef("pk"), status__in=OPEN_NEED_STATUSES)
    if filters.open_needs:
        qs = qs.filter(Exists(open_needs))
    if filters.task_overdue:
        qs = qs.filter(
            Exists(
                Task.objects.filter(
                    participant=OuterRef("pk"), done_at__isnull=True, due_date__lt=day
                )
            )
        )
    qs = with_target_group(qs, day)
    if filters.target_group:
        qs = qs.filter(target_group=filters.target_group)
    qs = qs.annotate(
        open_need_count=Subquery(
            open_needs.order_by().values("participant").annotate(n=Count("pk")).values("n")[:1]
        )
    )
    columns, descending = SORTS.get(filters.sort, SORTS["name"])
    return qs.select_related("municipality", "case_manager").order_by(
        *keyset_order(columns, descending=descending)
    )


def case_page(
    user: User, *, district_id: int, filters: CaseFilters, cursor: str = ""
) -> KeysetPage:
    """One page of the case list, reached by keyset (see core.lists): as fast deep in the list
    as at its start, with a count that stops at COUNT_CAP (SEARCH_COUNT_CAP for a search);
    2–3 queries whatever the page."""
    columns, descending = SORTS.get(filters.sort, SORTS["name"])
    cases = case_list(user, district_id=district_id, filters=filters)
    counted = None
    if filters.query.strip():
        # A search matches few people, often all near one letter ("Rahimi"): PostgreSQL would
        # walk the name index from "A" and test every person until 26 match (a second at
        # 100,000 people). So the matches' ids are read first, at most SEARCH_COUNT_CAP + 1
        # (which also counts them), and the page is sorted from those. More matches than that
        # are dense enough for the walk; the count then says "mehr als 1.000".
        ids = list(cases.order_by().values_list("pk", flat=True)[: SEARCH_COUNT_CAP + 1])
        counted = (min(len(ids), SEARCH_COUNT_CAP), len(ids) > SEARCH_COUNT_CAP)
        if not counted[1]:
            unsearched = case_list(
                user, district_id=district_id, filters=replace(filters, query="")
            )
            cases = unsearched.filter(pk__in=ids)
    return keyset_paginate(cases, columns, descending=descending, cursor=cursor, counted=counted)


# --- The participant page ------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEvent:
    day: dt.date
    kind: str
    title: str
    detail: str = ""
    obj: object = None


def participant_timeline(
    participant: Participant, *, loaded: dict | None = None
) -> list[TimelineEvent]:
    """Everything that happened, newest first; one query per kind of record. ``loaded`` holds
    the records the caller has read already (participant_detail), so they are not read twice."""
    loaded = loaded or {}
    events: list[TimelineEvent] = []
    for item in participant.outreaches.all():
        events.append(
            TimelineEvent(
                item.date, "outreach", item.get_result_display(), item.get_channel_display(), item
            )
        )
    for item in loaded.get("consents", participant.consents.select_related("provider")):
        events.append(
            TimelineEvent(
                item.given_on, "consent", item.get_purpose_display(), str(item.provider or ""), item
            )
        )
        if item.withdrawn_on:
            events.append(
                TimelineEvent(
                    item.withdrawn_on,
                    "consent_withdrawn",
                    item.get_purpose_display(),
                    str(item.provider or ""),
                    item,
                )
            )
    for item in loaded.get("statuses", participant.residence_statuses.all()):
        events.append(
            TimelineEvent(
                item.valid_from, "status", item.get_kind_display(), item.document_note, item
            )
        )
    for item in loaded.get("enrollments", participant.enrollments.select_related("case_manager")):
        events.append(TimelineEvent(item.entry_date, "entry", "", str(item.case_manager), item))
        if item.exit_date:
            events.append(
                TimelineEvent(item.exit_date, "exit", item.get_exit_reason_display(), "", item)
            )
    for item in loaded.get("needs", participant.needs.all()):
        events.append(
            TimelineEvent(
                item.identified_on,
                "need",
                item.get_category_display(),
                item.get_status_display(),
                item,
            )
        )
    for item in loaded.get("contacts", participant.contacts.select_related("author")):
        events.append(
            TimelineEvent(
                item.date, "contact", item.get_channel_display(), f"{item.duration_minutes}", item
            )
        )
    for item in ReferralTransition.objects.filter(referral__participant=participant).select_related(
        "referral__offer"
    ):
        events.append(
            TimelineEvent(
                item.on, "referral", item.referral.offer.title, item.get_to_state_display(), item
            )
        )
    for item in participant.outcomes.all():
        events.append(TimelineEvent(item.start_date, "outcome", item.get_kind_display(), "", item))
    for item in participant.tasks.filter(done_at__isnull=False):
        events.append(
            TimelineEvent(timezone.localdate(item.done_at), "task_done", item.title, "", item)
        )
    events.sort(key=lambda event: event.day, reverse=True)
    return events


def participant_detail(user: User, participant: Participant, *, day: dt.date | None = None) -> dict:
    """What the participant page shows; counselling notes only for entitled staff."""
    day = day or timezone.localdate()
    statuses = list(participant.residence_statuses.all())
    records = {
        "statuses": statuses,
        "consents": list(participant.consents.select_related("provider")),
        "enrollments": list(
            participant.enrollments.select_related("case_manager", "coach", "coaching_provider")
        ),
        "needs": list(participant.needs.all()),
        "contacts": list(Contact.objects.filter(participant=participant).select_related("author")),
    }
    return {
        "target_group": target_group_on(
            date_of_birth=participant.date_of_birth, statuses=statuses, day=day
        ),
        **records,
        "goals": list(CaseGoal.objects.filter(participant=participant).prefetch_related("steps")),
        "open_tasks": list(
            participant.tasks.filter(done_at__isnull=True).select_related("assignee")
        ),
        "timeline": participant_timeline(participant, loaded=records),
        "can_read_notes": can_read_notes(user, participant),
    }


# --- Tasks ---------------------------------------------------------------------------------


def my_tasks(user: User, *, district_id: int, day: dt.date | None = None) -> dict[str, list[Task]]:
    """Open tasks of the user in the district: overdue and upcoming (next 14 days)."""
    day = day or timezone.localdate()
    tasks = open_task_list_for_user(user, district_id=district_id).order_by("due_date", "pk")
    overdue = list(tasks.filter(due_date__lt=day))
    upcoming = list(tasks.filter(due_date__gte=day, due_date__lte=day + dt.timedelta(days=14)))
    return {"overdue": overdue, "upcoming": upcoming}


def get_task_for_user(user: User, public_id: UUID) -> Task:
    visible = participant_list_for_user(user)
    districts = access_for(user).district_ids
    return get_object_or_404(
        Task.objects.filter(district_id__in=districts).filter(
            Q(participant__isnull=True, assignee=user) | Q(participant__in=visible)
        ),
        public_id=public_id,
    )


# --- Case work records of one participant ----------------------------------------------------
# The participant comes from get_participant_for_user, so these only narrow to its records and
# answer 404 alike for another participant's record and for one that does not exist.


def get_need_for_participant(participant: Participant, public_id: UUID) -> Need:
    return get_object_or_404(Need.objects.filter(participant=participant), public_id=public_id)


def get_goal_for_participant(participant: Participant, public_id: UUID) -> CaseGoal:
    return get_object_or_404(CaseGoal.objects.filter(participant=participant), public_id=public_id)


def get_step_for_participant(participant: Participant, public_id: UUID) -> CaseStep:
    return get_object_or_404(
        CaseStep.objects.filter(goal__participant=participant).select_related("goal"),
        public_id=public_id,
    )


def get_contact_for_participant(participant: Participant, public_id: UUID) -> Contact:
    return get_object_or_404(
        Contact.objects.filter(participant=participant).select_related("author"),
        public_id=public_id,
    )


def need_choices_for_participant(participant: Participant) -> QuerySet[Need]:
    """The participant's needs a goal may be linked to."""
    return Need.objects.filter(participant=participant)


def task_assignee_list_for_user(user: User, *, district: District) -> QuerySet[User]:
    """Staff of the district who do case work and may be given a task."""
    return (
        staff_list_for_user(user, district=district)
        .filter(memberships__district=district, memberships__role__in=CASE_WORK_ROLES)
        .distinct()
    )


# --- Choices and single records for the participant page -----------------------------------


def case_manager_choices(user: User, *, district_id: int) -> QuerySet[User]:
    """People who may be responsible for a case: the district's case managers and coordinators."""
    memberships = scope_organisation(
        Membership.objects.filter(
            district_id=district_id, role__in=[Role.CASE_MANAGER, Role.COORDINATOR]
        ),
        user,
    )
    return User.objects.filter(pk__in=memberships.values("user_id")).order_by(
        "last_name", "first_name", "username"
    )


def coach_choices(user: User, *, district_id: int) -> QuerySet[User]:
    """Coaches of the district's providers."""
    memberships = scope_organisation(
        Membership.objects.filter(district_id=district_id, role=Role.COACH), user
    )
    return User.objects.filter(pk__in=memberships.values("user_id")).order_by(
        "last_name", "first_name", "username"
    )


def get_consent_for_participant(participant: Participant, public_id: UUID) -> Consent:
    """A consent of a participant the caller already got through get_participant_for_user."""
    return get_object_or_404(participant.consents.all(), public_id=public_id)


def open_enrollment(participant: Participant) -> Enrollment | None:
    """The participant's current stay in the programme (at most one is open)."""
    return participant.enrollments.filter(exit_date__isnull=True).first()


# --- Reads of the REST API (durchstarten.api) ----------------------------------------------


def open_task_list_for_user(user: User, *, district_id: int | None = None) -> QuerySet[Task]:
    """The user's open tasks in every district they work in (or in one): tasks without a
    person, and tasks of persons the user still sees in lists (not restricted or anonymised).
    The one definition behind "Meine Aufgaben", its export and the API."""
    districts = access_for(user).district_ids
    visible = participant_list_for_user(user).filter(listed_q())
    qs = (
        Task.objects.filter(assignee=user, district_id__in=districts, done_at__isnull=True)
        .filter(Q(participant__isnull=True) | Q(participant__in=visible))
        .select_related("district", "participant", "assignee")
    )
    return qs.filter(district_id=district_id) if district_id is not None else qs


def get_enrollment_for_participant(participant: Participant, public_id: UUID) -> Enrollment:
    return get_object_or_404(
        participant.enrollments.select_related("case_manager", "coaching_provider", "coach"),
        public_id=public_id,
    )
