"""The money rules of the funding services: own share, contracts, grants, expenditures."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from durchstarten.core.models import AuditEntry, Role
from durchstarten.funding import services
from durchstarten.funding.models import (
    BudgetLine,
    Expenditure,
    ExpenditureCategory,
    Grant,
    OwnShare,
    OwnShareSource,
    PassThroughContract,
)
from durchstarten.organisation.models import Module
from tests.factories import ProviderFactory, member

LUMP_SUM = OwnShareSource.INTEGRATION_LUMP_SUM


def _messages(error: ValidationError, field: str) -> list[str]:
    return error.message_dict[field]


def _share(actor, grant, amount, **fields):
    return services.own_share_create(
        actor=actor, grant=grant, amount=Decimal(amount), source=LUMP_SUM, **fields
    )


def _contract(actor, grant, provider, amount, **fields):
    fields.setdefault("period_from", grant.period_from)
    fields.setdefault("period_to", grant.period_to)
    return services.contract_create(
        actor=actor, grant=grant, provider=provider, amount=Decimal(amount), **fields
    )


def _grant_fields(**changes):
    fields = {
        "module": Module.COACHING,
        "year": 2026,
        "funding_authority": "Bezirksregierung Arnsberg",
        "notice_reference": "36.2-DS-0002",
        "notice_date": dt.date(2026, 1, 15),
        "period_from": dt.date(2026, 1, 1),
        "period_to": dt.date(2026, 12, 31),
        "approved_amount": Decimal("80000.00"),
        "eligible_costs": Decimal("100000.00"),
    }
    return fields | changes


# --- Own share: at most 20 % of the eligible costs -------------------------------------------


def test_it_allows_an_own_share_of_exactly_20_percent(coordinator, grant):
    share = _share(coordinator, grant, "20000.00", use_by=dt.date(2026, 12, 31))
    assert share.amount == Decimal("20000.00")
    assert share.district_id == grant.district_id


def test_it_refuses_an_own_share_one_cent_above_20_percent(coordinator, grant):
    with pytest.raises(ValidationError) as error:
        _share(coordinator, grant, "20000.01")
    assert _messages(error.value, "amount") == [
        "Der Eigenanteil (20.000,01 €) übersteigt 20 % der zuwendungsfähigen Ausgaben "
        "(20.000,00 €)."
    ]
    assert not OwnShare.objects.exists()


def test_it_names_the_numbers_when_the_sources_together_exceed_the_limit(coordinator, grant):
    _share(coordinator, grant, "15000.00")
    with pytest.raises(ValidationError) as error:
        _share(coordinator, grant, "10000.00")
    assert _messages(error.value, "amount") == [
        "Der Eigenanteil (25.000,00 €) übersteigt 20 % der zuwendungsfähigen Ausgaben "
        "(20.000,00 €)."
    ]
    _share(coordinator, grant, "5000.00")
    assert services.own_share_total(grant) == Decimal("20000.00")


def test_it_checks_the_limit_without_rounding_it_up(coordinator, district):
    # 20 % of 100.000,03 € is 20.000,006 €: 20.000,01 € is more than that.
    grant = services.grant_create(
        actor=coordinator,
        district=district,
        **_grant_fields(eligible_costs=Decimal("100000.03")),
    )
    with pytest.raises(ValidationError):
        _share(coordinator, grant, "20000.01")
    _share(coordinator, grant, "20000.00")


def test_it_counts_the_other_sources_when_one_is_changed(coordinator, grant):
    first = _share(coordinator, grant, "12000.00")
    _share(coordinator, grant, "8000.00")
    with pytest.raises(ValidationError):
        services.own_share_update(
            actor=coordinator, own_share=first, version=first.version, amount=Decimal("12000.01")
        )
    services.own_share_update(
        actor=coordinator, own_share=first, version=first.version, amount=Decimal("11000.00")
    )
    first.refresh_from_db()
    assert first.amount == Decimal("11000.00")
    assert first.version == 2


def test_it_refuses_lowering_the_eligible_costs_below_five_times_the_own_share(coordinator, grant):
    _share(coordinator, grant, "20000.00")
    with pytest.raises(ValidationError) as error:
        services.grant_update(
            actor=coordinator,
            grant=grant,
            version=grant.version,
            eligible_costs=Decimal("99999.99"),
            approved_amount=Decimal("79999.99"),
        )
    assert _messages(error.value, "eligible_costs") == [
        "Der Eigenanteil (20.000,00 €) übersteigt 20 % der zuwendungsfähigen Ausgaben "
        "(19.999,99 €)."
    ]


@pytest.mark.parametrize("amount", ["0", "-5.00"])
def test_it_refuses_an_own_share_that_is_not_positive(coordinator, grant, amount):
    with pytest.raises(ValidationError) as error:
        _share(coordinator, grant, amount)
    assert _messages(error.value, "amount") == ["Der Betrag muss größer als 0,00 € sein."]


# --- Contracts: at most the approved amount plus the own share --------------------------------


def test_it_allows_contracts_up_to_the_approved_amount_plus_own_share(
    coordinator, grant, provider, other_provider
):
    _share(coordinator, grant, "20000.00")
    _contract(coordinator, grant, provider, "60000.00")
    contract = _contract(coordinator, grant, other_provider, "40000.00", fte=Decimal("1.5"))
    assert contract.district_id == grant.district_id
    assert services.contract_total(grant) == Decimal("100000.00")


def test_it_refuses_contracts_one_cent_beyond_the_funds(coordinator, grant, provider):
    _share(coordinator, grant, "20000.00")
    _contract(coordinator, grant, provider, "60000.00")
    with pytest.raises(ValidationError) as error:
        _contract(coordinator, grant, provider, "40000.01")
    assert _messages(error.value, "amount") == [
        "Die Weiterleitungsverträge (100.000,01 €) übersteigen den bewilligten Betrag "
        "zuzüglich Eigenanteil (100.000,00 €)."
    ]
    assert PassThroughContract.objects.count() == 1


def test_it_refuses_raising_a_contract_beyond_the_funds(coordinator, grant, provider):
    contract = _contract(coordinator, grant, provider, "80000.00")
    with pytest.raises(ValidationError):
        services.contract_update(
            actor=coordinator,
            contract=contract,
            version=contract.version,
            amount=Decimal("80000.01"),
        )
    # The refused change is not left on the object.
    assert contract.amount == Decimal("80000.00")
    services.contract_update(
        actor=coordinator, contract=contract, version=contract.version, reference="WV 7"
    )


def test_it_refuses_removing_own_share_that_contracts_rely_on(coordinator, grant, provider):
    share = _share(coordinator, grant, "20000.00")
    _contract(coordinator, grant, provider, "90000.00")
    with pytest.raises(ValidationError) as error:
        services.own_share_delete(actor=coordinator, own_share=share)
    assert error.value.messages == [
        "Die Weiterleitungsverträge (90.000,00 €) übersteigen den bewilligten Betrag "
        "zuzüglich Eigenanteil (80.000,00 €)."
    ]
    with pytest.raises(ValidationError):
        services.own_share_update(
            actor=coordinator, own_share=share, version=share.version, amount=Decimal("9999.99")
        )
    services.own_share_update(
        actor=coordinator, own_share=share, version=share.version, amount=Decimal("10000.00")
    )


def test_it_refuses_lowering_the_grant_below_its_contracts(coordinator, grant, provider):
    _contract(coordinator, grant, provider, "80000.00")
    with pytest.raises(ValidationError) as error:
        services.grant_update(
            actor=coordinator,
            grant=grant,
            version=grant.version,
            approved_amount=Decimal("79999.99"),
        )
    assert "approved_amount" in error.value.message_dict


def test_it_refuses_a_provider_of_another_district(coordinator, grant, other_district):
    foreign = ProviderFactory(district=other_district)
    with pytest.raises(ValidationError) as error:
        _contract(coordinator, grant, foreign, "1000.00")
    assert _messages(error.value, "provider") == ["Der Träger gehört nicht zu diesem Kreis."]


def test_it_keeps_contracts_within_the_grant_period(coordinator, grant, provider):
    with pytest.raises(ValidationError) as error:
        _contract(coordinator, grant, provider, "1000.00", period_to=dt.date(2027, 1, 31))
    assert _messages(error.value, "period_from") == [
        "Die Laufzeit muss im Bewilligungszeitraum (01.01.2026 bis 31.12.2026) liegen."
    ]
    with pytest.raises(ValidationError):
        _contract(coordinator, grant, provider, "1000.00", period_from=dt.date(2025, 12, 1))


def test_it_lets_contracts_start_with_an_approved_early_start(coordinator, grant, provider):
    services.grant_update(
        actor=coordinator,
        grant=grant,
        version=grant.version,
        early_start_approved=True,
        early_start_date=dt.date(2025, 12, 1),
    )
    contract = _contract(coordinator, grant, provider, "1000.00", period_from=dt.date(2025, 12, 1))
    assert contract.period_from == dt.date(2025, 12, 1)


def test_it_refuses_deleting_a_contract_with_expenditures(coordinator, grant, provider):
    contract = _contract(coordinator, grant, provider, "1000.00")
    services.expenditure_create(
        actor=coordinator,
        grant=grant,
        contract=contract,
        category=ExpenditureCategory.FEES,
        spent_on=dt.date(2026, 5, 1),
        amount=Decimal("10.00"),
    )
    with pytest.raises(ValidationError):
        services.contract_delete(actor=coordinator, contract=contract)
    other = ProviderFactory(district=grant.district)
    with pytest.raises(ValidationError):
        services.contract_update(
            actor=coordinator, contract=contract, version=contract.version, provider=other
        )


# --- Grants ---------------------------------------------------------------------------------


def test_it_records_a_grant_with_an_audit_entry(coordinator, grant):
    assert grant.version == 1
    entry = AuditEntry.objects.get(action="funding.grant.created")
    assert entry.object_id == str(grant.public_id)
    assert entry.district_id == grant.district_id
    assert entry.data == {"module": 1, "year": 2026}


def test_it_refuses_a_grant_above_its_eligible_costs(coordinator, district):
    with pytest.raises(ValidationError) as error:
        services.grant_create(
            actor=coordinator,
            district=district,
            **_grant_fields(approved_amount=Decimal("100000.01")),
        )
    assert _messages(error.value, "approved_amount") == [
        "Der bewilligte Betrag (100.000,01 €) übersteigt die zuwendungsfähigen Ausgaben "
        "(100.000,00 €)."
    ]


def test_it_refuses_a_reversed_period(coordinator, district):
    with pytest.raises(ValidationError) as error:
        services.grant_create(
            actor=coordinator, district=district, **_grant_fields(period_to=dt.date(2025, 12, 31))
        )
    assert _messages(error.value, "period_to") == ["Das Ende darf nicht vor dem Beginn liegen."]


def test_it_wants_the_date_of_an_approved_early_start(coordinator, district):
    with pytest.raises(ValidationError) as error:
        services.grant_create(
            actor=coordinator, district=district, **_grant_fields(early_start_approved=True)
        )
    assert "early_start_date" in error.value.message_dict
    grant = services.grant_create(
        actor=coordinator,
        district=district,
        **_grant_fields(early_start_approved=False, early_start_date=dt.date(2025, 12, 1)),
    )
    assert grant.early_start_date is None


def test_it_refuses_the_same_notice_twice_for_a_module(coordinator, district, grant):
    with pytest.raises(ValidationError) as error:
        services.grant_create(
            actor=coordinator, district=district, **_grant_fields(notice_reference="36.2-DS-0001")
        )
    assert "notice_reference" in error.value.message_dict
    other_module = services.grant_create(
        actor=coordinator,
        district=district,
        **_grant_fields(notice_reference="36.2-DS-0001", module=Module.CASE_MANAGEMENT),
    )
    assert other_module.pk


def test_it_detects_a_concurrent_change(coordinator, grant):
    services.grant_update(actor=coordinator, grant=grant, version=1, note="erste Fassung")
    stale = Grant.objects.get(pk=grant.pk)
    stale.version = 1
    with pytest.raises(ValidationError) as error:
        services.grant_update(actor=coordinator, grant=stale, version=1, note="zweite Fassung")
    assert error.value.code == "stale"
    grant.refresh_from_db()
    assert grant.note == "erste Fassung"


def test_it_deletes_a_grant_with_its_own_shares_and_budget(coordinator, grant):
    _share(coordinator, grant, "1000.00")
    services.budget_update(
        actor=coordinator,
        grant=grant,
        version=grant.version,
        planned={ExpenditureCategory.PERSONNEL: Decimal("5000")},
    )
    services.grant_delete(actor=coordinator, grant=grant)
    assert not Grant.objects.exists()
    assert not OwnShare.objects.exists()
    assert not BudgetLine.objects.exists()


def test_it_refuses_deleting_a_grant_with_money_on_it(coordinator, grant):
    services.expenditure_create(
        actor=coordinator,
        grant=grant,
        category=ExpenditureCategory.TRAVEL,
        spent_on=dt.date(2026, 2, 1),
        amount=Decimal("12.50"),
    )
    with pytest.raises(ValidationError) as error:
        services.grant_delete(actor=coordinator, grant=grant)
    assert error.value.messages == [str(services.GRANT_IN_USE)]


@pytest.mark.parametrize("role", [Role.CASE_MANAGER])
def test_it_lets_only_coordinators_write(role, district, grant, provider):
    actor = member(role, district)
    for write in (
        lambda: services.grant_update(actor=actor, grant=grant, version=1, note="x"),
        lambda: _share(actor, grant, "1.00"),
        lambda: _contract(actor, grant, provider, "1.00"),
        lambda: services.grant_delete(actor=actor, grant=grant),
    ):
        with pytest.raises(PermissionDenied):
            write()
    for provider_role in (Role.COACH, Role.PROVIDER_STAFF):
        with pytest.raises(PermissionDenied):
            _share(member(provider_role, provider=provider), grant, "1.00")
    with pytest.raises(PermissionDenied):
        _share(member(Role.ADMIN), grant, "1.00")


def test_it_refuses_a_coordinator_of_another_district(outsider, grant):
    with pytest.raises(PermissionDenied):
        services.grant_update(actor=outsider, grant=grant, version=1, note="x")


# --- Budget ---------------------------------------------------------------------------------


def test_it_sets_replaces_and_removes_budget_lines(coordinator, grant):
    services.budget_update(
        actor=coordinator,
        grant=grant,
        version=1,
        planned={"personnel": Decimal("60000"), "travel": Decimal("1000.5")},
    )
    services.budget_update(
        actor=coordinator,
        grant=grant,
        version=2,
        planned={"personnel": Decimal("55000"), "travel": None, "fees": Decimal("0")},
    )
    lines = dict(BudgetLine.objects.values_list("category", "planned_amount"))
    assert lines == {"personnel": Decimal("55000.00"), "fees": Decimal("0.00")}
    with pytest.raises(ValidationError):
        services.budget_update(actor=coordinator, grant=grant, version=2, planned={})
    with pytest.raises(ValidationError):
        services.budget_update(
            actor=coordinator, grant=grant, version=3, planned={"fees": Decimal("-1")}
        )


# --- Expenditures ---------------------------------------------------------------------------


def _spend(actor, grant, amount, **fields):
    fields.setdefault("category", ExpenditureCategory.PERSONNEL)
    fields.setdefault("spent_on", dt.date(2026, 4, 30))
    return services.expenditure_create(actor=actor, grant=grant, amount=Decimal(amount), **fields)


def test_it_takes_the_provider_from_the_contract(coordinator, grant, provider):
    contract = _contract(coordinator, grant, provider, "1000.00")
    expenditure = _spend(coordinator, grant, "99.99", contract=contract)
    assert expenditure.provider == provider
    entry = AuditEntry.objects.get(action="funding.expenditure.created")
    assert entry.data == {"grant": str(grant.public_id), "category": "personnel"}


def test_it_refuses_a_contract_of_another_grant_or_provider(
    coordinator, grant, district, provider, other_provider
):
    other_grant = services.grant_create(actor=coordinator, district=district, **_grant_fields())
    contract = _contract(coordinator, other_grant, provider, "1000.00")
    with pytest.raises(ValidationError) as error:
        _spend(coordinator, grant, "1.00", contract=contract)
    assert "contract" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        _spend(coordinator, other_grant, "1.00", contract=contract, provider=other_provider)
    assert _messages(error.value, "contract") == [
        "Der Weiterleitungsvertrag ist mit einem anderen Träger geschlossen."
    ]


def test_it_refuses_a_provider_of_another_district_for_a_payment(
    coordinator, grant, other_district
):
    with pytest.raises(ValidationError):
        _spend(coordinator, grant, "1.00", provider=ProviderFactory(district=other_district))


@pytest.mark.parametrize("amount", ["0.00", "-0.01"])
def test_it_refuses_payments_that_are_not_positive(coordinator, grant, amount):
    with pytest.raises(ValidationError) as error:
        _spend(coordinator, grant, amount)
    assert _messages(error.value, "amount") == ["Der Betrag muss größer als 0,00 € sein."]


def test_it_books_spending_beyond_the_funds(coordinator, grant):
    # Already spent: refusing would lose it. The overview warns instead (see test_rules).
    _spend(coordinator, grant, "80000.00")
    _spend(coordinator, grant, "0.01")
    assert Expenditure.objects.count() == 2


def test_it_moves_a_payment_to_another_grant_of_the_district(coordinator, grant, district):
    other = services.grant_create(actor=coordinator, district=district, **_grant_fields())
    expenditure = _spend(coordinator, grant, "5.00")
    services.expenditure_update(
        actor=coordinator, expenditure=expenditure, version=1, grant=other, amount=Decimal("6")
    )
    expenditure.refresh_from_db()
    assert (expenditure.grant, expenditure.amount, expenditure.version) == (
        other,
        Decimal("6.00"),
        2,
    )
    entry = AuditEntry.objects.get(action="funding.expenditure.changed")
    assert sorted(entry.data["fields"]) == ["amount", "grant"]
