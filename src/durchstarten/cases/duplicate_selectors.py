"""Reads for the duplicate pages: proposed pairs, one pair, merged records' old ids."""

from dataclasses import dataclass
from uuid import UUID

from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from durchstarten.cases.models import DuplicateSuggestion, Participant, ParticipantMerge
from durchstarten.cases.selectors import (
    get_participant_for_user,
    participant_list_for_user,
    search_by_name,
)
from durchstarten.cases.services.merge import moved_references
from durchstarten.core.models import User
from durchstarten.privacy.guards import listed_q


def duplicate_pair_list(
    user: User, *, district_id: int, query: str = "", min_score: float | None = None
) -> QuerySet[DuplicateSuggestion]:
    """Proposed pairs of the district whose records the user sees and lists may show."""
    visible = participant_list_for_user(user, district_id=district_id).filter(listed_q())
    pairs = DuplicateSuggestion.objects.filter(
        district_id=district_id, first__in=visible, second__in=visible
    )
    if query.strip():
        found = search_by_name(visible, query)
        pairs = pairs.filter(Q(first__in=found) | Q(second__in=found))
    if min_score is not None:
        pairs = pairs.filter(score__gte=min_score)
    return pairs.select_related("first", "second")


def last_checked(district_id: int):
    """When the district-wide check last ran (None: never, or it found nothing)."""
    return DuplicateSuggestion.objects.filter(district_id=district_id).aggregate(
        last=Max("computed_at")
    )["last"]


def get_pair_for_user(
    user: User, public_id: UUID, other_id: UUID
) -> tuple[Participant, Participant]:
    """Two different records the user sees, or 404 alike for either."""
    if public_id == other_id:
        raise Http404
    return get_participant_for_user(user, public_id), get_participant_for_user(user, other_id)


def merged_participant_for_user(user: User, public_id: UUID) -> Participant:
    """The record a merged (absorbed) record's public id now leads to, or 404 alike for an
    unknown id and for a kept record the user does not see."""
    merge = get_object_or_404(
        ParticipantMerge.objects.select_related("kept"), absorbed_public_id=public_id
    )
    return get_participant_for_user(user, merge.kept.public_id)


@dataclass(frozen=True)
class RelatedCount:
    label: str
    first: int
    second: int


def related_counts(first: Participant, second: Participant) -> list[RelatedCount]:
    """How many records of each kind refer to each of the two (what a merge would move);
    one query per kind."""
    rows = []
    for field in moved_references():
        model = field.model
        if model._meta.auto_created:
            continue
        counts = dict(
            model._base_manager.filter(**{f"{field.name}__in": [first.pk, second.pk]})
            .values_list(field.name)
            .annotate(n=Count("pk"))
            .order_by()
        )
        if counts:
            rows.append(
                RelatedCount(
                    str(model._meta.verbose_name_plural),
                    counts.get(first.pk, 0),
                    counts.get(second.pk, 0),
                )
            )
    return rows
