import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from durchstarten.cases.choices import ConsentPurpose, ResidenceStatusKind
from durchstarten.cases.services import consent as consent_services
from durchstarten.core.models import Role
from durchstarten.offers import selectors, services
from durchstarten.offers.choices import DeclinedBy, ReferralState
from durchstarten.offers.models import Referral
from tests.factories import (
    ConsentFactory,
    OfferFactory,
    ParticipantFactory,
    ResidenceStatusFactory,
    member,
)

ON = dt.date(2026, 11, 20)
S = ReferralState


@pytest.fixture
def eligible(enrolled):
    ResidenceStatusFactory(participant=enrolled, kind=ResidenceStatusKind.DULDUNG)
    return enrolled


def _propose(actor, participant, offer):
    return services.referral_propose(actor=actor, participant=participant, offer=offer, on=ON)


def _move(actor, referral, to_state, **extra):
    referral.refresh_from_db()
    return services.referral_transition(
        actor=actor, referral=referral, version=referral.version, to_state=to_state, on=ON, **extra
    )


def test_it_walks_a_referral_to_completion_with_dated_steps(
    eligible, case_manager, provider_staff, course
):
    referral = _propose(case_manager, eligible, course)
    _move(provider_staff, referral, S.ACCEPTED)
    _move(provider_staff, referral, S.STARTED)
    _move(case_manager, referral, S.COMPLETED)
    referral.refresh_from_db()
    assert (referral.state, referral.accepted_on, referral.started_on, referral.ended_on) == (
        S.COMPLETED,
        ON,
        ON,
        ON,
    )
    steps = list(referral.transitions.values_list("from_state", "to_state", "by"))
    assert steps == [
        ("", S.PROPOSED, case_manager.pk),
        (S.PROPOSED, S.ACCEPTED, provider_staff.pk),
        (S.ACCEPTED, S.STARTED, provider_staff.pk),
        (S.STARTED, S.COMPLETED, case_manager.pk),
    ]


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        ([], S.STARTED),
        ([], S.COMPLETED),
        ([S.ACCEPTED, S.STARTED, S.COMPLETED], S.ABORTED),
        ([S.DECLINED], S.ACCEPTED),
        ([S.WAITING], S.STARTED),
    ],
)
def test_it_refuses_transitions_that_skip_or_reverse(
    eligible, case_manager, provider_staff, course, path, refused
):
    referral = _propose(case_manager, eligible, course)
    for state in path:
        extra = {"declined_by": DeclinedBy.PROVIDER} if state == S.DECLINED else {}
        _move(provider_staff, referral, state, **extra)
    with pytest.raises(ValidationError) as excinfo:
        _move(provider_staff, referral, refused, reason="x")
    assert excinfo.value.code == "transition"


def test_it_keeps_a_full_offer_full_and_offers_the_waiting_list(
    eligible, case_manager, provider_staff, course, district, municipality, provider
):
    others = []
    for _ in range(2):
        person = ParticipantFactory(district=district, municipality=municipality)
        ResidenceStatusFactory(participant=person)
        ConsentFactory(participant=person)
        ConsentFactory(
            participant=person, purpose=ConsentPurpose.PROVIDER_SHARING, provider=provider
        )
        others.append(_propose(case_manager, person, course))
    for referral in others:
        _move(provider_staff, referral, S.ACCEPTED)
    waiting = _propose(case_manager, eligible, course)
    with pytest.raises(ValidationError) as excinfo:
        _move(provider_staff, waiting, S.ACCEPTED)
    assert excinfo.value.code == "full"
    _move(provider_staff, waiting, S.WAITING)
    _move(provider_staff, others[0], S.DECLINED, declined_by=DeclinedBy.PARTICIPANT)
    _move(provider_staff, waiting, S.ACCEPTED)
    assert services.free_places(course) == 0


def test_it_requires_consent_to_share_with_the_offers_provider(eligible, case_manager, course):
    consent = eligible.consents.get(purpose=ConsentPurpose.PROVIDER_SHARING)
    consent_services.consent_withdraw(actor=case_manager, consent=consent, withdrawn_on=ON)
    with pytest.raises(ValidationError) as excinfo:
        _propose(case_manager, eligible, course)
    assert excinfo.value.code == "no_provider_consent"
    assert not Referral.objects.exists()


def test_it_refuses_an_offer_the_person_is_not_eligible_for(eligible, case_manager, district):
    b2_course = OfferFactory(district=district, min_german_level="B2", start_date=ON)
    with pytest.raises(ValidationError) as excinfo:
        _propose(case_manager, eligible, b2_course)
    assert excinfo.value.error_list[0].code == "not_eligible"
    assert "B2" in excinfo.value.messages[0]


def test_it_refuses_a_second_open_referral_to_the_same_offer(eligible, case_manager, course):
    _propose(case_manager, eligible, course)
    with pytest.raises(ValidationError) as excinfo:
        _propose(case_manager, eligible, course)
    assert excinfo.value.code == "duplicate"


def test_it_shows_provider_staff_only_their_offers_referrals_with_consent(
    eligible, case_manager, provider_staff, course, district
):
    referral = _propose(case_manager, eligible, course)
    vhs = OfferFactory(district=district, start_date=ON)
    _propose(case_manager, eligible, vhs)
    assert list(selectors.referral_list_for_user(provider_staff)) == [referral]
    stranger = member(
        Role.PROVIDER_STAFF,
        provider=course.district.providers.exclude(pk=course.provider_id).first()
        or _other_provider(district),
    )
    assert list(selectors.referral_list_for_user(stranger)) == []
    consent = eligible.consents.get(purpose=ConsentPurpose.PROVIDER_SHARING)
    consent_services.consent_withdraw(actor=case_manager, consent=consent, withdrawn_on=ON)
    assert list(selectors.referral_list_for_user(provider_staff)) == []
    with pytest.raises(PermissionDenied):
        _move(provider_staff, referral, S.ACCEPTED)


def _other_provider(district):
    from tests.factories import ProviderFactory

    return ProviderFactory(district=district)


def test_it_leaves_confirming_a_place_to_the_provider(eligible, case_manager, course):
    referral = _propose(case_manager, eligible, course)
    with pytest.raises(PermissionDenied):
        _move(case_manager, referral, S.ACCEPTED)


def test_it_lets_case_workers_confirm_places_in_offers_without_provider(
    eligible, case_manager, district
):
    vhs = OfferFactory(district=district, start_date=ON)
    referral = _propose(case_manager, eligible, vhs)
    _move(case_manager, referral, S.ACCEPTED)
    _move(case_manager, referral, S.STARTED)


def test_it_requires_a_reason_to_abort(eligible, case_manager, provider_staff, course):
    referral = _propose(case_manager, eligible, course)
    _move(provider_staff, referral, S.ACCEPTED)
    with pytest.raises(ValidationError):
        _move(provider_staff, referral, S.ABORTED)
    _move(provider_staff, referral, S.ABORTED, reason="Umzug")


def test_it_refuses_a_referral_in_another_district(eligible, case_manager, other_district):
    foreign = OfferFactory(district=other_district, start_date=ON)
    with pytest.raises(ValidationError):
        _propose(case_manager, eligible, foreign)


def test_it_detects_a_concurrent_transition(eligible, case_manager, provider_staff, course):
    referral = _propose(case_manager, eligible, course)
    stale = Referral.objects.get(pk=referral.pk)
    _move(provider_staff, referral, S.ACCEPTED)
    with pytest.raises(ValidationError) as excinfo:
        services.referral_transition(
            actor=provider_staff,
            referral=stale,
            version=stale.version,
            to_state=S.WAITING,
            on=ON,
        )
    assert excinfo.value.code == "stale"


def test_it_records_an_outcome_linked_to_the_referral(eligible, case_manager, course):
    referral = _propose(case_manager, eligible, course)
    outcome = services.outcome_record(
        actor=case_manager,
        participant=eligible,
        kind="language_exam",
        start_date=ON,
        language_level="B1",
        referral=referral,
    )
    assert outcome.referral == referral
    with pytest.raises(ValidationError):
        services.outcome_record(
            actor=case_manager, participant=eligible, kind="language_exam", start_date=ON
        )


def test_it_suggests_with_a_fixed_number_of_queries(
    eligible, district, municipality, django_assert_num_queries
):
    eligible.needs.create(category="german", identified_on=ON)
    OfferFactory(district=district, start_date=ON, needs_covered=["german"])
    # The profile (3), the offers, their taken places, their municipalities.
    with django_assert_num_queries(6):
        few, _ = selectors.suggestions_for(eligible, today=ON)
    for _ in range(20):
        OfferFactory(district=district, start_date=ON, municipalities=[municipality])
    with django_assert_num_queries(6):
        many, _ = selectors.suggestions_for(eligible, today=ON)
    assert len(many) == len(few) + 20
    assert many[0].offer.needs_covered == ["german"]
