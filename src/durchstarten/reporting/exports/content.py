"""The reports' JSON turned into labelled tables, once, for both the XLSX and the PDF.

Every number of the JSON lands in exactly one cell, and every row carries the JSON path of
its values (e.g. `by_module.1`; in the quarterly report `by_municipality.05754008.stock`, one
column per quarter), which the spreadsheet shows in its last column so that a reader can map
a row back to the JSON.
"""

import datetime as dt
from collections.abc import Callable, Mapping

from django.utils.translation import gettext as _
from django_countries import countries

from durchstarten.cases.choices import ExitReason, Gender, ResidenceStatusKind, TargetGroup
from durchstarten.offers.choices import OutcomeKind
from durchstarten.organisation.models import Module
from durchstarten.reporting import definitions as kpi_definitions
from durchstarten.reporting import quarterly
from durchstarten.reporting.choices import RATE_METRICS, TargetMetric
from durchstarten.reporting.exports.common import (
    PROGRAMME,
    Cell,
    Definition,
    Document,
    Kind,
    Sheet,
    Table,
    creation_date,
    german_date,
    named_districts,
    text,
)

EMPTY = Cell("")


def _choice_label(choices, key: str) -> str:
    """The German label of a choice value; an unknown value is shown as it is."""
    try:
        return str(choices(key).label)
    except ValueError:
        return key


def module_label(key: str) -> str:
    try:
        return str(Module(int(key)).label)
    except ValueError:
        return key


def target_group_label(key: str) -> str:
    if key == "other":
        return _("sonstige")
    return _choice_label(TargetGroup, key)


def age_band_label(key: str) -> str:
    if key == "other":
        return _("sonstiges Alter oder ohne Geburtsdatum")
    low, _sep, high = key.partition("-")
    return _("%(low)s bis %(high)s Jahre") % {"low": low, "high": high}


def status_label(key: str) -> str:
    if key == "none":
        return _("kein Status erfasst")
    return _choice_label(ResidenceStatusKind, key)


def nationality_label(key: str) -> str:
    if key == "none":
        return _kpi_label("none", _("keine Angabe"))
    if key == "XX":
        return _("ungeklärt")
    name = countries.name(key)
    return f"{name} ({key})" if name else key


def _kpi_label(key: str, fallback: str = "") -> str:
    label = kpi_definitions.LABELS.get(key)
    return str(label) if label is not None else (fallback or key)


def _definitions(items) -> list[Definition]:
    return [Definition(key, str(label), str(explanation)) for key, label, explanation in items]


def _note() -> str:
    return _(
        "Alle Zahlen sind aus den erfassten Einzeldaten berechnet und zählen verschiedene "
        "Personen. Quoten und Anteile erscheinen in Prozent mit einer Nachkommastelle; die "
        "Tabellenfassung (XLSX) enthält sie als genauen Anteil (z. B. 0,7097). „–“ steht für "
        "einen Wert ohne Nenner."
    )


# --- KPI report ------------------------------------------------------------------------------

KPI_FIGURES = (
    ("contacted", Kind.COUNT),
    ("entered", Kind.COUNT),
    ("entry_rate", Kind.RATE),
    ("placed", Kind.COUNT),
    ("placed_new_measures", Kind.COUNT),
    ("placed_regular_offers", Kind.COUNT),
    ("placed_both", Kind.COUNT),
    ("placement_rate", Kind.RATE),
    ("specialist_referrals", Kind.COUNT),
)
CASELOAD = (
    ("active", Kind.COUNT),
    ("case_manager_fte", Kind.DECIMAL_2),
    ("per_fte", Kind.DECIMAL_1),
    ("ratio", Kind.RATIO),
    ("within_ratio", Kind.WITHIN),
)
KPI_BREAKDOWNS: tuple[tuple[str, Callable[[str], str]], ...] = (
    ("gender", lambda key: _choice_label(Gender, key)),
    ("age_band", age_band_label),
    ("status", status_label),
    ("nationality", nationality_label),
)
KPI_WIDTHS = (48, 14, 14, 16)
BREAKDOWN_WIDTHS = (48, 14)


def _caseload_labels() -> dict[str, str]:
    return {
        "active": _("Teilnehmende im Programm am Ende des Zeitraums"),
        "case_manager_fte": _("Stellen im Teilhabemanagement (Vollzeitäquivalente)"),
        "per_fte": _("Teilnehmende je Vollzeitstelle"),
        "ratio": _("Betreuungsschlüssel (Soll)"),
        "within_ratio": _("Betreuungsschlüssel eingehalten"),
    }


def _caseload_label(key: str, labels: Mapping[str, str]) -> str:
    # The ratio's value is printed as "1:100", so its label must not repeat the "1:".
    return labels[key] if key == "ratio" else _kpi_label(key, labels[key])


def _kpi_row(label: str, value: Cell) -> list[Cell]:
    return [text(label), value, EMPTY, EMPTY]


def _kpi_counts_table(title: str, counts: Mapping[str, int], prefix: str, label) -> Table:
    return Table(
        title=title,
        columns=_kpi_columns(),
        rows=[_kpi_row(label(key), Cell(value, Kind.COUNT)) for key, value in counts.items()],
        keys=[f"{prefix}.{key}" for key in counts],
        widths=KPI_WIDTHS,
    )


def _kpi_columns() -> list[str]:
    return [_("Kennzahl"), _("Wert"), _("Zielwert"), _("Bewertung")]


def _targets_table(targets: Mapping[str, Mapping]) -> Table:
    rows, keys = [], []
    for metric, target in targets.items():
        kind = Kind.RATE if metric in RATE_METRICS else Kind.COUNT
        label = _kpi_label(metric, _choice_label(TargetMetric, metric))
        rows.append(
            [
                text(label),
                Cell(target["actual"], kind),
                Cell(target["target"], kind),
                Cell(target["met"], Kind.MET),
            ]
        )
        keys.append(f"targets.{metric}")
    note = "" if rows else _("Für dieses Jahr sind keine Zielwerte festgelegt.")
    return Table(
        title=_kpi_label("targets", _("Zielerreichung")),
        columns=_kpi_columns(),
        rows=rows,
        keys=keys,
        widths=KPI_WIDTHS,
        note=note,
        note_key="targets",
    )


def _kpi_tables(report: Mapping) -> list[Table]:
    figures = [(key, kind) for key, kind in KPI_FIGURES if key in report]
    tables = [
        Table(
            title=_("Erreichte Personen, Eintritte und Vermittlungen"),
            columns=_kpi_columns(),
            rows=[_kpi_row(_kpi_label(key), Cell(report[key], kind)) for key, kind in figures],
            keys=[key for key, _kind in figures],
            widths=KPI_WIDTHS,
        )
    ]
    if "by_module" in report:
        tables.append(
            _kpi_counts_table(
                _kpi_label("by_module", _("Personen je Förderbaustein")),
                report["by_module"],
                "by_module",
                module_label,
            )
        )
    if "outcomes" in report:
        tables.append(
            _kpi_counts_table(
                _kpi_label("outcomes", _("Verbleib")),
                report["outcomes"],
                "outcomes",
                lambda key: _choice_label(OutcomeKind, key),
            )
        )
    if "exits" in report:
        tables.append(
            _kpi_counts_table(
                _kpi_label("exits", _("Austritte nach Grund")),
                report["exits"],
                "exits",
                lambda key: _choice_label(ExitReason, key),
            )
        )
    if "targets" in report:
        tables.append(_targets_table(report["targets"]))
    if "caseload" in report:
        caseload = report["caseload"]
        labels = _caseload_labels()
        present = [(key, kind) for key, kind in CASELOAD if key in caseload]
        tables.append(
            Table(
                title=_kpi_label("caseload", _("Betreuungsschlüssel")),
                columns=_kpi_columns(),
                rows=[
                    _kpi_row(_caseload_label(key, labels), Cell(caseload[key], kind))
                    for key, kind in present
                ],
                keys=[f"caseload.{key}" for key, _kind in present],
                widths=KPI_WIDTHS,
            )
        )
    return tables


def _breakdown_tables(report: Mapping) -> list[Table]:
    columns = [_("Ausprägung"), _("Personen")]
    tables = []
    parts: list[tuple[str, str, Mapping[str, int], Callable[[str], str]]] = []
    if "target_groups" in report:
        parts.append(
            (
                "target_groups",
                _kpi_label("target_groups", _("Zielgruppe")),
                report["target_groups"],
                lambda key: _kpi_label(key, target_group_label(key)),
            )
        )
    breakdowns = report.get("breakdowns", {})
    fallback = {
        "gender": _("Geschlecht"),
        "age_band": _("Altersgruppe"),
        "status": _("Aufenthaltsstatus"),
        "nationality": _("Staatsangehörigkeit"),
    }
    for name, label in KPI_BREAKDOWNS:
        if name in breakdowns:
            title = _kpi_label(name, fallback[name])
            parts.append((f"breakdowns.{name}", title, breakdowns[name], label))
    for prefix, title, counts, label in parts:
        tables.append(
            Table(
                title=title,
                columns=columns,
                rows=[[text(label(key)), Cell(value, Kind.COUNT)] for key, value in counts.items()],
                keys=[f"{prefix}.{key}" for key in counts],
                widths=BREAKDOWN_WIDTHS,
                note="" if counts else _("Keine Eintritte im Zeitraum."),
                note_key=prefix,
            )
        )
    return tables


def kpi_document(
    report: Mapping,
    *,
    district_names: Mapping[str, str] | None = None,
    created_on: dt.date | None = None,
) -> Document:
    period = report["period"]
    definitions = _definitions(kpi_definitions.DEFINITIONS)
    sheets = [Sheet(name=_("Kennzahlen"), section_column=_("Bereich"), tables=_kpi_tables(report))]
    breakdowns = _breakdown_tables(report)
    if breakdowns:
        sheets.append(
            Sheet(name=_("Aufschlüsselung"), section_column=_("Merkmal"), tables=breakdowns)
        )
    return Document(
        title=f"{PROGRAMME} – {_('Kennzahlenbericht')}",
        short_title=_("Kennzahlenbericht"),
        districts=named_districts(report["districts"], district_names),
        period=_("%(from)s bis %(to)s")
        % {"from": german_date(period["from"]), "to": german_date(period["to"])},
        created_on=creation_date(created_on),
        sheets=sheets,
        definitions=definitions,
        notes=[_note()],
    )


# --- Quarterly monitoring -------------------------------------------------------------------

QUARTER_FIGURES = (
    ("contacted", Kind.COUNT),
    ("entries", Kind.COUNT),
    ("exits", Kind.COUNT),
    ("cumulative_entries", Kind.COUNT),
    ("entry_rate", Kind.RATE),
    ("stock", Kind.COUNT),
)
FLOW = (("entries", Kind.COUNT), ("exits", Kind.COUNT), ("stock", Kind.COUNT))
GROUP_FLOW = (("entries", Kind.COUNT), ("stock", Kind.COUNT))


def _quarter_columns(report: Mapping) -> list[str]:
    return [
        _("%(number)s. Quartal") % {"number": quarter["quarter"]} for quarter in report["quarters"]
    ]


def _q_label(key: str) -> str:
    return str(quarterly.LABELS.get(key, key))


def _per_quarter(quarters, path: tuple[str, ...], kind: Kind) -> list[Cell]:
    cells = []
    for quarter in quarters:
        value = quarter
        for part in path:
            value = value.get(part) if isinstance(value, Mapping) else None
        cells.append(Cell(value, kind))
    return cells


def _quarter_sheet(report: Mapping) -> Sheet:
    quarters = report["quarters"]
    columns = [_("Kennzahl"), *_quarter_columns(report)]
    widths = (44, *([13] * len(quarters)))
    module_keys = list(quarters[0]["module_stock"]) if quarters else []
    tables = [
        Table(
            title=_("Eintritte, Austritte und Bestand"),
            columns=columns,
            rows=[
                [text(_q_label(key)), *_per_quarter(quarters, (key,), kind)]
                for key, kind in QUARTER_FIGURES
            ],
            keys=[key for key, _kind in QUARTER_FIGURES],
            widths=widths,
        )
    ]
    for name, kind in (("module_stock", Kind.COUNT), ("module_share", Kind.RATE)):
        tables.append(
            Table(
                title=_q_label(name),
                columns=columns,
                rows=[
                    [text(module_label(key)), *_per_quarter(quarters, (name, key), kind)]
                    for key in module_keys
                ],
                keys=[f"{name}.{key}" for key in module_keys],
                widths=widths,
            )
        )
    return Sheet(name=_("Quartale"), section_column=_("Bereich"), tables=tables)


def _municipality_text(ags: str, names: Mapping[str, str]) -> str:
    if ags == quarterly.NO_MUNICIPALITY:
        return str(quarterly.GROUP_LABELS[quarterly.NO_MUNICIPALITY])
    name = names.get(ags)
    return _("%(name)s (AGS %(ags)s)") % {"name": name, "ags": ags} if name else ags


def _municipality_sheet(report: Mapping) -> Sheet:
    quarters = report["quarters"]
    names = {row["ags"]: row["name"] for row in report.get("municipalities", [])}
    keys_in_order: list[str] = []
    for quarter in quarters:
        for ags in quarter["by_municipality"]:
            if ags not in keys_in_order:
                keys_in_order.append(ags)
    rows, keys = [], []
    for ags in keys_in_order:
        for name, kind in FLOW:
            rows.append(
                [
                    text(_municipality_text(ags, names)),
                    text(_q_label(name)),
                    *_per_quarter(quarters, ("by_municipality", ags, name), kind),
                ]
            )
            keys.append(f"by_municipality.{ags}.{name}")
    table = Table(
        title=_("Eintritte, Austritte und Bestand nach Kommune"),
        columns=[_("Kommune"), _("Kennzahl"), *_quarter_columns(report)],
        rows=rows,
        keys=keys,
        widths=(30, 32, *([12] * len(quarters))),
        key_columns=2,
    )
    return Sheet(name=_("Kommunen"), section_column="", tables=[table])


def _group_label(dimension: str, key: str) -> str:
    if dimension == "target_group":
        return target_group_label(key)
    if dimension == "gender":
        return _choice_label(Gender, key)
    if key in quarterly.GROUP_LABELS:
        return str(quarterly.GROUP_LABELS[key])
    return age_band_label(key)


def _group_sheet(report: Mapping) -> Sheet:
    quarters = report["quarters"]
    dimensions = list(quarters[0]["by_group"]) if quarters else []
    tables = []
    for dimension in dimensions:
        rows, keys = [], []
        for key in quarters[0]["by_group"][dimension]:
            for name, kind in GROUP_FLOW:
                rows.append(
                    [
                        text(_group_label(dimension, key)),
                        text(_q_label(name)),
                        *_per_quarter(quarters, ("by_group", dimension, key, name), kind),
                    ]
                )
                keys.append(f"by_group.{dimension}.{key}.{name}")
        tables.append(
            Table(
                title=_q_label(dimension),
                columns=[_("Ausprägung"), _("Kennzahl"), *_quarter_columns(report)],
                rows=rows,
                keys=keys,
                widths=(30, 32, *([12] * len(quarters))),
                key_columns=2,
            )
        )
    return Sheet(name=_("Teilnehmendengruppen"), section_column=_("Merkmal"), tables=tables)


def _implementation_sheet(report: Mapping, districts: Mapping[str, str]) -> Sheet:
    several = len(report["districts"]) > 1
    tables = []
    for row in report["municipalities"]:
        title = _("%(name)s (AGS %(ags)s)") % {"name": row["name"], "ags": row["ags"]}
        if several:
            title = f"{title}, {districts.get(row['district']) or row['district']}"
        modules = row["modules"]
        tables.append(
            Table(
                title=title,
                columns=[_("Förderbaustein"), _("zuständiger Träger")],
                rows=[[text(module_label(key)), text(name)] for key, name in modules.items()],
                keys=[f"municipalities.{row['ags']}.modules.{key}" for key in modules],
                widths=(48, 60),
            )
        )
    if not tables:
        tables.append(
            Table(
                title=_q_label("municipalities"),
                columns=[_("Förderbaustein"), _("zuständiger Träger")],
                rows=[],
                keys=[],
                widths=(48, 60),
                note=_("Für die Kreise sind keine Kommunen erfasst."),
                note_key="municipalities",
            )
        )
    return Sheet(name=_("Umsetzungsstand"), section_column=_("Kommune"), tables=tables)


def quarterly_document(
    report: Mapping,
    *,
    district_names: Mapping[str, str] | None = None,
    created_on: dt.date | None = None,
) -> Document:
    year = report["year"]
    districts = named_districts(report["districts"], district_names)
    definitions = _definitions(quarterly.DEFINITIONS)
    return Document(
        title=f"{PROGRAMME} – {_('Quartalsmonitoring')}",
        short_title=_("Quartalsmonitoring"),
        districts=districts,
        period=_("Jahr %(year)s (%(from)s bis %(to)s)")
        % {
            "year": year,
            "from": german_date(dt.date(year, 1, 1)),
            "to": german_date(dt.date(year, 12, 31)),
        },
        created_on=creation_date(created_on),
        sheets=[
            _quarter_sheet(report),
            _municipality_sheet(report),
            _group_sheet(report),
            _implementation_sheet(report, dict(districts)),
        ],
        definitions=definitions,
        notes=[_note()],
    )
