"""Synthetic case data at scale: the people of `seeding.cases`, written in bulk.

No services and no per-row queries: rows are generated as tuples in chunks of `batch_size`
participants and written table by table, on PostgreSQL with COPY, elsewhere with
`bulk_create`. Ids of the rows others point to (participants, needs, goals) are reserved up
front, so children can be generated together with their parents.

The denormalised participant columns are set exactly as the services would leave them: stage,
case manager, coaching provider and coach from the last enrollment, `last_contact_on` from the
contacts. Consent for case work is active on every entry; provider sharing names the coaching
provider of the municipality.

Deterministic: one `random.Random` per district, seeded from (seed, district number); dates are
relative to `today`.
"""

import datetime as dt
import json
import random
import uuid
from bisect import bisect
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import accumulate
from typing import Any

from django.db import connection, models
from django.utils import timezone

from durchstarten.cases import names
from durchstarten.cases.choices import ConsentPurpose, Stage, TaskKind
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
from durchstarten.core.crypto import EncryptedTextField, encrypt
from durchstarten.offers.models import Outcome, Referral, ReferralTransition
from durchstarten.seeding.cases import PersonGenerator

MAX_CONTACTS = 8


@dataclass
class DistrictContext:
    """The ids of one written synthetic district that its case data refers to."""

    plan: Any  # synthetic.DistrictPlan
    district_id: int
    municipality_ids: list[int]
    coaching: dict[int, int]  # municipality index -> coaching provider id
    case_managers: list[tuple[int, Decimal]]  # (user id, FTE)
    coaches: dict[int, list[int]]  # provider id -> coach user ids


class _Table:
    """Buffered rows of one table, written with COPY (PostgreSQL) or bulk_create."""

    def __init__(self, model: type[models.Model], fields: tuple[str, ...], json=()) -> None:
        self.model = model
        self.fields = fields
        opts = model._meta
        self.columns = [opts.get_field(name).column for name in fields]
        self.attnames = [opts.get_field(name).attname for name in fields]
        self.json = [self.fields.index(name) for name in json]
        # COPY bypasses the fields' conversion: encrypted fields are encrypted here.
        self.encrypted = [
            index
            for index, name in enumerate(fields)
            if isinstance(opts.get_field(name), EncryptedTextField)
        ]
        self.rows: list[tuple] = []
        self.written = 0

    def flush(self, batch_size: int) -> None:
        if not self.rows:
            return
        if connection.vendor == "postgresql":
            self._copy()
        else:
            model, attnames = self.model, self.attnames
            model.objects.bulk_create(
                [model(**dict(zip(attnames, row, strict=True))) for row in self.rows],
                batch_size=batch_size,
            )
        self.written += len(self.rows)
        self.rows = []

    def _copy(self) -> None:
        table = connection.ops.quote_name(self.model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        json_indexes, encrypted = self.json, self.encrypted
        with (
            connection.cursor() as cursor,
            cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            if json_indexes or encrypted:
                for row in self.rows:
                    row = list(row)
                    for i in json_indexes:
                        row[i] = json.dumps(row[i], ensure_ascii=False)
                    for i in encrypted:
                        row[i] = encrypt(row[i] or "")
                    copy.write_row(row)
            else:
                for row in self.rows:
                    copy.write_row(row)


class _Ids:
    """Reserves blocks of primary keys so that rows can carry them before they are written."""

    def __init__(self) -> None:
        self.next: dict[type[models.Model], int] = {}

    def reserve(self, model: type[models.Model], count: int) -> int:
        table = model._meta.db_table
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                    "nextval(pg_get_serial_sequence(%s, 'id')) + %s - 1)",
                    [table, table, count],
                )
                return cursor.fetchone()[0] - count + 1
        if model not in self.next:
            highest = model.objects.aggregate(highest=models.Max("pk"))["highest"] or 0
            self.next[model] = highest + 1
        first = self.next[model]
        self.next[model] = first + count
        return first


@dataclass
class CasesResult:
    participants: int = 0
    rows: dict[str, int] = field(default_factory=dict)


def _chooser(weights: list[float]) -> Callable[[float], int]:
    cumulative = list(accumulate(weights))
    total = cumulative[-1]
    last = len(weights) - 1
    return lambda fraction: min(bisect(cumulative, fraction * total), last)


def write_cases(
    contexts: list[DistrictContext],
    *,
    seed: int,
    batch_size: int,
    today: dt.date | None = None,
    programme_start: dt.date,
    progress: Callable[[str], None] | None = None,
    referrals=None,
) -> CasesResult:
    """`referrals`: a `synthetic_offers.ReferralWriter` that draws referrals and outcomes of
    the people into offers written before (None: no referrals)."""
    today = today or timezone.localdate()
    start = min(programme_start, today)
    now = timezone.now()
    total = sum(context.plan.participants for context in contexts)
    tables = {
        "participants": _Table(
            Participant,
            (
                "id", "public_id", "created_at", "updated_at", "version", "district",
                "municipality", "given_names", "family_name", "date_of_birth", "gender",
                "nationality", "languages", "german_level", "literacy", "interpreter_needed",
                "phone", "email", "address", "schooling", "work_history", "stage",
                "case_manager", "coaching_provider", "coach", "last_contact_on",
            ),
            json=("languages",),
        ),
        "name_keys": _Table(ParticipantNameKey, ("participant", "key")),
        "statuses": _Table(
            ResidenceStatus,
            ("public_id", "participant", "kind", "valid_from", "valid_until", "document_note",
             "recorded_by", "recorded_at"),
        ),
        "outreaches": _Table(
            Outreach,
            ("public_id", "participant", "channel", "date", "result", "note", "recorded_by",
             "recorded_at"),
        ),
        "consents": _Table(
            Consent,
            ("public_id", "participant", "purpose", "provider", "given_on", "withdrawn_on",
             "form_language", "recorded_by", "recorded_at"),
        ),
        "enrollments": _Table(
            Enrollment,
            ("public_id", "participant", "entry_date", "case_manager", "coaching_provider",
             "coach", "exit_date", "exit_reason", "exit_note", "recorded_by", "version"),
        ),
        "needs": _Table(
            Need,
            ("id", "public_id", "participant", "category", "priority", "status",
             "description", "identified_on", "closed_on", "recorded_by", "version"),
        ),
        "goals": _Table(
            CaseGoal,
            ("id", "public_id", "participant", "title", "need", "status", "due_date",
             "created_by", "created_at"),
        ),
        "steps": _Table(CaseStep, ("public_id", "goal", "title", "owner", "due_date", "done_on")),
        "contacts": _Table(
            Contact,
            ("public_id", "participant", "date", "duration_minutes", "channel", "language",
             "interpreter_used", "topics", "note", "author", "recorded_at"),
            json=("topics",),
        ),
        "tasks": _Table(
            Task,
            ("public_id", "participant", "district", "kind", "title", "due_date", "assignee",
             "auto_key", "done_at", "done_by", "created_by", "created_at"),
        ),
        "referrals": _Table(
            Referral,
            ("id", "public_id", "participant", "offer", "district", "state", "proposed_on",
             "accepted_on", "started_on", "ended_on", "abort_reason", "declined_by", "note",
             "proposed_by", "version"),
        ),
        "transitions": _Table(
            ReferralTransition,
            ("referral", "from_state", "to_state", "on", "by", "reason", "recorded_at"),
        ),
        "outcomes": _Table(
            Outcome,
            ("public_id", "participant", "kind", "start_date", "end_date", "language_level",
             "referral", "note", "recorded_by", "recorded_at"),
        ),
    }  # fmt: skip
    ids = _Ids()
    key_cache: dict[str, tuple[str, ...]] = {}
    result = CasesResult()
    report_every = max(batch_size, (total // 20 // batch_size) * batch_size or batch_size)
    reported = 0
    for pending in _people(contexts, seed, today, start, batch_size):
        _emit(pending, tables, ids, key_cache, now, today, referrals)
        result.participants += len(pending)
        for table in tables.values():
            table.flush(batch_size)
        if progress and (
            result.participants - reported >= report_every or result.participants == total
        ):
            reported = result.participants
            progress(f"Teilnehmende {result.participants}/{total} …")
    result.rows = {name: table.written for name, table in tables.items()}
    return result


def _people(
    contexts: list[DistrictContext], seed: int, today: dt.date, start: dt.date, batch_size: int
) -> Iterator[list[tuple]]:
    """Planned people in chunks of `batch_size`, with their staff and public id."""
    pending: list[tuple] = []
    for context in contexts:
        plan = context.plan
        if not plan.participants:
            continue
        rng = random.Random(f"{seed}:cases:{plan.number}")  # noqa: S311 - synthetic data
        id_rng = random.Random(f"{seed}:case-ids:{plan.number}")  # noqa: S311
        count = len(context.municipality_ids)
        # Town sizes: a few larger towns, many small ones.
        weights = [rng.paretovariate(1.2) for _ in range(count)]
        generator = PersonGenerator(
            today=today,
            programme_start=start,
            municipality_weights=weights,
            coaching=[i in context.coaching for i in range(count)],
            max_contacts=MAX_CONTACTS,
        )
        case_manager = _chooser([float(fte) for _user, fte in context.case_managers] or [1])
        for index in range(plan.participants):
            person = generator.person(rng)
            manager = (
                context.case_managers[case_manager(index / plan.participants)][0]
                if context.case_managers
                else None
            )
            provider = context.coaching.get(person.municipality)
            coach = None
            if provider is not None and person.coached and context.coaches.get(provider):
                coach = rng.choice(context.coaches[provider])
            public_id = uuid.UUID(int=id_rng.getrandbits(128), version=4)
            pending.append((context, person, manager, provider, coach, public_id))
            if len(pending) >= batch_size:
                yield pending
                pending = []
    if pending:
        yield pending


def _row_ids(public_id: uuid.UUID) -> Callable[[], uuid.UUID]:
    """Public ids of one person's records, drawn from the person's own: as deterministic as
    the rest of the data, and independent of how people are chunked."""
    rng = random.Random(public_id.int)  # noqa: S311 - synthetic data
    return lambda: uuid.UUID(int=rng.getrandbits(128), version=4)


class _Block:
    """Ids reserved for a chunk, handed out one by one (unused ones stay gaps)."""

    def __init__(self, first: int, count: int) -> None:
        self.next = first
        self.stop = first + count

    def reserve_referral(self) -> int:
        if self.next >= self.stop:
            raise RuntimeError("more referrals than reserved")
        self.next += 1
        return self.next - 1


def _emit(pending, tables, ids: _Ids, key_cache, now, today, referrals=None) -> None:
    """Turn a chunk of planned people into rows."""
    participants = tables["participants"].rows
    name_keys = tables["name_keys"].rows
    statuses = tables["statuses"].rows
    outreaches = tables["outreaches"].rows
    consents = tables["consents"].rows
    enrollments = tables["enrollments"].rows
    needs = tables["needs"].rows
    goals = tables["goals"].rows
    steps = tables["steps"].rows
    contacts = tables["contacts"].rows
    tasks = tables["tasks"].rows

    participant_id = ids.reserve(Participant, len(pending))
    need_count = sum(len(item[1].needs) for item in pending)
    goal_count = sum(len(item[1].goals) for item in pending)
    need_id = ids.reserve(Need, need_count) if need_count else 0
    goal_id = ids.reserve(CaseGoal, goal_count) if goal_count else 0
    sharing = ConsentPurpose.PROVIDER_SHARING.value
    manual = TaskKind.MANUAL.value
    block = None
    if referrals is not None:
        bound = referrals.count(pending)
        block = _Block(ids.reserve(Referral, bound) if bound else 0, bound)

    for context, p, manager, provider, coach, public_id in pending:
        row_id = _row_ids(public_id)
        pid = participant_id
        participant_id += 1
        full_name = p.full_name
        keys = key_cache.get(full_name)
        if keys is None:
            keys = key_cache[full_name] = tuple(sorted(names.name_keys(full_name)))
        for key in keys:
            name_keys.append((pid, key))
        for status in p.statuses:
            statuses.append(
                (row_id(), pid, status.kind, status.valid_from, status.valid_until, status.note,
                 manager, now)
            )  # fmt: skip
        for channel, day, result, note in p.outreaches:
            outreaches.append((row_id(), pid, channel, day, result, note, manager, now))

        stage = Stage.CONTACTED.value
        staff = (None, None, None)
        if p.stays:
            staff = (manager, provider, coach)
            stage = Stage.ACTIVE.value if p.stays[-1].exit is None else Stage.EXITED.value
            for purpose, given_on, withdrawn_on in p.consents:
                consents.append(
                    (row_id(), pid, purpose, provider if purpose == sharing else None,
                     given_on, withdrawn_on, p.form_language, manager, now)
                )  # fmt: skip
            for stay in p.stays:
                enrollments.append(
                    (row_id(), pid, stay.entry, manager, provider, coach, stay.exit,
                     stay.reason, stay.note, manager, 1)
                )  # fmt: skip
        first_need = need_id
        for need in p.needs:
            needs.append(
                (need_id, row_id(), pid, need.category, need.priority, need.status,
                 need.description, need.identified_on, need.closed_on, manager, 1)
            )  # fmt: skip
            need_id += 1
        for goal in p.goals:
            goals.append(
                (goal_id, row_id(), pid, goal.title,
                 first_need + goal.need if goal.need is not None else None, goal.status,
                 goal.due_date, manager, now)
            )  # fmt: skip
            for title, owner, due, done in goal.steps:
                steps.append((row_id(), goal_id, title, owner, due, done))
            goal_id += 1
        last_contact = None
        for day, minutes, channel, language, interpreter, topics, note in p.contacts:
            contacts.append(
                (row_id(), pid, day, minutes, channel, language, interpreter, topics, note,
                 manager, now)
            )  # fmt: skip
            if last_contact is None or day > last_contact:
                last_contact = day
        for title, due, done in p.tasks:
            tasks.append(
                (row_id(), pid, context.district_id, manual, title, due, manager, None,
                 now if done else None, manager if done else None, manager, now)
            )  # fmt: skip
        if block is not None:
            referrals.person(
                context, pid, p, manager, provider, context.municipality_ids[p.municipality],
                block, tables, now,
            )  # fmt: skip
        participants.append(
            (
                pid, public_id, now, now, 1, context.district_id,
                context.municipality_ids[p.municipality], p.given_names, p.family_name,
                p.date_of_birth, p.gender, p.nationality, p.languages, p.german_level,
                p.literacy, p.interpreter_needed, "", "", "", p.schooling, p.work_history,
                stage, *staff, last_contact,
            )
        )  # fmt: skip
