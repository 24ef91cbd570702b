"""Reads of offers, referrals and outcomes; matching and gap analysis."""

import datetime as dt
from uuid import UUID

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from durchstarten.cases.choices import OPEN_NEED_STATUSES, NeedCategory, Stage
from durchstarten.cases.models import Need, Participant
from durchstarten.core.models import User
from durchstarten.core.scoping import referrals_q, scope_organisation, scope_participants
from durchstarten.offers import matching
from durchstarten.offers.choices import PLACE_HOLDING
from durchstarten.offers.models import Offer, Outcome, Referral
from durchstarten.organisation.models import District, Municipality
from durchstarten.privacy.guards import listed_q


def offer_list_for_user(user: User, *, district_id: int | None = None) -> QuerySet[Offer]:
    """The offer directory: every offer of the user's districts (offers hold no personal data)."""
    qs = scope_organisation(Offer.objects.select_related("provider"), user)
    return qs.filter(district_id=district_id) if district_id is not None else qs


def get_offer_for_user(user: User, public_id: UUID) -> Offer:
    return get_object_or_404(offer_list_for_user(user), public_id=public_id)


def with_free_places(qs: QuerySet[Offer]) -> QuerySet[Offer]:
    return qs.annotate(
        places_taken=Count("referrals", filter=Q(referrals__state__in=PLACE_HOLDING))
    )


def referral_list_for_user(user: User, *, district_id: int | None = None) -> QuerySet[Referral]:
    qs = Referral.objects.filter(referrals_q(user)).select_related("offer", "participant")
    return qs.filter(district_id=district_id) if district_id is not None else qs


def get_referral_for_user(user: User, pk: int) -> Referral:
    return get_object_or_404(referral_list_for_user(user), pk=pk)


def profile_for(participant: Participant) -> matching.Profile:
    """The participant as matching sees it (three queries)."""
    open_needs = participant.needs.filter(status__in=OPEN_NEED_STATUSES).values_list(
        "category", flat=True
    )
    return matching.profile_from(
        participant,
        statuses=participant.residence_statuses.all(),
        outcomes=participant.outcomes.all(),
        open_needs=open_needs,
    )


def suggestions_for(
    participant: Participant, *, today: dt.date | None = None
) -> tuple[list[matching.Evaluation], list[matching.Evaluation]]:
    """Eligible offers of the participant's district, best first, and the excluded ones.

    A fixed number of queries whatever the number of offers: the profile, the offers with
    their taken places, and their municipalities.
    """
    today = today or timezone.localdate()
    profile = profile_for(participant)
    offers = (
        with_free_places(Offer.objects.filter(district_id=participant.district_id, is_active=True))
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .select_related("provider")
        .prefetch_related("municipalities")
    )
    evaluations = [
        matching.evaluate(
            offer,
            profile,
            today=today,
            free_places=None
            if offer.capacity is None
            else max(offer.capacity - offer.places_taken, 0),
        )
        for offer in offers
    ]
    return matching.rank(evaluations)


def gap_analysis(user: User, district: District, *, today: dt.date | None = None) -> dict:
    """Per municipality and need category: open needs of people in the programme (not yet
    placed in an offer covering them), offers covering the need with free places, and the
    needs no such offer can take.

    An offer for the whole district (no municipalities set) serves every municipality.
    """
    today = today or timezone.localdate()
    municipalities = list(
        scope_organisation(Municipality.objects.filter(district=district), user).order_by("name")
    )
    # A need counts as open demand unless the person already holds a place in an offer
    # covering it: that place has left the supply, and counting both would double the gap.
    placed = {
        (participant_id, category)
        for participant_id, covered in Referral.objects.filter(
            district=district, state__in=PLACE_HOLDING
        ).values_list("participant_id", "offer__needs_covered")
        for category in covered
    }
    open_needs: dict[tuple[int, str], int] = {}
    needs = Need.objects.filter(
        participant__district=district,
        participant__stage=Stage.ACTIVE,
        status__in=OPEN_NEED_STATUSES,
    ).values_list("participant_id", "participant__municipality_id", "category")
    for participant_id, municipality_id, category in needs.iterator(chunk_size=5000):
        if (participant_id, category) not in placed:
            key = (municipality_id, category)
            open_needs[key] = open_needs.get(key, 0) + 1
    offers = (
        with_free_places(offer_list_for_user(user, district_id=district.pk).filter(is_active=True))
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .prefetch_related("municipalities")
    )
    places: dict[tuple[int, str], int | None] = {}
    offer_count: dict[tuple[int, str], int] = {}
    all_ids = [m.pk for m in municipalities]
    for offer in offers:
        free = None if offer.capacity is None else max(offer.capacity - offer.places_taken, 0)
        if free == 0:
            continue
        served = [m.pk for m in offer.municipalities.all()] or all_ids
        for municipality_id in served:
            for category in offer.needs_covered:
                key = (municipality_id, category)
                offer_count[key] = offer_count.get(key, 0) + 1
                if key in places and places[key] is None:
                    continue
                places[key] = None if free is None else places.get(key, 0) + free
    rows = []
    for municipality in municipalities:
        cells = []
        for category in NeedCategory:
            key = (municipality.pk, category.value)
            demand = open_needs.get(key, 0)
            supply = places.get(key, 0)
            unmet = 0 if supply is None else max(demand - supply, 0)
            cells.append(
                {
                    "category": category,
                    "open_needs": demand,
                    "offers": offer_count.get(key, 0),
                    "free_places": supply,
                    "unmet": unmet,
                }
            )
        rows.append({"municipality": municipality, "cells": cells})
    return {"rows": rows, "categories": list(NeedCategory)}


# --- Reads for the offers pages ------------------------------------------------------------

# What a course needs to know about a referred person; nothing of the case file.
INBOX_PARTICIPANT_FIELDS = (
    "public_id",
    "district_id",
    "given_names",
    "family_name",
    "date_of_birth",
    "german_level",
    "literacy",
    "languages",
    "interpreter_needed",
    "phone",
)
_REFERRAL_FIELDS = (
    "participant",
    "offer",
    "district",
    "state",
    "proposed_on",
    "accepted_on",
    "started_on",
    "ended_on",
    "abort_reason",
    "declined_by",
    "version",
)


def referral_inbox_for_user(user: User, *, district_id: int) -> QuerySet[Referral]:
    """Referrals to the offers a provider runs (for coordinators: all of the district), with
    only the person's fields a course needs loaded; the case file stays in the database."""
    return (
        referral_list_for_user(user, district_id=district_id)
        .filter(listed_q("participant__"))
        .select_related("offer__provider")
        .only(
            *_REFERRAL_FIELDS,
            *(f"participant__{name}" for name in INBOX_PARTICIPANT_FIELDS),
            "offer__public_id",
            "offer__title",
            "offer__district_id",
            "offer__provider_id",
            "offer__organiser",
            "offer__capacity",
            "offer__provider__name",
        )
    )


def free_places_by_offer(user: User, offer_ids) -> dict[int, int | None]:
    """Free places of the given offers (None: no limit), in one query."""
    offers = with_free_places(
        offer_list_for_user(user).filter(pk__in=set(offer_ids)).select_related(None)
    ).only("pk", "capacity")
    return {
        offer.pk: None if offer.capacity is None else max(offer.capacity - offer.places_taken, 0)
        for offer in offers
    }


def referral_counts(offer: Offer) -> dict[str, int]:
    """How many referrals of the offer are in each state (figures only, no persons)."""
    rows = offer.referrals.values("state").annotate(n=Count("pk")).order_by()
    return {row["state"]: row["n"] for row in rows}


def referrals_of(participant: Participant) -> list[Referral]:
    """The participant's referrals with their steps (the participant is already visible)."""
    return list(
        participant.referrals.select_related("offer__provider").prefetch_related("transitions__by")
    )


def outcome_list_for_user(user: User) -> QuerySet[Outcome]:
    """Outcomes of the participants the user may see."""
    return scope_participants(
        Outcome.objects.select_related("participant", "referral"), user, prefix="participant__"
    )


def outcomes_of(participant: Participant) -> list:
    return list(participant.outcomes.select_related("referral__offer"))
