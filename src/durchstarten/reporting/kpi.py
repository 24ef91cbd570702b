"""The district's figures for a period (DESIGN.md §4), computed from the records.

Every figure is a set of persons ("population") expressed as a subquery of participant ids, so
that the same definition yields both the number and, for entitled users, the list of persons
behind it (`kpi_persons`). The report takes a fixed number of queries whatever the number of
participants. The definitions in German are in `reporting.definitions`; docs/reporting.md
explains the choices behind them.
"""

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear, TruncMonth

from durchstarten.cases.choices import (
    DULDUNG_KINDS,
    SUCCESSFUL_OUTREACH,
    ExitReason,
    Gender,
    ResidenceStatusKind,
)
from durchstarten.cases.models import Enrollment, Outreach, Participant, ResidenceStatus
from durchstarten.cases.rules import MAX_AGE, MIN_AGE
from durchstarten.offers.choices import OfferKind, OutcomeKind
from durchstarten.offers.models import Outcome, Referral
from durchstarten.organisation.models import District, Module, Position
from durchstarten.reporting.choices import TargetMetric
from durchstarten.reporting.models import Target

CASELOAD_RATIO = 100
MODULE_KEYS = tuple(str(module) for module in Module.values)
INITIATIVE_MODULE_KEYS = tuple(str(module) for module in Module.values if module != 6)
AGE_BANDS = (("18-20", 18, 20), ("21-24", 21, 24), ("25-27", 25, 27))
OTHER = "other"
NO_STATUS = "none"
NO_NATIONALITY = "none"
PLACEMENT_KINDS = (OfferKind.INITIATIVE, OfferKind.REGULAR)

KEYED_METRICS = {
    "by_module": MODULE_KEYS,
    "outcomes": tuple(OutcomeKind.values),
    "exits": tuple(ExitReason.values),
    # The breakdowns of the persons entered (see _breakdowns).
    "target_groups": ("primary", "secondary", OTHER),
    "gender": tuple(Gender.values),
    "age_band": (*(band[0] for band in AGE_BANDS), OTHER),
    "status": (*ResidenceStatusKind.values, NO_STATUS),
    "nationality": None,  # any ISO 3166 alpha-2 code, or NO_NATIONALITY
}
BREAKDOWN_METRICS = ("target_groups", "gender", "age_band", "status", "nationality")

# Figures whose persons can be listed; those with a key need one (module, kind, reason).
KPI_METRICS = (
    "contacted",
    "entered",
    "placed",
    "placed_new_measures",
    "placed_regular_offers",
    "placed_both",
    "specialist_referrals",
    "by_module",
    "outcomes",
    "exits",
    "active",
    *BREAKDOWN_METRICS,
)


class UnknownMetric(ValueError):
    """A metric or key that the report does not know."""


# --- Building blocks ----------------------------------------------------------------------


def _age_at(date_field: str, birth_field: str):
    """Completed years on the day in `date_field` (same rule as cases.rules.age_on), in SQL."""
    return (
        ExtractYear(date_field)
        - ExtractYear(birth_field)
        - Case(
            When(
                Q(**{f"{date_field}__month__lt": ExtractMonth(birth_field)})
                | Q(
                    **{
                        f"{date_field}__month": ExtractMonth(birth_field),
                        f"{date_field}__day__lt": ExtractDay(birth_field),
                    }
                ),
                then=Value(1),
            ),
            default=Value(0),
            output_field=IntegerField(),
        )
    )


def _status_at(date_field: str, participant_field: str = "participant") -> Subquery:
    """The kind of residence status in force on the day in `date_field` (cases.rules.status_on)."""
    day = OuterRef(date_field)
    return Subquery(
        ResidenceStatus.objects.filter(participant=OuterRef(participant_field), valid_from__lte=day)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
        .order_by("-valid_from", "-id")
        .values("kind")[:1],
        output_field=CharField(),
    )


def _between(field: str, start: dt.date, end: dt.date) -> Q:
    return Q(**{f"{field}__gte": start, f"{field}__lte": end})


def _age_between(low: int, high: int) -> Q:
    return Q(age_then__gte=low, age_then__lte=high)


def _breakdown_q(metric: str, key: str) -> Q:
    """The condition on `entries_described` rows for one cell of a breakdown; the same rules
    as age_band and target_group_of below."""
    in_age = _age_between(MIN_AGE, MAX_AGE)
    primary = in_age & Q(status_then__in=DULDUNG_KINDS)
    secondary = in_age & Q(status_then=ResidenceStatusKind.GESTATTUNG)
    match metric, key:
        case "gender", _:
            return Q(participant__gender=key)
        case "nationality", _:
            return Q(participant__nationality="" if key == NO_NATIONALITY else key)
        case "status", _ if key == NO_STATUS:
            return Q(status_then__isnull=True)
        case "status", _:
            return Q(status_then=key)
        case "age_band", _ if key == OTHER:
            banded = Q()
            for _name, low, high in AGE_BANDS:
                banded |= _age_between(low, high)
            return Q(age_then__isnull=True) | ~banded
        case "age_band", _:
            _name, low, high = next(band for band in AGE_BANDS if band[0] == key)
            return _age_between(low, high)
        case "target_groups", "primary":
            return primary
        case "target_groups", "secondary":
            return secondary
        case "target_groups", _:
            return Q(age_then__isnull=True) | Q(status_then__isnull=True) | ~(primary | secondary)
    raise UnknownMetric(f"{metric}:{key}")


class Populations:
    """The sets of persons behind the figures for some districts and a period (inclusive)."""

    def __init__(self, district_ids: Sequence[int], start: dt.date, end: dt.date):
        self.district_ids = list(district_ids)
        self.start = start
        self.end = end

    # Events of the period, narrowed to the districts.

    def outreach(self) -> QuerySet[Outreach]:
        """Successful outreach in the period to persons of the target group on that day."""
        return (
            Outreach.objects.filter(
                _between("date", self.start, self.end),
                participant__district_id__in=self.district_ids,
                result__in=SUCCESSFUL_OUTREACH,
            )
            .annotate(
                status_then=_status_at("date"),
                age_then=_age_at("date", "participant__date_of_birth"),
            )
            .filter(
                status_then__in=[*DULDUNG_KINDS, ResidenceStatusKind.GESTATTUNG],
                age_then__gte=MIN_AGE,
                age_then__lte=MAX_AGE,
            )
        )

    def entries(self) -> QuerySet[Enrollment]:
        return Enrollment.objects.filter(
            _between("entry_date", self.start, self.end),
            participant__district_id__in=self.district_ids,
        )

    def first_entries(self) -> QuerySet[Enrollment]:
        """One enrollment per person entered: their first in the period."""
        earlier = Enrollment.objects.filter(
            participant=OuterRef("participant"),
            entry_date__gte=self.start,
            entry_date__lt=OuterRef("entry_date"),
        )
        return self.entries().filter(~Exists(earlier))

    def placements(self) -> QuerySet[Referral]:
        """Referrals that started in the period into an initiative measure or a regular
        offer, of persons who had entered the programme by then."""
        entered_by_then = Enrollment.objects.filter(
            participant=OuterRef("participant"), entry_date__lte=OuterRef("started_on")
        )
        return Referral.objects.filter(
            _between("started_on", self.start, self.end),
            Exists(entered_by_then),
            district_id__in=self.district_ids,
            offer__kind__in=PLACEMENT_KINDS,
        )

    def entries_described(self) -> QuerySet[Enrollment]:
        """The first entries with status and age on the entry day (for the breakdowns)."""
        return self.first_entries().annotate(
            status_then=_status_at("entry_date"),
            age_then=_age_at("entry_date", "participant__date_of_birth"),
        )

    def specialist_referrals(self) -> QuerySet[Referral]:
        return Referral.objects.filter(
            _between("proposed_on", self.start, self.end),
            district_id__in=self.district_ids,
            offer__kind=OfferKind.SPECIALIST,
        )

    def outcomes(self) -> QuerySet[Outcome]:
        return Outcome.objects.filter(
            _between("start_date", self.start, self.end),
            participant__district_id__in=self.district_ids,
        )

    def exits(self) -> QuerySet[Enrollment]:
        return Enrollment.objects.filter(
            _between("exit_date", self.start, self.end),
            participant__district_id__in=self.district_ids,
        )

    def active_at_end(self) -> QuerySet[Enrollment]:
        return Enrollment.objects.filter(
            Q(exit_date__isnull=True) | Q(exit_date__gt=self.end),
            entry_date__lte=self.end,
            participant__district_id__in=self.district_ids,
        )

    # Persons: subqueries of participant ids.

    @staticmethod
    def _ids(queryset: QuerySet) -> QuerySet:
        return queryset.values("participant_id")

    def condition(self, metric: str, key: str | None = None) -> Q:
        """The condition on Participant for the persons behind a figure."""
        ids = self._ids
        if metric == "nationality":
            if not (
                key == NO_NATIONALITY or (len(key or "") == 2 and key.isalpha() and key.isupper())
            ):
                raise UnknownMetric(f"{metric}:{key}")
        elif metric in KEYED_METRICS:
            if key not in KEYED_METRICS[metric]:
                raise UnknownMetric(f"{metric}:{key}")
        elif key is not None:
            raise UnknownMetric(f"{metric}:{key}")
        if metric.startswith("placed"):
            new = Q(pk__in=ids(self.placements().filter(offer__kind=OfferKind.INITIATIVE)))
            regular = Q(pk__in=ids(self.placements().filter(offer__kind=OfferKind.REGULAR)))
        match metric:
            case "contacted":
                return Q(pk__in=ids(self.outreach()))
            case "entered":
                return Q(pk__in=ids(self.entries()))
            case "placed":
                return new | regular
            case "placed_new_measures":
                return new
            case "placed_regular_offers":
                return regular
            case "placed_both":
                return new & regular
            case "specialist_referrals":
                return Q(pk__in=ids(self.specialist_referrals()))
            case "active":
                return Q(pk__in=ids(self.active_at_end()))
            case "by_module" if key == str(Module.CASE_MANAGEMENT):
                return Q(pk__in=ids(self.entries()))
            case "by_module":
                placements = self.placements().filter(
                    offer__kind=OfferKind.INITIATIVE, offer__module=int(key)
                )
                return Q(pk__in=ids(placements))
            case "outcomes":
                return Q(pk__in=ids(self.outcomes().filter(kind=key)))
            case "exits":
                return Q(pk__in=ids(self.exits().filter(exit_reason=key)))
            case _ if metric in BREAKDOWN_METRICS:
                return Q(pk__in=ids(self.entries_described().filter(_breakdown_q(metric, key))))
        raise UnknownMetric(metric)

    def participants(self) -> QuerySet[Participant]:
        return Participant.objects.filter(district_id__in=self.district_ids)


# --- The report ---------------------------------------------------------------------------


def rate(numerator: int | None, denominator: int | None) -> float | None:
    """A fraction rounded to four places (0.7097), None when it is undefined."""
    if not denominator or numerator is None:
        return None
    value = (Decimal(numerator) / Decimal(denominator)).quantize(
        Decimal("0.0001"), rounding=ROUND_HALF_UP
    )
    return float(value)


def age_band(age: int | None) -> str:
    if age is not None:
        for name, low, high in AGE_BANDS:
            if low <= age <= high:
                return name
    return OTHER


def target_group_of(status: str | None, age: int | None) -> str:
    """primary / secondary / other, by the rule of cases.rules.target_group_on."""
    if age is None or not MIN_AGE <= age <= MAX_AGE or status is None:
        return OTHER
    if status in DULDUNG_KINDS:
        return "primary"
    if status == ResidenceStatusKind.GESTATTUNG:
        return "secondary"
    return OTHER


def _counts(populations: Populations) -> dict[str, int]:
    metrics = (
        "contacted",
        "entered",
        "placed",
        "placed_new_measures",
        "placed_regular_offers",
        "placed_both",
        "specialist_referrals",
        "active",
    )
    return populations.participants().aggregate(
        **{
            metric: Count("pk", filter=populations.condition(metric), distinct=False)
            for metric in metrics
        }
    )


def _by_module(populations: Populations, entered: int) -> dict[str, int]:
    rows = (
        populations.placements()
        .filter(offer__kind=OfferKind.INITIATIVE)
        .values("offer__module")
        .annotate(persons=Count("participant", distinct=True))
    )
    found = {str(row["offer__module"]): row["persons"] for row in rows}
    out = {key: found.get(key, 0) for key in INITIATIVE_MODULE_KEYS}
    out[str(Module.CASE_MANAGEMENT)] = entered
    return out


def _outcomes(populations: Populations) -> dict[str, int]:
    rows = (
        populations.outcomes().values("kind").annotate(persons=Count("participant", distinct=True))
    )
    found = {row["kind"]: row["persons"] for row in rows}
    return {kind: found.get(kind, 0) for kind in OutcomeKind.values}


def _exits(populations: Populations) -> dict[str, int]:
    rows = (
        populations.exits()
        .values("exit_reason")
        .annotate(persons=Count("participant", distinct=True))
    )
    found = {row["exit_reason"]: row["persons"] for row in rows}
    return {reason: found.get(reason, 0) for reason in ExitReason.values}


def _breakdowns(populations: Populations) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
    """Target groups and breakdowns of the persons entered, as on their (first) entry day."""
    rows = (
        populations.entries_described()
        .annotate(
            gender=F("participant__gender"),
            nationality=F("participant__nationality"),
        )
        .values("status_then", "age_then", "gender", "nationality")
        .annotate(persons=Count("participant", distinct=True))
        .order_by()
    )
    groups: Counter[str] = Counter()
    gender: Counter[str] = Counter()
    bands: Counter[str] = Counter()
    status: Counter[str] = Counter()
    nationality: Counter[str] = Counter()
    for row in rows:
        persons = row["persons"]
        groups[target_group_of(row["status_then"], row["age_then"])] += persons
        gender[row["gender"]] += persons
        bands[age_band(row["age_then"])] += persons
        status[row["status_then"] or NO_STATUS] += persons
        nationality[row["nationality"] or NO_NATIONALITY] += persons
    target_groups = {key: groups[key] for key in ("primary", "secondary", OTHER)}
    breakdowns = {
        "gender": {key: gender[key] for key in Gender.values},
        "age_band": {key: bands[key] for key in (*(band[0] for band in AGE_BANDS), OTHER)},
        "status": {key: status[key] for key in (*ResidenceStatusKind.values, NO_STATUS)},
        "nationality": dict(sorted(nationality.items(), key=lambda item: (-item[1], item[0]))),
    }
    return target_groups, breakdowns


def _caseload(populations: Populations, active: int) -> dict:
    end = populations.end
    fte = Position.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=end),
        district_id__in=populations.district_ids,
        module=Module.CASE_MANAGEMENT,
        valid_from__lte=end,
    ).aggregate(total=Sum("fte"))["total"] or Decimal("0")
    per_fte = None
    if fte:
        per_fte = float((Decimal(active) / fte).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
    return {
        "active": active,
        "case_manager_fte": float(fte),
        "per_fte": per_fte,
        "ratio": CASELOAD_RATIO,
        "within_ratio": None if per_fte is None else per_fte <= CASELOAD_RATIO,
    }


def _targets(district_ids: Sequence[int], year: int, actual: dict) -> dict:
    """The targets all districts share (same value) for the year, with the actual value."""
    values: dict[str, set[Decimal]] = {}
    holders: Counter[str] = Counter()
    for metric, value in Target.objects.filter(district_id__in=district_ids, year=year).values_list(
        "metric", "value"
    ):
        values.setdefault(metric, set()).add(value)
        holders[metric] += 1
    out = {}
    for metric in TargetMetric.values:
        if holders[metric] != len(district_ids) or len(values.get(metric, ())) != 1:
            continue
        (target,) = values[metric]
        value = actual[metric]
        out[metric] = {
            "target": float(target) if metric.endswith("_rate") else int(target),
            "actual": value,
            "met": None if value is None else Decimal(str(value)) >= target,
        }
    return out


def kpi_report(*, districts: Sequence[District], start: dt.date, end: dt.date) -> dict:
    """The KPI report as the stable JSON object (see docs/reporting.md)."""
    if start > end:
        raise ValueError("start after end")
    district_ids = [district.pk for district in districts]
    populations = Populations(district_ids, start, end)
    counts = _counts(populations)
    target_groups, breakdowns = _breakdowns(populations)
    report = {
        "districts": sorted(district.ags for district in districts),
        "period": {"from": start.isoformat(), "to": end.isoformat()},
        "contacted": counts["contacted"],
        "entered": counts["entered"],
        "entry_rate": rate(counts["entered"], counts["contacted"]),
        "placed": counts["placed"],
        "placed_new_measures": counts["placed_new_measures"],
        "placed_regular_offers": counts["placed_regular_offers"],
        "placed_both": counts["placed_both"],
        "placement_rate": rate(counts["placed"], counts["entered"]),
        "by_module": _by_module(populations, counts["entered"]),
        "specialist_referrals": counts["specialist_referrals"],
        "outcomes": _outcomes(populations),
        "exits": _exits(populations),
    }
    report["targets"] = _targets(district_ids, end.year, report)
    report["target_groups"] = target_groups
    report["breakdowns"] = breakdowns
    report["caseload"] = _caseload(populations, counts["active"])
    return report


def kpi_persons(
    *, districts: Sequence[District], start: dt.date, end: dt.date, metric: str, key=None
) -> QuerySet[Participant]:
    """The participants behind one figure; not yet narrowed to what a user may see —
    callers pass the result through core.scoping.scope_participants."""
    if metric not in KPI_METRICS:
        raise UnknownMetric(metric)
    populations = Populations([district.pk for district in districts], start, end)
    return populations.participants().filter(populations.condition(metric, key))


# --- Tables for the dashboard -------------------------------------------------------------


def kpi_by_municipality(*, districts: Sequence[District], start: dt.date, end: dt.date):
    """Contacted, entered and placed per municipality of residence (one query)."""
    populations = Populations([district.pk for district in districts], start, end)
    return list(
        populations.participants()
        .values("municipality_id", "municipality__name", "municipality__ags")
        .annotate(
            contacted=Count("pk", filter=populations.condition("contacted")),
            entered=Count("pk", filter=populations.condition("entered")),
            placed=Count("pk", filter=populations.condition("placed")),
        )
        .order_by("municipality__name")
    )


def kpi_by_month(*, districts: Sequence[District], start: dt.date, end: dt.date):
    """Per month of the period: persons contacted, entered and placed in that month (three
    queries). A person placed in two months counts in both."""
    populations = Populations([district.pk for district in districts], start, end)
    series = {
        "contacted": populations.outreach().annotate(month=TruncMonth("date")),
        "entered": populations.entries().annotate(month=TruncMonth("entry_date")),
        "placed": populations.placements().annotate(month=TruncMonth("started_on")),
    }
    months: list[dt.date] = []
    day = start.replace(day=1)
    while day <= end:
        months.append(day)
        day = (day + dt.timedelta(days=32)).replace(day=1)
    table = {month: dict.fromkeys(series, 0) for month in months}
    for name, queryset in series.items():
        rows = queryset.values("month").annotate(persons=Count("participant", distinct=True))
        for row in rows.order_by():
            month = row["month"]
            if isinstance(month, dt.datetime):
                month = month.date()
            table[month][name] = row["persons"]
    return [{"month": month.isoformat()[:7], **values} for month, values in table.items()]
