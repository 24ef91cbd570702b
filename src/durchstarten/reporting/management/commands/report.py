"""`durchstarten report kpi|quarterly`: the district's reports as JSON, XLSX or PDF.

An operator tool (no user, no scoping): it may report on any district it is given. Every
export is written to the audit log with the districts, the period and the format.
"""

import datetime as dt
import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from durchstarten.core.audit import log_action
from durchstarten.organisation.models import District
from durchstarten.reporting.exports import kpi_pdf, kpi_xlsx, quarterly_pdf, quarterly_xlsx
from durchstarten.reporting.kpi import kpi_report
from durchstarten.reporting.quarterly import quarterly_report

REPORTS = ("kpi", "quarterly")
FORMATS = ("json", "xlsx", "pdf")
RENDERERS = {
    ("kpi", "xlsx"): kpi_xlsx,
    ("kpi", "pdf"): kpi_pdf,
    ("quarterly", "xlsx"): quarterly_xlsx,
    ("quarterly", "pdf"): quarterly_pdf,
}
MIN_YEAR, MAX_YEAR = 2000, 2100

# Messages: the operators read them in German.
MISSING_REPORT = _("Bitte geben Sie den Bericht an: „kpi“ oder „quarterly“.")
UNKNOWN_REPORT = _("Unbekannter Bericht „%(value)s“: erlaubt sind „kpi“ und „quarterly“.")
MISSING_DISTRICT = _("Bitte geben Sie mindestens einen Kreis mit --district AGS an.")
UNKNOWN_DISTRICTS = _(
    "Unbekannter AGS: %(codes)s. Der AGS eines Kreises hat 8 Ziffern (z. B. 05754000)."
)
MISSING_DATES = _("Der Kennzahlenbericht braucht --from und --to (Datum im Format JJJJ-MM-TT).")
BAD_DATE = _(
    "Ungültiges Datum bei %(option)s: „%(value)s“ (erwartet JJJJ-MM-TT, z. B. 2025-12-31)."
)
FROM_AFTER_TO = _("Der Beginn (%(start)s) liegt nach dem Ende (%(end)s) des Zeitraums.")
YEAR_NOT_FOR_KPI = _("--year gilt nur für das Quartalsmonitoring; nutzen Sie --from und --to.")
MISSING_YEAR = _("Das Quartalsmonitoring braucht --year JJJJ (z. B. --year 2025).")
BAD_YEAR = _("Ungültiges Jahr „%(value)s“: erwartet wird eine Jahreszahl von 2000 bis 2100.")
DATES_NOT_FOR_QUARTERLY = _(
    "--from und --to gelten nur für den Kennzahlenbericht; nutzen Sie --year."
)
UNKNOWN_FORMAT = _("Unbekanntes Format „%(value)s“: erlaubt sind json, xlsx und pdf.")
NEEDS_OUTPUT = _(
    "Ein %(format)s-Bericht ist eine Binärdatei: Geben Sie --output DATEI an oder leiten Sie "
    "die Ausgabe in eine Datei um."
)
CANNOT_WRITE = _("Die Datei %(path)s kann nicht geschrieben werden: %(reason)s")
WRITTEN = _("%(title)s gespeichert: %(path)s (%(size)s Bytes)")
TITLES = {"kpi": _("Kennzahlenbericht"), "quarterly": _("Quartalsmonitoring")}


class Command(BaseCommand):
    help = (
        "Erstellt den Kennzahlenbericht (kpi) für einen Zeitraum oder das Quartalsmonitoring "
        "(quarterly) für ein Jahr, für einen oder mehrere Kreise, als JSON, XLSX oder PDF. "
        "Beispiele: report kpi --district 05754000 --from 2025-01-01 --to 2025-12-31 "
        "--format pdf --output bericht.pdf; report quarterly --district 05754000 --year 2025."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        # Checked in handle() rather than by argparse, so that every mistake gets a German
        # message and a non-zero exit.
        parser.add_argument("report", nargs="?", help="kpi oder quarterly")
        parser.add_argument(
            "--district",
            action="append",
            default=[],
            metavar="AGS",
            help="AGS des Kreises (8 Ziffern); mehrfach angeben für mehrere Kreise",
        )
        parser.add_argument("--from", dest="start", metavar="JJJJ-MM-TT", help="Beginn (kpi)")
        parser.add_argument("--to", dest="end", metavar="JJJJ-MM-TT", help="Ende (kpi)")
        parser.add_argument("--year", metavar="JJJJ", help="Jahr (quarterly)")
        parser.add_argument(
            "--format",
            dest="fmt",
            default="json",
            metavar="json|xlsx|pdf",
            help="Format (Standard: json); xlsx und pdf brauchen --output oder eine Umleitung",
        )
        parser.add_argument(
            "--output", metavar="DATEI", help="Datei, in die der Bericht geschrieben wird"
        )

    def handle(self, *args, **options) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            self._handle(options)

    def _handle(self, options) -> None:
        report_name = _report_name(options["report"])
        fmt, output = options["fmt"], options["output"]
        if fmt not in FORMATS:
            raise CommandError(UNKNOWN_FORMAT % {"value": fmt})
        if fmt != "json" and output is None and self._binary_stdout() is None:
            raise CommandError(NEEDS_OUTPUT % {"format": fmt.upper()})
        if report_name == "kpi":
            start, end = _period(options)
            districts = _districts(options["district"])
            report = kpi_report(districts=districts, start=start, end=end)
            audit = {"from": start.isoformat(), "to": end.isoformat()}
        else:
            year = _year(options)
            districts = _districts(options["district"])
            report = quarterly_report(districts=districts, year=year)
            audit = {"year": year}
        if fmt == "json":
            body = (json.dumps(report, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
        else:
            names = {district.ags: district.name for district in districts}
            body = RENDERERS[report_name, fmt](report, district_names=names)
        log_action(
            f"report.{report_name}.exported",
            actor=None,
            district_id=districts[0].pk if len(districts) == 1 else None,
            data={"format": fmt, "districts": report["districts"], **audit},
        )
        self._write(body, output, TITLES[report_name])

    def _binary_stdout(self):
        """The byte stream under stdout, unless it is a terminal (or there is none)."""
        if self.stdout.isatty():
            return None
        return getattr(self.stdout, "buffer", None)

    def _write(self, body: bytes, output: str | None, title: str) -> None:
        if output is not None:
            path = Path(output)
            try:
                path.write_bytes(body)
            except OSError as error:
                raise CommandError(
                    CANNOT_WRITE % {"path": path, "reason": error.strerror or error}
                ) from None
            size = f"{len(body):,}".replace(",", ".")
            self.stdout.write(WRITTEN % {"title": title, "path": path, "size": size})
            return
        stream = self._binary_stdout()
        if stream is None:
            # JSON only (checked before): text, so that a plain text stream takes it too.
            self.stdout.write(body.decode("utf-8"), ending="")
            return
        self.stdout.flush()
        stream.write(body)
        stream.flush()


def _report_name(value: str | None) -> str:
    if not value:
        raise CommandError(str(MISSING_REPORT))
    if value not in REPORTS:
        raise CommandError(UNKNOWN_REPORT % {"value": value})
    return value


def _districts(codes: list[str]) -> list[District]:
    """The districts by AGS, in the order given (one query); unknown keys are an error."""
    codes = list(dict.fromkeys(code.strip() for code in codes))
    if not codes:
        raise CommandError(str(MISSING_DISTRICT))
    found = {district.ags: district for district in District.objects.filter(ags__in=codes)}
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise CommandError(UNKNOWN_DISTRICTS % {"codes": ", ".join(unknown)})
    return [found[code] for code in codes]


def _date(option: str, value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(BAD_DATE % {"option": option, "value": value}) from None


def _period(options) -> tuple[dt.date, dt.date]:
    if options["year"] is not None:
        raise CommandError(str(YEAR_NOT_FOR_KPI))
    if options["start"] is None or options["end"] is None:
        raise CommandError(str(MISSING_DATES))
    start = _date("--from", options["start"])
    end = _date("--to", options["end"])
    if start > end:
        raise CommandError(
            FROM_AFTER_TO % {"start": start.strftime("%d.%m.%Y"), "end": end.strftime("%d.%m.%Y")}
        )
    return start, end


def _year(options) -> int:
    if options["start"] is not None or options["end"] is not None:
        raise CommandError(str(DATES_NOT_FOR_QUARTERLY))
    if options["year"] is None:
        raise CommandError(str(MISSING_YEAR))
    value = options["year"].strip()
    if not value.isascii() or not value.isdigit() or not MIN_YEAR <= int(value) <= MAX_YEAR:
        raise CommandError(BAD_YEAR % {"value": options["year"]})
    return int(value)
