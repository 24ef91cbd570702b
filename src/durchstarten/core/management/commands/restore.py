"""`durchstarten restore FILE`: load a backup and prove it complete and unaltered."""

import shutil
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections

from durchstarten.core import backup
from durchstarten.core.audit import log_action, verify_chain


class Command(BaseCommand):
    help = (
        "Stellt eine Sicherung von `durchstarten backup` wieder her (ERSETZT den Inhalt der "
        "Datenbank), prüft Zeilenzahlen und Prüfsummen jeder Tabelle und die Kette des "
        "Audit-Logs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, metavar="DATEI", help="Sicherung (.tar.gz).")
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="Datenbank-Alias (Standard: default)."
        )
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="Ohne Rückfrage überschreiben.",
        )

    def handle(self, *args, **options) -> None:
        connection = connections[options["database"]]
        archive: Path = options["archive"]
        if not archive.is_file():
            raise CommandError(f"{archive} ist keine Datei.")
        try:
            with tempfile.TemporaryDirectory() as scratch:
                self._restore(connection, archive, Path(scratch), options["interactive"])
        except backup.BackupError as error:
            raise CommandError(str(error)) from None

    def _restore(self, connection, archive: Path, scratch: Path, interactive: bool) -> None:
        manifest = backup.read_archive(archive, scratch)
        if manifest["vendor"] != connection.vendor:
            raise backup.BackupError(
                f"Die Sicherung stammt aus {manifest['vendor']}, die Ziel-Datenbank ist "
                f"{connection.vendor}."
            )
        database = scratch / manifest["database"]["member"]
        if backup.file_sha256(database) != manifest["database"]["sha256"]:
            raise backup.BackupError("Die Datenbankdatei der Sicherung ist beschädigt.")
        media = scratch / backup.MEDIA
        if backup.media_checksum(media) != manifest["media"]:
            raise backup.BackupError("Die Dateien der Sicherung sind unvollständig oder verändert.")
        if interactive:
            answer = input(
                f"Der Inhalt der Datenbank {connection.settings_dict['NAME']} wird durch die "
                f"Sicherung vom {manifest['created_at']} ersetzt. Fortfahren? [ja/nein] "
            )
            if answer.strip().lower() not in {"ja", "j", "yes", "y"}:
                raise CommandError("Abgebrochen, nichts geändert.")

        restored = backup.load_database(connection, database)
        if media.exists():
            shutil.copytree(media, backup.media_root(), dirs_exist_ok=True)
        expected = manifest["tables"]
        differing = sorted(
            name
            for name in expected.keys() | restored.keys()
            if expected.get(name) != restored.get(name)
        )
        if differing:
            raise CommandError(
                "Wiederhergestellt, aber Zeilen oder Prüfsummen weichen ab: "
                + ", ".join(differing),
                returncode=1,
            )
        rows = sum(table["rows"] for table in restored.values())
        self.stdout.write(
            f"{len(restored)} Tabellen mit {rows} Zeilen und {manifest['media']['files']} "
            "Dateien wiederhergestellt; Zeilenzahlen und Prüfsummen stimmen."
        )
        head = manifest.get("audit_head")
        report = verify_chain(anchor=tuple(head) if head else None)
        if not report.intact:
            raise CommandError(
                f"Audit-Log nach der Wiederherstellung beschädigt: Nr. {report.broken.sequence}: "
                f"{report.broken.reason}",
                returncode=1,
            )
        self.stdout.write(f"Protokoll unversehrt: {report.entries} Einträge")
        log_action(
            "core.backup.restored",
            actor=None,
            data={
                "tables": len(restored),
                "rows": rows,
                "backup_created_at": manifest["created_at"],
            },
        )
        self.stdout.write(self.style.SUCCESS("Wiederherstellung abgeschlossen."))
