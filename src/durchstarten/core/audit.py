"""Writing and checking the audit log. Callers pass ids and field names, never personal data.

Every entry is chained to its predecessor: `hash` is the SHA-256 of a canonical JSON of the
entry's chained fields, which include `prev_hash`, the hash of the entry before it. Editing,
deleting or reordering an entry breaks the chain; `durchstarten audit verify` finds the break.
The format of the chained payload is a stable interface: changing it invalidates every
existing entry.
"""

import contextvars
import datetime as dt
import hashlib
import ipaddress
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction
from django.http import HttpRequest
from django.utils import timezone

from durchstarten.core.models import AuditEntry, AuditOutcome, User

GENESIS_HASH = "0" * 64
# Key of the PostgreSQL advisory lock that serialises appends to the chain ("audit" in ASCII).
CHAIN_LOCK_KEY = 0x6175646974
CHAINED_FIELDS = (
    "sequence",
    "occurred_at",
    "actor_id",
    "actor_role",
    "action",
    "outcome",
    "district_id",
    "object_type",
    "object_id",
    "data",
    "prev_hash",
)

# The request being handled, set by AuditRequestMiddleware: log_action takes the role and the
# client address from it when the caller did not pass a request of its own.
current_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "durchstarten_audit_request", default=None
)


def canonical_json(value: Any) -> str:
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
    )


def _timestamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def entry_hash(fields: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the chained fields of one entry, given as a mapping."""
    payload = {name: fields[name] for name in CHAINED_FIELDS}
    payload["occurred_at"] = _timestamp(payload["occurred_at"])
    return hashlib.sha256(canonical_json(payload).encode("ascii")).hexdigest()


def object_reference(obj: models.Model) -> tuple[str, str]:
    """The (object_type, object_id) an entry names an object by: its public id, never a name."""
    return obj._meta.label_lower, str(getattr(obj, "public_id", obj.pk))


def _lock_chain() -> None:
    """Serialise appends until the transaction ends (SQLite serialises writers by itself)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])


def _client_address(request: HttpRequest) -> str | None:
    # REMOTE_ADDR only: forwarded headers are set by the client unless a proxy rewrites them.
    try:
        return str(ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")))
    except ValueError:
        return None


def log_action(
    action: str,
    *,
    actor: User | None,
    obj: models.Model | None = None,
    district_id: int | None = None,
    data: dict | None = None,
    outcome: str = AuditOutcome.OK,
    request: HttpRequest | None = None,
    role: str | None = None,
) -> AuditEntry:
    """Append one entry to the chained audit log and return it.

    `data` holds ids, choice values and field names only. The actor's role and address come
    from `request` (the active membership and REMOTE_ADDR); without one, from the request
    being handled if the actor is the user signed in there. `role` overrides the role.
    """
    if actor is not None and not actor.is_authenticated:
        actor = None
    if request is None:
        ambient = current_request.get()
        ambient_user = getattr(ambient, "user", None)
        if actor is not None and ambient_user is not None and ambient_user.pk == actor.pk:
            request = ambient
    ip_address = None
    if request is not None:
        ip_address = _client_address(request)
        if role is None:
            membership = getattr(request, "membership", None)
            role = membership.role if membership is not None else ""
    object_type = object_id = ""
    if obj is not None:
        object_type, object_id = object_reference(obj)
        if district_id is None:
            district_id = getattr(obj, "district_id", None)
    # What is hashed must be what the database gives back: plain JSON types only.
    data = json.loads(json.dumps(data or {}, allow_nan=False))
    entry = AuditEntry(
        actor=actor,
        actor_role=str(role or ""),
        ip_address=ip_address,
        action=action,
        outcome=str(outcome),
        district_id=district_id,
        object_type=object_type,
        object_id=object_id,
        data=data,
    )
    with transaction.atomic(savepoint=False):
        _lock_chain()
        last = AuditEntry.objects.order_by("-sequence").values_list("sequence", "hash").first()
        entry.sequence, entry.prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)
        entry.occurred_at = timezone.now()
        entry.hash = entry_hash({name: getattr(entry, name) for name in CHAINED_FIELDS})
        entry.save(force_insert=True)
    return entry


# --- Checking -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainBreak:
    entry_id: int | None
    sequence: int
    reason: str


@dataclass(frozen=True)
class ChainReport:
    entries: int
    last_sequence: int
    last_hash: str
    broken: ChainBreak | None

    @property
    def intact(self) -> bool:
        return self.broken is None


def _walk(rows: Iterable[Mapping[str, Any]]) -> Iterator[tuple[Mapping[str, Any], str | None]]:
    """Each row with the reason it breaks the chain, or None."""
    expected_sequence, expected_prev = 1, GENESIS_HASH
    for row in rows:
        if row["sequence"] != expected_sequence:
            if row["sequence"] > expected_sequence:
                reason = f"Lücke: Eintrag Nr. {expected_sequence} fehlt"
            else:
                reason = f"Nummer {row['sequence']} doppelt oder außer der Reihe"
            yield row, reason
            return
        if row["prev_hash"] != expected_prev:
            yield row, "Verweis auf den Vorgänger stimmt nicht (Eintrag davor gelöscht oder "
            "verändert, oder Reihenfolge vertauscht)"
            return
        if entry_hash(row) != row["hash"]:
            yield row, "Inhalt passt nicht zum gespeicherten Hash (Eintrag verändert)"
            return
        yield row, None
        expected_sequence, expected_prev = expected_sequence + 1, row["hash"]


def verify_chain(*, anchor: tuple[int, str] | None = None, chunk_size: int = 2000) -> ChainReport:
    """Walk the whole log in sequence order, streaming, and report the first break.

    `anchor` (sequence, hash) is a head recorded earlier, e.g. with a backup: it must still
    be in the chain, which also detects entries cut off at the end.
    """
    rows = (
        AuditEntry.objects.order_by("sequence")
        .values("id", "hash", *CHAINED_FIELDS)
        .iterator(chunk_size=chunk_size)
    )
    count, last_sequence, last_hash = 0, 0, GENESIS_HASH

    def report(entry_id: int | None, sequence: int, reason: str) -> ChainReport:
        return ChainReport(count, last_sequence, last_hash, ChainBreak(entry_id, sequence, reason))

    for row, reason in _walk(rows):
        if reason is not None:
            return report(row["id"], row["sequence"], reason)
        count, last_sequence, last_hash = count + 1, row["sequence"], row["hash"]
        if anchor is not None and row["sequence"] == anchor[0] and row["hash"] != anchor[1]:
            return report(row["id"], row["sequence"], "Hash weicht vom festgehaltenen Anker ab")
    if anchor is not None and last_sequence < anchor[0]:
        reason = (
            f"Protokoll endet vor dem festgehaltenen Anker (Nr. {anchor[0]}): "
            "Einträge am Ende fehlen"
        )
        return report(None, anchor[0], reason)
    return ChainReport(count, last_sequence, last_hash, None)
