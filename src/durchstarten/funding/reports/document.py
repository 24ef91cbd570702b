"""The spending-report draft (Verwendungs- / Zwischennachweis) as plain data.

Built from the same summaries as the overview and the grant page
(``selectors.year_summary`` / ``grant_summary``), then written as XLSX or PDF by
``reports.xlsx`` and ``reports.pdf``: both formats show the same cells.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import formats
from django.utils.translation import gettext as _

from durchstarten.funding.selectors import GrantSummary, YearSummary, category_total
from durchstarten.organisation.models import District


@dataclass(frozen=True)
class Money:
    value: Decimal


@dataclass(frozen=True)
class Percent:
    value: Decimal | None


@dataclass(frozen=True)
class Quantity:
    """A number that is not money, e.g. posts (VZÄ)."""

    value: Decimal | None


Cell = str | int | dt.date | Money | Percent | Quantity | None


@dataclass
class Table:
    caption: str
    header: list[str]
    rows: list[list[Cell]]
    footer: list[Cell] | None = None
    # Relative column widths for the PDF; equal if not given.
    widths: list[float] | None = None
    # The share of the page width the table takes in the PDF.
    width_share: float = 1.0


@dataclass
class ReportDocument:
    title: str
    subtitle: str
    meta: list[tuple[str, str]]
    tables: list[Table]
    warnings: list[str]
    ledger: Table
    filename_stem: str
    created_on: dt.date
    keywords: list[str] = field(default_factory=list)


def _day(value: dt.date | None) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT") if value else "–"


def _period(start: dt.date, end: dt.date) -> str:
    return f"{_day(start)} – {_day(end)}"


def _title() -> tuple[str, str]:
    return (
        _("Entwurf: Zwischen- bzw. Verwendungsnachweis"),
        _("Zahlenmäßiger Nachweis · Landesinitiative „Durchstarten in Ausbildung und Arbeit“"),
    )


def _categories_table(categories, caption: str) -> Table:
    rows = [
        [
            row.label,
            Money(row.planned) if row.planned is not None else None,
            Money(row.spent),
            Money(row.remaining) if row.remaining is not None else None,
            Percent(row.percent_spent),
        ]
        for row in categories
    ]
    total = category_total(categories)
    footer = [
        total.label,
        Money(total.planned) if total.planned is not None else None,
        Money(total.spent),
        Money(total.remaining) if total.remaining is not None else None,
        Percent(total.percent_spent),
    ]
    return Table(
        caption,
        [_("Ausgabenart"), _("geplant"), _("ausgegeben"), _("verbleibend"), _("verausgabt")],
        rows,
        footer,
        [3, 2, 2, 2, 1.4],
    )


def _ledger(expenditures, *, with_grant: bool) -> Table:
    header = [_("Datum"), _("Belegnummer")]
    if with_grant:
        header.append(_("Baustein"))
    header += [_("Ausgabenart"), _("Träger"), _("Beschreibung"), _("Betrag")]
    rows = []
    total = Decimal("0.00")
    for item in expenditures:
        row: list[Cell] = [item.spent_on, item.receipt_reference]
        if with_grant:
            row.append(str(item.grant.module))
        row += [
            item.get_category_display(),
            item.provider.name if item.provider_id else _("Kreis"),
            item.description,
            Money(item.amount),
        ]
        rows.append(row)
        total += item.amount
    footer: list[Cell] = [_("Summe"), ""] + ([""] if with_grant else []) + ["", "", ""]
    footer.append(Money(total))
    widths = [1.3, 1.6] + ([1.1] if with_grant else []) + [2, 2.6, 4, 1.6]
    return Table(_("Belegliste"), header, rows, footer, widths)


def grant_document(summary: GrantSummary, *, created_on: dt.date) -> ReportDocument:
    grant = summary.grant
    f = summary.figures
    title, subtitle = _title()
    early = (
        _("genehmigt ab %(day)s") % {"day": _day(grant.early_start_date)}
        if grant.early_start_approved
        else _("nein")
    )
    meta = [
        (_("Kreis"), grant.district.name),
        (_("Förderbaustein"), grant.get_module_display()),
        (_("Förderjahr"), str(grant.year)),
        (_("Bewilligungsbehörde"), grant.funding_authority),
        (
            _("Bewilligungsbescheid"),
            _("Az. %(reference)s vom %(day)s")
            % {"reference": grant.notice_reference, "day": _day(grant.notice_date)},
        ),
        (_("Bewilligungszeitraum"), _period(grant.period_from, grant.period_to)),
        (_("Vorzeitiger Maßnahmebeginn"), early),
        (_("Erstellt am"), _day(created_on)),
    ]
    finance = Table(
        _("Finanzierung"),
        [_("Position"), _("Betrag")],
        [
            [_("Zuwendungsfähige Ausgaben"), Money(f.eligible)],
            [_("Bewilligter Betrag (Zuwendung)"), Money(f.approved)],
            [_("Eigenanteil"), Money(f.own_share)],
            [_("Eigenanteil in % der zuwendungsfähigen Ausgaben"), Percent(f.own_share_percent)],
            [_("Mittel insgesamt (Zuwendung und Eigenanteil)"), Money(f.funds)],
            [_("Weitergeleitet (Weiterleitungsverträge)"), Money(f.contracted)],
            [_("Ausgaben"), Money(f.spent)],
            [_("Verbleibende Mittel"), Money(f.remaining)],
            [_("Anteil verausgabt"), Percent(f.percent_spent)],
        ],
        widths=[5, 2],
        width_share=0.6,
    )
    own_shares = Table(
        _("Eigenanteil nach Herkunft"),
        [_("Herkunft"), _("Beschreibung"), _("zu verwenden bis"), _("Betrag")],
        [
            [s.get_source_display(), s.description, s.use_by, Money(s.amount)]
            for s in summary.own_shares
        ],
        [_("Summe"), "", "", Money(f.own_share)],
        [3, 4, 1.6, 1.8],
    )
    contracts = Table(
        _("Weiterleitungsverträge"),
        [
            _("Träger"),
            _("Vertragsnummer"),
            _("Laufzeit"),
            _("VZÄ"),
            _("Betrag"),
            _("ausgegeben"),
            _("verbleibend"),
        ],
        [
            [
                c.contract.provider.name,
                c.contract.reference,
                _period(c.contract.period_from, c.contract.period_to),
                Quantity(c.contract.fte),
                Money(c.contract.amount),
                Money(c.spent),
                Money(c.remaining),
            ]
            for c in summary.contracts
        ],
        [
            _("Summe"),
            "",
            "",
            Quantity(
                sum((c.contract.fte for c in summary.contracts if c.contract.fte), Decimal(0))
                or None
            ),
            Money(f.contracted),
            Money(sum((c.spent for c in summary.contracts), Decimal("0.00"))),
            Money(sum((c.remaining for c in summary.contracts), Decimal("0.00"))),
        ],
        [3.5, 1.8, 2.6, 0.9, 1.8, 1.8, 1.8],
    )
    return ReportDocument(
        title=title,
        subtitle=subtitle,
        meta=meta,
        tables=[
            finance,
            own_shares,
            _categories_table(summary.categories, _("Ausgaben nach Ausgabenart")),
            contracts,
        ],
        warnings=[w.text for w in summary.warnings],
        ledger=_ledger(summary.expenditures, with_grant=False),
        filename_stem=f"nachweis-entwurf-{grant.district.ags}-{grant.year}-baustein-{grant.module}",
        created_on=created_on,
    )


def year_document(summary: YearSummary, *, created_on: dt.date) -> ReportDocument:
    district: District = summary.district
    title, subtitle = _title()
    authorities = sorted({f.grant.funding_authority for f in summary.grants})
    meta = [
        (_("Kreis"), district.name),
        (_("Förderjahr"), str(summary.year)),
        (_("Bewilligungsbehörde"), ", ".join(authorities) or "–"),
        (_("Erstellt am"), _day(created_on)),
    ]
    t = summary.totals
    grants = Table(
        _("Bewilligungen"),
        [
            _("Förderbaustein"),
            _("Bescheid"),
            _("Bewilligungszeitraum"),
            _("bewilligt"),
            _("Eigenanteil"),
            _("Mittel insgesamt"),
            _("weitergeleitet"),
            _("ausgegeben"),
            _("verbleibend"),
            _("verausgabt"),
        ],
        [
            [
                f.grant.get_module_display(),
                _("%(authority)s, Az. %(reference)s vom %(day)s")
                % {
                    "authority": f.grant.funding_authority,
                    "reference": f.grant.notice_reference,
                    "day": _day(f.grant.notice_date),
                },
                _period(f.grant.period_from, f.grant.period_to),
                Money(f.approved),
                Money(f.own_share),
                Money(f.funds),
                Money(f.contracted),
                Money(f.spent),
                Money(f.remaining),
                Percent(f.percent_spent),
            ]
            for f in summary.grants
        ],
        [
            _("Summe"),
            "",
            "",
            Money(t.approved),
            Money(t.own_share),
            Money(t.funds),
            Money(t.contracted),
            Money(t.spent),
            Money(t.remaining),
            Percent(t.percent_spent),
        ],
        [2.6, 3.2, 2.5, 1.6, 1.6, 1.6, 1.7, 1.6, 1.6, 1.6],
    )
    modules = Table(
        _("Nach Förderbaustein"),
        [
            _("Förderbaustein"),
            _("Bewilligungen"),
            _("bewilligt"),
            _("Eigenanteil"),
            _("Mittel insgesamt"),
            _("ausgegeben"),
            _("verbleibend"),
            _("verausgabt"),
        ],
        [
            [
                m.label,
                m.grant_count,
                Money(m.approved),
                Money(m.own_share),
                Money(m.funds),
                Money(m.spent),
                Money(m.remaining),
                Percent(m.percent_spent),
            ]
            for m in summary.modules
        ],
        [
            _("Summe"),
            len(summary.grants),
            Money(t.approved),
            Money(t.own_share),
            Money(t.funds),
            Money(t.spent),
            Money(t.remaining),
            Percent(t.percent_spent),
        ],
        [3.6, 1.8, 1.8, 1.8, 1.8, 1.8, 1.8, 1.4],
    )
    providers = Table(
        _("Nach Träger"),
        [
            _("Träger"),
            _("Verträge"),
            _("VZÄ"),
            _("weitergeleitet"),
            _("ausgegeben"),
            _("verbleibend"),
            _("verausgabt"),
        ],
        [
            [
                p.name or _("ohne Träger (Ausgaben des Kreises)"),
                p.contract_count,
                Quantity(p.fte),
                Money(p.contracted),
                Money(p.spent),
                Money(p.remaining) if p.remaining is not None else None,
                Percent(p.percent_spent),
            ]
            for p in summary.providers
        ],
        widths=[4, 1.1, 1, 1.8, 1.8, 1.8, 1.4],
    )
    return ReportDocument(
        title=title,
        subtitle=subtitle,
        meta=meta,
        tables=[
            grants,
            modules,
            _categories_table(summary.categories, _("Ausgaben nach Ausgabenart")),
            providers,
        ],
        warnings=[w.text for w in summary.warnings],
        ledger=_ledger(summary.expenditures, with_grant=True),
        filename_stem=f"nachweis-entwurf-{district.ags}-{summary.year}",
        created_on=created_on,
    )
