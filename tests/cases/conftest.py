import datetime as dt

import pytest

from durchstarten.cases.choices import ConsentPurpose
from durchstarten.cases.services import consent as consent_services
from durchstarten.cases.services import enrollment as enrollment_services
from durchstarten.cases.services import participants as participant_services
from tests.factories import ProviderAssignmentFactory


@pytest.fixture
def coaching_assignment(provider, municipality):
    """`provider` coaches in `municipality` (Harsewinkel) throughout 2026."""
    return ProviderAssignmentFactory(provider=provider, municipalities=[municipality])


@pytest.fixture
def participant(case_manager, district, municipality):
    return participant_services.participant_create(
        actor=case_manager,
        district=district,
        given_names="Mohammad",
        family_name="Al-Hassan",
        date_of_birth=dt.date(2003, 4, 1),
        municipality=municipality,
    )


@pytest.fixture
def enrolled(participant, case_manager, coaching_assignment, provider):
    """The participant in the programme, shared with the coaching provider."""
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
    )
    participant.refresh_from_db()
    return participant
