"""Reads of provider-selection data, always narrowed by the scoping layer.

Calls hold no personal data of participants, but bids and scores are confidential within
the coordinating office: only coordinators reach them (the views require the role; the
selectors narrow to the user's districts like every other organisation record).
"""

from dataclasses import dataclass
from uuid import UUID

from django.db.models import Count, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from durchstarten.core.models import Membership, Role, User
from durchstarten.core.scoping import scope_organisation
from durchstarten.organisation.models import District, Municipality
from durchstarten.selection.models import Award, Bid, Call, Criterion, Score
from durchstarten.selection.scoring import BidResult, ScoreEntry, rank_bids

_ORDERED_MUNICIPALITIES = Municipality.objects.order_by("name", "pk")


def call_list_for_user(user: User, *, district: District | None = None) -> QuerySet[Call]:
    """Calls the user may see, each with ``bid_count``."""
    qs = scope_organisation(Call.objects.all(), user).annotate(bid_count=Count("bids"))
    return qs.filter(district=district) if district is not None else qs


def get_call_for_user(user: User, public_id: UUID) -> Call:
    return get_object_or_404(
        scope_organisation(Call.objects.select_related("district"), user), public_id=public_id
    )


def get_criterion_for_call(call: Call, public_id: UUID) -> Criterion:
    """A criterion of the (already scoped) call; 404 for a criterion of another call."""
    return get_object_or_404(Criterion.objects.filter(call=call), public_id=public_id)


def get_bid_for_call(call: Call, public_id: UUID) -> Bid:
    """A bid of the (already scoped) call; 404 for a bid of another call."""
    return get_object_or_404(
        Bid.objects.filter(call=call)
        .select_related("provider")
        .prefetch_related(Prefetch("municipalities", queryset=_ORDERED_MUNICIPALITIES)),
        public_id=public_id,
    )


def coordinator_list_for_user(user: User, *, district: District) -> QuerySet[User]:
    """The district's coordinators: the people who may sit on a review panel."""
    memberships = scope_organisation(
        Membership.objects.filter(district=district, role=Role.COORDINATOR), user
    )
    return User.objects.filter(pk__in=memberships.values("user_id"), is_active=True).order_by(
        "last_name", "first_name", "username"
    )


@dataclass
class CallRecord:
    """Everything the call page shows, read with a fixed number of queries."""

    call: Call
    municipalities: list
    reviewers: list
    criteria: list
    bids: list
    results: list[BidResult]
    # reviewer id -> {(bid id, criterion id): Score}
    scores_by_reviewer: dict[int, dict[tuple[int, int], Score]]
    awards: list

    @property
    def weight_total(self):
        return sum((c.weight for c in self.criteria), start=0)

    @property
    def ranked(self) -> list[BidResult]:
        return [r for r in self.results if r.complete]

    @property
    def unranked(self) -> list[BidResult]:
        return [r for r in self.results if not r.complete]

    @property
    def all_complete(self) -> bool:
        return bool(self.results) and all(r.complete for r in self.results)

    def scored_by(self, reviewer_id: int) -> int:
        return len(self.scores_by_reviewer.get(reviewer_id, {}))

    @property
    def scores_needed_per_reviewer(self) -> int:
        return len(self.bids) * len(self.criteria)


def call_record(call: Call) -> CallRecord:
    """The call's criteria, bids, scores, ranking and decision (call already scoped)."""
    criteria = list(call.criteria.order_by("created_at", "pk"))
    reviewers = list(call.reviewers.order_by("last_name", "first_name", "username", "pk"))
    bids = list(
        call.bids.select_related("provider")
        .prefetch_related(Prefetch("municipalities", queryset=_ORDERED_MUNICIPALITIES))
        .order_by("received_on", "pk")
    )
    scores = list(Score.objects.filter(bid__call=call).order_by("pk"))
    by_reviewer: dict[int, dict[tuple[int, int], Score]] = {}
    for score in scores:
        by_reviewer.setdefault(score.reviewer_id, {})[(score.bid_id, score.criterion_id)] = score
    results = rank_bids(
        bids,
        criteria,
        [r.pk for r in reviewers],
        (ScoreEntry(s.bid_id, s.criterion_id, s.reviewer_id, s.value) for s in scores),
    )
    names = {r.pk: str(r) for r in reviewers}
    for result in results:
        # For templates, which cannot look up a dict by a variable key.
        result.mean_list = [result.means.get(c.pk) for c in criteria]
        result.missing_names = sorted(names[pk] for pk in result.missing_reviewer_ids)
    awards = list(
        Award.objects.filter(call=call)
        .select_related("municipality", "bid__provider", "assignment")
        .order_by("municipality__name", "pk")
    )
    return CallRecord(
        call=call,
        municipalities=list(call.municipalities.order_by("name", "pk")),
        reviewers=reviewers,
        criteria=criteria,
        bids=bids,
        results=results,
        scores_by_reviewer=by_reviewer,
        awards=awards,
    )
