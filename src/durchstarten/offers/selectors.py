"""Reads of offers, referrals and outcomes; matching and gap analysis."""

import datetime as dt
import json
from collections import namedtuple
from uuid import UUID

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Count, Q, QuerySet, Sum, TextField
from django.db.models.functions import Cast, Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from durchstarten.cases.choices import OPEN_NEED_STATUSES, NeedCategory, Stage
from durchstarten.cases.models import Need, Participant
from durchstarten.core.models import User
from durchstarten.core.scoping import referrals_q, scope_organisation, scope_participants
from durchstarten.offers import matching
from durchstarten.offers.choices import PLACE_HOLDING
from durchstarten.offers.models import Offer, Outcome, Referral
from durchstarten.organisation.models import District, Municipality, Provider
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


def get_referral_for_user(user: User, public_id: UUID) -> Referral:
    return get_object_or_404(referral_list_for_user(user), public_id=public_id)


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


def _live_offers(qs: QuerySet[Offer], today: dt.date) -> QuerySet[Offer]:
    """Offers a person could still join: active and not ended."""
    return qs.filter(is_active=True).filter(Q(end_date__isnull=True) | Q(end_date__gte=today))


def _places_taken(offers: QuerySet[Offer]) -> dict[int, int]:
    """Places held per offer (offers without any are left out), in one grouped query.

    Not a correlated subquery per offer: on ten thousand offers PostgreSQL's estimate for
    that passes the JIT threshold, and compiling costs more than the whole read.
    """
    held = Referral.objects.filter(offer__in=offers.values("pk"), state__in=PLACE_HOLDING)
    return dict(held.order_by().values_list("offer_id").annotate(n=Count("pk")))


def _free_places(capacity: int | None, taken: int) -> int | None:
    return None if capacity is None else max(capacity - taken, 0)


def _served(offers: QuerySet[Offer]) -> dict[int, set[int]]:
    """Municipality ids per offer (offers serving the whole district have none)."""
    served: dict[int, set[int]] = {}
    links = Offer.municipalities.through.objects.filter(offer__in=offers.values("pk"))
    for offer_id, municipality_id in links.values_list("offer_id", "municipality_id"):
        served.setdefault(offer_id, set()).add(municipality_id)
    return served


# What matching reads of an offer (rules and score) and what the participant page and the API
# show of a suggestion; in the models' field order, as Model.from_db wants them.
_ROW_FIELDS = [
    f.attname
    for f in Offer._meta.concrete_fields
    if f.attname
    not in {"description", "location", "childcare", "created_at", "updated_at", "version"}
]
_PROVIDER_FIELDS = [
    f.attname for f in Provider._meta.concrete_fields if f.attname in {"id", "name", "short_name"}
]


# Lists stored as JSON; read as text and decoded once per distinct value (a district's offers
# share a few dozen lists, and decoding ten thousand of each costs more than matching).
_LIST_FIELDS = {"languages", "needs_covered", "allowed_statuses"}
_READ = {name: Cast(name, TextField()) for name in _LIST_FIELDS}


class _OfferRow(namedtuple("_OfferRow", ["pk", *_ROW_FIELDS[1:], "places_taken", "provider"])):
    """One offer as matching reads it (lists as tuples); the Offer itself is built only for
    the offers a page or the API shows (building ten thousand model instances costs more
    than matching them)."""

    __slots__ = ()

    def as_offer(self) -> Offer:
        values = [
            list(value) if name in _LIST_FIELDS else value
            for name, value in zip(_ROW_FIELDS, self, strict=False)
        ]
        offer = Offer.from_db(DEFAULT_DB_ALIAS, _ROW_FIELDS, values)
        offer.places_taken = self.places_taken
        if self.provider is not None:
            offer.provider = Provider.from_db(DEFAULT_DB_ALIAS, _PROVIDER_FIELDS, self.provider)
        return offer


def _offer_rows(offers: QuerySet[Offer]):
    """The offers as _OfferRow values (without places taken) and their providers' fields."""
    names = [f"{name}_text" if name in _LIST_FIELDS else name for name in _ROW_FIELDS]
    rows = offers.order_by().annotate(**{f"{name}_text": cast for name, cast in _READ.items()})
    decoded: dict[str, tuple] = {}
    lists = [i for i, name in enumerate(_ROW_FIELDS) if name in _LIST_FIELDS]
    width = len(_ROW_FIELDS)
    for values in rows.values_list(*names, *(f"provider__{n}" for n in _PROVIDER_FIELDS)):
        values = list(values)
        for i in lists:
            text = values[i]
            if text not in decoded:
                decoded[text] = tuple(json.loads(text))
            values[i] = decoded[text]
        yield values[:width], (values[width:] if values[width] is not None else None)


def suggestions_for(
    participant: Participant, *, today: dt.date | None = None
) -> tuple[list[matching.Evaluation], list[matching.Evaluation]]:
    """Eligible offers of the participant's district, best first, and the excluded ones.

    A fixed number of queries whatever the number of offers: the profile (three), the offers
    as plain rows, their taken places and their municipality ids.
    """
    today = today or timezone.localdate()
    matcher = matching.Matcher(profile_for(participant), today=today)
    offers = _live_offers(Offer.objects.filter(district_id=participant.district_id), today)
    served = _served(offers)
    taken = _places_taken(offers)
    nowhere: set[int] = set()
    evaluations = []
    for values, provider in _offer_rows(offers):
        held = taken.get(values[0], 0)
        row = _OfferRow(*values, held, provider)
        evaluations.append(
            matcher.evaluate(
                row,
                free_places=_free_places(row.capacity, held),
                served=served.get(row.pk, nowhere),
            )
        )
    return matching.rank(evaluations)


def gap_analysis(user: User, district: District, *, today: dt.date | None = None) -> dict:
    """Per municipality and need category: open needs of people in the programme (not yet
    placed in an offer covering them), offers covering the need with free places, and the
    needs no such offer can take.

    An offer for the whole district (no municipalities set) serves every municipality.
    Demand and supply are counted in SQL; Python only spreads the counts over the categories
    an offer covers and over the municipalities a district-wide offer serves.
    """
    today = today or timezone.localdate()
    municipalities = list(
        scope_organisation(Municipality.objects.filter(district=district), user).order_by("name")
    )
    open_needs = _open_needs(district)
    places: dict[tuple[int, str], int | None] = {}
    offer_count: dict[tuple[int, str], int] = {}
    all_ids = [m.pk for m in municipalities]
    for municipality_id, covered, offers, free, unlimited in _supply(user, district, today):
        for served in [municipality_id] if municipality_id is not None else all_ids:
            for category in covered:
                key = (served, category)
                offer_count[key] = offer_count.get(key, 0) + offers
                if unlimited or (key in places and places[key] is None):
                    places[key] = None
                else:
                    places[key] = places.get(key, 0) + free
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


def _open_needs(district: District) -> dict[tuple[int, str], int]:
    """Open needs of the district's people in the programme per municipality × category.

    A need counts as open demand unless the person already holds a place in an offer
    covering it: that place has left the supply, and counting both would double the gap.
    Two queries: the counts, and the needs of people holding a place with what each place
    covers, taken off the counts where one covers them.
    """
    needs = Need.objects.filter(
        participant__district=district,
        participant__stage=Stage.ACTIVE,
        status__in=OPEN_NEED_STATUSES,
    ).order_by()
    counts = {
        (municipality_id, category): n
        for municipality_id, category, n in needs.values_list(
            "participant__municipality_id", "category"
        ).annotate(n=Count("pk"))
    }
    # One row per need and place held (filter and values share the join to the referrals).
    held = needs.filter(participant__referrals__state__in=PLACE_HOLDING).values_list(
        "pk",
        "participant__municipality_id",
        "category",
        "participant__referrals__offer__needs_covered",
    )
    met: set[int] = set()
    for need_id, municipality_id, category, covered in held:
        if category in covered and need_id not in met:
            met.add(need_id)
            counts[municipality_id, category] -= 1
    return counts


def _supply(user: User, district: District, today: dt.date) -> list[tuple]:
    """Live offers with free places grouped by served municipality (None: the whole
    district) and the categories they cover: how many, their free places, how many have no
    limit. Two queries: capacities summed in SQL, and the offers with places held, whose
    free places replace their capacity (full ones drop out)."""
    offers = _live_offers(offer_list_for_user(user, district_id=district.pk), today)
    groups = {
        (municipality_id, tuple(covered)): [n, places, unlimited]
        for municipality_id, covered, n, places, unlimited in offers.order_by()
        .values_list("municipalities", "needs_covered")
        .annotate(
            n=Count("pk"),
            places=Coalesce(Sum("capacity"), 0),
            unlimited=Count("pk", filter=Q(capacity__isnull=True)),
        )
    }
    held = (
        Referral.objects.filter(
            offer__in=offers.values("pk"), offer__capacity__isnull=False, state__in=PLACE_HOLDING
        )
        .order_by()
        .values_list("offer__municipalities", "offer__needs_covered", "offer__capacity", "offer_id")
        .annotate(taken=Count("pk", distinct=True))
    )
    for municipality_id, covered, capacity, _offer_id, taken in held:
        group = groups[municipality_id, tuple(covered)]
        if taken >= capacity:
            group[0] -= 1
            group[1] -= capacity
        else:
            group[1] -= taken
    return [(m, covered, *group) for (m, covered), group in groups.items() if group[0]]


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
    "public_id",
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
