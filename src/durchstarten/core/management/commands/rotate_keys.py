"""`durchstarten rotate_keys`: re-encrypt every encrypted field with the first key.

Rotation (SECURITY.md): put a new key first in DURCHSTARTEN_FIELD_KEYS, keep the old ones
after it, restart, run this command, then remove the old keys.
"""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from durchstarten.core.audit import log_action
from durchstarten.core.crypto import FieldKeyError, encrypted_fields, generate_key


class Command(BaseCommand):
    help = (
        "Verschlüsselt alle verschlüsselten Felder (Gesprächsnotizen, Bedarfsbeschreibungen, "
        "Dokumentvermerke) mit dem ersten Schlüssel aus DURCHSTARTEN_FIELD_KEYS neu."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch-size",
            type=int,
            default=500,
            help="Zeilen je Transaktion (Standard: 500).",
        )
        parser.add_argument(
            "--generate",
            action="store_true",
            help="Nur einen neuen zufälligen Schlüssel ausgeben, nichts ändern.",
        )

    def handle(self, *args, **options) -> None:
        if options["generate"]:
            self.stdout.write(generate_key())
            return
        batch_size = options["batch_size"]
        if batch_size < 1:
            raise CommandError("--batch-size muss mindestens 1 sein.")
        counts = {}
        try:
            for model, field in encrypted_fields():
                label = f"{model._meta.label}.{field.name}"
                counts[label] = self._rotate(model, field.name, batch_size)
                self.stdout.write(f"{label}: {counts[label]} Werte neu verschlüsselt")
        except FieldKeyError as error:
            raise CommandError(str(error)) from None
        log_action("core.field_keys.rotated", actor=None, data={"rows": counts})
        self.stdout.write(
            self.style.SUCCESS("Alle verschlüsselten Felder nutzen den ersten Schlüssel.")
        )

    @staticmethod
    def _rotate(model, name: str, batch_size: int) -> int:
        done, last = 0, 0
        while True:
            # Each batch locks its rows, so an edit in between is not overwritten by the old text.
            with transaction.atomic():
                rows = list(
                    model._default_manager.select_for_update()
                    .filter(pk__gt=last)
                    .exclude(**{name: ""})
                    .order_by("pk")
                    .only("pk", name)[:batch_size]
                )
                if not rows:
                    return done
                # Saving re-encrypts with the first key: the field encrypts on every write.
                model._default_manager.bulk_update(rows, [name])
            done += len(rows)
            last = rows[-1].pk
