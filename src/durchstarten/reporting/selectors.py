"""Reads of the reporting domain, narrowed by the scoping layer."""

import datetime as dt
from dataclasses import dataclass
from uuid import UUID

from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404

from durchstarten.cases.models import Participant
from durchstarten.core.models import User
from durchstarten.core.scoping import scope_organisation, scope_participants
from durchstarten.organisation.models import District, Municipality, Provider
from durchstarten.organisation.selectors import (
    district_list_for_user,
    municipality_list_for_user,
    provider_list_for_user,
)
from durchstarten.reporting.kpi import (
    Populations,
    UnknownMetric,
    kpi_by_month,
    kpi_by_municipality,
    kpi_persons,
    kpi_report,
)
from durchstarten.reporting.models import Target
from durchstarten.reporting.quarterly import quarterly_report


def target_list_for_user(user: User, *, district: District | None = None) -> QuerySet[Target]:
    """Targets of the districts the user may see (targets hold no personal data)."""
    qs = scope_organisation(Target.objects.select_related("district"), user)
    return qs.filter(district=district) if district is not None else qs


def get_target_for_user(user: User, public_id: UUID) -> Target:
    return get_object_or_404(target_list_for_user(user), public_id=public_id)


def target_years_for_user(user: User, *, district: District) -> list[int]:
    """The years the district has targets for, newest first (for the year filter)."""
    return list(
        target_list_for_user(user, district=district)
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )


# --- The KPI dashboard -------------------------------------------------------------------------

# Persons with an outcome of any kind in the period: the last step of the funnel. The KPI
# report counts outcomes per kind; the funnel needs each person once.
WITH_OUTCOME = "with_outcome"
NO_MUNICIPALITY = "none"


@dataclass(frozen=True)
class Narrowing:
    """What a list of persons is narrowed to beyond the figure: a municipality of residence
    (or none recorded) or a provider (its coaching for "entered", its offers for "placed")."""

    municipality: Municipality | None = None
    no_municipality: bool = False
    provider: Provider | None = None


def _districts(user: User, district: District) -> list[District]:
    """The district, if the user may see it (a 404 otherwise, as for any record)."""
    return [get_object_or_404(district_list_for_user(user), pk=district.pk)]


def provider_table(user: User, *, district: District, start: dt.date, end: dt.date) -> list[dict]:
    """Per provider of the district: persons entered in the period with it as coaching
    provider, and persons placed in the period into its offers (two grouped queries and the
    provider list)."""
    populations = Populations([district.pk], start, end)
    entered = dict(
        populations.entries()
        .filter(coaching_provider__isnull=False)
        .values("coaching_provider_id")
        .annotate(persons=Count("participant", distinct=True))
        .order_by()
        .values_list("coaching_provider_id", "persons")
    )
    placed = dict(
        populations.placements()
        .filter(offer__provider__isnull=False)
        .values("offer__provider_id")
        .annotate(persons=Count("participant", distinct=True))
        .order_by()
        .values_list("offer__provider_id", "persons")
    )
    providers = provider_list_for_user(user, district=district).order_by("name", "pk")
    return [
        {"provider": p, "entered": entered.get(p.pk, 0), "placed": placed.get(p.pk, 0)}
        for p in providers
        if p.is_active or p.pk in entered or p.pk in placed
    ]


def municipality_table(
    user: User, *, district: District, start: dt.date, end: dt.date
) -> list[dict]:
    """Per municipality of the district (and persons without one): contacted, entered,
    placed (one grouped query and the municipality list)."""
    rows = {
        row["municipality_id"]: row
        for row in kpi_by_municipality(districts=[district], start=start, end=end)
    }
    table = []
    for municipality in municipality_list_for_user(user, district=district).order_by("name"):
        row = rows.get(municipality.pk, {})
        table.append(
            {
                "municipality": municipality,
                "key": str(municipality.public_id),
                **{name: row.get(name, 0) for name in ("contacted", "entered", "placed")},
            }
        )
    unknown = rows.get(None)
    if unknown and any(unknown[name] for name in ("contacted", "entered", "placed")):
        table.append(
            {
                "municipality": None,
                "key": NO_MUNICIPALITY,
                **{name: unknown[name] for name in ("contacted", "entered", "placed")},
            }
        )
    return table


def kpi_dashboard(user: User, *, district: District, start: dt.date, end: dt.date) -> dict:
    """Everything the dashboard shows for the district and period, in a fixed number of
    queries whatever the number of participants."""
    districts = _districts(user, district)
    report = kpi_report(districts=districts, start=start, end=end)
    with_outcome = (
        Populations([district.pk], start, end)
        .outcomes()
        .aggregate(persons=Count("participant", distinct=True))["persons"]
    )
    return {
        "report": report,
        "with_outcome": with_outcome,
        "by_month": kpi_by_month(districts=districts, start=start, end=end),
        "by_municipality": municipality_table(user, district=district, start=start, end=end),
        "by_provider": provider_table(user, district=district, start=start, end=end),
    }


def persons_behind(
    user: User,
    *,
    district: District,
    start: dt.date,
    end: dt.date,
    metric: str,
    key: str | None = None,
    narrowing: Narrowing = Narrowing(),
) -> QuerySet[Participant]:
    """The participants behind one figure of the dashboard, as far as the user may see them.

    Raises kpi.UnknownMetric for a figure (or key) the report does not have.
    """
    districts = _districts(user, district)
    populations = Populations([district.pk], start, end)
    if narrowing.provider is not None:
        if key is not None:
            raise UnknownMetric(f"{metric}:{key}")
        if metric == "entered":
            events = populations.entries().filter(coaching_provider=narrowing.provider)
        elif metric == "placed":
            events = populations.placements().filter(offer__provider=narrowing.provider)
        else:
            raise UnknownMetric(metric)
        persons = populations.participants().filter(pk__in=events.values("participant_id"))
    elif metric == WITH_OUTCOME:
        if key is not None:
            raise UnknownMetric(f"{metric}:{key}")
        persons = populations.participants().filter(
            pk__in=populations.outcomes().values("participant_id")
        )
    else:
        persons = kpi_persons(districts=districts, start=start, end=end, metric=metric, key=key)
    if narrowing.no_municipality:
        persons = persons.filter(municipality__isnull=True)
    elif narrowing.municipality is not None:
        persons = persons.filter(municipality=narrowing.municipality)
    return scope_participants(persons, user).select_related("municipality")


def kpi_report_for_user(user: User, *, district: District, start: dt.date, end: dt.date) -> dict:
    """The KPI report of a district the user may see (figures only, no person)."""
    return kpi_report(districts=_districts(user, district), start=start, end=end)


def quarterly_report_for_user(user: User, *, district: District, year: int) -> dict:
    """The quarterly monitoring of a district the user may see (figures only, no person)."""
    return quarterly_report(districts=_districts(user, district), year=year)
