"""`durchstarten audit verify`: check that the audit log is complete and unaltered."""

import argparse
import re

from django.core.management.base import BaseCommand, CommandError, CommandParser

from durchstarten.core.audit import verify_chain

ANCHOR_PATTERN = re.compile(r"^(\d+):([0-9a-f]{64})$")


def _anchor(value: str) -> tuple[int, str]:
    match = ANCHOR_PATTERN.match(value.strip().lower())
    if match is None:
        raise argparse.ArgumentTypeError("Erwartet NR:HASH, z. B. 1234:9f86d0…(64 Hex-Zeichen).")
    return int(match[1]), match[2]


class Command(BaseCommand):
    help = "Prüft das Zugriffs- und Änderungsprotokoll (Audit-Log)."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(
            dest="subcommand", required=True, title="Befehle", parser_class=CommandParser
        )
        verify = commands.add_parser(
            "verify",
            help="Die Hash-Kette des Protokolls lückenlos prüfen: Exit-Code 0, wenn sie "
            "unversehrt ist, 1 beim ersten veränderten, gelöschten oder vertauschten Eintrag.",
        )
        verify.add_argument(
            "--anchor",
            type=_anchor,
            metavar="NR:HASH",
            help="Früher festgehaltener Stand (laufende Nummer und Hash, wie ihn diese Prüfung "
            "ausgibt): er muss noch in der Kette stehen. Erkennt auch am Ende abgeschnittene "
            "Einträge.",
        )

    def handle(self, *args, **options) -> None:
        if options["subcommand"] == "verify":
            self._verify(options)

    def _verify(self, options) -> None:
        report = verify_chain(anchor=options["anchor"])
        if report.broken is not None:
            broken = report.broken
            where = f"Eintrag id={broken.entry_id} (Nr. {broken.sequence})"
            if broken.entry_id is None:
                where = f"Eintrag Nr. {broken.sequence}"
            self.stderr.write(
                f"Protokoll beschädigt: {where}: {broken.reason}. "
                f"{report.entries} Einträge davor sind unversehrt."
            )
            raise CommandError("Die Prüfung des Protokolls ist fehlgeschlagen.", returncode=1)
        self.stdout.write(self.style.SUCCESS(f"Protokoll unversehrt: {report.entries} Einträge"))
        if report.entries:
            self.stdout.write(f"Anker: {report.last_sequence}:{report.last_hash}")
