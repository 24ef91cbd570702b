"""People and records for the participant and case work endpoints (import the fixtures).

`enrolled` is Mohammad Al-Hassan of Harsewinkel: Duldung, in the programme with the case
manager and the coach of `provider`, having consented to case work and to sharing with the
provider. `colleague_coach` works for the same provider but is not responsible for him.
"""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from durchstarten.cases.choices import ConsentPurpose, ResidenceStatusKind
from durchstarten.cases.services import consent as consent_services
from durchstarten.cases.services import enrollment as enrollment_services
from durchstarten.cases.services import participants as participant_services
from durchstarten.core.models import Role
from tests.factories import ProviderAssignmentFactory, member

PROBLEM = "application/problem+json"
NOTE = "Vertraulich: Gespräch über die Familie"
DOCUMENT = "Duldung Nr. 4711"


def audit_queries() -> int:
    """Queries of one audit entry: the chain's head and the insert (PostgreSQL locks first)."""
    return 3 if connection.vendor == "postgresql" else 2


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def coaching_assignment(provider, municipality):
    return ProviderAssignmentFactory(provider=provider, municipalities=[municipality])


@pytest.fixture
def colleague_coach(provider):
    return member(Role.COACH, provider=provider)


@pytest.fixture
def participant(case_manager, district, municipality):
    participant = participant_services.participant_create(
        actor=case_manager,
        district=district,
        given_names="Mohammad",
        family_name="Al-Hassan",
        date_of_birth=dt.date(2003, 4, 1),
        municipality=municipality,
    )
    participant_services.residence_status_record(
        actor=case_manager,
        participant=participant,
        kind=ResidenceStatusKind.DULDUNG,
        valid_from=dt.date(2025, 1, 1),
        document_note=DOCUMENT,
    )
    return participant


@pytest.fixture
def enrolled(participant, case_manager, coach, coaching_assignment, provider):
    for purpose, with_provider in (
        (ConsentPurpose.CASE_WORK, None),
        (ConsentPurpose.PROVIDER_SHARING, provider),
    ):
        consent_services.consent_give(
            actor=case_manager,
            participant=participant,
            purpose=purpose,
            provider=with_provider,
            given_on=dt.date(2026, 2, 1),
            form_language="ar",
        )
    enrollment_services.enrollment_enter(
        actor=case_manager,
        participant=participant,
        entry_date=dt.date(2026, 2, 1),
        case_manager=case_manager,
        coach=coach,
    )
    participant.refresh_from_db()
    return participant


@pytest.fixture
def foreign(other_district):
    """A participant of another district, with a coordinator of their own."""
    coordinator = member(Role.COORDINATOR, other_district)
    return participant_services.participant_create(
        actor=coordinator, district=other_district, given_names="Amina", family_name="Yusuf"
    )
