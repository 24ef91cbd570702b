"""Backups of the database and the uploaded files, and their verification (SECURITY.md).

A backup is one tar.gz archive: the database (SQLite: a copy made with SQLite's online backup
API; PostgreSQL: `pg_dump -Fc`), the media files under ``media/`` and ``manifest.json`` with
the row count and a checksum of every table, a checksum of the media files and the head of the
audit chain. The table checksum is the SHA-256 over the table's rows read in primary-key order,
each row as canonical JSON, so the same data gives the same checksum after a restore.

On PostgreSQL the checksums, the audit head and `pg_dump` read the same exported snapshot of a
repeatable-read transaction: the manifest describes exactly the data in the dump, however busy
the database is. The password reaches pg_dump/pg_restore in PGPASSWORD, never as an argument.
"""

import datetime as dt
import decimal
import hashlib
import io
import ipaddress
import json
import os
import shutil
import sqlite3
import subprocess  # nosec B404 - runs pg_dump/pg_restore with fixed arguments, no shell
import tarfile
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from django.conf import settings
from django.db.backends.base.base import BaseDatabaseWrapper

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA = "media"
DATABASE_MEMBER = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
AUDIT_TABLE = "core_auditentry"
_FETCH = 2000


class BackupError(Exception):
    """A backup or restore step failed; the message is fit for the operator."""


# --- Checksums ------------------------------------------------------------------------------


def _cell(value: Any) -> Any:
    """A database value as a JSON value that reads the same from the dump and the original."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID | dt.timedelta | ipaddress._BaseAddress):
        return str(value)
    if isinstance(value, dict):
        return {str(key): _cell(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_cell(item) for item in value]
    return str(value)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _tables(cursor, vendor: str) -> list[str]:
    if vendor == "sqlite":
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    else:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    return sorted(row[0] for row in cursor.fetchall())


def _order_by(cursor, vendor: str, table: str) -> str:
    if vendor == "sqlite":
        cursor.execute(f"PRAGMA table_info({_quote(table)})")
        columns = cursor.fetchall()
        keys = [row[1] for row in sorted(columns, key=lambda row: row[5]) if row[5]]
        count = len(columns)
    else:
        cursor.execute(
            "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
            "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = %s::regclass AND i.indisprimary "
            "ORDER BY a.attnum",
            [_quote(table)],
        )
        keys = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "SELECT count(*) FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 "
            "AND NOT attisdropped",
            [_quote(table)],
        )
        count = cursor.fetchone()[0]
    if keys:
        return ", ".join(_quote(key) for key in keys)
    return ", ".join(str(number) for number in range(1, count + 1))


def table_checksums(cursor, vendor: str) -> dict[str, dict[str, Any]]:
    """{table: {"rows": n, "sha256": hex}} for every table of the database."""
    out = {}
    for table in _tables(cursor, vendor):
        order = _order_by(cursor, vendor, table)
        # Table names come from the catalogue and are quoted: no user input reaches the SQL.
        query = f"SELECT * FROM {_quote(table)} ORDER BY {order}"  # noqa: S608  # nosec B608
        cursor.execute(query)
        digest, rows = hashlib.sha256(), 0
        while batch := cursor.fetchmany(_FETCH):
            for row in batch:
                line = json.dumps([_cell(value) for value in row], separators=(",", ":"))
                digest.update(line.encode("utf-8") + b"\n")
                rows += 1
        out[table] = {"rows": rows, "sha256": digest.hexdigest()}
    return out


def audit_head(cursor, tables) -> list | None:
    """[sequence, hash] of the last audit entry, the anchor `audit verify` checks later."""
    if AUDIT_TABLE not in tables:
        return None
    cursor.execute(
        f"SELECT sequence, hash FROM {AUDIT_TABLE} ORDER BY sequence DESC LIMIT 1"  # noqa: S608  # nosec B608
    )
    row = cursor.fetchone()
    return [row[0], row[1]] if row else None


def media_checksum(root: Path) -> dict[str, Any]:
    """Number of files under `root` and a SHA-256 over their relative paths and contents."""
    digest, files = hashlib.sha256(), 0
    for path in sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []:
        digest.update(f"{path.relative_to(root).as_posix()}\0{file_sha256(path)}\n".encode())
        files += 1
    return {"files": files, "sha256": digest.hexdigest()}


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


# --- Database access --------------------------------------------------------------------------


def pg_environment(settings_dict: dict) -> dict[str, str]:
    """libpq variables for pg_dump/pg_restore: the password stays off the command line."""
    environment = dict(os.environ)
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
    ):
        if settings_dict.get(key):
            environment[variable] = str(settings_dict[key])
    sslmode = settings_dict.get("OPTIONS", {}).get("sslmode")
    if sslmode:
        environment["PGSSLMODE"] = sslmode
    return environment


def _pg_connect(settings_dict: dict) -> psycopg.Connection:
    options = {"sslmode": settings_dict.get("OPTIONS", {}).get("sslmode")}
    params = {
        "dbname": settings_dict["NAME"],
        "user": settings_dict.get("USER") or None,
        "password": settings_dict.get("PASSWORD") or None,
        "host": settings_dict.get("HOST") or None,
        "port": settings_dict.get("PORT") or None,
        **options,
    }
    return psycopg.connect(**{key: value for key, value in params.items() if value})


def run_tool(arguments: list[str], environment: dict[str, str]) -> None:
    tool = shutil.which(arguments[0])
    if tool is None:
        raise BackupError(f"{arguments[0]} wurde nicht gefunden (PostgreSQL-Client installieren).")
    # A fixed tool with arguments from the settings, no shell.
    result = subprocess.run(  # noqa: S603  # nosec B603
        [tool, *arguments[1:]], env=environment, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{arguments[0]} ist fehlgeschlagen: {result.stderr.strip()}")


def sqlite_copy(connection: BaseDatabaseWrapper, destination: Path) -> None:
    """A consistent copy of the Django connection's SQLite database (file or in memory)."""
    connection.ensure_connection()
    target = sqlite3.connect(destination)
    try:
        connection.connection.backup(target)
    finally:
        target.close()


@contextmanager
def sqlite_reader(path: Path) -> Iterator[sqlite3.Cursor]:
    # Plain sqlite3 without Django's type converters: checksums see the stored text.
    raw = sqlite3.connect(path)
    try:
        yield raw.cursor()
    finally:
        raw.close()


@dataclass
class Snapshot:
    checksums: dict[str, dict[str, Any]]
    audit_head: list | None


def dump_database(connection: BaseDatabaseWrapper, destination: Path) -> Snapshot:
    """Write the database to `destination` and describe exactly what was written."""
    if connection.vendor == "sqlite":
        sqlite_copy(connection, destination)
        with sqlite_reader(destination) as cursor:
            checksums = table_checksums(cursor, "sqlite")
            return Snapshot(checksums, audit_head(cursor, checksums))
    if connection.vendor != "postgresql":
        raise BackupError(f"Datenbank {connection.vendor} wird nicht unterstützt.")

    settings_dict = connection.settings_dict
    with _pg_connect(settings_dict) as raw:
        raw.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        raw.read_only = True
        with raw.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            run_tool(
                [
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    f"--snapshot={snapshot}",
                    f"--file={destination}",
                    f"--dbname={settings_dict['NAME']}",
                ],
                pg_environment(settings_dict),
            )
            checksums = table_checksums(cursor, "postgresql")
            head = audit_head(cursor, checksums)
        raw.rollback()
    return Snapshot(checksums, head)


def load_database(connection: BaseDatabaseWrapper, source: Path) -> dict[str, dict[str, Any]]:
    """Replace the database's content by the dump and return the restored checksums."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        dump = sqlite3.connect(source)
        try:
            dump.backup(connection.connection)
        finally:
            dump.close()
        with tempfile.TemporaryDirectory() as scratch:
            copy = Path(scratch) / "restored.sqlite3"
            sqlite_copy(connection, copy)
            with sqlite_reader(copy) as cursor:
                return table_checksums(cursor, "sqlite")
    settings_dict = connection.settings_dict
    connection.close()
    run_tool(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={settings_dict['NAME']}",
            str(source),
        ],
        pg_environment(settings_dict),
    )
    with _pg_connect(settings_dict) as raw, raw.cursor() as cursor:
        return table_checksums(cursor, "postgresql")


# --- Archive ----------------------------------------------------------------------------------


def write_archive(output: Path, *, database: Path, member: str, manifest: dict) -> dict:
    """Write the archive (owner-readable only, renamed into place when complete) with the
    database, the media files and the manifest completed by the media checksum; returns it."""
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    root = media_root()
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle, tarfile.open(fileobj=handle, mode="w:gz") as tar:
        tar.add(database, arcname=member)
        digest, files = hashlib.sha256(), 0
        for path in sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []:
            relative = path.relative_to(root).as_posix()
            digest.update(f"{relative}\0{file_sha256(path)}\n".encode())
            tar.add(path, arcname=f"{MEDIA}/{relative}")
            files += 1
        manifest = {**manifest, "media": {"files": files, "sha256": digest.hexdigest()}}
        data = json.dumps(manifest, indent=2, sort_keys=True).encode("utf-8")
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mode = len(data), 0o600
        tar.addfile(info, io.BytesIO(data))
    partial.replace(output)
    return manifest


def read_archive(archive: Path, into: Path) -> dict:
    """Unpack the archive into `into` (no paths outside it, no links) and return the manifest."""
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            tar.extractall(into, filter="data")
    except (tarfile.TarError, OSError) as error:
        raise BackupError(f"Die Sicherung kann nicht gelesen werden: {error}") from None
    try:
        manifest = json.loads((into / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        raise BackupError("Die Sicherung enthält kein lesbares manifest.json.") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unbekanntes Sicherungsformat {manifest.get('format')!r}.")
    return manifest


def media_root() -> Path:
    return Path(settings.MEDIA_ROOT)
