"""Merging two records of one person (cases.services.merge.participant_merge)."""

import datetime as dt

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models

from durchstarten.cases import names
from durchstarten.cases.choices import Stage
from durchstarten.cases.models import (
    CaseGoal,
    CaseStep,
    Consent,
    Contact,
    DuplicateDismissal,
    DuplicateSuggestion,
    Enrollment,
    Need,
    Outreach,
    Participant,
    ParticipantMerge,
    ResidenceStatus,
    Task,
)
from durchstarten.cases.services import participants as participant_services
from durchstarten.cases.services.merge import participant_merge, participant_references
from durchstarten.core.models import AuditEntry, Role
from durchstarten.offers.models import Outcome, Referral, ReferralTransition
from tests.factories import OfferFactory, member

DAY = dt.date(2026, 3, 2)
HISTORY = [
    "cases.ResidenceStatus.participant",
    "cases.Outreach.participant",
    "cases.Consent.participant",
    "cases.Enrollment.participant",
    "cases.Need.participant",
    "cases.CaseGoal.participant",
    "cases.Contact.participant",
    "offers.Referral.participant",
    "offers.Outcome.participant",
]


def _person(actor, district, given, family, **fields):
    return participant_services.participant_create(
        actor=actor, district=district, given_names=given, family_name=family, **fields
    )


def _history(person, actor, *, open_enrollment: bool, index: int):
    """One of everything a case file holds."""
    district = person.district
    ResidenceStatus.objects.create(participant=person, kind="duldung", valid_from=DAY)
    Outreach.objects.create(participant=person, channel="volunteer", date=DAY, result="reached")
    Consent.objects.create(
        participant=person, purpose="case_work", given_on=DAY, form_language="de"
    )
    Enrollment.objects.create(
        participant=person,
        entry_date=DAY - dt.timedelta(days=100 * index),
        case_manager=actor,
        exit_date=None if open_enrollment else DAY - dt.timedelta(days=50),
        exit_reason="" if open_enrollment else "moved",
    )
    need = Need.objects.create(participant=person, category="german", identified_on=DAY)
    goal = CaseGoal.objects.create(participant=person, title=f"Ziel {index}", need=need)
    CaseStep.objects.create(goal=goal, title=f"Schritt {index}", owner="TM")
    Contact.objects.create(
        participant=person,
        date=DAY - dt.timedelta(days=index),
        duration_minutes=30,
        channel="in_person",
        author=actor,
    )
    Task.objects.create(participant=person, district=district, title="Anruf", due_date=DAY)
    Task.objects.create(
        participant=person,
        district=district,
        kind="age_limit",
        title="27. Geburtstag",
        due_date=DAY,
        auto_key=f"age_limit:{person.pk}:2027-05-0{index}",
    )
    offer = OfferFactory(district=district)
    referral = Referral.objects.create(
        participant=person, offer=offer, district=district, proposed_on=DAY
    )
    ReferralTransition.objects.create(referral=referral, to_state="proposed", on=DAY)
    Outcome.objects.create(participant=person, kind="internship", start_date=DAY)


def _counts(*people) -> dict[str, int]:
    """Rows referring to the people, per model and foreign key."""
    return {
        f"{field.model._meta.label}.{field.name}": field.model._base_manager.filter(
            **{f"{field.name}__in": people}
        ).count()
        for field in participant_references()
        if field.model._meta.label != "cases.ParticipantNameKey"
    }


def _references_to(pk: int) -> list[str]:
    """Every foreign key column of every model (auto-created ones too) holding the id."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.concrete_fields:
            points_here = (
                isinstance(field, models.ForeignKey) and field.related_model is Participant
            )
            if points_here and model._base_manager.filter(**{field.attname: pk}).exists():
                found.append(f"{model._meta.label}.{field.name}")
    return found


@pytest.fixture
def pair(case_manager, district):
    keep = _person(
        case_manager,
        district,
        "Mohammed",
        "Rasuli",
        date_of_birth=dt.date(2000, 5, 3),
        email="m.rasuli@example.org",
    )
    absorb = _person(
        case_manager,
        district,
        "Muhammad",
        "Rasouli",
        date_of_birth=dt.date(2000, 1, 1),
        email="other@example.org",
        phone="0171 000000",
        languages=["fa", "de"],
    )
    _history(keep, case_manager, open_enrollment=True, index=1)
    _history(absorb, case_manager, open_enrollment=False, index=2)
    keep.refresh_from_db()
    absorb.refresh_from_db()
    return keep, absorb


def test_it_keeps_the_history_of_both_records(case_manager, pair):
    keep, absorb = pair
    before = _counts(keep, absorb)
    for label in HISTORY:
        assert before[label] == 2, label
    participant_merge(actor=case_manager, keep=keep, absorb=absorb)
    after = _counts(keep)
    # The merge itself is recorded as one more row pointing at the kept record.
    after["cases.ParticipantMerge.kept"] -= 1
    assert after == before
    assert CaseStep.objects.filter(goal__participant=keep).count() == 2
    assert ReferralTransition.objects.filter(referral__participant=keep).count() == 2


def test_it_leaves_no_reference_to_the_absorbed_record(case_manager, district, pair):
    keep, absorb = pair
    other = _person(case_manager, district, "Ahmad", "Haidari")
    DuplicateSuggestion.objects.create(
        district=district,
        first=keep,
        second=absorb,
        score=0.8,
        reasons=["name_variant"],
        computed_at=absorb.created_at,
    )
    DuplicateDismissal.objects.create(
        district=district, first=min(absorb, other, key=_pk), second=max(absorb, other, key=_pk)
    )
    absorbed_pk = absorb.pk
    participant_merge(actor=case_manager, keep=keep, absorb=absorb)
    assert _references_to(absorbed_pk) == []
    assert not Participant.objects.filter(pk=absorbed_pk).exists()
    # "Not the same person" said of the absorbed record now holds for the kept one.
    low, high = sorted((keep.pk, other.pk))
    assert DuplicateDismissal.objects.filter(first_id=low, second_id=high).exists()
    assert not DuplicateSuggestion.objects.exists()


def _pk(participant):
    return participant.pk


def test_it_fills_empty_fields_and_never_overwrites_filled_ones(case_manager, pair):
    keep, absorb = pair
    kept = participant_merge(actor=case_manager, keep=keep, absorb=absorb)
    kept.refresh_from_db()
    assert kept.phone == "0171 000000"
    assert kept.languages == ["fa", "de"]
    assert kept.email == "m.rasuli@example.org"
    assert kept.given_names == "Mohammed"
    assert kept.date_of_birth == dt.date(2000, 5, 3)


def test_it_follows_the_merged_history_in_stage_staff_and_last_contact(case_manager, pair):
    keep, absorb = pair
    kept = participant_merge(actor=case_manager, keep=absorb, absorb=keep)
    kept.refresh_from_db()
    # The kept record had exited; the absorbed one's open enrollment is the latest.
    assert kept.stage == Stage.ACTIVE
    assert kept.case_manager == case_manager
    assert kept.last_contact_on == DAY - dt.timedelta(days=1)


def test_it_rebuilds_name_keys_and_counts_a_new_version(case_manager, pair):
    keep, absorb = pair
    version = keep.version
    kept = participant_merge(actor=case_manager, keep=keep, absorb=absorb)
    stored = set(kept.name_keys.values_list("key", flat=True))
    assert stored == names.name_keys(kept.full_name)
    assert Participant.objects.get(pk=kept.pk).version == version + 1


def test_it_keeps_the_absorbed_public_id_resolvable(case_manager, district, pair):
    keep, absorb = pair
    earlier = ParticipantMerge.objects.create(
        district=district, kept=absorb, absorbed_public_id="00000000-0000-4000-8000-000000000001"
    )
    participant_merge(actor=case_manager, keep=keep, absorb=absorb)
    merge = ParticipantMerge.objects.get(absorbed_public_id=absorb.public_id)
    assert merge.kept == keep
    assert merge.merged_by == case_manager
    # A record merged into the absorbed one earlier now leads to the kept one as well.
    earlier.refresh_from_db()
    assert earlier.kept == keep


def test_it_records_the_merge_without_names(case_manager, pair):
    keep, absorb = pair
    participant_merge(actor=case_manager, keep=keep, absorb=absorb)
    entry = AuditEntry.objects.get(action="cases.participant.merged")
    assert entry.actor == case_manager
    assert entry.object_id == str(keep.public_id)
    assert entry.data["kept"] == str(keep.public_id)
    assert entry.data["absorbed"] == str(absorb.public_id)
    assert "phone" in entry.data["filled"]
    logged = str(entry.data) + str(AuditEntry.objects.get(action="cases.participant.absorbed").data)
    for personal in ("Rasuli", "Rasouli", "Mohammed", "0171", "2000"):
        assert personal not in logged


def test_it_rekeys_automatic_tasks_so_they_are_not_created_twice(case_manager, pair):
    keep, absorb = pair
    # Both records have the same open follow-up for the 27th birthday.
    Task.objects.filter(auto_key=f"age_limit:{keep.pk}:2027-05-01").update(
        auto_key=f"age_limit:{keep.pk}:2027-05-02"
    )
    participant_merge(actor=case_manager, keep=keep, absorb=absorb)
    automatic = Task.objects.filter(participant=keep, kind="age_limit")
    assert list(automatic.values_list("auto_key", flat=True)) == [f"age_limit:{keep.pk}:2027-05-02"]


def test_it_gives_moved_automatic_tasks_the_kept_records_key(case_manager, pair):
    keep, absorb = pair
    participant_merge(actor=case_manager, keep=keep, absorb=absorb)
    keys = set(Task.objects.filter(kind="age_limit").values_list("auto_key", flat=True))
    assert keys == {f"age_limit:{keep.pk}:2027-05-01", f"age_limit:{keep.pk}:2027-05-02"}


def test_it_refuses_records_of_different_districts(case_manager, pair, outsider):
    keep, _ = pair
    elsewhere = _person(outsider, outsider.memberships.get().district, "Muhammad", "Rasouli")
    with pytest.raises(ValidationError) as error:
        participant_merge(actor=case_manager, keep=keep, absorb=elsewhere)
    assert error.value.messages == [
        "Datensätze verschiedener Kreise können nicht zusammengeführt werden."
    ]
    assert Participant.objects.filter(pk=elsewhere.pk).exists()


def test_it_refuses_a_record_changed_since_it_was_read(case_manager, pair):
    keep, absorb = pair
    stale = Participant.objects.get(pk=absorb.pk)
    participant_services.participant_update(
        actor=case_manager, participant=absorb, version=absorb.version, phone="0172 1"
    )
    with pytest.raises(ValidationError) as error:
        participant_merge(actor=case_manager, keep=keep, absorb=stale)
    assert "inzwischen von jemand anderem geändert" in error.value.messages[0]
    assert Participant.objects.filter(pk=absorb.pk).exists()


def test_it_refuses_while_both_are_enrolled(case_manager, district, pair):
    keep, absorb = pair
    Enrollment.objects.filter(participant=absorb).update(exit_date=None, exit_reason="")
    with pytest.raises(ValidationError) as error:
        participant_merge(actor=case_manager, keep=keep, absorb=absorb)
    assert error.value.messages[0].startswith("Beide Personen sind derzeit im Programm.")


def test_it_refuses_to_merge_a_record_with_itself(case_manager, pair):
    keep, _ = pair
    with pytest.raises(ValidationError):
        participant_merge(actor=case_manager, keep=keep, absorb=keep)


@pytest.mark.parametrize("role", [Role.COACH, Role.PROVIDER_STAFF])
def test_it_lets_only_district_staff_merge(role, provider, pair):
    keep, absorb = pair
    with pytest.raises(PermissionDenied):
        participant_merge(actor=member(role, provider=provider), keep=keep, absorb=absorb)


def test_it_refuses_outsiders(outsider, pair):
    keep, absorb = pair
    with pytest.raises(PermissionDenied):
        participant_merge(actor=outsider, keep=keep, absorb=absorb)
