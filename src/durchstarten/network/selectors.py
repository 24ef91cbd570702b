"""Reads of the network area, always narrowed by the scoping layer.

`core.scoping.scope_organisation` gives the districts a user works in; `_for_roles` narrows
that further to the districts where the user holds one of the roles that may read the kind
of record (minutes and documents are for the coordinating office and case management only).
"""

import datetime as dt
from collections.abc import Collection
from uuid import UUID

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from durchstarten.core.models import Role, User
from durchstarten.core.scoping import access_for, scope_organisation
from durchstarten.network.models import (
    ActionItem,
    Document,
    DocumentVersion,
    Meeting,
    NetworkActivity,
    Partner,
    PartnerContact,
)
from durchstarten.offers.choices import OfferKind
from durchstarten.offers.models import Offer
from durchstarten.organisation.models import District, Municipality

MEETING_READERS = frozenset({Role.COORDINATOR, Role.CASE_MANAGER})
DOCUMENT_READERS = MEETING_READERS
ACTIVITY_READERS = MEETING_READERS
PARTNER_READERS = frozenset({Role.COORDINATOR, Role.CASE_MANAGER, Role.COACH})


def _for_roles(
    queryset: QuerySet, user: User, roles: Collection[str], *, district_field: str = "district"
) -> QuerySet:
    queryset = scope_organisation(queryset, user, district_field=district_field)
    access = access_for(user)
    districts = [d for d, held in access.district_roles.items() if held & set(roles)]
    return queryset.filter(**{f"{district_field}__in": districts})


def _in_district(queryset: QuerySet, district_id: int | None, field: str = "district"):
    return queryset if district_id is None else queryset.filter(**{f"{field}_id": district_id})


# --- Partners -------------------------------------------------------------------------------


def partner_list_for_user(user: User, *, district_id: int | None = None) -> QuerySet[Partner]:
    qs = _for_roles(Partner.objects.all(), user, PARTNER_READERS)
    return _in_district(qs, district_id)


def get_partner_for_user(user: User, public_id: UUID) -> Partner:
    return get_object_or_404(partner_list_for_user(user), public_id=public_id)


def partner_directory(user: User, *, district_id: int) -> QuerySet[Partner]:
    """The partner list with what each row shows: municipalities and the number of contacts."""
    return (
        partner_list_for_user(user, district_id=district_id)
        .annotate(contact_count=Count("contacts", distinct=True))
        .prefetch_related(
            Prefetch("municipalities", queryset=Municipality.objects.order_by("name"))
        )
    )


def partner_with_details(partner: Partner) -> Partner:
    """Loads contacts, municipalities and offers of one partner (already fetched for the user)."""
    return (
        Partner.objects.filter(pk=partner.pk)
        .prefetch_related(
            Prefetch("contacts", queryset=PartnerContact.objects.order_by("name", "pk")),
            Prefetch("municipalities", queryset=Municipality.objects.order_by("name")),
            Prefetch("specialist_offers", queryset=Offer.objects.order_by("title")),
        )
        .get()
    )


def get_partner_contact_for_user(user: User, public_id: UUID) -> PartnerContact:
    qs = _for_roles(
        PartnerContact.objects.select_related("partner"),
        user,
        PARTNER_READERS,
        district_field="partner__district",
    )
    return get_object_or_404(qs, public_id=public_id)


def specialist_offer_choices(user: User, *, district: District) -> QuerySet[Offer]:
    """Specialist services (Fachstellen) of the district a partner can be linked to."""
    from durchstarten.offers.selectors import offer_list_for_user

    return (
        offer_list_for_user(user, district_id=district.pk)
        .filter(kind=OfferKind.SPECIALIST)
        .order_by("title", "pk")
    )


# --- Steering group -------------------------------------------------------------------------


def meeting_list_for_user(user: User, *, district_id: int | None = None) -> QuerySet[Meeting]:
    qs = _for_roles(Meeting.objects.all(), user, MEETING_READERS)
    return _in_district(qs, district_id)


def meeting_overview(user: User, *, district_id: int) -> QuerySet[Meeting]:
    """The meetings list: each with the number of action items and of open ones."""
    return meeting_list_for_user(user, district_id=district_id).annotate(
        action_count=Count("action_items", distinct=True),
        open_action_count=Count(
            "action_items", filter=Q(action_items__task__done_at__isnull=True), distinct=True
        ),
    )


def get_meeting_for_user(user: User, public_id: UUID) -> Meeting:
    return get_object_or_404(meeting_list_for_user(user), public_id=public_id)


def meeting_with_details(meeting: Meeting) -> Meeting:
    """Attendees and action items (with task and owner) of one meeting, in few queries."""
    return (
        Meeting.objects.filter(pk=meeting.pk)
        .prefetch_related(
            "providers",
            "partners",
            Prefetch(
                "action_items",
                queryset=ActionItem.objects.select_related(
                    "task__assignee", "task__done_by"
                ).order_by("task__due_date", "pk"),
            ),
        )
        .get()
    )


def get_action_item_for_user(user: User, public_id: UUID) -> ActionItem:
    qs = _for_roles(
        ActionItem.objects.select_related("meeting", "task"),
        user,
        MEETING_READERS,
        district_field="meeting__district",
    )
    return get_object_or_404(qs, public_id=public_id)


def action_item_owner_choices(user: User, *, district: District) -> QuerySet[User]:
    """Who can own an action item: people doing case work in the district (their task list)."""
    from durchstarten.cases.selectors import task_assignee_list_for_user

    return task_assignee_list_for_user(user, district=district)


def open_action_items_of(meeting: Meeting) -> QuerySet[ActionItem]:
    return meeting.action_items.filter(task__done_at__isnull=True)


# --- Documents ------------------------------------------------------------------------------


def document_list_for_user(user: User, *, district_id: int | None = None) -> QuerySet[Document]:
    qs = _for_roles(Document.objects.all(), user, DOCUMENT_READERS)
    return _in_district(qs, district_id)


def document_library(user: User, *, district_id: int) -> QuerySet[Document]:
    """Documents with their latest version's number, date and id, in one query."""
    latest = DocumentVersion.objects.filter(document=OuterRef("pk")).order_by("-number")
    return document_list_for_user(user, district_id=district_id).annotate(
        latest_number=Subquery(latest.values("number")[:1]),
        latest_uploaded_at=Subquery(latest.values("uploaded_at")[:1]),
        latest_public_id=Subquery(latest.values("public_id")[:1]),
        latest_file_type=Subquery(latest.values("file_type")[:1]),
        latest_size=Subquery(latest.values("size")[:1]),
    )


def get_document_for_user(user: User, public_id: UUID) -> Document:
    return get_object_or_404(document_list_for_user(user), public_id=public_id)


def version_list_for_document(document: Document) -> QuerySet[DocumentVersion]:
    return document.versions.select_related("uploaded_by").order_by("-number")


def get_version_for_user(user: User, public_id: UUID) -> DocumentVersion:
    qs = _for_roles(
        DocumentVersion.objects.select_related("document"),
        user,
        DOCUMENT_READERS,
        district_field="document__district",
    )
    return get_object_or_404(qs, public_id=public_id)


# --- Network activities ---------------------------------------------------------------------


def activity_list_for_user(
    user: User, *, district_id: int | None = None
) -> QuerySet[NetworkActivity]:
    qs = _for_roles(
        NetworkActivity.objects.select_related("municipality", "recorded_by"),
        user,
        ACTIVITY_READERS,
    )
    return _in_district(qs, district_id)


def get_activity_for_user(user: User, public_id: UUID) -> NetworkActivity:
    return get_object_or_404(activity_list_for_user(user), public_id=public_id)


def activity_counts(activities: QuerySet[NetworkActivity]) -> dict[tuple[int | None, str], int]:
    """{(municipality id or None, kind): number} of the given (filtered) activities."""
    rows = (
        activities.order_by()
        .values("municipality_id", "kind")
        .annotate(n=Count("pk"))
        .values_list("municipality_id", "kind", "n")
    )
    return {(municipality, kind): n for municipality, kind, n in rows}


def default_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """The calendar year up to today: what the activity counts show without a choice."""
    return dt.date(today.year, 1, 1), today
