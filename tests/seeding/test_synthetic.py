from collections import Counter
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from durchstarten.cases import names
from durchstarten.cases.choices import ConsentPurpose, Stage
from durchstarten.cases.models import (
    Consent,
    Contact,
    Enrollment,
    Need,
    Outreach,
    Participant,
    ParticipantNameKey,
    ResidenceStatus,
)
from durchstarten.cases.selectors import search_by_name
from durchstarten.core.models import Membership, User
from durchstarten.offers.choices import OfferKind
from durchstarten.offers.models import Offer, Outcome, Referral, ReferralTransition
from durchstarten.organisation.models import (
    District,
    Module,
    Municipality,
    Position,
    Provider,
    ProviderAssignment,
)
from durchstarten.seeding.synthetic import build_plan
from tests.seeding import offer_checks

pytestmark = pytest.mark.django_db


def seed(*args) -> str:
    out = StringIO()
    call_command("seed", *map(str, args), stdout=out)
    return out.getvalue()


def _rows(queryset, *fields) -> list[tuple]:
    return sorted(
        tuple("" if value is None else str(value) for value in row)
        for row in queryset.values_list(*fields)
    )


def _keys(municipalities) -> list[str]:
    return sorted(m.ags for m in municipalities)


def snapshot() -> dict[str, list]:
    assignments = ProviderAssignment.objects.prefetch_related("municipalities").select_related(
        "provider", "district"
    )
    return {
        "districts": _rows(District.objects, "ags", "name", "is_demo", "public_id"),
        "municipalities": _rows(Municipality.objects, "ags", "name", "district__ags"),
        "providers": _rows(Provider.objects, "district__ags", "name"),
        "assignments": sorted(
            (a.district.ags, a.provider.name, a.module, *_keys(a.municipalities.all()))
            for a in assignments
        ),
        "positions": _rows(
            Position.objects,
            "district__ags",
            "provider__name",
            "module",
            "title",
            "fte",
            "holder__username",
        ),
        "users": _rows(User.objects, "username", "first_name", "last_name"),
        "memberships": _rows(
            Membership.objects, "user__username", "role", "district__ags", "provider__name"
        ),
        "participants": _rows(
            Participant.objects,
            "public_id",
            "given_names",
            "family_name",
            "date_of_birth",
            "nationality",
            "municipality__ags",
            "stage",
            "case_manager__username",
            "last_contact_on",
        ),
        "enrollments": _rows(
            Enrollment.objects,
            "public_id",
            "participant__public_id",
            "entry_date",
            "exit_date",
            "exit_reason",
        ),
        "statuses": _rows(
            ResidenceStatus.objects,
            "public_id",
            "participant__public_id",
            "kind",
            "valid_from",
            "valid_until",
        ),
        "contacts": _rows(Contact.objects, "public_id", "participant__public_id", "date", "note"),
    }


def test_it_produces_the_same_data_for_the_same_seed():
    seed("--districts", 4, "--participants", 1500, "--seed", 11)
    first = snapshot()
    seed("--districts", 4, "--participants", 1500, "--seed", 11, "--replace")
    assert snapshot() == first
    assert len(first["districts"]) == 4


def test_it_plans_the_same_structure_for_the_same_seed():
    assert build_plan(6, 2000, 5) == build_plan(6, 2000, 5)


def test_it_produces_different_data_for_different_seeds():
    seed("--districts", 4, "--participants", 1500, "--seed", 1)
    first = snapshot()
    seed("--districts", 4, "--participants", 1500, "--seed", 2, "--replace")
    second = snapshot()
    assert first["municipalities"] != second["municipalities"]
    assert first["providers"] != second["providers"]


def test_it_names_districts_with_non_official_keys():
    seed("--districts", 3, "--seed", 3)
    assert _rows(District.objects, "name", "ags", "is_demo") == [
        ("Synthetischer Kreis 001", "99001000", "True"),
        ("Synthetischer Kreis 002", "99002000", "True"),
        ("Synthetischer Kreis 003", "99003000", "True"),
    ]
    for district in District.objects.prefetch_related("municipalities", "providers"):
        assert 5 <= district.municipalities.count() <= 20
        assert 3 <= district.providers.count() <= 8
        assert all(m.ags.startswith(district.ags[:5]) for m in district.municipalities.all())


def test_it_gives_every_municipality_exactly_one_coaching_provider():
    seed("--districts", 8, "--participants", 800, "--seed", 9)
    through = ProviderAssignment.municipalities.through
    per_municipality = Counter(
        through.objects.filter(providerassignment__module=Module.COACHING).values_list(
            "municipality_id", flat=True
        )
    )
    assert set(per_municipality) == set(Municipality.objects.values_list("pk", flat=True))
    assert set(per_municipality.values()) == {1}
    for assignment in ProviderAssignment.objects.select_related("provider"):
        assert assignment.provider.district_id == assignment.district_id
        assert {m.district_id for m in assignment.municipalities.all()} == {assignment.district_id}


@pytest.mark.parametrize("participants", [0, 100, 1250, 345])
def test_it_sizes_case_management_to_the_participants(participants):
    seed("--districts", 5, "--participants", participants, "--seed", 4)
    posts = Position.objects.filter(module=Module.CASE_MANAGEMENT)
    assert sum((p.fte for p in posts), Decimal(0)) == Decimal(participants) / 100
    odd = [p.fte for p in posts if p.fte not in (Decimal("1.00"), Decimal("0.50"))]
    assert len(odd) <= 1
    assert all(p.holder_id for p in posts)


def test_it_refuses_to_add_on_top_of_synthetic_data():
    seed("--districts", 2, "--seed", 5)
    before = snapshot()
    with pytest.raises(CommandError, match="--replace"):
        seed("--districts", 2, "--seed", 5)
    assert snapshot() == before


def test_it_keeps_demo_data_when_replacing_synthetic_data():
    seed("--demo", "--no-cases")
    seed("--districts", 2, "--seed", 5)
    seed("--districts", 3, "--seed", 6, "--replace")
    assert District.objects.filter(is_demo=False).count() == 5
    assert User.objects.filter(username="koordination").exists()
    assert District.objects.filter(name__startswith="Synthetischer Kreis").count() == 3


def test_it_creates_users_without_usable_passwords():
    seed("--districts", 3, "--participants", 600, "--seed", 8)
    users = User.objects.all()
    assert users.exists()
    assert not any(user.has_usable_password() for user in users)
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == {"coordinator", "case_manager", "coach"}


def test_it_prints_progress():
    output = seed("--districts", 12, "--seed", 1)
    assert "Kreise 10/12 …" in output
    assert "Kreise 12/12 …" in output


def test_it_writes_in_bulk(django_assert_max_num_queries):
    # Ten districts per step, one insert per table and step: independent of the row count.
    with django_assert_max_num_queries(40):
        seed("--districts", 20, "--participants", 0, "--seed", 2, "--batch-size", 100)
    assert District.objects.count() == 20


def test_it_writes_cases_without_per_row_queries():
    with CaptureQueriesContext(connection) as queries:
        seed("--districts", 3, "--participants", 480, "--seed", 2)
    rows = sum(
        model.objects.count()
        for model in (Participant, ParticipantNameKey, ResidenceStatus, Outreach, Contact, Need)
    )
    # Inserts of many rows each (SQLite caps the parameters of one statement).
    assert rows > 4000
    assert len(queries) < rows / 30


def test_it_rejects_an_impossible_number_of_districts():
    with pytest.raises(CommandError, match="zwischen 1 und 999"):
        seed("--districts", 0)


def test_it_creates_the_participants_with_their_history():
    output = seed("--districts", 3, "--participants", 600, "--seed", 21)
    assert Participant.objects.count() == 600
    assert "Teilnehmende 600/600 …" in output
    assert "Fälle: 600 Teilnehmende" in output
    for model in (ResidenceStatus, Outreach, Consent, Enrollment, Need, Contact):
        assert model.objects.exists(), model
    per_district = Counter(Participant.objects.values_list("district_id", flat=True))
    assert len(per_district) == 3


def test_it_keeps_the_business_invariants():
    seed("--districts", 3, "--participants", 700, "--seed", 5)
    today = timezone.localdate()
    participants = {p.pk: p for p in Participant.objects.select_related("municipality")}
    assert all(p.municipality.district_id == p.district_id for p in participants.values())

    case_work: dict[int, list[Consent]] = {}
    for consent in Consent.objects.all():
        if consent.purpose == ConsentPurpose.CASE_WORK:
            case_work.setdefault(consent.participant_id, []).append(consent)
        else:
            assert consent.given_on <= today
    through = ProviderAssignment.municipalities.through
    responsible = dict(
        through.objects.values_list("municipality_id", "providerassignment__provider_id")
    )

    stays: dict[int, list[Enrollment]] = {}
    for enrollment in Enrollment.objects.order_by("entry_date", "id"):
        stays.setdefault(enrollment.participant_id, []).append(enrollment)
    for pk, enrollments in stays.items():
        participant = participants[pk]
        assert sum(e.exit_date is None for e in enrollments) <= 1
        for earlier, later in zip(enrollments, enrollments[1:], strict=False):
            assert earlier.exit_date is not None and earlier.exit_date <= later.entry_date
        for enrollment in enrollments:
            assert enrollment.entry_date <= today
            assert any(c.is_active_on(enrollment.entry_date) for c in case_work[pk])
            if enrollment.exit_date is not None:
                assert enrollment.entry_date <= enrollment.exit_date <= today
                assert enrollment.exit_reason
        last = enrollments[-1]
        assert participant.stage == (Stage.EXITED if last.exit_date else Stage.ACTIVE)
        assert participant.case_manager_id == last.case_manager_id
        assert participant.coaching_provider_id == last.coaching_provider_id
        assert participant.coaching_provider_id == responsible.get(participant.municipality_id)
    for pk, participant in participants.items():
        if pk not in stays:
            assert participant.stage == Stage.CONTACTED
            assert participant.case_manager_id is None
    last_contact = {}
    for participant_id, day in Contact.objects.values_list("participant_id", "date"):
        last_contact[participant_id] = max(day, last_contact.get(participant_id, day))
    assert all(p.last_contact_on == last_contact.get(pk) for pk, p in participants.items())
    entered = len(stays)
    reached = (
        Outreach.objects.exclude(result="not_reached").values("participant").distinct().count()
    )
    assert 0.6 <= entered / reached <= 0.8


def test_it_stores_the_search_keys_of_every_name():
    seed("--districts", 2, "--participants", 200, "--seed", 3)
    participant = Participant.objects.order_by("pk").first()
    stored = set(participant.name_keys.values_list("key", flat=True))
    assert stored == names.name_keys(participant.full_name)
    assert ParticipantNameKey.objects.values("participant").distinct().count() == 200
    found = search_by_name(Participant.objects.all(), participant.full_name)
    assert participant in found


def test_it_replaces_synthetic_cases_too():
    seed("--districts", 2, "--participants", 300, "--seed", 3)
    seed("--districts", 2, "--participants", 150, "--seed", 3, "--replace")
    assert Participant.objects.count() == 150


# --- Offers, referrals and outcomes -----------------------------------------------------


def offer_snapshot() -> dict[str, list]:
    return {
        "offers": _rows(
            Offer.objects,
            "public_id",
            "district__ags",
            "provider__name",
            "category",
            "title",
            "start_date",
            "capacity",
        ),
        "referrals": _rows(
            Referral.objects,
            "public_id",
            "participant__public_id",
            "offer__public_id",
            "state",
            "proposed_on",
            "accepted_on",
            "started_on",
            "ended_on",
        ),
        "transitions": _rows(
            ReferralTransition.objects,
            "referral__participant__public_id",
            "referral__offer__public_id",
            "to_state",
            "on",
        ),
        "outcomes": _rows(
            Outcome.objects, "public_id", "participant__public_id", "kind", "start_date"
        ),
    }


def test_it_writes_the_same_offers_and_referrals_for_the_same_seed():
    seed("--districts", 3, "--participants", 1200, "--seed", 7)
    first = offer_snapshot()
    seed("--districts", 3, "--participants", 1200, "--seed", 7, "--replace")
    assert offer_snapshot() == first
    assert first["referrals"] and first["outcomes"]
    seed("--districts", 3, "--participants", 1200, "--seed", 8, "--replace")
    assert offer_snapshot()["referrals"] != first["referrals"]


@pytest.mark.parametrize(("participants", "expected"), [(0, 20), (4000, 40)])
def test_it_scales_the_offers_with_the_participants(participants, expected):
    output = seed("--districts", 1, "--participants", participants, "--seed", 2)
    assert Offer.objects.count() == expected
    assert f"Angebote: {expected} " in output
    assert set(Offer.objects.values_list("kind", flat=True)) == set(OfferKind.values)


def test_it_keeps_the_rules_of_referrals_and_outcomes():
    seed("--districts", 3, "--participants", 1500, "--seed", 4)
    states = offer_checks.check_referrals(eligibility=True)
    assert {"proposed", "accepted", "started", "completed", "aborted", "declined"} <= set(states)
    offer_checks.check_capacity()
    offer_checks.check_outcomes()
    for offer in Offer.objects.select_related("provider").prefetch_related("municipalities"):
        assert offer.provider is None or offer.provider.district_id == offer.district_id
        assert {m.district_id for m in offer.municipalities.all()} <= {offer.district_id}
    entered = Participant.objects.exclude(stage=Stage.CONTACTED).count()
    initiative, regular = offer_checks.placements()
    assert 0.3 <= len(initiative | regular) / entered <= 0.8
    assert initiative & regular


def test_it_replaces_offers_and_referrals_too():
    seed("--districts", 2, "--participants", 600, "--seed", 3)
    seed("--districts", 2, "--participants", 300, "--seed", 3, "--replace")
    assert Offer.objects.count() == 40
    assert not Referral.objects.exclude(participant__in=Participant.objects.all()).exists()
