"""Writes to the district's money: grants, own shares, contracts, budget lines, expenditures.

The rules that protect the money are errors (the write is refused):
- the own share of a grant is at most 20 % of its eligible costs;
- the pass-through contracts of a grant add up to at most its approved amount plus own share;
- a grant is at most its eligible costs.
What has already been spent is never refused: overspending a category or the whole grant
shows up as a warning (`funding.rules`), because refusing a booked payment would lose it.

Writes that check a sum over a grant's records lock the grant row first, so two concurrent
saves cannot both pass the check.
"""

import datetime as dt
from decimal import Decimal
from functools import wraps

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import formats
from django.utils.translation import gettext_lazy

from durchstarten.core.audit import log_action
from durchstarten.core.models import Role, User
from durchstarten.core.scoping import require_role
from durchstarten.core.services import save_with_version
from durchstarten.funding.models import (
    BudgetLine,
    Expenditure,
    ExpenditureCategory,
    Grant,
    OwnShare,
    PassThroughContract,
)
from durchstarten.funding.money import format_eur, money, own_share_limit
from durchstarten.organisation.models import District, Provider

FUNDING_ROLES = frozenset({Role.COORDINATOR})

GRANT_FIELDS = (
    "module",
    "year",
    "funding_authority",
    "notice_reference",
    "notice_date",
    "period_from",
    "period_to",
    "approved_amount",
    "eligible_costs",
    "early_start_approved",
    "early_start_date",
    "note",
)
OWN_SHARE_FIELDS = ("amount", "source", "description", "use_by")
CONTRACT_FIELDS = (
    "provider",
    "reference",
    "amount",
    "fte",
    "period_from",
    "period_to",
    "signed_on",
    "note",
)
EXPENDITURE_FIELDS = (
    "grant",
    "provider",
    "contract",
    "category",
    "spent_on",
    "amount",
    "receipt_reference",
    "description",
)

PERIOD_REVERSED = gettext_lazy("Das Ende darf nicht vor dem Beginn liegen.")
EARLY_START_DATE_MISSING = gettext_lazy(
    "Bitte geben Sie an, ab wann der vorzeitige Maßnahmebeginn genehmigt ist."
)
NOTICE_TAKEN = gettext_lazy(
    "Für diesen Bescheid ist im Förderbaustein bereits eine Bewilligung erfasst."
)
GRANT_OVER_ELIGIBLE = gettext_lazy(
    "Der bewilligte Betrag (%(approved)s) übersteigt die zuwendungsfähigen Ausgaben (%(eligible)s)."
)
OWN_SHARE_OVER_LIMIT = gettext_lazy(
    "Der Eigenanteil (%(total)s) übersteigt 20 %% der zuwendungsfähigen Ausgaben (%(limit)s)."
)
CONTRACTS_OVER_FUNDS = gettext_lazy(
    "Die Weiterleitungsverträge (%(total)s) übersteigen den bewilligten Betrag zuzüglich "
    "Eigenanteil (%(funds)s)."
)
AMOUNT_NOT_POSITIVE = gettext_lazy("Der Betrag muss größer als 0,00 € sein.")
AMOUNT_NEGATIVE = gettext_lazy("Der Betrag darf nicht negativ sein.")
FOREIGN_PROVIDER = gettext_lazy("Der Träger gehört nicht zu diesem Kreis.")
FOREIGN_GRANT = gettext_lazy("Die Bewilligung gehört nicht zu diesem Kreis.")
CONTRACT_OF_OTHER_GRANT = gettext_lazy(
    "Der Weiterleitungsvertrag gehört nicht zu der gewählten Bewilligung."
)
CONTRACT_OF_OTHER_PROVIDER = gettext_lazy(
    "Der Weiterleitungsvertrag ist mit einem anderen Träger geschlossen."
)
CONTRACT_OUTSIDE_GRANT = gettext_lazy(
    "Die Laufzeit muss im Bewilligungszeitraum (%(start)s bis %(end)s) liegen."
)
GRANT_IN_USE = gettext_lazy(
    "Die Bewilligung kann nicht gelöscht werden, solange Weiterleitungsverträge oder "
    "Ausgaben zu ihr erfasst sind."
)
CONTRACT_IN_USE = gettext_lazy(
    "Der Weiterleitungsvertrag kann nicht gelöscht werden, solange Ausgaben zu ihm erfasst sind."
)


def _day(value: dt.date) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def _require(actor: User, district_id: int) -> None:
    require_role(actor, district_id, FUNDING_ROLES)


def _apply(instance, names, fields: dict) -> dict:
    """Set the given fields; returns the values before, to tell what changed after the checks."""
    before = {name: getattr(instance, name) for name in names}
    for name in names:
        if name in fields:
            setattr(instance, name, fields[name])
    return before


def _changed(instance, before: dict) -> list[str]:
    return [name for name, value in before.items() if getattr(instance, name) != value]


def _restores(record: str, names):
    """On a refused update, put the record's fields back: the caller keeps a true copy."""

    def decorator(service):
        @wraps(service)
        def wrapper(**kwargs):
            instance = kwargs[record]
            before = {name: getattr(instance, name) for name in (*names, "version")}
            try:
                return service(**kwargs)
            except Exception:
                for name, value in before.items():
                    setattr(instance, name, value)
                raise

        return wrapper

    return decorator


def _lock(grant: Grant) -> None:
    # Serialises every write that checks a sum over the grant's own shares or contracts.
    Grant.objects.select_for_update().filter(pk=grant.pk).first()


def _sum(queryset, *, exclude_pk: int | None = None) -> Decimal:
    if exclude_pk is not None:
        queryset = queryset.exclude(pk=exclude_pk)
    return money(queryset.aggregate(total=Sum("amount"))["total"])


def own_share_total(grant: Grant, *, exclude_pk: int | None = None) -> Decimal:
    return _sum(OwnShare.objects.filter(grant=grant), exclude_pk=exclude_pk)


def contract_total(grant: Grant, *, exclude_pk: int | None = None) -> Decimal:
    return _sum(PassThroughContract.objects.filter(grant=grant), exclude_pk=exclude_pk)


# --- The rules ----------------------------------------------------------------------------


def check_own_share(total: Decimal, eligible_costs: Decimal, *, field: str = "amount") -> None:
    """Refuse an own share above 20 % of the eligible costs."""
    limit = own_share_limit(eligible_costs)
    if money(total) > limit:
        message = OWN_SHARE_OVER_LIMIT % {"total": format_eur(total), "limit": format_eur(limit)}
        raise ValidationError({field: message}, code="own_share_limit")


def check_contracts(
    total: Decimal, approved: Decimal, own_share: Decimal, *, field: str | None = "amount"
) -> None:
    """Refuse contracts that pass on more than the grant and the own share together."""
    funds = money(approved) + money(own_share)
    if money(total) > funds:
        message = CONTRACTS_OVER_FUNDS % {"total": format_eur(total), "funds": format_eur(funds)}
        raise ValidationError({field: message} if field else message, code="contracts_over_funds")


def _check_period(start: dt.date, end: dt.date, *, field: str = "period_to") -> None:
    if end < start:
        raise ValidationError({field: PERIOD_REVERSED}, code="period")


def _check_grant(grant: Grant) -> None:
    _check_period(grant.period_from, grant.period_to)
    if grant.early_start_approved and grant.early_start_date is None:
        raise ValidationError({"early_start_date": EARLY_START_DATE_MISSING}, code="early_start")
    if not grant.early_start_approved:
        grant.early_start_date = None
    for name in ("approved_amount", "eligible_costs"):
        if getattr(grant, name) < 0:
            raise ValidationError({name: AMOUNT_NEGATIVE}, code="negative")
    grant.approved_amount = money(grant.approved_amount)
    grant.eligible_costs = money(grant.eligible_costs)
    if grant.approved_amount > grant.eligible_costs:
        message = GRANT_OVER_ELIGIBLE % {
            "approved": format_eur(grant.approved_amount),
            "eligible": format_eur(grant.eligible_costs),
        }
        raise ValidationError({"approved_amount": message}, code="over_eligible")
    taken = Grant.objects.filter(
        district_id=grant.district_id,
        module=grant.module,
        notice_reference=grant.notice_reference,
    )
    if grant.pk is not None:
        taken = taken.exclude(pk=grant.pk)
    if taken.exists():
        raise ValidationError({"notice_reference": NOTICE_TAKEN}, code="notice_taken")


def _check_positive(amount: Decimal) -> Decimal:
    if amount is None or amount <= 0:
        raise ValidationError({"amount": AMOUNT_NOT_POSITIVE}, code="not_positive")
    return money(amount)


# --- Grants -------------------------------------------------------------------------------


@transaction.atomic
def grant_create(*, actor: User, district: District, **fields) -> Grant:
    """Record a funding notice for the district."""
    _require(actor, district.pk)
    grant = Grant(district=district, **{k: v for k, v in fields.items() if k in GRANT_FIELDS})
    _check_grant(grant)
    grant.full_clean(validate_unique=False, validate_constraints=False)
    grant.save()
    log_action(
        "funding.grant.created",
        actor=actor,
        obj=grant,
        data={"module": grant.module, "year": grant.year},
    )
    return grant


@_restores("grant", GRANT_FIELDS)
@transaction.atomic
def grant_update(*, actor: User, grant: Grant, version: int, **fields) -> Grant:
    """Change a grant; lowering its amounts must keep the own share and contracts within."""
    _require(actor, grant.district_id)
    _lock(grant)
    before = _apply(grant, GRANT_FIELDS, fields)
    _check_grant(grant)
    changed = _changed(grant, before)
    own_share = own_share_total(grant)
    check_own_share(own_share, grant.eligible_costs, field="eligible_costs")
    check_contracts(
        contract_total(grant), grant.approved_amount, own_share, field="approved_amount"
    )
    grant.full_clean(validate_unique=False, validate_constraints=False)
    save_with_version(grant, expected_version=version, fields=changed)
    log_action("funding.grant.changed", actor=actor, obj=grant, data={"fields": changed})
    return grant


@transaction.atomic
def grant_delete(*, actor: User, grant: Grant) -> None:
    """Delete a grant with its own shares and budget; refused while money hangs on it."""
    _require(actor, grant.district_id)
    if grant.contracts.exists() or grant.expenditures.exists():
        raise ValidationError(GRANT_IN_USE, code="in_use")
    log_action("funding.grant.deleted", actor=actor, obj=grant)
    grant.delete()


# --- Own shares ---------------------------------------------------------------------------


@transaction.atomic
def own_share_create(*, actor: User, grant: Grant, **fields) -> OwnShare:
    """Add a source of the district's own share; the total stays within 20 %."""
    _require(actor, grant.district_id)
    _lock(grant)
    share = OwnShare(
        grant=grant,
        district_id=grant.district_id,
        **{k: v for k, v in fields.items() if k in OWN_SHARE_FIELDS},
    )
    share.amount = _check_positive(share.amount)
    check_own_share(own_share_total(grant) + share.amount, grant.eligible_costs)
    share.full_clean(validate_constraints=False)
    share.save()
    log_action(
        "funding.own_share.created",
        actor=actor,
        obj=share,
        data={"grant": str(grant.public_id), "source": share.source},
    )
    return share


@_restores("own_share", OWN_SHARE_FIELDS)
@transaction.atomic
def own_share_update(*, actor: User, own_share: OwnShare, version: int, **fields) -> OwnShare:
    grant = own_share.grant
    _require(actor, grant.district_id)
    _lock(grant)
    before = _apply(own_share, OWN_SHARE_FIELDS, fields)
    own_share.amount = _check_positive(own_share.amount)
    changed = _changed(own_share, before)
    total = own_share_total(grant, exclude_pk=own_share.pk) + own_share.amount
    check_own_share(total, grant.eligible_costs)
    check_contracts(contract_total(grant), grant.approved_amount, total)
    own_share.full_clean(validate_constraints=False)
    save_with_version(own_share, expected_version=version, fields=changed)
    log_action("funding.own_share.changed", actor=actor, obj=own_share, data={"fields": changed})
    return own_share


@transaction.atomic
def own_share_delete(*, actor: User, own_share: OwnShare) -> None:
    """Remove a source; refused if the contracts would then exceed the funds."""
    grant = own_share.grant
    _require(actor, grant.district_id)
    _lock(grant)
    remaining = own_share_total(grant, exclude_pk=own_share.pk)
    check_contracts(contract_total(grant), grant.approved_amount, remaining, field=None)
    log_action("funding.own_share.deleted", actor=actor, obj=own_share)
    own_share.delete()


# --- Pass-through contracts ---------------------------------------------------------------


def _check_contract(contract: PassThroughContract, grant: Grant) -> None:
    if contract.provider.district_id != grant.district_id:
        raise ValidationError({"provider": FOREIGN_PROVIDER}, code="foreign_provider")
    _check_period(contract.period_from, contract.period_to)
    start = grant.early_start_date or grant.period_from
    if contract.period_from < start or contract.period_to > grant.period_to:
        message = CONTRACT_OUTSIDE_GRANT % {"start": _day(start), "end": _day(grant.period_to)}
        raise ValidationError({"period_from": message}, code="outside_grant")


@transaction.atomic
def contract_create(*, actor: User, grant: Grant, provider: Provider, **fields):
    """Pass part of the grant on to a provider of the district."""
    _require(actor, grant.district_id)
    _lock(grant)
    contract = PassThroughContract(
        grant=grant,
        district_id=grant.district_id,
        provider=provider,
        **{k: v for k, v in fields.items() if k in CONTRACT_FIELDS},
    )
    contract.amount = _check_positive(contract.amount)
    _check_contract(contract, grant)
    check_contracts(
        contract_total(grant) + contract.amount, grant.approved_amount, own_share_total(grant)
    )
    contract.full_clean(validate_constraints=False)
    contract.save()
    log_action(
        "funding.contract.created",
        actor=actor,
        obj=contract,
        data={"grant": str(grant.public_id), "provider": str(provider.public_id)},
    )
    return contract


@_restores("contract", CONTRACT_FIELDS)
@transaction.atomic
def contract_update(
    *, actor: User, contract: PassThroughContract, version: int, **fields
) -> PassThroughContract:
    grant = contract.grant
    _require(actor, grant.district_id)
    _lock(grant)
    new_provider = fields.get("provider")
    moved = new_provider is not None and new_provider.pk != contract.provider_id
    if moved and contract.expenditures.exists():
        raise ValidationError({"provider": CONTRACT_IN_USE}, code="in_use")
    before = _apply(contract, CONTRACT_FIELDS, fields)
    contract.amount = _check_positive(contract.amount)
    _check_contract(contract, grant)
    changed = _changed(contract, before)
    total = contract_total(grant, exclude_pk=contract.pk) + contract.amount
    check_contracts(total, grant.approved_amount, own_share_total(grant))
    contract.full_clean(validate_constraints=False)
    save_with_version(contract, expected_version=version, fields=changed)
    log_action("funding.contract.changed", actor=actor, obj=contract, data={"fields": changed})
    return contract


@transaction.atomic
def contract_delete(*, actor: User, contract: PassThroughContract) -> None:
    _require(actor, contract.district_id)
    if contract.expenditures.exists():
        raise ValidationError(CONTRACT_IN_USE, code="in_use")
    log_action("funding.contract.deleted", actor=actor, obj=contract)
    contract.delete()


# --- Budget -------------------------------------------------------------------------------


@transaction.atomic
def budget_update(
    *, actor: User, grant: Grant, version: int, planned: dict[str, Decimal | None]
) -> dict[str, Decimal]:
    """Set the planned amount per expenditure category; an empty amount removes the line.

    The budget belongs to the grant, so a concurrent change of either is detected through
    the grant's version.
    """
    _require(actor, grant.district_id)
    for category, amount in planned.items():
        if amount is not None and amount < 0:
            raise ValidationError({category: AMOUNT_NEGATIVE}, code="negative")
    save_with_version(grant, expected_version=version, fields=[])
    existing = {line.category: line for line in BudgetLine.objects.filter(grant=grant)}
    result = {}
    for category in ExpenditureCategory.values:
        amount = planned.get(category)
        line = existing.get(category)
        if amount is None:
            if line is not None:
                line.delete()
            continue
        amount = money(amount)
        result[category] = amount
        if line is None:
            BudgetLine.objects.create(
                grant=grant, district_id=grant.district_id, category=category, planned_amount=amount
            )
        elif line.planned_amount != amount:
            line.planned_amount = amount
            line.save(update_fields=["planned_amount", "updated_at"])
    log_action(
        "funding.budget.changed",
        actor=actor,
        obj=grant,
        data={"categories": sorted(result)},
    )
    return result


# --- Expenditures -------------------------------------------------------------------------


def _check_expenditure(expenditure: Expenditure, district_id: int) -> None:
    expenditure.amount = _check_positive(expenditure.amount)
    grant = expenditure.grant
    if grant.district_id != district_id:
        raise ValidationError({"grant": FOREIGN_GRANT}, code="foreign_grant")
    contract = expenditure.contract
    if contract is not None:
        if contract.grant_id != grant.pk:
            raise ValidationError({"contract": CONTRACT_OF_OTHER_GRANT}, code="other_grant")
        if expenditure.provider is None:
            expenditure.provider = contract.provider
        elif expenditure.provider.pk != contract.provider_id:
            raise ValidationError({"contract": CONTRACT_OF_OTHER_PROVIDER}, code="other_provider")
    if expenditure.provider is not None and expenditure.provider.district_id != district_id:
        raise ValidationError({"provider": FOREIGN_PROVIDER}, code="foreign_provider")


@transaction.atomic
def expenditure_create(*, actor: User, grant: Grant, **fields) -> Expenditure:
    """Book a payment against a grant. Overspending is allowed and shown as a warning."""
    _require(actor, grant.district_id)
    values = {k: v for k, v in fields.items() if k in EXPENDITURE_FIELDS and k != "grant"}
    expenditure = Expenditure(grant=grant, district_id=grant.district_id, **values)
    _check_expenditure(expenditure, grant.district_id)
    expenditure.full_clean(validate_constraints=False)
    expenditure.save()
    log_action(
        "funding.expenditure.created",
        actor=actor,
        obj=expenditure,
        data={"grant": str(grant.public_id), "category": expenditure.category},
    )
    return expenditure


@_restores("expenditure", EXPENDITURE_FIELDS)
@transaction.atomic
def expenditure_update(
    *, actor: User, expenditure: Expenditure, version: int, **fields
) -> Expenditure:
    _require(actor, expenditure.district_id)
    before = _apply(expenditure, EXPENDITURE_FIELDS, fields)
    _check_expenditure(expenditure, expenditure.district_id)
    changed = _changed(expenditure, before)
    expenditure.full_clean(validate_constraints=False)
    save_with_version(expenditure, expected_version=version, fields=changed)
    log_action(
        "funding.expenditure.changed", actor=actor, obj=expenditure, data={"fields": changed}
    )
    return expenditure


@transaction.atomic
def expenditure_delete(*, actor: User, expenditure: Expenditure) -> None:
    _require(actor, expenditure.district_id)
    log_action("funding.expenditure.deleted", actor=actor, obj=expenditure)
    expenditure.delete()
