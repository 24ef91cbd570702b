import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from durchstarten.cases.services.tasks import tasks_generate_automatic


class Command(BaseCommand):
    help = (
        "Erzeugt die automatischen Wiedervorlagen (Status läuft ab, 27. Geburtstag, kein "
        "Kontakt seit 8 Wochen, Nachbefragung nach Austritt). Täglich ausführen; ein "
        "wiederholter Lauf erzeugt nichts doppelt."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Stichtag JJJJ-MM-TT (Standard: heute)")

    def handle(self, *args, date=None, **options):
        try:
            today = dt.date.fromisoformat(date) if date else None
        except ValueError:
            raise CommandError(f"Ungültiges Datum: {date!r} (erwartet JJJJ-MM-TT)") from None
        created = tasks_generate_automatic(today=today)
        for kind, count in created.items():
            self.stdout.write(f"{kind}: {count}")
