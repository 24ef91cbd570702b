"""Reads of the district's money, always narrowed by the scoping layer, and its figures.

Money is the coordinating office's: only the district's coordinators see funding records
(``FUNDING_ROLES``); every other role, state-wide ones included, gets nothing. The figures
of the overview, the grant page and the spending report all come from ``year_summary`` and
``grant_summary`` here, so the pages and the exports cannot disagree. Their query counts do
not grow with the number of grants or payments.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from uuid import UUID

from django.db.models import Count, DecimalField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from durchstarten.core.models import User
from durchstarten.core.scoping import access_for, scope_organisation
from durchstarten.funding import rules
from durchstarten.funding.models import (
    BudgetLine,
    Expenditure,
    ExpenditureCategory,
    Grant,
    OwnShare,
    PassThroughContract,
)
from durchstarten.funding.money import ZERO, money, own_share_limit, percent
from durchstarten.funding.services import FUNDING_ROLES
from durchstarten.organisation.models import District, Module

SUM_FIELD = DecimalField(max_digits=15, decimal_places=2)


def _scope(queryset: QuerySet, user: User) -> QuerySet:
    """Records of the districts the user coordinates (through the one scoping layer)."""
    access = access_for(user)
    coordinated = [d for d, roles in access.district_roles.items() if roles & FUNDING_ROLES]
    return scope_organisation(queryset, user).filter(district__in=coordinated)


def _sum_of(model, *, link: str = "grant", column: str = "amount") -> Coalesce:
    """The sum of a related model's amounts per row, as a subquery (no join multiplication)."""
    total = (
        model.objects.filter(**{link: OuterRef("pk")})
        .order_by()
        .values(link)
        .annotate(total=Sum(column))
        .values("total")
    )
    return Coalesce(Subquery(total, output_field=SUM_FIELD), Value(ZERO), output_field=SUM_FIELD)


def with_totals(queryset: QuerySet[Grant]) -> QuerySet[Grant]:
    """Grants with ``own_share_total``, ``contracted_total`` and ``spent_total``."""
    return queryset.annotate(
        own_share_total=_sum_of(OwnShare),
        contracted_total=_sum_of(PassThroughContract),
        spent_total=_sum_of(Expenditure),
    )


# --- Records ------------------------------------------------------------------------------


def grant_list_for_user(user: User, *, district: District | None = None) -> QuerySet[Grant]:
    qs = _scope(Grant.objects.all(), user)
    return qs.filter(district=district) if district is not None else qs


def get_grant_for_user(user: User, public_id: UUID) -> Grant:
    return get_object_or_404(
        grant_list_for_user(user).select_related("district"), public_id=public_id
    )


def budget_lines_for_user(user: User, grant: Grant) -> QuerySet[BudgetLine]:
    return _scope(BudgetLine.objects.filter(grant=grant), user)


def years_for_user(user: User, district: District) -> list[int]:
    """The years the district has grants for, latest first."""
    return list(
        grant_list_for_user(user, district=district)
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )


def own_share_list_for_user(user: User, *, district: District | None = None) -> QuerySet:
    qs = _scope(OwnShare.objects.select_related("grant"), user)
    return qs.filter(district=district) if district is not None else qs


def get_own_share_for_user(user: User, public_id: UUID) -> OwnShare:
    return get_object_or_404(own_share_list_for_user(user), public_id=public_id)


def contract_list_for_user(user: User, *, district: District | None = None) -> QuerySet:
    qs = _scope(PassThroughContract.objects.select_related("grant", "provider"), user)
    return qs.filter(district=district) if district is not None else qs


def get_contract_for_user(user: User, public_id: UUID) -> PassThroughContract:
    return get_object_or_404(contract_list_for_user(user), public_id=public_id)


def expenditure_list_for_user(user: User, *, district: District | None = None) -> QuerySet:
    qs = _scope(Expenditure.objects.select_related("grant", "provider", "contract"), user)
    return qs.filter(district=district) if district is not None else qs


def get_expenditure_for_user(user: User, public_id: UUID) -> Expenditure:
    return get_object_or_404(expenditure_list_for_user(user), public_id=public_id)


# --- Figures ------------------------------------------------------------------------------


def grant_label(grant: Grant) -> str:
    """How warnings and reports name a grant: module and notice reference."""
    return _("%(module)s (Az. %(reference)s)") % {
        "module": grant.get_module_display(),
        "reference": grant.notice_reference,
    }


@dataclass
class Figures:
    """Money of one grant or a group of grants."""

    approved: Decimal = ZERO
    eligible: Decimal = ZERO
    own_share: Decimal = ZERO
    contracted: Decimal = ZERO
    spent: Decimal = ZERO

    @property
    def funds(self) -> Decimal:
        """What may be spent: the approved amount plus the own share."""
        return self.approved + self.own_share

    @property
    def remaining(self) -> Decimal:
        return self.funds - self.spent

    @property
    def uncontracted(self) -> Decimal:
        return self.funds - self.contracted

    @property
    def percent_spent(self) -> Decimal | None:
        return percent(self.spent, self.funds)

    @property
    def overspent(self) -> bool:
        return self.spent > self.funds

    def add(self, other: "Figures") -> None:
        self.approved += other.approved
        self.eligible += other.eligible
        self.own_share += other.own_share
        self.contracted += other.contracted
        self.spent += other.spent


@dataclass
class GrantFigures(Figures):
    grant: Grant | None = None

    @classmethod
    def of(cls, grant: Grant) -> "GrantFigures":
        """From a grant annotated by ``with_totals``."""
        return cls(
            grant=grant,
            approved=money(grant.approved_amount),
            eligible=money(grant.eligible_costs),
            own_share=money(grant.own_share_total),
            contracted=money(grant.contracted_total),
            spent=money(grant.spent_total),
        )

    @property
    def label(self) -> str:
        return grant_label(self.grant)

    @property
    def own_share_limit(self) -> Decimal:
        return own_share_limit(self.eligible)

    @property
    def own_share_percent(self) -> Decimal | None:
        return percent(self.own_share, self.eligible)


@dataclass
class ModuleFigures(Figures):
    module: int = 0
    label: str = ""
    grant_count: int = 0


@dataclass
class CategoryFigures:
    category: str
    label: str
    planned: Decimal | None
    spent: Decimal

    @property
    def remaining(self) -> Decimal | None:
        return None if self.planned is None else self.planned - self.spent

    @property
    def percent_spent(self) -> Decimal | None:
        return None if self.planned is None else percent(self.spent, self.planned)

    @property
    def overrun(self) -> bool:
        return self.planned is not None and self.spent > self.planned


@dataclass
class ProviderFigures:
    """Contracts and spending of one provider; ``name`` empty: spending without a provider."""

    name: str
    contracted: Decimal = ZERO
    fte: Decimal | None = None
    contract_count: int = 0
    spent: Decimal = ZERO

    @property
    def remaining(self) -> Decimal | None:
        """Left of the contracts; none without a contract (nothing was passed on)."""
        return self.contracted - self.spent if self.contract_count else None

    @property
    def percent_spent(self) -> Decimal | None:
        return percent(self.spent, self.contracted) if self.contract_count else None


def category_total(categories: list[CategoryFigures]) -> CategoryFigures:
    """The sum row of a category table (planned only if some category is planned)."""
    planned = [row.planned for row in categories if row.planned is not None]
    return CategoryFigures(
        "",
        _("Summe"),
        sum(planned, ZERO) if planned else None,
        sum((row.spent for row in categories), ZERO),
    )


def _categories(
    planned: dict[str, Decimal], spent: dict[str, Decimal], *, has_budget: bool
) -> list[CategoryFigures]:
    """One row per category. With a budget, an unplanned category counts as planned at 0."""
    rows = []
    for value, label in ExpenditureCategory.choices:
        plan = planned.get(value, ZERO) if has_budget else planned.get(value)
        rows.append(CategoryFigures(value, str(label), plan, spent.get(value, ZERO)))
    return rows


def _category_sums(grant_ids: list[int]) -> tuple[dict, dict]:
    """Planned and spent per (grant id, category)."""
    planned = {
        (row["grant_id"], row["category"]): money(row["planned_amount"])
        for row in BudgetLine.objects.filter(grant_id__in=grant_ids).values(
            "grant_id", "category", "planned_amount"
        )
    }
    spent = {
        (row["grant_id"], row["category"]): money(row["total"])
        for row in Expenditure.objects.filter(grant_id__in=grant_ids)
        .order_by()
        .values("grant_id", "category")
        .annotate(total=Sum("amount"))
    }
    return planned, spent


def _grant_warnings(
    figures: list[GrantFigures],
    planned: dict,
    spent: dict,
    own_shares: list[OwnShare],
    today: dt.date,
) -> list[rules.FundingWarning]:
    by_id = {f.grant.pk: f for f in figures}
    budgeted = {grant_id for grant_id, _category in planned}
    found = []
    for f in figures:
        found.append(rules.overspent(f.label, f.spent, f.funds, f.grant.pk))
    for f in figures:
        if f.grant.pk not in budgeted:
            continue
        for value, label in ExpenditureCategory.choices:
            found.append(
                rules.category_overrun(
                    f.label,
                    str(label),
                    spent.get((f.grant.pk, value), ZERO),
                    planned.get((f.grant.pk, value), ZERO),
                    f.grant.pk,
                )
            )
    for share in own_shares:
        f = by_id[share.grant_id]
        found.append(
            rules.expiry(
                f.label,
                source=share.get_source_display(),
                amount=share.amount,
                use_by=share.use_by,
                spent=f.spent,
                funds=f.funds,
                percent_spent=f.percent_spent,
                today=today,
                grant_id=f.grant.pk,
            )
        )
    return rules.ordered(found)


@dataclass
class YearSummary:
    district: District
    year: int
    grants: list[GrantFigures]
    totals: Figures
    modules: list[ModuleFigures]
    categories: list[CategoryFigures]
    providers: list[ProviderFigures]
    warnings: list[rules.FundingWarning]
    expenditures: list[Expenditure] = field(default_factory=list)

    @property
    def category_total(self) -> CategoryFigures:
        return category_total(self.categories)


def _provider_rows(contracts, spent_rows) -> list[ProviderFigures]:
    rows: dict[int | None, ProviderFigures] = {}
    for row in contracts:
        figures = rows.setdefault(row["provider_id"], ProviderFigures(row["provider__name"]))
        figures.contracted = money(row["total"])
        figures.fte = row["fte"]
        figures.contract_count = row["count"]
    for row in spent_rows:
        name = row["provider__name"] or ""
        figures = rows.setdefault(row["provider_id"], ProviderFigures(name))
        figures.spent = money(row["total"])
    named = sorted((f for key, f in rows.items() if key is not None), key=lambda f: f.name)
    return named + ([rows[None]] if None in rows else [])


def year_summary(
    user: User, district: District, year: int, *, today: dt.date, with_expenditures=False
) -> YearSummary:
    """The money of the district's grants of one year: per grant, module, category, provider.

    ``with_expenditures`` adds the ledger of every payment (for the spending report).
    """
    grants = list(
        with_totals(grant_list_for_user(user, district=district).filter(year=year)).order_by(
            "module", "notice_date", "pk"
        )
    )
    figures = [GrantFigures.of(grant) for grant in grants]
    ids = [grant.pk for grant in grants]
    planned, spent = _category_sums(ids)

    totals = Figures()
    modules: dict[int, ModuleFigures] = {}
    for f in figures:
        totals.add(f)
        module = modules.setdefault(
            f.grant.module,
            ModuleFigures(module=f.grant.module, label=Module(f.grant.module).label),
        )
        module.add(f)
        module.grant_count += 1

    planned_by_category: dict[str, Decimal] = defaultdict(Decimal)
    for (_grant, category), amount in planned.items():
        planned_by_category[category] += amount
    spent_by_category: dict[str, Decimal] = defaultdict(Decimal)
    for (_grant, category), amount in spent.items():
        spent_by_category[category] += amount
    # Planned: the budgets of the year's grants added up (a budget's missing category is 0).
    categories = _categories(planned_by_category, spent_by_category, has_budget=bool(planned))

    contracts = (
        PassThroughContract.objects.filter(grant_id__in=ids)
        .order_by()
        .values("provider_id", "provider__name")
        .annotate(total=Sum("amount"), fte=Sum("fte"), count=Count("pk"))
    )
    spent_rows = (
        Expenditure.objects.filter(grant_id__in=ids)
        .order_by()
        .values("provider_id", "provider__name")
        .annotate(total=Sum("amount"))
    )
    own_shares = list(
        OwnShare.objects.filter(grant_id__in=ids, use_by__isnull=False).order_by("use_by", "pk")
    )
    summary = YearSummary(
        district=district,
        year=year,
        grants=figures,
        totals=totals,
        modules=[modules[key] for key in sorted(modules)],
        categories=categories,
        providers=_provider_rows(contracts, spent_rows),
        warnings=_grant_warnings(figures, planned, spent, own_shares, today),
    )
    if with_expenditures:
        summary.expenditures = list(
            Expenditure.objects.filter(grant_id__in=ids)
            .select_related("grant", "provider", "contract")
            .order_by("spent_on", "pk")
        )
    return summary


@dataclass
class ContractFigures:
    contract: PassThroughContract
    spent: Decimal

    @property
    def remaining(self) -> Decimal:
        return money(self.contract.amount) - self.spent

    @property
    def percent_spent(self) -> Decimal | None:
        return percent(self.spent, self.contract.amount)


@dataclass
class GrantSummary:
    figures: GrantFigures
    own_shares: list[OwnShare]
    contracts: list[ContractFigures]
    categories: list[CategoryFigures]
    warnings: list[rules.FundingWarning]
    has_budget: bool
    expenditures: list[Expenditure] = field(default_factory=list)

    @property
    def grant(self) -> Grant:
        return self.figures.grant

    @property
    def category_total(self) -> CategoryFigures:
        return category_total(self.categories)


def grant_summary(
    user: User, grant: Grant, *, today: dt.date, with_expenditures=False
) -> GrantSummary:
    """The money of one grant (already fetched through a selector) with its warnings."""
    annotated = with_totals(grant_list_for_user(user).filter(pk=grant.pk)).get()
    figures = GrantFigures.of(annotated)
    planned, spent = _category_sums([grant.pk])
    own_shares = list(OwnShare.objects.filter(grant=grant).order_by("use_by", "pk"))
    contracts = [
        ContractFigures(contract, money(contract.spent_total))
        for contract in PassThroughContract.objects.filter(grant=grant)
        .select_related("provider")
        .annotate(spent_total=_sum_of(Expenditure, link="contract"))
        .order_by("provider__name", "period_from", "pk")
    ]
    has_budget = bool(planned)
    summary = GrantSummary(
        figures=figures,
        own_shares=own_shares,
        contracts=contracts,
        categories=_categories(
            {c: v for (_g, c), v in planned.items()},
            {c: v for (_g, c), v in spent.items()},
            has_budget=has_budget,
        ),
        warnings=_grant_warnings(
            [figures], planned, spent, [s for s in own_shares if s.use_by], today
        ),
        has_budget=has_budget,
    )
    if with_expenditures:
        summary.expenditures = list(
            Expenditure.objects.filter(grant=grant)
            .select_related("provider", "contract")
            .order_by("spent_on", "pk")
        )
    return summary
