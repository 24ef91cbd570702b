"""Reads for the exports and the calendar feed. Every queryset comes from the list's own
selector (or core.scoping), so an export holds exactly the rows its list shows."""

import datetime as dt

from django.db.models import ExpressionWrapper, F, IntegerField, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from durchstarten.cases import selectors as case_selectors
from durchstarten.cases.models import Task
from durchstarten.core.models import Membership, User
from durchstarten.core.scoping import access_for, participants_q, referrals_q
from durchstarten.exports.models import CalendarFeed
from durchstarten.imports.columns import (
    OFFER_PREFETCH,
    OFFER_SELECT,
    PARTICIPANT_PREFETCH,
    PARTICIPANT_SELECT,
)
from durchstarten.offers import selectors as offer_selectors
from durchstarten.offers.choices import ReferralState
from durchstarten.offers.models import Referral

# The task list shows what is overdue and what is due in the next 14 days.
TASK_LIST_DAYS = 14
# Sorts offers without a limit after every limited one (as the offer directory does).
UNLIMITED = 1_000_000
# The calendar shows referral starts from a month back to a year ahead.
CALENDAR_PAST = dt.timedelta(days=31)
CALENDAR_AHEAD = dt.timedelta(days=366)


def participant_rows(
    user: User, *, district_id: int, filters: case_selectors.CaseFilters
) -> QuerySet:
    """The case list's rows, with what the participant columns read from related records."""
    return (
        case_selectors.case_list(user, district_id=district_id, filters=filters)
        .select_related(*PARTICIPANT_SELECT)
        .prefetch_related(*PARTICIPANT_PREFETCH)
    )


def offer_directory(user: User, *, district_id: int) -> QuerySet:
    """The offer directory before its filters, annotated as its filter form expects."""
    offers = offer_selectors.with_free_places(
        offer_selectors.offer_list_for_user(user, district_id=district_id)
    )
    return offers.annotate(
        free_sort=Coalesce(
            ExpressionWrapper(F("capacity") - F("places_taken"), output_field=IntegerField()),
            Value(UNLIMITED),
        )
    )


def offer_rows(filtered: QuerySet) -> QuerySet:
    return filtered.select_related(*OFFER_SELECT).prefetch_related(*OFFER_PREFETCH)


def task_rows(user: User, *, district_id: int, day: dt.date | None = None) -> QuerySet[Task]:
    """The rows of the user's task list: open tasks overdue or due within 14 days, in one
    query (cases.selectors.my_tasks gives the same rows as two lists)."""
    day = day or timezone.localdate()
    return (
        case_selectors.open_task_list_for_user(user, district_id=district_id)
        .filter(due_date__lte=day + dt.timedelta(days=TASK_LIST_DAYS))
        .order_by("due_date", "pk")
    )


# --- Export permission ------------------------------------------------------------------------


def export_district_ids(user: User) -> frozenset[int]:
    """Districts in which one of the user's memberships may export."""
    return frozenset(
        Membership.objects.filter(user=user, can_export=True, district__isnull=False).values_list(
            "district_id", flat=True
        )
    )


# --- Calendar feed ------------------------------------------------------------------------------


def get_feed_for_user(user: User) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user).first()


def get_feed_by_token_hash(token_hash: str) -> CalendarFeed | None:
    """The feed of an active user with this token hash, or None."""
    return (
        CalendarFeed.objects.filter(token_hash=token_hash, user__is_active=True)
        .select_related("user")
        .first()
    )


def calendar_tasks(user: User, *, day: dt.date | None = None) -> QuerySet[Task]:
    """The user's open tasks in their districts, of persons they may see on the day."""
    day = day or timezone.localdate()
    districts = access_for(user).district_ids
    return (
        Task.objects.filter(assignee=user, done_at__isnull=True, district_id__in=districts)
        .filter(Q(participant__isnull=True) | participants_q(user, prefix="participant__", day=day))
        .select_related("participant")
        .only(
            "pk",
            "district_id",
            "title",
            "due_date",
            "created_at",
            "participant__public_id",
            "participant__given_names",
            "participant__family_name",
        )
        .order_by("due_date", "pk")
    )


def calendar_referrals(user: User, *, day: dt.date | None = None) -> QuerySet[Referral]:
    """Referrals in the user's reach that start (a place accepted: the offer's start; started:
    the actual start) from a month ago to a year ahead."""
    day = day or timezone.localdate()
    window = (day - CALENDAR_PAST, day + CALENDAR_AHEAD)
    starts = Q(state=ReferralState.ACCEPTED, offer__start_date__range=window) | Q(
        state=ReferralState.STARTED, started_on__range=window
    )
    return (
        Referral.objects.filter(referrals_q(user, day=day))
        .filter(starts)
        .select_related("participant", "offer")
        .only(
            "pk",
            "district_id",
            "state",
            "proposed_on",
            "started_on",
            "participant__public_id",
            "participant__given_names",
            "participant__family_name",
            "offer__title",
            "offer__start_date",
        )
        .order_by("pk")
    )
