"""`durchstarten import-offers FILE --district AGS [--dry-run] [--format json]`."""

from durchstarten.imports.management.base import ImportCommand


class Command(ImportCommand):
    help = "Importiert eine Liste (XLSX oder CSV) mit Angeboten in einen Kreis."
    kind = "offers"
