"""Builders for the privacy tests: participants with a record of every kind, free texts marked."""

import datetime as dt
import random

import pytest
from django.utils import timezone

from durchstarten.cases.choices import (
    ConsentPurpose,
    ExitReason,
    Gender,
    OutreachChannel,
    OutreachResult,
    ResidenceStatusKind,
)
from durchstarten.cases.models import (
    CaseGoal,
    CaseStep,
    Consent,
    Contact,
    Enrollment,
    Need,
    Outreach,
    Participant,
    ParticipantNameKey,
    ResidenceStatus,
    Task,
)
from durchstarten.core.models import Role
from durchstarten.offers.choices import OfferKind, ReferralState
from durchstarten.offers.models import Outcome, Referral, ReferralTransition
from durchstarten.privacy.models import LegalHold, PrivacyRequest
from tests.factories import OfferFactory, ParticipantFactory, UserFactory, member
from tests.reporting.factories import initiative_offer

MARK = "GEHEIM"


def marked(tag: str) -> str:
    return f"{MARK}-{tag}"


def rich_participant(
    district,
    municipality,
    *,
    tag: str = "1",
    entry: dt.date | None = None,
    exit_date: dt.date | None = None,
    provider=None,
    case_manager=None,
) -> Participant:
    """A participant with one record of every kind; every free text holds `MARK`."""
    today = timezone.localdate()
    entry = entry or today - dt.timedelta(days=1200)
    case_manager = case_manager or UserFactory()
    person = ParticipantFactory(
        district=district,
        municipality=municipality,
        given_names=marked(f"vorname{tag}"),
        family_name=marked(f"familie{tag}"),
        date_of_birth=dt.date(2002, 2, 14),
        gender=Gender.FEMALE,
        nationality="SY",
        phone=marked("tel"),
        email=f"geheim{tag}@example.org",
        address=marked("adresse"),
        schooling=marked("schule"),
        work_history=marked("beruf"),
        languages=["ar"],
    )
    ParticipantNameKey.objects.create(participant=person, key=f"gheim{tag}")
    ResidenceStatus.objects.create(
        participant=person,
        kind=ResidenceStatusKind.DULDUNG,
        valid_from=entry - dt.timedelta(days=100),
        document_note=marked("duldung"),
    )
    Outreach.objects.create(
        participant=person,
        channel=OutreachChannel.SOCIAL_WELFARE,
        date=entry - dt.timedelta(days=10),
        result=OutreachResult.REACHED,
        note=marked("akquise"),
    )
    Consent.objects.create(
        participant=person, purpose=ConsentPurpose.CASE_WORK, given_on=entry, form_language="ar"
    )
    Enrollment.objects.create(
        participant=person,
        entry_date=entry,
        exit_date=exit_date,
        exit_reason=ExitReason.TRAINING if exit_date else "",
        exit_note=marked("austritt") if exit_date else "",
        case_manager=case_manager,
        coaching_provider=provider,
    )
    need = Need.objects.create(
        participant=person,
        category="german",
        description=marked("bedarf"),
        identified_on=entry,
    )
    goal = CaseGoal.objects.create(participant=person, title=marked("ziel"), need=need)
    CaseStep.objects.create(goal=goal, title=marked("schritt"), owner=marked("wer"))
    Contact.objects.create(
        participant=person,
        date=entry + dt.timedelta(days=5),
        duration_minutes=45,
        channel="in_person",
        language="ar",
        topics=["german"],
        note=marked("notiz"),
        author=case_manager,
    )
    Task.objects.create(
        participant=person,
        district=district,
        title=marked("wiedervorlage"),
        due_date=entry + dt.timedelta(days=30),
    )
    offer = initiative_offer(district, 4, title="Vorbereitungskurs")
    referral = Referral.objects.create(
        participant=person,
        offer=offer,
        district=district,
        state=ReferralState.STARTED,
        proposed_on=entry + dt.timedelta(days=3),
        accepted_on=entry + dt.timedelta(days=4),
        started_on=entry + dt.timedelta(days=5),
        note=marked("vermittlung"),
    )
    ReferralTransition.objects.create(
        referral=referral,
        to_state=ReferralState.PROPOSED,
        on=referral.proposed_on,
        reason=marked("schrittgrund"),
    )
    Outcome.objects.create(
        participant=person,
        kind="internship",
        start_date=entry + dt.timedelta(days=60),
        referral=referral,
        note=marked("verbleib"),
    )
    OfferFactory(district=district, kind=OfferKind.REGULAR)
    LegalHold.objects.create(
        participant=person,
        reason=marked("pflicht"),
        until=entry,
        lifted_on=entry - dt.timedelta(days=1),
    )
    PrivacyRequest.objects.create(
        participant=person,
        kind="restriction",
        received_on=entry,
        legal_basis="art18_1a",
        note=marked("antrag"),
        decision="refused",
        decision_reason=marked("begruendung"),
        decided_on=entry,
    )
    return person


@pytest.fixture
def exited(district, municipality):
    """Exited 800 days ago (more than the default 730): due for anonymisation."""
    today = timezone.localdate()
    return rich_participant(
        district,
        municipality,
        entry=today - dt.timedelta(days=1200),
        exit_date=today - dt.timedelta(days=800),
    )


@pytest.fixture
def active(district, municipality):
    today = timezone.localdate()
    return rich_participant(district, municipality, tag="2", entry=today - dt.timedelta(days=60))


@pytest.fixture
def other_coordinator(district):
    return member(Role.COORDINATOR, district)


def random_people(district, municipalities, rng: random.Random, count: int, today: dt.date):
    """Participants with varied birth dates (29 February included), statuses, outreach,
    enrollments, placements and outcomes over three years; most have exited."""
    kinds = [*ResidenceStatusKind.values]
    offers = [initiative_offer(district, m) for m in (1, 2, 3, 4, 5)]
    offers.append(OfferFactory(district=district, kind=OfferKind.REGULAR))
    case_manager = UserFactory()
    people = []
    for index in range(count):
        born = dt.date(rng.choice([1996, 1998, 2000, 2004, 2007]), 1, 1) + dt.timedelta(
            days=rng.randrange(0, 365)
        )
        if index % 7 == 0:
            born = dt.date(2000, 2, 29)
        person = ParticipantFactory(
            district=district,
            municipality=rng.choice(municipalities),
            given_names=marked(f"p{index}"),
            date_of_birth=None if index % 11 == 0 else born,
            gender=rng.choice(Gender.values),
            nationality=rng.choice(["SY", "AF", "", "GN"]),
        )
        start = today - dt.timedelta(days=rng.randrange(900, 1400))
        ResidenceStatus.objects.create(
            participant=person, kind=rng.choice(kinds), valid_from=start - dt.timedelta(days=30)
        )
        if rng.random() < 0.4:
            ResidenceStatus.objects.create(
                participant=person,
                kind=rng.choice(kinds),
                valid_from=start + dt.timedelta(days=rng.randrange(10, 300)),
            )
        for _ in range(rng.randrange(1, 3)):
            Outreach.objects.create(
                participant=person,
                channel=OutreachChannel.OTHER,
                date=start - dt.timedelta(days=rng.randrange(0, 20)),
                result=rng.choice(OutreachResult.values),
            )
        if rng.random() < 0.85:
            exit_date = None
            if rng.random() < 0.8:
                exit_date = start + dt.timedelta(days=rng.randrange(30, 200))
            Enrollment.objects.create(
                participant=person,
                entry_date=start,
                exit_date=exit_date,
                exit_reason=rng.choice(ExitReason.values) if exit_date else "",
                case_manager=case_manager,
            )
            if rng.random() < 0.6:
                offer = rng.choice(offers)
                began = start + dt.timedelta(days=rng.randrange(1, 25))
                Referral.objects.create(
                    participant=person,
                    offer=offer,
                    district=district,
                    state=ReferralState.STARTED,
                    proposed_on=began,
                    started_on=began,
                    note=marked("r"),
                )
            if rng.random() < 0.4:
                Outcome.objects.create(
                    participant=person,
                    kind=rng.choice(["internship", "training_dual", "employment_insured"]),
                    start_date=start + dt.timedelta(days=rng.randrange(20, 300)),
                    note=marked("o"),
                )
        people.append(person)
    return people
