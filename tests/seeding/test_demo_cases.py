"""The demo caseload with its offers, referrals and outcomes: seeded once for the module (it
goes through the services and takes a while), inside a transaction rolled back at the end."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from durchstarten.cases.choices import ConsentPurpose, OutreachResult, Stage, TaskKind
from durchstarten.cases.models import (
    Consent,
    Contact,
    Enrollment,
    Need,
    Outreach,
    Participant,
    ResidenceStatus,
    Task,
)
from durchstarten.cases.rules import age_on
from durchstarten.cases.selectors import search_by_name
from durchstarten.core.models import User
from durchstarten.offers.choices import OfferKind, ReferralState
from durchstarten.offers.models import Offer, Outcome, Referral, ReferralTransition
from durchstarten.offers.selectors import referral_list_for_user
from durchstarten.organisation.models import District, Module, ProviderAssignment
from durchstarten.seeding.demo import CARITAS_GUETERSLOH, DISTRICTS, GUETERSLOH
from durchstarten.seeding.demo_cases import SIZES
from tests.seeding import offer_checks


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(
            DEBUG=True, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
        ):
            out = StringIO()
            call_command("seed", "--demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def db_with_demo(demo, db):
    return demo


pytestmark = pytest.mark.usefixtures("db_with_demo")


def test_it_seeds_participants_in_every_demo_district(demo):
    per_district = Counter(Participant.objects.values_list("district__ags", flat=True))
    assert per_district == {spec.ags: SIZES[spec.ags] for spec in DISTRICTS}
    assert per_district[GUETERSLOH] == max(per_district.values())
    assert "Demo-Fälle: " in demo


def test_it_keeps_every_participant_in_a_municipality_of_its_district():
    participants = Participant.objects.select_related("municipality")
    assert all(p.municipality.district_id == p.district_id for p in participants)


def test_it_enters_only_with_case_work_consent_active_on_the_entry_day():
    enrollments = Enrollment.objects.select_related("participant")
    assert enrollments.exists()
    consents = {}
    for consent in Consent.objects.filter(purpose=ConsentPurpose.CASE_WORK):
        consents.setdefault(consent.participant_id, []).append(consent)
    for enrollment in enrollments:
        assert any(
            c.is_active_on(enrollment.entry_date) for c in consents[enrollment.participant_id]
        )


def test_it_keeps_stage_and_staff_in_line_with_the_enrollments():
    last = {}
    for enrollment in Enrollment.objects.order_by("entry_date", "id"):
        last[enrollment.participant_id] = enrollment
    for participant in Participant.objects.all():
        enrollment = last.get(participant.pk)
        if enrollment is None:
            assert participant.stage == Stage.CONTACTED
            assert participant.case_manager_id is None
            continue
        expected = Stage.EXITED if enrollment.exit_date else Stage.ACTIVE
        assert participant.stage == expected
        assert participant.case_manager_id == enrollment.case_manager_id
        assert participant.coaching_provider_id == enrollment.coaching_provider_id


def test_it_takes_the_coaching_provider_from_the_assignment():
    through = ProviderAssignment.municipalities.through
    responsible = dict(
        through.objects.filter(providerassignment__module=Module.COACHING).values_list(
            "municipality_id", "providerassignment__provider_id"
        )
    )
    entered = Participant.objects.exclude(stage=Stage.CONTACTED)
    assert entered.filter(coaching_provider__isnull=False).exists()
    for participant in entered:
        assert participant.coaching_provider_id == responsible.get(participant.municipality_id)


def test_it_shares_with_the_coaching_provider_only():
    sharing = Consent.objects.filter(purpose=ConsentPurpose.PROVIDER_SHARING).select_related(
        "participant"
    )
    assert sharing.exists()
    referred = set(
        Referral.objects.filter(offer__provider__isnull=False).values_list(
            "participant_id", "offer__provider_id", "proposed_on"
        )
    )
    for consent in sharing:
        # The coaching provider, or the provider of an offer the person was referred to on
        # the day the consent was given.
        assert consent.provider_id == consent.participant.coaching_provider_id or (
            (consent.participant_id, consent.provider_id, consent.given_on) in referred
        )


def test_it_has_a_realistic_funnel_and_mix():
    participants = list(Participant.objects.all())
    entered = sum(p.stage != Stage.CONTACTED for p in participants)
    reached = (
        Outreach.objects.filter(result__in=["reached", "declined", "entered"])
        .values("participant")
        .distinct()
        .count()
    )
    assert 0.55 <= entered / reached <= 0.85
    exited = sum(p.stage == Stage.EXITED for p in participants)
    assert 0.1 <= exited / entered <= 0.35
    male = sum(p.gender == "male" for p in participants)
    assert 0.6 <= male / len(participants) <= 0.8
    today = timezone.localdate()
    ages = Counter(age_on(p.date_of_birth, today) for p in participants)
    assert min(ages) >= 17 and max(ages) <= 29
    assert sum(n for age, n in ages.items() if 18 <= age <= 27) / len(participants) > 0.85
    assert any(age == 17 or age >= 28 for age in ages)  # some are "nicht förderfähig"
    assert len({p.nationality for p in participants}) >= 10


def test_it_records_status_outreach_needs_and_contacts():
    today = timezone.localdate()
    assert ResidenceStatus.objects.filter(kind="duldung").exists()
    assert ResidenceStatus.objects.filter(kind="gestattung").exists()
    assert ResidenceStatus.objects.filter(kind="residence_permit").exists()
    assert Outreach.objects.filter(result=OutreachResult.ENTERED).exists()
    assert Need.objects.values("category").distinct().count() >= 8
    assert Contact.objects.exists()
    for model, field in (
        (ResidenceStatus, "valid_from"),
        (Outreach, "date"),
        (Contact, "date"),
        (Enrollment, "entry_date"),
    ):
        assert not model.objects.filter(**{f"{field}__gt": today}).exists(), model


def test_it_creates_manual_and_automatic_tasks():
    kinds = set(Task.objects.values_list("kind", flat=True))
    assert TaskKind.MANUAL in kinds
    assert TaskKind.STATUS_EXPIRY in kinds


def test_it_finds_a_participant_by_another_spelling():
    guetersloh = Participant.objects.filter(district__ags=GUETERSLOH)
    found = set(
        search_by_name(guetersloh, "Muhammad Alhassan").values_list("family_name", flat=True)
    )
    assert {"Al-Hassan", "Alhassan"} <= found
    assert search_by_name(guetersloh, "Khaled Ibrahim").filter(given_names="Chaled").exists()
    assert search_by_name(guetersloh, "Ahmed").filter(given_names="Ahmad").exists()


def test_it_adds_no_cases_when_run_again():
    models = (Participant, Enrollment, Consent, Contact, Task)
    before = [model.objects.count() for model in models]
    out = StringIO()
    with override_settings(DEBUG=True):
        call_command("seed", "--demo", stdout=out)
    assert [model.objects.count() for model in models] == before
    assert "5 Kreise hatten schon Fälle" in out.getvalue()
    assert District.objects.count() == 5


# --- Offers, referrals and outcomes (`demo_offers`), on the same seeded demo -------------


def test_it_seeds_offers_of_every_kind_in_every_demo_district(demo):
    per_district = Counter(Offer.objects.values_list("district__ags", flat=True))
    assert set(per_district) == {spec.ags for spec in DISTRICTS}
    assert all(15 <= n <= 30 for n in per_district.values()), per_district
    for spec in DISTRICTS:
        offers = Offer.objects.filter(district__ags=spec.ags)
        assert set(offers.values_list("kind", flat=True)) == set(OfferKind.values)
        assert {2, 3, 4, 5} <= set(offers.exclude(module=None).values_list("module", flat=True))
    module_2 = Offer.objects.filter(module=2)
    assert all(o.requires_employment and o.min_german_level == "B1" for o in module_2)
    assert all(o.women_only and o.childcare for o in Offer.objects.filter(module=5))
    assert Offer.objects.filter(module=4, schedule="Mo–Fr 09:00–13:15").exists()
    assert all("Beispielangaben" in o.description for o in Offer.objects.all())
    assert "Demo-Angebote: " in demo


def test_it_lets_only_the_coaching_providers_offer_coaching():
    through = ProviderAssignment.municipalities.through
    responsible = set(
        through.objects.values_list("municipality_id", "providerassignment__provider_id")
    )
    for offer in Offer.objects.filter(module=Module.COACHING).prefetch_related("municipalities"):
        assert offer.provider_id is not None
        for municipality in offer.municipalities.all():
            assert (municipality.pk, offer.provider_id) in responsible


def test_every_demo_referral_keeps_the_rules():
    states = offer_checks.check_referrals(eligibility=True)
    assert set(states) == set(ReferralState.values)
    offer_checks.check_capacity()
    offer_checks.check_outcomes()
    aborted = Referral.objects.filter(state=ReferralState.ABORTED)
    assert all(r.abort_reason for r in aborted)
    declined = set(
        Referral.objects.filter(state=ReferralState.DECLINED).values_list("declined_by", flat=True)
    )
    assert declined == {"participant", "provider"}


def test_it_places_about_two_thirds_of_those_entered():
    entered = Participant.objects.exclude(stage=Stage.CONTACTED).count()
    initiative, regular = offer_checks.placements()
    assert 0.55 <= len(initiative | regular) / entered <= 0.8
    assert len(initiative) > len(regular) > len(initiative & regular) > 0
    with_outcome = Outcome.objects.values("participant").distinct().count()
    assert 0.15 <= with_outcome / entered <= 0.35
    assert Outcome.objects.filter(referral__isnull=False).exists()


def test_it_gives_the_demo_provider_login_an_inbox():
    staff = User.objects.get(username="traeger")
    visible = referral_list_for_user(staff)
    assert visible.filter(state__in=[ReferralState.PROPOSED, ReferralState.STARTED]).exists()
    assert {r.offer.provider.name for r in visible} == {CARITAS_GUETERSLOH}


def test_it_adds_no_offers_when_run_again():
    models = (Offer, Referral, ReferralTransition, Outcome)
    before = [model.objects.count() for model in models]
    out = StringIO()
    with override_settings(DEBUG=True):
        call_command("seed", "--demo", stdout=out)
    assert [model.objects.count() for model in models] == before
    assert "5 Kreise hatten schon Angebote" in out.getvalue()
