"""The case list, the name search and the participant page of one district.

Dataset: the synthetic district of the other benchmarks (the largest one), read as its
coordinator (who sees every case of the district).

- case_list_first: subject `cases.selectors.case_page` (capped count + the first 25 rows with
  municipality, case manager, residence status, target group and open needs), sorted by name,
  no filter; floor one SQL statement returning the same 25 rows with the same joins and
  subqueries, no count.
- case_list_deep: the same for the page after the row at 90 % of the list (a keyset cursor, as
  the "next" link carries it); floor the same seek written by hand as a row-value comparison.
  The issue asks for a deep page within 1.2× of page 1.
- case_list_filtered: stage "active" and one municipality, newest contact first.
- name_search / name_search_variant: the first page of the case list searched for "Muhammad"
  and for "Mohammed Rahimi" (a spelling of the same given name and a family name); floor
  the same name-key EXISTS per word as bare SQL returning the 25 rows, no count.
- participant_detail: subject `get_participant_for_user` + `participant_detail` (every
  section and the timeline); floor bare SELECTs of the same rows, one per table.
"""

from __future__ import annotations

from django.db import connection

from dataset import pick_coordinator
from durchstarten.cases import names
from durchstarten.cases import selectors as case_selectors
from durchstarten.cases.choices import OPEN_NEED_STATUSES, Stage
from durchstarten.cases.models import (
    CaseGoal,
    CaseStep,
    Consent,
    Contact,
    Enrollment,
    Need,
    Outreach,
    Participant,
    ParticipantNameKey,
    ResidenceStatus,
    Task,
)
from durchstarten.cases.selectors import CaseFilters
from durchstarten.core import lists
from durchstarten.core.models import User
from durchstarten.core.scoping import forget_access
from durchstarten.offers.models import Outcome, Referral, ReferralTransition
from durchstarten.organisation.models import Municipality
from harness import compare

LIST_MAX_QUERIES = 4  # the user's access, capped count, the cursor's row, rows
DETAIL_MAX_QUERIES = 16
DEEP_SHARE = 0.9

P = Participant._meta.db_table


def _row_sql(where: str, order: str) -> str:
    """The case list's 25 rows as bare SQL: the same columns, joins and subqueries."""
    return f"""
        SELECT p.*, m.name, u.first_name, u.last_name,
          (SELECT s.kind FROM {ResidenceStatus._meta.db_table} s
            WHERE s.participant_id = p.id AND s.valid_from <= %s
              AND (s.valid_until IS NULL OR s.valid_until >= %s)
            ORDER BY s.valid_from DESC, s.id DESC LIMIT 1),
          (SELECT COUNT(*) FROM {Need._meta.db_table} n
            WHERE n.participant_id = p.id AND n.status IN (%s, %s))
        FROM {P} p
        LEFT JOIN {Municipality._meta.db_table} m ON m.id = p.municipality_id
        LEFT JOIN {User._meta.db_table} u ON u.id = p.case_manager_id
        WHERE p.district_id = %s AND p.restricted_at IS NULL AND p.anonymised_at IS NULL
          AND {where}
        ORDER BY {order} LIMIT {lists.PAGE_SIZE}
    """  # noqa: S608 - table names from the models, values as parameters


def _floor(sql: str, params: list):
    def floor():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    return floor


def _head(ctx) -> list:
    return [ctx.today, ctx.today, *sorted(OPEN_NEED_STATUSES), ctx.district.pk]


def _page_subject(user, district_id: int, filters: CaseFilters, cursor: str = ""):
    def subject():
        forget_access(user)  # as in a request: the user's access is read once per request
        page = case_selectors.case_page(
            user, district_id=district_id, filters=filters, cursor=cursor
        )
        return page.object_list

    return subject


def _check_same_rows(name: str, subject, floor) -> int:
    rows, expected = subject(), floor()
    if [p.pk for p in rows] != [row[0] for row in expected]:
        raise AssertionError(f"{name}: the floor reads other rows than the subject shows")
    return len(rows)


def _bench_page(name, ctx, *, filters, cursor, where, order, params, title, floor_text, **kw):
    user = pick_coordinator(ctx.district)
    subject = _page_subject(user, ctx.district.pk, filters, cursor)
    floor = _floor(_row_sql(where, order), [*_head(ctx), *params])
    shown = _check_same_rows(name, subject, floor)
    page = case_selectors.case_page(
        user, district_id=ctx.district.pk, filters=filters, cursor=cursor
    )
    listed = Participant.objects.filter(district=ctx.district).count()
    size = {
        "participants": listed,
        "listed": page.count,
        **({"count capped": "yes"} if page.count_capped else {}),
        "rows shown": shown,
        **kw.pop("size", {}),
    }
    return compare(
        name,
        subject,
        floor,
        size,
        title=title,
        floor_description=floor_text,
        target="≤ 100 ms",
        target_ms=100,
        max_queries=LIST_MAX_QUERIES,
        **kw,
    )


def bench_case_list_first(ctx, *, warmup: int, repeat: int, budget_s: float | None) -> dict:
    return _bench_page(
        "case_list_first",
        ctx,
        filters=CaseFilters(sort="name"),
        cursor="",
        where="TRUE",
        order="p.family_name, p.given_names, p.id",
        params=[],
        title="Case list: first page, sorted by name",
        floor_text=(
            "one SQL statement returning the same 25 rows (municipality, case manager, current "
            "residence status, open needs), no count"
        ),
        warmup=warmup,
        repeat=repeat,
        budget_s=budget_s,
    )


def bench_case_list_deep(ctx, *, warmup: int, repeat: int, budget_s: float | None) -> dict:
    ordered = Participant.objects.filter(district=ctx.district).filter(
        restricted_at__isnull=True, anonymised_at__isnull=True
    )
    depth = int(ordered.count() * DEEP_SHARE)
    boundary = ordered.order_by("family_name", "given_names", "pk")[depth]
    cursor = lists._encode_cursor(lists._AFTER, depth // lists.PAGE_SIZE + 2, boundary.public_id)
    return _bench_page(
        "case_list_deep",
        ctx,
        filters=CaseFilters(sort="name"),
        cursor=cursor,
        where="(p.family_name, p.given_names, p.id) > (%s, %s, %s)",
        order="p.family_name, p.given_names, p.id",
        params=[boundary.family_name, boundary.given_names, boundary.pk],
        title=f"Case list: page after row {depth:,} (keyset), sorted by name",
        floor_text=(
            "the same 25 rows by a hand-written row-value seek "
            "(family_name, given_names, id) > (…), no count"
        ),
        size={"depth": depth},
        warmup=warmup,
        repeat=repeat,
        budget_s=budget_s,
    )


def bench_case_list_filtered(ctx, *, warmup: int, repeat: int, budget_s: float | None) -> dict:
    municipality = (
        Municipality.objects.filter(district=ctx.district, participants__stage=Stage.ACTIVE)
        .order_by("pk")
        .first()
    )
    return _bench_page(
        "case_list_filtered",
        ctx,
        filters=CaseFilters(stage=Stage.ACTIVE, municipality_id=municipality.pk, sort="-contact"),
        cursor="",
        where="p.stage = %s AND p.municipality_id = %s",
        order="p.last_contact_on DESC NULLS FIRST, p.id DESC",
        params=[Stage.ACTIVE.value, municipality.pk],
        title="Case list: active cases of one municipality, latest contact first",
        floor_text="one SQL statement returning the same 25 rows, no count",
        warmup=warmup,
        repeat=repeat,
        budget_s=budget_s,
    )


def _search_where(query: str) -> tuple[str, list]:
    key_table = ParticipantNameKey._meta.db_table
    clauses, params = [], []
    for token in names.tokens(query):
        keys = names.query_keys(token)
        likes = " OR ".join(["k.key LIKE %s"] * len(keys))
        clauses.append(
            f"EXISTS (SELECT 1 FROM {key_table} k WHERE k.participant_id = p.id AND ({likes}))"  # noqa: S608
        )
        params += [f"{key}%" for key in keys]
    return " AND ".join(clauses), params


def _bench_search(name, query, ctx, *, title, warmup, repeat, budget_s) -> dict:
    where, params = _search_where(query)
    return _bench_page(
        name,
        ctx,
        filters=CaseFilters(query=query, sort="name"),
        cursor="",
        where=where,
        order="p.family_name, p.given_names, p.id",
        params=params,
        title=title,
        floor_text=(
            "the same name-key EXISTS per word (prefix LIKE on the same keys) as one SQL "
            "statement returning the 25 rows, no count"
        ),
        size={"query keys": len(params)},
        warmup=warmup,
        repeat=repeat,
        budget_s=budget_s,
    )


def bench_name_search(ctx, *, warmup: int, repeat: int, budget_s: float | None) -> dict:
    return _bench_search(
        "name_search",
        "Muhammad",
        ctx,
        title='Name search: "Muhammad" (finds Mohammed, Mohamad …), first page',
        warmup=warmup,
        repeat=repeat,
        budget_s=budget_s,
    )


def bench_name_search_variant(ctx, *, warmup: int, repeat: int, budget_s: float | None) -> dict:
    return _bench_search(
        "name_search_variant",
        "Mohammed Rahimi",
        ctx,
        title='Name search: "Mohammed Rahimi", first page',
        warmup=warmup,
        repeat=repeat,
        budget_s=budget_s,
    )


def _detail_floor(participant: Participant):
    pid = participant.pk
    tables = [
        (ResidenceStatus, "participant_id"),
        (Consent, "participant_id"),
        (Enrollment, "participant_id"),
        (Need, "participant_id"),
        (CaseGoal, "participant_id"),
        (Contact, "participant_id"),
        (Task, "participant_id"),
        (Outreach, "participant_id"),
        (Outcome, "participant_id"),
    ]
    statements = [(f"SELECT * FROM {P} WHERE id = %s", [pid])]  # noqa: S608
    statements += [
        (f"SELECT * FROM {model._meta.db_table} WHERE {column} = %s", [pid])  # noqa: S608
        for model, column in tables
    ]
    statements += [
        (
            f"SELECT s.* FROM {CaseStep._meta.db_table} s JOIN {CaseGoal._meta.db_table} g "  # noqa: S608
            "ON g.id = s.goal_id WHERE g.participant_id = %s",
            [pid],
        ),
        (
            f"SELECT t.* FROM {ReferralTransition._meta.db_table} t "  # noqa: S608
            f"JOIN {Referral._meta.db_table} r ON r.id = t.referral_id WHERE r.participant_id = %s",
            [pid],
        ),
    ]

    def floor():
        with connection.cursor() as cursor:
            rows = []
            for sql, params in statements:
                cursor.execute(sql, params)
                rows.append(cursor.fetchall())
            return rows

    return floor, len(statements)


def bench_participant_detail(ctx, *, warmup: int, repeat: int, budget_s: float | None) -> dict:
    user = pick_coordinator(ctx.district)
    public_id = ctx.participant.public_id

    def subject():
        forget_access(user)
        participant = case_selectors.get_participant_for_user(user, public_id)
        return case_selectors.participant_detail(user, participant, day=ctx.today)

    detail = subject()
    floor, statements = _detail_floor(ctx.participant)
    return compare(
        "participant_detail",
        subject,
        floor,
        {
            "participants": Participant.objects.filter(district=ctx.district).count(),
            "timeline events": len(detail["timeline"]),
        },
        title="Participant page: all sections and the timeline",
        floor_description=(
            f"{statements} bare SELECTs of the same rows (the person and one per kind of "
            "record), no joins for display names"
        ),
        target="≤ 100 ms",
        target_ms=100,
        max_queries=DETAIL_MAX_QUERIES,
        warmup=warmup,
        repeat=repeat,
        budget_s=budget_s,
    )


BENCHMARKS = {
    "case_list_first": bench_case_list_first,
    "case_list_deep": bench_case_list_deep,
    "case_list_filtered": bench_case_list_filtered,
    "name_search": bench_name_search,
    "name_search_variant": bench_name_search_variant,
    "participant_detail": bench_participant_detail,
}
