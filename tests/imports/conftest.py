"""The district the fixture files fit (see fixtures/generate.py) and helpers to import them."""

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from durchstarten.core.models import Membership, Role
from durchstarten.imports import services
from tests.factories import (
    DistrictFactory,
    MunicipalityFactory,
    ProviderAssignmentFactory,
    ProviderFactory,
    UserFactory,
    member,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@dataclass
class Place:
    district: object
    coordinator: object
    case_manager: object
    municipalities: dict
    provider: object


@pytest.fixture(autouse=True)
def import_storage(settings, tmp_path):
    # Uploads wait in a temporary directory, never in the project's var/.
    settings.MEDIA_ROOT = str(tmp_path / "media")
    services.storage.__dict__.pop("base_location", None)
    services.storage.__dict__.pop("location", None)
    yield
    services.storage.__dict__.pop("base_location", None)
    services.storage.__dict__.pop("location", None)


@pytest.fixture
def place(db) -> Place:
    district = DistrictFactory(name="Kreis Gütersloh", ags="05754000")
    municipalities = {
        name: MunicipalityFactory(district=district, name=name, ags=ags)
        for name, ags in (
            ("Gütersloh", "05754008"),
            ("Harsewinkel", "05754012"),
            ("Herzebrock-Clarholz", "05754016"),
        )
    }
    provider = ProviderFactory(district=district, name="asH Gütersloh gGmbH", short_name="asH")
    ProviderAssignmentFactory(
        provider=provider,
        municipalities=list(municipalities.values()),
        valid_from=dt.date(2024, 1, 1),
        valid_until=None,
    )
    case_manager = UserFactory(username="tm.schmidt", first_name="Anna", last_name="Schmidt")
    Membership.objects.create(user=case_manager, role=Role.CASE_MANAGER, district=district)
    elsewhere = DistrictFactory(name="Stadt Bielefeld", ags="05711000")
    MunicipalityFactory(district=elsewhere, name="Bielefeld", ags="05711001")
    return Place(
        district=district,
        coordinator=member(Role.COORDINATOR, district),
        case_manager=case_manager,
        municipalities=municipalities,
        provider=provider,
    )


def upload(name: str, content: bytes | None = None) -> SimpleUploadedFile:
    data = content if content is not None else (FIXTURES / name).read_bytes()
    return SimpleUploadedFile(name, data)


def check(place: Place, name: str, *, kind: str = "participants", actor=None, content=None):
    """The batch of a fixture file after its check."""
    batch = services.import_batch_create(
        actor=actor or place.coordinator,
        district=place.district,
        kind=kind,
        file=upload(name, content),
        file_name=name,
    )
    batch.refresh_from_db()
    return batch
