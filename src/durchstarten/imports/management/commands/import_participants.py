"""`durchstarten import-participants FILE --district AGS [--dry-run] [--format json]`."""

from durchstarten.imports.management.base import ImportCommand


class Command(ImportCommand):
    help = "Importiert eine Liste (XLSX oder CSV) mit Teilnehmenden in einen Kreis."
    kind = "participants"
