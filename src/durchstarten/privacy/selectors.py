"""Reads of the privacy area: only a district's coordinators, always through core.scoping."""

from uuid import UUID

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from durchstarten.cases.models import Participant
from durchstarten.core.models import Role, User
from durchstarten.core.scoping import access_for, scope_participants
from durchstarten.privacy.models import LegalHold, PrivacyRequest, RetentionPolicy


def _coordinated_districts(user: User) -> list[int]:
    access = access_for(user)
    return [d for d, roles in access.district_roles.items() if Role.COORDINATOR in roles]


def participant_list_for_coordinator(user: User, *, district_id: int) -> QuerySet[Participant]:
    """Every participant of a district the user coordinates, restricted ones included (the
    coordinator's view of restricted records); anonymised ones too, for their history."""
    if district_id not in _coordinated_districts(user):
        return Participant.objects.none()
    return scope_participants(Participant.objects.filter(district_id=district_id), user)


def get_participant_for_coordinator(user: User, public_id: UUID, *, district_id: int):
    """One participant of the district the coordinator acts in, or 404 alike for others."""
    return get_object_or_404(
        participant_list_for_coordinator(user, district_id=district_id).select_related(
            "district", "municipality"
        ),
        public_id=public_id,
    )


def restricted_list(user: User, *, district_id: int) -> QuerySet[Participant]:
    return participant_list_for_coordinator(user, district_id=district_id).filter(
        restricted_at__isnull=False, anonymised_at__isnull=True
    )


def request_list(user: User, *, district_id: int) -> QuerySet[PrivacyRequest]:
    people = participant_list_for_coordinator(user, district_id=district_id)
    return PrivacyRequest.objects.filter(participant__in=people).select_related("participant")


def get_request_for_user(user: User, public_id: UUID, *, district_id: int) -> PrivacyRequest:
    return get_object_or_404(request_list(user, district_id=district_id), public_id=public_id)


def hold_list(user: User, *, district_id: int) -> QuerySet[LegalHold]:
    people = participant_list_for_coordinator(user, district_id=district_id)
    return LegalHold.objects.filter(participant__in=people).select_related("participant")


def get_hold_for_user(user: User, public_id: UUID, *, district_id: int) -> LegalHold:
    return get_object_or_404(hold_list(user, district_id=district_id), public_id=public_id)


def policy_list(user: User, *, district_id: int) -> dict[str, RetentionPolicy]:
    if district_id not in _coordinated_districts(user):
        return {}
    return {p.data_class: p for p in RetentionPolicy.objects.filter(district_id=district_id)}
