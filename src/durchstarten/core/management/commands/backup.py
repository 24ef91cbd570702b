"""`durchstarten backup --output FILE`: database, media files and a verifiable manifest."""

import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from durchstarten.core import backup
from durchstarten.core.audit import log_action


class Command(BaseCommand):
    help = (
        "Sichert Datenbank und hochgeladene Dateien in eine Archivdatei (tar.gz) mit "
        "Zeilenzahlen und Prüfsummen je Tabelle; Wiederherstellung mit `durchstarten restore`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output", required=True, type=Path, metavar="DATEI", help="Zieldatei (.tar.gz)."
        )
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="Datenbank-Alias (Standard: default)."
        )

    def handle(self, *args, **options) -> None:
        connection = connections[options["database"]]
        output: Path = options["output"]
        if output.exists() and not output.is_file():
            raise CommandError(f"{output} ist keine Datei.")
        member = backup.DATABASE_MEMBER.get(connection.vendor)
        if member is None:
            raise CommandError(f"Datenbank {connection.vendor} wird nicht unterstützt.")
        started = timezone.now()
        try:
            with tempfile.TemporaryDirectory() as scratch:
                database = Path(scratch) / member
                snapshot = backup.dump_database(connection, database)
                manifest = backup.write_archive(
                    output,
                    database=database,
                    member=member,
                    manifest={
                        "format": backup.FORMAT,
                        "created_at": started.isoformat(),
                        "vendor": connection.vendor,
                        "database": {"member": member, "sha256": backup.file_sha256(database)},
                        "tables": snapshot.checksums,
                        "audit_head": snapshot.audit_head,
                    },
                )
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        rows = sum(table["rows"] for table in snapshot.checksums.values())
        log_action(
            "core.backup.created",
            actor=None,
            data={
                "tables": len(snapshot.checksums),
                "rows": rows,
                "media_files": manifest["media"]["files"],
            },
        )
        self.stdout.write(
            f"{len(snapshot.checksums)} Tabellen, {rows} Zeilen, "
            f"{manifest['media']['files']} Dateien gesichert."
        )
        if snapshot.audit_head:
            sequence, head = snapshot.audit_head
            self.stdout.write(f"Anker: {sequence}:{head}  (getrennt von der Sicherung aufbewahren)")
        self.stdout.write(self.style.SUCCESS(f"Sicherung: {output.resolve()}"))
