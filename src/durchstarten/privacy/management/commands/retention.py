"""`durchstarten retention run [--dry-run] [--district AGS] [--format text|json]`.

An operator tool (no user, no scoping), run daily. The dry run lists what would be anonymised
per district and data class, naming participants by public id only.
"""

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from durchstarten.organisation.models import District
from durchstarten.privacy.models import DataClass
from durchstarten.privacy.retention import retention_plan, retention_run

FORMATS = ("text", "json")


class Command(BaseCommand):
    help = "Aufbewahrungsfristen: fällige Daten anonymisieren (täglich ausführen)."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(
            dest="subcommand", required=True, title="Befehle", parser_class=CommandParser
        )
        run = commands.add_parser(
            "run", help="Anonymisiert, was nach den Fristen der Kreise fällig ist."
        )
        run.add_argument(
            "--dry-run",
            action="store_true",
            help="Nur auflisten, was anonymisiert würde (Anzahl je Kreis und Datenart, IDs).",
        )
        run.add_argument(
            "--district", action="append", metavar="AGS", help="Nur diese(r) Kreis(e)."
        )
        run.add_argument("--format", choices=FORMATS, default="text")
        run.add_argument("--date", help="Stichtag JJJJ-MM-TT (Standard: heute)")

    def handle(self, *args, **options) -> None:
        today = None
        if options["date"]:
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(
                    f"Ungültiges Datum: {options['date']!r} (erwartet JJJJ-MM-TT)"
                ) from None
        districts = None
        if options["district"]:
            codes = set(options["district"])
            districts = list(District.objects.filter(ags__in=codes).order_by("ags"))
            unknown = codes - {d.ags for d in districts}
            if unknown:
                raise CommandError(f"Unbekannter AGS: {', '.join(sorted(unknown))}")
        if options["dry_run"]:
            plans = retention_plan(today=today, districts=districts)
        else:
            plans = retention_run(today=today, districts=districts)
        if options["format"] == "json":
            out = {"dry_run": options["dry_run"], "districts": [p.as_dict() for p in plans]}
            self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))
            return
        verb = "fällig" if options["dry_run"] else "anonymisiert"
        for plan in plans:
            self.stdout.write(f"{plan.ags} {plan.name}")
            for data_class, count in plan.counts().items():
                label = DataClass(data_class).label
                if data_class == DataClass.AUDIT_LOG:
                    self.stdout.write(
                        f"  {label}: {count} Einträge älter als die Frist "
                        "(Aussonderung durch den Betrieb, docs/audit.md)"
                    )
                    continue
                self.stdout.write(f"  {label}: {count} {verb}")
                for public_id in sorted(plan.due.get(data_class, ())):
                    self.stdout.write(f"    {public_id}")
