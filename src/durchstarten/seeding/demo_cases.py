"""Demo cases: a realistic caseload in each demo district, written through the services.

The set is small (a few hundred people), so every record goes through the same services as a
case manager's input and the business rules hold: consent before entry, one open enrollment,
the coaching provider from the municipality's assignment, no dates in the future.

Idempotent: a district that already has participants is left alone. Deterministic: one
`random.Random` per district with a fixed seed; dates are relative to today.
"""

import datetime as dt
import random
from dataclasses import dataclass, field

from django.utils import timezone

from durchstarten.cases.choices import ConsentPurpose, GoalStatus, NeedStatus
from durchstarten.cases.models import Need, Participant
from durchstarten.cases.services import consent as consent_services
from durchstarten.cases.services import contacts as contact_services
from durchstarten.cases.services import enrollment as enrollment_services
from durchstarten.cases.services import participants as participant_services
from durchstarten.cases.services import plan as plan_services
from durchstarten.cases.services import tasks as task_services
from durchstarten.core.models import Membership, Role, User
from durchstarten.organisation.models import District, Module, Municipality, ProviderAssignment
from durchstarten.seeding.cases import PersonGenerator, PersonPlan
from durchstarten.seeding.population import SHOWCASE

RANDOM_SEED = "durchstarten-demo-cases-1"

# Participants per demo district (Gütersloh is the largest programme).
SIZES = {
    "05754000": 120,  # Gütersloh
    "05758000": 70,  # Herford
    "05162000": 60,  # Rhein-Kreis Neuss
    "05558000": 50,  # Coesfeld
    "05774000": 45,  # Paderborn
}
# Larger towns get more people; the rest weigh 1.
TOWN_WEIGHTS = {
    "Gütersloh": 5,
    "Rheda-Wiedenbrück": 2.5,
    "Verl": 1.5,
    "Rietberg": 1.5,
    "Harsewinkel": 1.3,
    "Herford": 4,
    "Bünde": 2,
    "Löhne": 2,
    "Neuss": 5,
    "Dormagen": 2,
    "Grevenbroich": 2,
    "Meerbusch": 1.5,
    "Kaarst": 1.5,
    "Coesfeld": 2,
    "Dülmen": 2.5,
    "Lüdinghausen": 1.5,
    "Paderborn": 6,
    "Delbrück": 1.5,
    "Salzkotten": 1.3,
}


@dataclass(frozen=True)
class CaseManagerSpec:
    username: str
    first_name: str
    last_name: str


# Case managers of the districts without a demo login of their own (no usable password).
CASE_MANAGERS = {
    "05758000": CaseManagerSpec("teilhabe-herford", "Jana", "Wittkamp"),
    "05162000": CaseManagerSpec("teilhabe-neuss", "Murat", "Aksoy"),
    "05558000": CaseManagerSpec("teilhabe-coesfeld", "Anne", "Schulze Pellengahr"),
    "05774000": CaseManagerSpec("teilhabe-paderborn", "Christian", "Vahle"),
}
CASE_MANAGER_USERNAMES = tuple(spec.username for spec in CASE_MANAGERS.values())


@dataclass
class DemoCasesResult:
    participants: int = 0
    entered: int = 0
    skipped_districts: list[str] = field(default_factory=list)
    automatic_tasks: dict[str, int] = field(default_factory=dict)


def case_manager_for(district: District, email_domain: str) -> User:
    """The demo login "teilhabe" in Gütersloh, elsewhere a district case manager without a
    usable password (created on first use)."""
    spec = CASE_MANAGERS.get(district.ags)
    if spec is None:
        membership = (
            Membership.objects.filter(district=district, role=Role.CASE_MANAGER)
            .select_related("user")
            .order_by("user__username")
            .first()
        )
        if membership is None:
            raise LookupError(f"Kein Teilhabemanagement in {district.name}.")
        return membership.user
    user, created = User.objects.get_or_create(
        username=spec.username,
        defaults={
            "first_name": spec.first_name,
            "last_name": spec.last_name,
            "email": f"{spec.username}@{email_domain}",
        },
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    Membership.objects.get_or_create(
        user=user, role=Role.CASE_MANAGER, district=district, provider=None
    )
    return user


def _coaching_map(district: District, day: dt.date) -> dict[int, int]:
    """municipality id -> coaching provider id, from the module-1 assignments."""
    through = ProviderAssignment.municipalities.through
    rows = through.objects.filter(
        providerassignment__in=ProviderAssignment.objects.active_on(day).filter(
            district=district, module=Module.COACHING
        )
    ).values_list("municipality_id", "providerassignment__provider_id")
    return dict(rows)


def _coaches(district: District) -> dict[int, User]:
    """provider id -> its first coach."""
    result: dict[int, User] = {}
    for membership in (
        Membership.objects.filter(role=Role.COACH, provider__district=district)
        .select_related("user")
        .order_by("user__username")
    ):
        result.setdefault(membership.provider_id, membership.user)
    return result


def seed_demo_cases(
    districts: list[District], *, email_domain: str, programme_start: dt.date
) -> DemoCasesResult:
    result = DemoCasesResult()
    today = timezone.localdate()
    start = min(programme_start, today)
    for district in districts:
        size = SIZES.get(district.ags)
        if not size:
            continue
        if Participant.objects.filter(district=district).exists():
            result.skipped_districts.append(district.ags)
            continue
        actor = case_manager_for(district, email_domain)
        municipalities = list(Municipality.objects.filter(district=district).order_by("ags"))
        coaching = _coaching_map(district, start)
        coaches = _coaches(district)
        generator = PersonGenerator(
            today=today,
            programme_start=start,
            municipality_weights=[TOWN_WEIGHTS.get(m.name, 1) for m in municipalities],
            coaching=[m.pk in coaching for m in municipalities],
            max_contacts=6,
        )
        rng = random.Random(f"{RANDOM_SEED}:{district.ags}")  # noqa: S311 - demo data
        showcase = SHOWCASE if district.ags == "05754000" else ()
        for index in range(size):
            name = showcase[index] if index < len(showcase) else None
            plan = generator.person(rng, name=name)
            municipality = municipalities[plan.municipality]
            provider_id = coaching.get(municipality.pk)
            coach = coaches.get(provider_id) if plan.coached else None
            _write_person(actor, district, municipality, provider_id, coach, plan)
            result.participants += 1
            result.entered += plan.entered
    result.automatic_tasks = task_services.tasks_generate_automatic(today=today)
    return result


def _write_person(
    actor: User,
    district: District,
    municipality: Municipality,
    provider_id: int | None,
    coach: User | None,
    plan: PersonPlan,
) -> Participant:
    participant = participant_services.participant_create(
        actor=actor,
        district=district,
        given_names=plan.given_names,
        family_name=plan.family_name,
        date_of_birth=plan.date_of_birth,
        gender=plan.gender,
        nationality=plan.nationality,
        languages=plan.languages,
        german_level=plan.german_level,
        literacy=plan.literacy,
        interpreter_needed=plan.interpreter_needed,
        municipality=municipality,
        schooling=plan.schooling,
        work_history=plan.work_history,
    )
    for status in plan.statuses:
        participant_services.residence_status_record(
            actor=actor,
            participant=participant,
            kind=status.kind,
            valid_from=status.valid_from,
            valid_until=status.valid_until,
            document_note=status.note,
        )
    withdrawals = []
    provider = None
    if provider_id is not None:
        provider = district.providers.get(pk=provider_id)
    for purpose, given_on, withdrawn_on in plan.consents:
        sharing = purpose == ConsentPurpose.PROVIDER_SHARING
        consent = consent_services.consent_give(
            actor=actor,
            participant=participant,
            purpose=purpose,
            given_on=given_on,
            form_language=plan.form_language,
            provider=provider if sharing else None,
        )
        if withdrawn_on is not None:
            withdrawals.append((consent, withdrawn_on))
    entered = [o for o in plan.outreaches if o[2] == "entered"]
    for channel, day, result, note in plan.outreaches:
        if result != "entered":
            participant_services.outreach_record(
                actor=actor, participant=participant, channel=channel, date=day, result=result,
                note=note,
            )  # fmt: skip
    for stay, (channel, day, result, note) in zip(plan.stays, entered, strict=True):
        enrollment = enrollment_services.enrollment_enter(
            actor=actor,
            participant=participant,
            entry_date=stay.entry,
            case_manager=actor,
            coach=coach,
        )
        participant_services.outreach_record(
            actor=actor, participant=participant, channel=channel, date=day, result=result,
            note=note,
        )  # fmt: skip
        if stay.exit is not None:
            enrollment_services.enrollment_exit(
                actor=actor,
                enrollment=enrollment,
                version=enrollment.version,
                exit_date=stay.exit,
                exit_reason=stay.reason,
                exit_note=stay.note,
            )
    for consent, withdrawn_on in withdrawals:
        consent_services.consent_withdraw(actor=actor, consent=consent, withdrawn_on=withdrawn_on)

    needs: list[Need] = []
    for need_plan in plan.needs:
        need = plan_services.need_record(
            actor=actor,
            participant=participant,
            category=need_plan.category,
            priority=need_plan.priority,
            identified_on=need_plan.identified_on,
            description=need_plan.description,
        )
        if need_plan.status != NeedStatus.OPEN:
            plan_services.need_update(
                actor=actor,
                need=need,
                version=need.version,
                status=need_plan.status,
                priority=need.priority,
                description=need.description,
            )
            if need_plan.closed_on is not None and need.closed_on != need_plan.closed_on:
                # The service stamps today; the demo history closed it on its own day.
                Need.objects.filter(pk=need.pk).update(closed_on=need_plan.closed_on)
        needs.append(need)
    for goal_plan in plan.goals:
        goal = plan_services.goal_create(
            actor=actor,
            participant=participant,
            title=goal_plan.title,
            due_date=goal_plan.due_date,
            need=needs[goal_plan.need] if goal_plan.need is not None else None,
        )
        for title, owner, due, done in goal_plan.steps:
            step = plan_services.step_add(
                actor=actor, goal=goal, title=title, owner=owner, due_date=due
            )
            if done is not None:
                plan_services.step_complete(actor=actor, step=step, done_on=done)
        if goal_plan.status != GoalStatus.OPEN:
            plan_services.goal_set_status(actor=actor, goal=goal, status=goal_plan.status)
    for day, minutes, channel, language, interpreter, topics, note in plan.contacts:
        contact_services.contact_record(
            actor=actor,
            participant=participant,
            date=day,
            duration_minutes=minutes,
            channel=channel,
            language=language,
            interpreter_used=interpreter,
            topics=topics,
            note=note,
        )
    for title, due, done in plan.tasks:
        task = task_services.task_create(
            actor=actor,
            district=district,
            title=title,
            due_date=due,
            assignee=actor,
            participant=participant,
        )
        if done:
            task_services.task_complete(actor=actor, task=task)
    return participant
