"""One world for the security tests, built once per module.

Two districts A and B, each with providers P1 (coaching in municipality M1) and P2 (coaching
in M2), staff of every role, two enrolled participants (one coached by P1, one by P2, each
having consented to sharing with their coaching provider), offers of both providers, referrals,
needs, goals, steps, contacts, tasks, responsibilities and posts. The users under test hold
their roles in district A at P1; state analyst and admin act state-wide.
"""

import datetime as dt
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone, translation

from durchstarten.cases.choices import ConsentPurpose
from durchstarten.cases.models import CaseGoal, CaseStep, Contact, Need, Outreach, Task
from durchstarten.cases.services import consent as consent_services
from durchstarten.cases.services import enrollment as enrollment_services
from durchstarten.core.models import Role
from durchstarten.offers.choices import OfferCategory, OfferKind, ReferralState
from durchstarten.offers.models import Offer, Outcome, Referral, ReferralTransition
from durchstarten.organisation.models import Module
from tests.factories import (
    DistrictFactory,
    MunicipalityFactory,
    OfferFactory,
    ParticipantFactory,
    PositionFactory,
    ProviderAssignmentFactory,
    ProviderFactory,
    ResidenceStatusFactory,
    member,
)
from tests.security import (
    world_accounts,
    world_api,
    world_api_cases,
    world_duplicates,
    world_exports,
    world_funding,
    world_imports,
    world_network,
    world_privacy,
    world_reporting,
    world_selection,
)
from tests.security.policy import ROLES

MISSING_UUID = uuid.UUID("00000000-0000-4000-8000-00000000dead")
MISSING_AGS = "99999999"
OUTREACH_CHANNEL = "social_welfare"
OUTREACH_RESULT = "reached"


@dataclass
class Side:
    """One district's records: objects[(kind, index)], index 1 = provider P1, 2 = P2."""

    name: str
    district: object = None
    users: dict = field(default_factory=dict)
    objects: dict = field(default_factory=dict)


@dataclass
class World:
    a: Side
    b: Side
    users: dict  # the users under test by role (district A, provider P1; state-wide)

    def pick(self, target: str, position: int, kind: str, attr: str):
        """The id for one URL argument (position 0 is the parent) of a target."""
        if target == "missing" and attr == "ags":
            return MISSING_AGS
        if target == "missing" and (position > 0 or kind != "participant" or attr != "public_id"):
            return MISSING_UUID
        if target == "missing":
            # A single id: missing; as a parent of a nested id the parent is `own`.
            return MISSING_UUID
        side, index = {
            "own": (self.a, 1),
            "other_provider": (self.a, 2),
            "other_district": (self.b, 1),
            "cross": (self.b if position > 0 else self.a, 1),
        }[target]
        return getattr(side.objects[(kind, index)], attr)

    def kwargs(self, row: dict, target: str) -> dict:
        if target == "none":
            return {}
        args = list(row["args"].items())
        out = {}
        for position, (name, (kind, attr)) in enumerate(args):
            if target == "missing" and len(args) > 1 and position == 0:
                out[name] = self.pick("own", 0, kind, attr)
            else:
                out[name] = self.pick(target, position, kind, attr)
        return out


def _build_side(name: str, day: dt.date) -> Side:
    side = Side(name=name)
    district = side.district = DistrictFactory(name=f"Kreis {name}")
    o = side.objects
    o[("district", 1)] = o[("district", 2)] = district
    m1 = o[("municipality", 1)] = MunicipalityFactory(district=district, name=f"Gemeinde {name}1")
    m2 = o[("municipality", 2)] = MunicipalityFactory(district=district, name=f"Gemeinde {name}2")
    p1 = o[("provider", 1)] = ProviderFactory(district=district, name=f"Träger {name}1 gGmbH")
    p2 = o[("provider", 2)] = ProviderFactory(district=district, name=f"Träger {name}2 gGmbH")
    o[("assignment", 1)] = ProviderAssignmentFactory(provider=p1, municipalities=[m1])
    o[("assignment", 2)] = ProviderAssignmentFactory(provider=p2, municipalities=[m2])
    o[("position", 1)] = PositionFactory(district=district, provider=p1, module=Module.COACHING)
    o[("position", 2)] = PositionFactory(district=district, provider=p2, module=Module.COACHING)
    o[("position", 0)] = PositionFactory(district=district, fte=Decimal("0.5"))

    users = side.users
    users["coordinator"] = member(Role.COORDINATOR, district)
    users["case_manager"] = member(Role.CASE_MANAGER, district)
    users["case_manager_2"] = member(Role.CASE_MANAGER, district)
    users["coach"] = member(Role.COACH, provider=p1)
    users["coach_2"] = member(Role.COACH, provider=p2)
    users["provider_staff"] = member(Role.PROVIDER_STAFF, provider=p1)
    users["provider_staff_2"] = member(Role.PROVIDER_STAFF, provider=p2)
    actor = users["coordinator"]

    entry = day - dt.timedelta(days=30)
    for index, (municipality, provider, case_manager, coach) in {
        1: (m1, p1, users["case_manager"], users["coach"]),
        2: (m2, p2, users["case_manager_2"], users["coach_2"]),
    }.items():
        person = ParticipantFactory(
            district=district,
            municipality=municipality,
            given_names=f"Person{name}{index}",
            family_name=f"Familie{name}{index}",
            date_of_birth=dt.date(2004, 5, 1),
        )
        consent_services.consent_give(
            actor=actor,
            participant=person,
            purpose=ConsentPurpose.CASE_WORK,
            given_on=entry,
            form_language="de",
        )
        o[("consent", index)] = consent_services.consent_give(
            actor=actor,
            participant=person,
            purpose=ConsentPurpose.PROVIDER_SHARING,
            provider=provider,
            given_on=entry,
            form_language="de",
        )
        enrollment_services.enrollment_enter(
            actor=actor,
            participant=person,
            entry_date=entry,
            case_manager=case_manager,
            coaching_provider=provider,
            coach=coach,
        )
        person.refresh_from_db()
        o[("participant", index)] = person
        ResidenceStatusFactory(participant=person, document_note=f"Duldung {name}{index}")
        Outreach.objects.create(
            participant=person, channel=OUTREACH_CHANNEL, date=entry, result=OUTREACH_RESULT
        )
        need = o[("need", index)] = Need.objects.create(
            participant=person,
            category="german",
            priority="high",
            status="open",
            description=f"Bedarf {name}{index}",
            identified_on=entry,
        )
        goal = o[("goal", index)] = CaseGoal.objects.create(
            participant=person, title=f"Ziel {name}{index}", need=need
        )
        o[("step", index)] = CaseStep.objects.create(
            goal=goal, title=f"Schritt {name}{index}", owner="Teilnehmende*r"
        )
        o[("contact", index)] = Contact.objects.create(
            participant=person,
            date=entry,
            duration_minutes=30,
            channel="in_person",
            note=f"Notiz {name}{index}",
            author=case_manager,
        )
        o[("task", index)] = Task.objects.create(
            participant=person,
            district=district,
            title=f"Wiedervorlage {name}{index}",
            due_date=day + dt.timedelta(days=3),
            assignee=case_manager,
        )
        offer = o[("offer", index)] = OfferFactory(
            district=district,
            provider=provider,
            organiser="",
            kind=OfferKind.INITIATIVE,
            category=OfferCategory.PREPARATION_COURSE,
            module=4,
            title=f"Kurs {name}{index}",
            capacity=5,
            needs_covered=["german"],
            municipalities=[municipality],
            start_date=day + dt.timedelta(days=20),
        )
        referral = o[("referral", index)] = Referral.objects.create(
            participant=person,
            offer=offer,
            district=district,
            state=ReferralState.PROPOSED,
            proposed_on=day - dt.timedelta(days=2),
            note=f"Vermittlung {name}{index}",
            proposed_by=case_manager,
        )
        ReferralTransition.objects.create(
            referral=referral, to_state=ReferralState.PROPOSED, on=referral.proposed_on
        )
        o[("outcome", index)] = Outcome.objects.create(
            participant=person,
            kind="internship",
            start_date=day - dt.timedelta(days=1),
            note=f"Verbleib {name}{index}",
        )
    o[("offer", 0)] = OfferFactory(district=district, title=f"VHS-Kurs {name}")
    o[("task", 0)] = Task.objects.create(
        district=district,
        title=f"Aufgabe ohne Person {name}",
        due_date=day + dt.timedelta(days=1),
        assignee=users["case_manager"],
    )
    assert Offer.objects.filter(district=district).count() == 3
    for area in (
        world_reporting,
        world_funding,
        world_selection,
        world_network,
        world_api,
        world_api_cases,
        world_duplicates,
        world_imports,
        world_privacy,
        world_accounts,
        world_exports,
    ):
        area.build(side, day)
    return side


def build_world() -> World:
    day = timezone.localdate()
    a = _build_side("A", day)
    b = _build_side("B", day)
    users = {role: a.users[role] for role in ("coordinator", "case_manager", "coach")}
    users["provider_staff"] = a.users["provider_staff"]
    users["state_analyst"] = member(Role.STATE_ANALYST)
    # Side A's break-glass grants belong to the admin under test (world_accounts).
    users["admin"] = a.users["admin"]
    assert set(users) == set(ROLES)
    return World(a=a, b=b, users=users)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The world, created in a transaction that is rolled back after the module."""
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=hashers),
        translation.override("de"),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def clients(world, db):
    """A signed-in client per role (force_login: no lockout machinery), and an anonymous one."""
    out = {}
    for role, user in world.users.items():
        client = Client()
        client.force_login(user)
        out[role] = client
    out["anonymous"] = Client()
    return out
