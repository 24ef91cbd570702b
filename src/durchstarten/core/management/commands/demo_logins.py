"""`durchstarten demo_logins`: the demo accounts created by `durchstarten seed --demo`."""

from django.core.management.base import BaseCommand
from django.db.models import Prefetch

from durchstarten.core.models import Membership, Role
from durchstarten.seeding.demo import DEMO_PASSWORD, DEMO_USERNAMES, demo_users

HEADERS = ("Benutzername", "Name", "Rolle", "Kreis", "Passwort")


class Command(BaseCommand):
    help = "Zeigt die Demo-Zugänge (Benutzername, Rolle, Kreis, Passwort), sofern sie existieren."

    def handle(self, *args, **options) -> None:
        users = sorted(
            demo_users().prefetch_related(
                Prefetch(
                    "memberships",
                    queryset=Membership.objects.select_related("district", "provider").order_by(
                        "district__name", "role"
                    ),
                )
            ),
            key=lambda user: DEMO_USERNAMES.index(user.username),
        )
        if not users:
            self.stdout.write("Es gibt keine Demo-Zugänge. Anlegen mit: durchstarten seed --demo")
            return

        rows = []
        for user in users:
            memberships = list(user.memberships.all()) or [None]
            for i, membership in enumerate(memberships):
                first = i == 0
                role = where = "–"
                if membership is not None:
                    role = Role(membership.role).label
                    where = str(membership.district) if membership.district else "landesweit"
                    if membership.provider:
                        where = f"{where} · {membership.provider}"
                rows.append(
                    (
                        user.username if first else "",
                        user.get_full_name() if first else "",
                        str(role),
                        where,
                        DEMO_PASSWORD if first else "",
                    )
                )

        widths = [max(len(row[col]) for row in [HEADERS, *rows]) for col in range(len(HEADERS))]

        def line(cells) -> str:
            return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True))

        self.stdout.write("Demo-Zugänge (nur für Entwicklung und Vorführung):")
        self.stdout.write(line(HEADERS).rstrip())
        self.stdout.write("  ".join("-" * width for width in widths))
        for row in rows:
            self.stdout.write(line(row).rstrip())
        self.stdout.write(
            f"Das Passwort „{DEMO_PASSWORD}“ gilt, solange es nicht geändert wurde. "
            "„admin“ darf auch in die Django-Verwaltung (/admin/)."
        )
