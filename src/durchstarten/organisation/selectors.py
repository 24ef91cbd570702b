"""Reads of organisation data, always narrowed by the scoping layer."""

import datetime as dt
from uuid import UUID

from django.db.models import Count, Prefetch, QuerySet, Sum
from django.shortcuts import get_object_or_404

from durchstarten.core.models import Membership, User
from durchstarten.core.scoping import scope_organisation
from durchstarten.organisation.models import (
    District,
    Module,
    Municipality,
    Position,
    Provider,
    ProviderAssignment,
)


def district_list_for_user(user: User) -> QuerySet[District]:
    return scope_organisation(District.objects.all(), user, district_field="pk")


def get_district_for_user(user: User, ags: str) -> District:
    return get_object_or_404(district_list_for_user(user), ags=ags)


def municipality_list_for_user(user: User, *, district: District | None = None):
    qs = scope_organisation(Municipality.objects.select_related("district"), user)
    return qs.filter(district=district) if district is not None else qs


def get_municipality_for_user(user: User, ags: str) -> Municipality:
    return get_object_or_404(municipality_list_for_user(user), ags=ags)


def provider_list_for_user(user: User, *, district: District | None = None) -> QuerySet[Provider]:
    qs = scope_organisation(Provider.objects.all(), user, provider_field="pk")
    return qs.filter(district=district) if district is not None else qs


def get_provider_for_user(user: User, public_id: UUID) -> Provider:
    return get_object_or_404(provider_list_for_user(user), public_id=public_id)


def assignment_list_for_user(
    user: User, *, district: District | None = None
) -> QuerySet[ProviderAssignment]:
    qs = scope_organisation(
        ProviderAssignment.objects.select_related("provider").prefetch_related(
            Prefetch("municipalities", queryset=Municipality.objects.order_by("name"))
        ),
        user,
        provider_field="provider",
    )
    return qs.filter(district=district) if district is not None else qs


def get_assignment_for_user(user: User, public_id: UUID) -> ProviderAssignment:
    return get_object_or_404(assignment_list_for_user(user), public_id=public_id)


def position_list_for_user(user: User, *, district: District | None = None) -> QuerySet[Position]:
    qs = scope_organisation(
        Position.objects.select_related("provider", "holder"), user, provider_field="provider"
    )
    return qs.filter(district=district) if district is not None else qs


def get_position_for_user(user: User, public_id: UUID) -> Position:
    return get_object_or_404(position_list_for_user(user), public_id=public_id)


def district_overview(user: User, district: District, *, on: dt.date) -> dict:
    """Structure of a district on a day: municipalities, providers, responsibilities, posts."""
    municipalities = municipality_list_for_user(user, district=district)
    assignments = assignment_list_for_user(user, district=district).active_on(on)
    positions = position_list_for_user(user, district=district).active_on(on)
    fte_by_module = {
        row["module"]: row["fte"]
        for row in positions.order_by().values("module").annotate(fte=Sum("fte"))
    }
    covered = (
        municipalities.filter(assignments__in=assignments)
        .values("assignments__module")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    )
    return {
        "municipality_count": municipalities.count(),
        "provider_count": provider_list_for_user(user, district=district)
        .filter(is_active=True)
        .count(),
        "assignments": list(assignments),
        "fte_by_module": fte_by_module,
        "covered_by_module": {row["assignments__module"]: row["n"] for row in covered},
    }


def district_list_with_counts_for_user(user: User) -> QuerySet[District]:
    """Districts the user may see, each with ``municipality_count``."""
    return district_list_for_user(user).annotate(municipality_count=Count("municipalities"))


def responsibility_matrix(user: User, district: District, *, on: dt.date) -> list[dict]:
    """Per municipality of the district: the providers responsible for modules 1–6 on a day.

    Each row is ``{"municipality": m, "providers": [[Provider, …] for module 1..6]}``; a
    list holds more than one provider only if the overlap rule was bypassed.
    """
    municipalities = list(municipality_list_for_user(user, district=district))
    by_key: dict[tuple[int, int], list[Provider]] = {}
    for assignment in assignment_list_for_user(user, district=district).active_on(on):
        for municipality in assignment.municipalities.all():
            by_key.setdefault((municipality.pk, assignment.module), []).append(assignment.provider)
    return [
        {
            "municipality": m,
            "providers": [by_key.get((m.pk, module), []) for module in Module.values],
        }
        for m in municipalities
    ]


def staff_list_for_user(user: User, *, district: District) -> QuerySet[User]:
    """People holding a role in the district, e.g. to choose the holder of a position."""
    memberships = scope_organisation(Membership.objects.filter(district=district), user)
    return User.objects.filter(pk__in=memberships.values("user_id")).order_by(
        "last_name", "first_name", "username"
    )
