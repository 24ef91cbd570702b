"""Who sees which participant, and that consent withdrawal ends a provider's access at once."""

import pytest
from django.http import Http404

from durchstarten.cases import selectors
from durchstarten.cases.choices import ConsentPurpose
from durchstarten.cases.services import consent as consent_services
from durchstarten.core.models import Role
from durchstarten.core.scoping import can_read_notes
from tests.factories import ParticipantFactory, ProviderFactory, member


def _visible(user):
    return set(selectors.participant_list_for_user(user))


def test_it_shows_district_staff_every_participant_of_their_district(
    enrolled, coordinator, case_manager, outsider
):
    stranger = ParticipantFactory(district=outsider.memberships.get().district)
    assert _visible(coordinator) == {enrolled}
    assert _visible(case_manager) == {enrolled}
    assert _visible(outsider) == {stranger}


def test_it_shows_a_coach_only_shared_participants_of_their_provider(enrolled, coach, district):
    unshared = ParticipantFactory(district=district, coaching_provider=enrolled.coaching_provider)
    other_provider = ProviderFactory(district=district)
    elsewhere = ParticipantFactory(district=district, coaching_provider=other_provider)
    assert _visible(coach) == {enrolled}
    assert unshared not in _visible(coach)
    assert elsewhere not in _visible(member(Role.COACH, provider=enrolled.coaching_provider))


def test_it_ends_a_coachs_access_when_consent_is_withdrawn(enrolled, coach, case_manager):
    consent = enrolled.consents.get(purpose=ConsentPurpose.PROVIDER_SHARING)
    consent_services.consent_withdraw(actor=case_manager, consent=consent)
    assert _visible(coach) == set()
    with pytest.raises(Http404):
        selectors.get_participant_for_user(coach, enrolled.public_id)


@pytest.mark.parametrize("role", [Role.STATE_ANALYST, Role.ADMIN])
def test_it_shows_statewide_roles_no_person(enrolled, role):
    assert _visible(member(role)) == set()


def test_it_shows_provider_staff_no_person_without_a_referral(enrolled, provider_staff):
    assert _visible(provider_staff) == set()


def test_it_answers_404_for_a_participant_of_another_district(enrolled, outsider):
    with pytest.raises(Http404):
        selectors.get_participant_for_user(outsider, enrolled.public_id)


def test_it_shows_notes_only_to_responsible_staff_and_coordinators(
    enrolled, case_manager, coordinator, district
):
    colleague = member(Role.CASE_MANAGER, district)
    assert can_read_notes(case_manager, enrolled)
    assert can_read_notes(coordinator, enrolled)
    assert not can_read_notes(colleague, enrolled)
