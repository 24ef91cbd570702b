"""`durchstarten seed`: demo data (--demo) or deterministic synthetic data (--districts …)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from durchstarten.organisation.models import District
from durchstarten.seeding.demo import DEMO_LOGINS, DemoSeedError, seed_demo
from durchstarten.seeding.synthetic import (
    DEFAULT_BATCH_SIZE,
    MAX_DISTRICTS,
    SyntheticSeedError,
    seed_synthetic,
)


def _number(value, decimals: int = 0) -> str:
    """German digit grouping: 12.345 and 123,45."""
    return f"{value:,.{decimals}f}".replace(",", " ").replace(".", ",").replace(" ", ".")


class Command(BaseCommand):
    help = (
        "Legt Demo-Daten an (--demo: die fünf Kreise der Sachberichte mit Kommunen, Trägern, "
        "Zuständigkeiten, Stellen und je einem Demo-Zugang pro Rolle) oder deterministische "
        "synthetische Daten für Lasttests (--districts N --participants M --seed S)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        what = parser.add_mutually_exclusive_group(required=True)
        what.add_argument(
            "--demo",
            action="store_true",
            help="Demo-Kreise und Demo-Zugänge anlegen bzw. aktualisieren (wiederholbar, "
            "ohne Duplikate). Nur mit DEBUG, sonst mit --force.",
        )
        what.add_argument(
            "--districts",
            type=int,
            metavar="N",
            help=f"Synthetische Daten: Zahl der Kreise (1–{MAX_DISTRICTS}), benannt "
            "„Synthetischer Kreis 001“ …, AGS aus dem nicht amtlichen Bereich 99NNN000, als "
            "Demo markiert. Benutzer*innen erhalten kein nutzbares Passwort.",
        )
        parser.add_argument(
            "--participants",
            type=int,
            default=0,
            metavar="M",
            help="Zahl der Teilnehmenden: so viele Personen werden mit Aufenthaltsstatus, "
            "Kontaktaufnahmen, Einwilligungen, Teilnahmen, Bedarfen und Beratungskontakten "
            "angelegt (in Bulk-Inserts), verteilt auf die Kreise; die Stellen werden dafür "
            "bemessen: M/100 VZÄ Teilhabemanagement (Betreuungsschlüssel 1:100).",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=1,
            metavar="S",
            help="Startwert des Zufallsgenerators; gleicher Startwert, gleiche Daten "
            "(Standard: 1).",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=DEFAULT_BATCH_SIZE,
            metavar="B",
            help=f"Zeilen je Bulk-Insert (Standard: {DEFAULT_BATCH_SIZE}).",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Vorhandene synthetische Kreise (mit allen Kommunen, Trägern, Stellen und "
            "Benutzer*innen) vorher löschen. Ohne diese Option bricht der Befehl ab, wenn es "
            "schon synthetische Daten gibt – die Schlüssel würden sich überschneiden.",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Nichts tun, wenn es schon einen Kreis gibt (für `make run`).",
        )
        parser.add_argument(
            "--no-cases",
            action="store_true",
            help="Mit --demo: nur Kreise, Träger, Stellen und Zugänge, keine Demo-Fälle.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Demo-Daten auch ohne DEBUG anlegen. Vorsicht: Die Demo-Zugänge haben ein "
            "veröffentlichtes Passwort.",
        )

    def handle(self, *args, **options) -> None:
        if options["demo"]:
            self._demo(options)
        else:
            self._synthetic(options)

    def _skip_if_not_empty(self, options) -> bool:
        if options["if_empty"] and District.objects.exists():
            self.stdout.write("Es gibt bereits Kreise – es werden keine Daten angelegt.")
            return True
        return False

    def _demo(self, options) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "Demo-Daten enthalten Zugänge mit veröffentlichtem Passwort und werden ohne "
                "DEBUG nicht angelegt. Wenn das wirklich gewollt ist: --force."
            )
        if self._skip_if_not_empty(options):
            return
        try:
            result = seed_demo(with_cases=not options["no_cases"])
        except DemoSeedError as error:
            raise CommandError(str(error)) from error
        created = sum(result.created.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo-Daten: {result.districts} Kreise, {result.municipalities} Kommunen, "
                f"{result.providers} Träger, {result.assignments} Zuständigkeiten, "
                f"{result.positions} Stellen, {len(DEMO_LOGINS)} Demo-Zugänge "
                f"({created} neu angelegt, übrige aktualisiert)."
            )
        )
        cases = result.cases
        if cases is not None:
            automatic = sum(cases.automatic_tasks.values())
            kept = (
                f"; {len(cases.skipped_districts)} Kreise hatten schon Fälle und bleiben "
                "unverändert"
                if cases.skipped_districts
                else ""
            )
            self.stdout.write(
                f"Demo-Fälle: {_number(cases.participants)} Teilnehmende angelegt, davon "
                f"{_number(cases.entered)} eingetreten; {_number(automatic)} automatische "
                f"Wiedervorlagen{kept}."
            )
        offers = result.offers
        if offers is not None:
            kept = (
                f"; {len(offers.skipped_districts)} Kreise hatten schon Angebote und bleiben "
                "unverändert"
                if offers.skipped_districts
                else ""
            )
            self.stdout.write(
                f"Demo-Angebote: {_number(offers.offers)} Angebote, "
                f"{_number(offers.referrals)} Vermittlungen ({_number(offers.placed)} Personen "
                f"in Maßnahmen oder Regelangebote vermittelt), {_number(offers.outcomes)} "
                f"Verbleibe{kept}."
            )
        self.stdout.write("Zugänge anzeigen: durchstarten demo_logins")

    def _synthetic(self, options) -> None:
        if self._skip_if_not_empty(options):
            return
        try:
            result = seed_synthetic(
                districts=options["districts"],
                participants=options["participants"],
                seed=options["seed"],
                batch_size=options["batch_size"],
                replace=options["replace"],
                progress=self.stdout.write,
            )
        except SyntheticSeedError as error:
            raise CommandError(str(error)) from error
        fte = _number(result.case_management_fte, 2)
        self.stdout.write(
            self.style.SUCCESS(
                f"Synthetische Daten (Seed {result.seed}): {_number(result.districts)} Kreise, "
                f"{_number(result.municipalities)} Kommunen, {_number(result.providers)} Träger, "
                f"{_number(result.assignments)} Zuständigkeiten, "
                f"{_number(result.positions)} Stellen, {_number(result.users)} Benutzer*innen; "
                f"{fte} VZÄ Teilhabemanagement für {_number(options['participants'])} "
                "Teilnehmende."
            )
        )
        if result.offers:
            self.stdout.write(
                f"Angebote: {_number(result.offers)} mit "
                f"{_number(result.offer_municipalities)} Kommunen-Zuordnungen."
            )
        if result.participants:
            rows = result.case_rows
            events = sum(rows.values()) - rows.get("participants", 0) - rows.get("name_keys", 0)
            self.stdout.write(
                f"Fälle: {_number(result.participants)} Teilnehmende mit {_number(events)} "
                "Einträgen ("
                + ", ".join(f"{name} {_number(count)}" for name, count in rows.items())
                + ")."
            )
