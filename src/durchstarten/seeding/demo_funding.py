"""Demo money: grants of 2026 with own shares, pass-through contracts, budgets and payments.

For three demo districts (Gütersloh, Herford, Coesfeld); the other two keep an empty funding
overview. Amounts, notice references and receipt numbers are examples, and every grant says
so in its note. The figures keep the rules of `funding.services` (own share at most 20 % of
the eligible costs, contracts within the approved amount plus own share) and show each kind
of warning once: the Integrationspauschale of Gütersloh's coaching grant is to be used by
31.12.2026, and the travel budget of its Teilhabemanagement is overspent.

Written by natural key (district + module + notice reference, grant + source, grant +
category, grant + provider, grant + receipt number), so running the seed again updates the
same rows. Payments dated after today are left out until their day has come.

District keys and provider names mirror `seeding.demo` (not imported: it imports this module).
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from durchstarten.core.audit import log_action
from durchstarten.funding.models import (
    BudgetLine,
    Expenditure,
    ExpenditureCategory,
    Grant,
    OwnShare,
    OwnShareSource,
    PassThroughContract,
)
from durchstarten.funding.money import money
from durchstarten.funding.services import check_contracts, check_own_share
from durchstarten.organisation.models import District, Module, Provider

YEAR = 2026
AUTHORITY = "Bezirksregierung Arnsberg"
DEMO_NOTE = "Demo-Datensatz: Beträge, Aktenzeichen und Belege sind Beispielangaben."
START, END = dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)

GUETERSLOH = "05754000"
HERFORD = "05758000"
COESFELD = "05558000"
ASH_GUETERSLOH = "asH Gütersloh gGmbH"
CARITAS_GUETERSLOH = "Caritasverband für den Kreis Gütersloh e. V."
INTAL = "INTAL Bildung und Beruf gGmbH"
DIAKONIE_HERFORD = "Diakonisches Werk"
CARITAS_COESFELD = "Caritasverband für den Kreis Coesfeld e. V."

C = ExpenditureCategory


@dataclass(frozen=True)
class ContractSpec:
    provider: str
    reference: str
    amount: str
    fte: str


@dataclass(frozen=True)
class OwnShareSpec:
    source: str
    amount: str
    description: str
    use_by: dt.date | None = None


@dataclass(frozen=True)
class GrantSpec:
    district: str
    module: int
    reference: str
    eligible: str
    approved: str
    own_shares: tuple[OwnShareSpec, ...]
    contracts: tuple[ContractSpec, ...]
    budget: tuple[tuple[str, str], ...]
    # Monthly payments of the district itself: (category, amount, what).
    monthly: tuple[tuple[str, str, str], ...] = ()
    # Single payments: (day, category, amount, what).
    single: tuple[tuple[dt.date, str, str, str], ...] = ()
    notice_date: dt.date = dt.date(YEAR, 2, 16)
    early_start: dt.date | None = START


GRANTS: tuple[GrantSpec, ...] = (
    GrantSpec(
        GUETERSLOH,
        Module.COACHING,
        "36.03.02-DS-2026-GT-01",
        eligible="250000.00",
        approved="200000.00",
        own_shares=(
            OwnShareSpec(
                OwnShareSource.INTEGRATION_LUMP_SUM,
                "50000.00",
                "Integrationspauschale 2026 (Demo)",
                use_by=END,
            ),
        ),
        contracts=(
            ContractSpec(ASH_GUETERSLOH, "WV-GT-2026-01", "120000.00", "2.00"),
            ContractSpec(CARITAS_GUETERSLOH, "WV-GT-2026-02", "90000.00", "1.50"),
            ContractSpec(INTAL, "WV-GT-2026-03", "30000.00", "0.50"),
        ),
        budget=((C.PERSONNEL, "240000.00"), (C.MATERIAL, "6000.00"), (C.TRAVEL, "4000.00")),
        single=(
            (dt.date(YEAR, 3, 12), C.MATERIAL, "1850.40", "Dolmetschkosten Infoveranstaltung"),
            (dt.date(YEAR, 5, 6), C.TRAVEL, "312.80", "Fahrtkosten Trägertreffen"),
            (dt.date(YEAR, 9, 22), C.MATERIAL, "2480.00", "Mehrsprachige Flyer"),
        ),
    ),
    GrantSpec(
        GUETERSLOH,
        Module.CASE_MANAGEMENT,
        "36.03.02-TM-2026-GT-01",
        eligible="95000.00",
        approved="76000.00",
        own_shares=(OwnShareSpec(OwnShareSource.OWN_BUDGET, "19000.00", "Haushaltsmittel"),),
        contracts=(),
        budget=((C.PERSONNEL, "88000.00"), (C.TRAVEL, "1500.00"), (C.OVERHEAD, "5500.00")),
        monthly=((C.PERSONNEL, "7150.00", "Personalkosten Teilhabemanagement"),),
        single=(
            (dt.date(YEAR, 4, 14), C.TRAVEL, "540.00", "Fahrtkosten Hausbesuche"),
            (dt.date(YEAR, 7, 1), C.TRAVEL, "612.50", "Fahrtkosten Hausbesuche"),
            (dt.date(YEAR, 10, 5), C.TRAVEL, "468.90", "Fahrtkosten Hausbesuche"),
        ),
    ),
    GrantSpec(
        HERFORD,
        Module.COACHING,
        "36.03.02-DS-2026-HF-01",
        eligible="90000.00",
        approved="72000.00",
        own_shares=(
            OwnShareSpec(
                OwnShareSource.INTEGRATION_LUMP_SUM,
                "18000.00",
                "Integrationspauschale 2026 (Demo)",
                use_by=dt.date(YEAR + 1, 6, 30),
            ),
        ),
        contracts=(ContractSpec(DIAKONIE_HERFORD, "WV-HF-2026-01", "90000.00", "1.50"),),
        budget=((C.PERSONNEL, "90000.00"),),
    ),
    GrantSpec(
        COESFELD,
        Module.CASE_MANAGEMENT,
        "36.03.02-TM-2026-COE-01",
        eligible="110000.00",
        approved="88000.00",
        own_shares=(OwnShareSpec(OwnShareSource.OWN_BUDGET, "22000.00", "Haushaltsmittel"),),
        contracts=(ContractSpec(CARITAS_COESFELD, "WV-COE-2026-01", "110000.00", "1.50"),),
        budget=((C.PERSONNEL, "104000.00"), (C.OVERHEAD, "6000.00")),
    ),
)


def _month_ends(today: dt.date) -> list[dt.date]:
    ends = []
    for month in range(1, 13):
        nxt = dt.date(YEAR + (month == 12), month % 12 + 1, 1)
        day = nxt - dt.timedelta(days=1)
        if day <= today:
            ends.append(day)
    return ends


def _seed_grant(district: District, spec: GrantSpec, today: dt.date) -> dict[str, int]:
    counts = {"grants": 0, "expenditures": 0}
    grant, _created = Grant.objects.update_or_create(
        district=district,
        module=spec.module,
        notice_reference=spec.reference,
        defaults={
            "year": YEAR,
            "funding_authority": AUTHORITY,
            "notice_date": spec.notice_date,
            "period_from": START,
            "period_to": END,
            "approved_amount": Decimal(spec.approved),
            "eligible_costs": Decimal(spec.eligible),
            "early_start_approved": spec.early_start is not None,
            "early_start_date": spec.early_start,
            "note": DEMO_NOTE,
        },
    )
    counts["grants"] += 1
    for share in spec.own_shares:
        OwnShare.objects.update_or_create(
            grant=grant,
            source=share.source,
            defaults={
                "district": district,
                "amount": Decimal(share.amount),
                "description": share.description,
                "use_by": share.use_by,
            },
        )
    for category, amount in spec.budget:
        BudgetLine.objects.update_or_create(
            grant=grant,
            category=category,
            defaults={"district": district, "planned_amount": Decimal(amount)},
        )
    months = _month_ends(today)
    for contract_spec in spec.contracts:
        provider = Provider.objects.filter(district=district, name=contract_spec.provider).first()
        if provider is None:
            continue
        amount = Decimal(contract_spec.amount)
        contract, _created = PassThroughContract.objects.update_or_create(
            grant=grant,
            provider=provider,
            defaults={
                "district": district,
                "reference": contract_spec.reference,
                "amount": amount,
                "fte": Decimal(contract_spec.fte),
                "period_from": START,
                "period_to": END,
                "signed_on": dt.date(YEAR, 2, 20),
                "note": DEMO_NOTE,
            },
        )
        # Monthly instalments to the provider (Abschlagszahlungen); the last one takes the
        # rounding difference, so the twelve add up to the contract exactly.
        instalment = money(amount / 12)
        for index, day in enumerate(months, start=1):
            Expenditure.objects.update_or_create(
                grant=grant,
                receipt_reference=f"{contract_spec.reference}-A{index:02d}",
                defaults={
                    "district": district,
                    "provider": provider,
                    "contract": contract,
                    "category": C.PERSONNEL,
                    "spent_on": day,
                    "amount": instalment if index < 12 else amount - 11 * instalment,
                    "description": f"Abschlag {index:02d}/{YEAR} (Demo)",
                },
            )
            counts["expenditures"] += 1
    for category, amount, what in spec.monthly:
        for index, day in enumerate(months, start=1):
            Expenditure.objects.update_or_create(
                grant=grant,
                receipt_reference=f"{spec.reference}-M{index:02d}",
                defaults={
                    "district": district,
                    "category": category,
                    "spent_on": day,
                    "amount": Decimal(amount),
                    "description": f"{what} {index:02d}/{YEAR} (Demo)",
                },
            )
            counts["expenditures"] += 1
    for number, (day, category, amount, what) in enumerate(spec.single, start=1):
        if day > today:
            continue
        Expenditure.objects.update_or_create(
            grant=grant,
            receipt_reference=f"{spec.reference}-E{number:02d}",
            defaults={
                "district": district,
                "category": category,
                "spent_on": day,
                "amount": Decimal(amount),
                "description": f"{what} (Demo)",
            },
        )
        counts["expenditures"] += 1
    # The same rules the services enforce; a failing check means the specs above are wrong.
    own_share = sum((Decimal(s.amount) for s in spec.own_shares), Decimal(0))
    check_own_share(own_share, grant.eligible_costs)
    check_contracts(
        sum((Decimal(c.amount) for c in spec.contracts), Decimal(0)),
        grant.approved_amount,
        own_share,
    )
    return counts


@transaction.atomic
def seed_demo_funding(districts: dict[str, District], *, today: dt.date | None = None) -> None:
    """Create or update the demo money of the demo districts (keyed by AGS).

    ``today`` (default: the real date) decides which payments have been made already.
    """
    today = today or timezone.localdate()
    totals = {"grants": 0, "expenditures": 0}
    for spec in GRANTS:
        district = districts.get(spec.district)
        if district is None:
            continue
        for key, value in _seed_grant(district, spec, today).items():
            totals[key] += value
    log_action("seeding.demo_funding", actor=None, data=totals)
