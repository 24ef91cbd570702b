import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from durchstarten.cases.choices import ConsentPurpose, ExitReason, Stage
from durchstarten.cases.services import consent as consent_services
from durchstarten.cases.services import enrollment as services
from durchstarten.core.models import Role
from tests.factories import ConsentFactory, ProviderFactory, member

ENTRY = dt.date(2026, 2, 1)


def _enter(participant, actor, **extra):
    return services.enrollment_enter(
        actor=actor, participant=participant, entry_date=ENTRY, case_manager=actor, **extra
    )


def test_it_requires_case_work_consent_for_entry(participant, case_manager):
    with pytest.raises(ValidationError) as excinfo:
        _enter(participant, case_manager)
    assert excinfo.value.code == "no_consent"


def test_it_does_not_count_a_withdrawn_consent(participant, case_manager):
    ConsentFactory(
        participant=participant, given_on=dt.date(2026, 1, 1), withdrawn_on=dt.date(2026, 1, 20)
    )
    with pytest.raises(ValidationError):
        _enter(participant, case_manager)


def test_it_requires_birth_date_and_municipality(case_manager, district):
    from durchstarten.cases.services.participants import participant_create

    minimal = participant_create(actor=case_manager, district=district, given_names="Aisha")
    ConsentFactory(participant=minimal)
    with pytest.raises(ValidationError) as excinfo:
        _enter(minimal, case_manager)
    assert "Geburtsdatum" in excinfo.value.messages[0]
    assert "Wohnort" in excinfo.value.messages[0]


def test_it_assigns_the_coaching_provider_of_the_municipality(enrolled, provider):
    assert enrolled.stage == Stage.ACTIVE
    assert enrolled.coaching_provider == provider


def test_it_takes_a_manual_coaching_override(participant, case_manager, coaching_assignment):
    ConsentFactory(participant=participant)
    other = ProviderFactory(district=participant.district)
    coach = member(Role.COACH, provider=other)
    enrollment = _enter(participant, case_manager, coaching_provider=other, coach=coach)
    assert enrollment.coaching_provider == other
    assert enrollment.coach == coach


def test_it_refuses_a_coach_of_another_provider(participant, case_manager, coaching_assignment):
    ConsentFactory(participant=participant)
    stranger = member(Role.COACH, provider=ProviderFactory(district=participant.district))
    with pytest.raises(ValidationError) as excinfo:
        _enter(participant, case_manager, coach=stranger)
    assert "coach" in excinfo.value.message_dict


def test_it_refuses_a_second_entry_while_active(enrolled, case_manager):
    with pytest.raises(ValidationError) as excinfo:
        _enter(enrolled, case_manager)
    assert excinfo.value.code == "already_active"


def test_it_allows_re_entry_after_exit_and_keeps_history(enrolled, case_manager):
    enrollment = enrolled.enrollments.get()
    services.enrollment_exit(
        actor=case_manager,
        enrollment=enrollment,
        version=enrollment.version,
        exit_date=dt.date(2026, 5, 1),
        exit_reason=ExitReason.MOVED_AWAY,
    )
    enrolled.refresh_from_db()
    assert enrolled.stage == Stage.EXITED
    with pytest.raises(ValidationError):
        services.enrollment_enter(
            actor=case_manager,
            participant=enrolled,
            entry_date=dt.date(2026, 4, 1),
            case_manager=case_manager,
        )
    services.enrollment_enter(
        actor=case_manager,
        participant=enrolled,
        entry_date=dt.date(2026, 6, 1),
        case_manager=case_manager,
    )
    enrolled.refresh_from_db()
    assert enrolled.stage == Stage.ACTIVE
    assert enrolled.enrollments.count() == 2


def test_it_refuses_an_exit_before_entry(enrolled, case_manager):
    enrollment = enrolled.enrollments.get()
    with pytest.raises(ValidationError) as excinfo:
        services.enrollment_exit(
            actor=case_manager,
            enrollment=enrollment,
            version=enrollment.version,
            exit_date=dt.date(2026, 1, 1),
            exit_reason=ExitReason.OTHER,
        )
    assert "exit_date" in excinfo.value.message_dict


def test_it_refuses_an_unknown_exit_reason(enrolled, case_manager):
    enrollment = enrolled.enrollments.get()
    with pytest.raises(ValidationError):
        services.enrollment_exit(
            actor=case_manager,
            enrollment=enrollment,
            version=enrollment.version,
            exit_date=dt.date(2026, 3, 1),
            exit_reason="vanished",
        )


def test_it_refuses_a_case_manager_from_elsewhere(participant, case_manager, outsider):
    ConsentFactory(participant=participant)
    with pytest.raises(ValidationError) as excinfo:
        services.enrollment_enter(
            actor=case_manager, participant=participant, entry_date=ENTRY, case_manager=outsider
        )
    assert "case_manager" in excinfo.value.message_dict


def test_it_requires_the_provider_for_sharing_consent(participant, case_manager):
    with pytest.raises(ValidationError) as excinfo:
        consent_services.consent_give(
            actor=case_manager,
            participant=participant,
            purpose=ConsentPurpose.PROVIDER_SHARING,
            given_on=ENTRY,
            form_language="ar",
        )
    assert "provider" in excinfo.value.message_dict
