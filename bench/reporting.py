"""The KPI report for one district and for all districts of the data set.

- kpi_district: subject `reporting.kpi.kpi_report` for the matching benchmark's district and
  the current calendar year; floor one hand-written SQL statement that counts the headline
  figures (persons contacted, entered, placed) with three scalar subqueries over the same
  tables. The floor skips what the subject adds: the target group on the day of the outreach,
  "entered by the day of the placement", the split by kind and module, outcomes, exits,
  breakdowns, targets and caseload. `entered` must agree (checked before measuring).
- kpi_state: the same for every district of the data set at once.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.utils import timezone

from durchstarten.cases.choices import SUCCESSFUL_OUTREACH
from durchstarten.cases.models import Enrollment, Outreach, Participant
from durchstarten.offers.choices import OfferKind
from durchstarten.offers.models import Offer, Referral
from durchstarten.organisation.models import District
from durchstarten.reporting.kpi import kpi_report
from harness import compare

KPI_MAX_QUERIES = 7


def _marks(values) -> str:
    return ", ".join(["%s"] * len(values))


def kpi_floor(district_ids: list[int], start: dt.date, end: dt.date):
    participant = Participant._meta.db_table
    outreach = Outreach._meta.db_table
    enrollment = Enrollment._meta.db_table
    referral = Referral._meta.db_table
    offer = Offer._meta.db_table
    districts = _marks(district_ids)
    results = sorted(SUCCESSFUL_OUTREACH)
    kinds = [OfferKind.INITIATIVE.value, OfferKind.REGULAR.value]
    sql = f"""
        SELECT
          (SELECT COUNT(DISTINCT o.participant_id) FROM {outreach} o
             JOIN {participant} p ON p.id = o.participant_id
            WHERE p.district_id IN ({districts}) AND o.date BETWEEN %s AND %s
              AND o.result IN ({_marks(results)})),
          (SELECT COUNT(DISTINCT e.participant_id) FROM {enrollment} e
             JOIN {participant} p ON p.id = e.participant_id
            WHERE p.district_id IN ({districts}) AND e.entry_date BETWEEN %s AND %s),
          (SELECT COUNT(DISTINCT r.participant_id) FROM {referral} r
             JOIN {offer} f ON f.id = r.offer_id
            WHERE r.district_id IN ({districts}) AND r.started_on BETWEEN %s AND %s
              AND f.kind IN ({_marks(kinds)}))
    """  # noqa: S608 - table names from the models, values as parameters
    params = [
        *district_ids, start, end, *results,
        *district_ids, start, end,
        *district_ids, start, end, *kinds,
    ]  # fmt: skip

    def floor():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()

    return floor


def _bench(name, districts, *, title, warmup, repeat, budget_s) -> dict:
    end = timezone.localdate()
    start = end.replace(month=1, day=1)
    ids = [district.pk for district in districts]

    def subject():
        return kpi_report(districts=districts, start=start, end=end)

    report = subject()
    floor = kpi_floor(ids, start, end)
    contacted, entered, placed = floor()
    if entered != report["entered"]:
        raise AssertionError(
            f"floor counts {entered} entries, the report {report['entered']}: "
            "they do not measure the same data"
        )
    size = {
        "districts": len(ids),
        "participants": Participant.objects.filter(district_id__in=ids).count(),
        "outreach": Outreach.objects.filter(participant__district_id__in=ids).count(),
        "enrollments": Enrollment.objects.filter(participant__district_id__in=ids).count(),
        "referrals": Referral.objects.filter(district_id__in=ids).count(),
        "period": f"{start.isoformat()} – {end.isoformat()}",
        "contacted / entered / placed": f"{report['contacted']} / {entered} / {report['placed']}",
    }
    return compare(
        name,
        subject,
        floor,
        size,
        title=title,
        floor_description=(
            "one SQL statement counting persons contacted, entered and placed with three "
            "scalar subqueries (no target-group rule, no split by kind or module)"
        ),
        target="≤ 2,000 ms",
        target_ms=2000,
        max_queries=KPI_MAX_QUERIES,
        warmup=warmup,
        repeat=repeat,
        budget_s=budget_s,
        notes=(
            f"Floor counts {contacted} contacted and {placed} placed without the target-group "
            "and entered-before-placement rules."
        ),
    )


def bench_kpi_district(ctx, *, warmup: int, repeat: int, budget_s: float | None) -> dict:
    return _bench(
        "kpi_district",
        [ctx.district],
        title="KPI report: one district, current year",
        warmup=warmup,
        repeat=repeat,
        budget_s=budget_s,
    )


def bench_kpi_state(ctx, *, warmup: int, repeat: int, budget_s: float | None) -> dict:
    return _bench(
        "kpi_state",
        list(District.objects.order_by("ags")),
        title="KPI report: all districts, current year",
        warmup=warmup,
        repeat=repeat,
        budget_s=budget_s,
    )


BENCHMARKS = {"kpi_district": bench_kpi_district, "kpi_state": bench_kpi_state}
