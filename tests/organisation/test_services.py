import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from durchstarten.core.models import AuditEntry
from durchstarten.organisation import services
from durchstarten.organisation.models import Module, ProviderAssignment
from tests.factories import MunicipalityFactory, ProviderAssignmentFactory, ProviderFactory

JAN_1 = dt.date(2026, 1, 1)
DEC_31 = dt.date(2026, 12, 31)


@pytest.fixture
def towns(district):
    return [MunicipalityFactory(district=district, name=n) for n in ("Harsewinkel", "Verl")]


@pytest.fixture
def coaching(provider, towns):
    return ProviderAssignmentFactory(
        provider=provider, municipalities=towns, valid_from=JAN_1, valid_until=DEC_31
    )


def _assign(actor, provider, towns, *, module=Module.COACHING, start=JAN_1, end=DEC_31):
    return services.assignment_create(
        actor=actor,
        provider=provider,
        module=module,
        municipalities=towns,
        valid_from=start,
        valid_until=end,
    )


def test_it_assigns_municipalities_and_logs_it(coordinator, provider, towns):
    assignment = _assign(coordinator, provider, towns)
    assert set(assignment.municipalities.all()) == set(towns)
    assert assignment.district_id == provider.district_id
    entry = AuditEntry.objects.get(action="organisation.assignment.created")
    assert entry.actor == coordinator
    assert entry.object_id == str(assignment.public_id)


def test_it_refuses_a_second_provider_for_the_same_municipality_module_and_day(
    coordinator, coaching, other_provider, towns
):
    with pytest.raises(ValidationError) as excinfo:
        _assign(coordinator, other_provider, towns[:1], start=dt.date(2026, 6, 1), end=None)
    message = excinfo.value.message_dict["municipalities"][0]
    assert "Harsewinkel" in message
    assert "asH Gütersloh gGmbH" in message
    assert "bereits" in message
    assert ProviderAssignment.objects.count() == 1


def test_it_treats_an_open_ended_assignment_as_overlapping_later_ones(
    coordinator, provider, other_provider, towns
):
    _assign(coordinator, provider, towns, end=None)
    with pytest.raises(ValidationError):
        _assign(coordinator, other_provider, towns, start=dt.date(2030, 1, 1), end=None)


@pytest.mark.parametrize(
    ("module", "start", "end"),
    [
        (Module.IN_WORK, JAN_1, DEC_31),  # other module
        (Module.COACHING, dt.date(2027, 1, 1), None),  # after the period
        (Module.COACHING, dt.date(2025, 1, 1), dt.date(2025, 12, 31)),  # before it
    ],
)
def test_it_allows_other_modules_and_adjacent_periods(
    coordinator, coaching, other_provider, towns, module, start, end
):
    _assign(coordinator, other_provider, towns, module=module, start=start, end=end)
    assert ProviderAssignment.objects.count() == 2


def test_it_allows_one_provider_to_take_over_after_the_other(coordinator, coaching, towns):
    successor = ProviderFactory(district=coaching.district)
    _assign(coordinator, successor, towns, start=dt.date(2027, 1, 1), end=None)


def test_it_refuses_municipalities_of_another_district(coordinator, provider, other_district):
    foreign = MunicipalityFactory(district=other_district, name="Bünde")
    with pytest.raises(ValidationError) as excinfo:
        _assign(coordinator, provider, [foreign])
    assert "Bünde" in excinfo.value.message_dict["municipalities"][0]


def test_it_refuses_an_end_before_the_start(coordinator, provider, towns):
    with pytest.raises(ValidationError) as excinfo:
        _assign(coordinator, provider, towns, start=DEC_31, end=JAN_1)
    assert "valid_until" in excinfo.value.message_dict


def test_it_refuses_an_assignment_without_municipalities(coordinator, provider):
    with pytest.raises(ValidationError):
        _assign(coordinator, provider, [])


def test_it_lets_only_the_districts_coordinator_assign(case_manager, outsider, provider, towns):
    for actor in (case_manager, outsider):
        with pytest.raises(PermissionDenied):
            _assign(actor, provider, towns)


def test_it_lets_an_assignment_be_edited_without_conflicting_with_itself(coordinator, coaching):
    extra = MunicipalityFactory(district=coaching.district, name="Rietberg")
    services.assignment_update(
        actor=coordinator,
        assignment=coaching,
        version=coaching.version,
        municipalities=[*coaching.municipalities.all(), extra],
        valid_until=dt.date(2027, 6, 30),
    )
    coaching.refresh_from_db()
    assert coaching.version == 2
    assert coaching.valid_until == dt.date(2027, 6, 30)
    assert coaching.municipalities.count() == 3


def test_it_detects_a_concurrent_edit(coordinator, coaching):
    stale = coaching.version
    services.assignment_update(
        actor=coordinator,
        assignment=coaching,
        version=stale,
        municipalities=coaching.municipalities.all(),
        note="erste Änderung",
    )
    with pytest.raises(ValidationError) as excinfo:
        services.assignment_update(
            actor=coordinator,
            assignment=ProviderAssignment.objects.get(pk=coaching.pk),
            version=stale,
            municipalities=coaching.municipalities.all(),
            note="zweite Änderung",
        )
    assert excinfo.value.code == "stale"
    coaching.refresh_from_db()
    assert coaching.note == "erste Änderung"


def test_it_deletes_an_assignment_with_an_audit_entry(coordinator, coaching):
    services.assignment_delete(actor=coordinator, assignment=coaching)
    assert not ProviderAssignment.objects.exists()
    assert AuditEntry.objects.filter(action="organisation.assignment.deleted").exists()


def test_it_creates_and_updates_a_provider(coordinator, district):
    provider = services.provider_create(actor=coordinator, district=district, name="IN VIA e. V.")
    services.provider_update(
        actor=coordinator, provider=provider, version=provider.version, is_active=False
    )
    provider.refresh_from_db()
    assert not provider.is_active
    assert provider.version == 2


def test_it_refuses_a_duplicate_provider_name_in_a_district(coordinator, provider):
    with pytest.raises(ValidationError):
        services.provider_create(actor=coordinator, district=provider.district, name=provider.name)


def test_it_creates_a_position_at_the_coordinating_office(coordinator, district):
    position = services.position_create(
        actor=coordinator,
        district=district,
        module=Module.CASE_MANAGEMENT,
        fte=Decimal("1.5"),
        valid_from=JAN_1,
    )
    assert position.provider is None
    assert position.employer_name == "Koordinierungsstelle"


def test_it_refuses_a_position_at_another_districts_provider(coordinator, district, other_district):
    with pytest.raises(ValidationError) as excinfo:
        services.position_create(
            actor=coordinator,
            district=district,
            provider=ProviderFactory(district=other_district),
            module=Module.COACHING,
            fte=Decimal("0.5"),
            valid_from=JAN_1,
        )
    assert "provider" in excinfo.value.message_dict


@pytest.mark.parametrize("fte", ["0", "-1", "10.5"])
def test_it_refuses_an_impossible_fte(coordinator, district, fte):
    with pytest.raises(ValidationError) as excinfo:
        services.position_create(
            actor=coordinator,
            district=district,
            module=Module.CASE_MANAGEMENT,
            fte=Decimal(fte),
            valid_from=JAN_1,
        )
    assert "fte" in excinfo.value.message_dict


def test_it_refuses_a_holder_without_a_role_in_the_district(coordinator, district, outsider):
    with pytest.raises(ValidationError) as excinfo:
        services.position_create(
            actor=coordinator,
            district=district,
            module=Module.CASE_MANAGEMENT,
            fte=Decimal("1"),
            valid_from=JAN_1,
            holder=outsider,
        )
    assert "holder" in excinfo.value.message_dict
