"""The shared part of `import-participants` and `import-offers`: check a list, report every
error by row and column (as text or JSON), import it unless told to only check."""

import json
import os
import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from durchstarten.core.models import User
from durchstarten.imports import services
from durchstarten.imports.models import BatchStatus, RowStatus
from durchstarten.imports.workbook import rejected_xlsx
from durchstarten.organisation.models import District

USER_VARIABLE = "DURCHSTARTEN_IMPORT_USER"
# Exit codes: rows with errors (nothing written unless --skip-invalid), wrong invocation.
EXIT_ROW_ERRORS, EXIT_USAGE = 1, 2


class DryRun(Exception):
    """Ends the dry run's transaction, so that it leaves nothing behind."""


class ImportCommand(BaseCommand):
    kind = ""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="XLSX- oder CSV-Datei")
        parser.add_argument("--district", required=True, help="AGS des Kreises (8 Ziffern)")
        parser.add_argument(
            "--user",
            default=os.environ.get(USER_VARIABLE, ""),
            help=f"Anmeldename, in dessen Namen importiert wird (Vorgabe: ${USER_VARIABLE})",
        )
        parser.add_argument("--dry-run", action="store_true", help="nur prüfen, nichts speichern")
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="gültige Zeilen übernehmen, fehlerhafte als XLSX zurückgeben",
        )
        parser.add_argument("--rejected", help="Datei für die abgelehnten Zeilen (XLSX)")
        parser.add_argument("--format", choices=("text", "json"), default="text")

    def handle(self, *args, **options):
        with translation.override("de"):
            return self._handle(**options)

    def _fail(self, message: str):
        raise CommandError(message, returncode=EXIT_USAGE)

    def _handle(self, **options):
        district = District.objects.filter(ags=options["district"]).first()
        if district is None:
            self._fail(_("Unbekannter AGS: %(ags)s.") % {"ags": options["district"]})
        if not options["user"]:
            self._fail(
                _("Bitte geben Sie mit --user (oder %(var)s) an, wer importiert.")
                % {"var": USER_VARIABLE}
            )
        actor = User.objects.filter(username=options["user"], is_active=True).first()
        if actor is None or not services.may_import(actor, district.pk, self.kind):
            self._fail(
                _("%(user)s darf in diesem Kreis nicht importieren.") % {"user": options["user"]}
            )
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as error:
            self._fail(
                _("Die Datei %(path)s kann nicht gelesen werden: %(reason)s")
                % {"path": path, "reason": error.strerror}
            )
        report, rejected = self._import(actor, district, path, data, options)
        if rejected is not None:
            target = Path(options["rejected"] or path.with_name(f"{path.stem}-abgelehnt.xlsx"))
            target.write_bytes(rejected)
            report["rejected_file"] = str(target)
        self._print(report, options["format"])
        if report["errors"] or report["status"] == BatchStatus.FAILED:
            sys.exit(EXIT_ROW_ERRORS)

    def _import(self, actor, district, path, data, options):
        try:
            with transaction.atomic():
                batch = services.import_batch_create(
                    actor=actor,
                    district=district,
                    kind=self.kind,
                    file=_Upload(data),
                    file_name=path.name,
                    inline=True,
                )
                batch.refresh_from_db()
                write = (
                    not options["dry_run"]
                    and batch.status == BatchStatus.READY
                    and (options["skip_invalid"] or not batch.invalid_rows)
                    and batch.rows.filter(status=RowStatus.VALID).exclude(decision="skip").exists()
                )
                if write:
                    services.import_batch_confirm(
                        actor=actor, batch=batch, skip_invalid=options["skip_invalid"], inline=True
                    )
                    batch.refresh_from_db()
                report = self._report(batch, options, written=write)
                rejected = None
                if write and batch.rejected_rows:
                    rejected = rejected_xlsx(batch, batch.rows.order_by("number"))
                if not write:
                    raise DryRun
        except DryRun:
            services.storage.delete(batch.file)
            return report, None
        except ValidationError as error:
            raise CommandError("; ".join(error.messages), returncode=EXIT_ROW_ERRORS) from error
        return report, rejected

    def _report(self, batch, options, *, written: bool) -> dict:
        rows = list(batch.rows.order_by("number"))
        return {
            "district": batch.district.ags,
            "kind": self.kind,
            "file": batch.file_name,
            "dry_run": options["dry_run"],
            "written": written,
            "batch": str(batch.public_id) if written else None,
            "status": batch.status,
            "message": batch.error,
            "rows": len(rows),
            "invalid": sum(r.status in (RowStatus.INVALID, RowStatus.REJECTED) for r in rows),
            "imported": batch.imported_rows,
            "skipped": batch.skipped_rows,
            "errors": [
                {"row": r.number, "column": e["column"], "message": e["message"]}
                for r in rows
                for e in r.errors
            ],
            "duplicates": [
                {"row": r.number, "candidates": r.duplicates} for r in rows if r.duplicates
            ],
        }

    def _print(self, report: dict, fmt: str) -> None:
        if fmt == "json":
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
            return
        for error in report["errors"]:
            self.stdout.write(_("Zeile %(row)s, Spalte „%(column)s“: %(message)s") % error)
        for duplicate in report["duplicates"]:
            self.stdout.write(
                _("Zeile %(row)s: mögliche Dublette (%(count)s Kandidaten), übersprungen.")
                % {"row": duplicate["row"], "count": len(duplicate["candidates"])}
            )
        if report["message"]:
            self.stdout.write(report["message"])
        summary = (
            _(
                "%(rows)s Zeilen, %(invalid)s fehlerhaft, %(imported)s übernommen, "
                "%(skipped)s übersprungen."
            )
            % report
        )
        if not report["written"]:
            summary += " " + _("Es wurde nichts gespeichert.")
        self.stdout.write(summary)
        if report.get("rejected_file"):
            self.stdout.write(_("Abgelehnte Zeilen: %(path)s") % {"path": report["rejected_file"]})


class _Upload:
    """The file's content as the upload service reads it."""

    def __init__(self, data: bytes):
        self.data = data

    def read(self) -> bytes:
        return self.data
