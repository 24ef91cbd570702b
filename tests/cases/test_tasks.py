import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from durchstarten.cases import selectors
from durchstarten.cases.choices import ExitReason, ResidenceStatusKind, TaskKind
from durchstarten.cases.models import Task
from durchstarten.cases.services import enrollment as enrollment_services
from durchstarten.cases.services import tasks as services
from durchstarten.cases.services.contacts import contact_record
from durchstarten.cases.services.participants import residence_status_record

TODAY = dt.date(2026, 11, 22)


def _kinds():
    return sorted(Task.objects.values_list("kind", flat=True))


def test_it_creates_a_task_when_the_status_expires_within_30_days(enrolled, case_manager):
    residence_status_record(
        actor=case_manager,
        participant=enrolled,
        kind=ResidenceStatusKind.DULDUNG,
        valid_from=dt.date(2026, 6, 1),
        valid_until=TODAY + dt.timedelta(days=30),
    )
    contact_record(
        actor=case_manager, participant=enrolled, date=TODAY, duration_minutes=30, channel="phone"
    )
    assert services.tasks_generate_automatic(today=TODAY)[TaskKind.STATUS_EXPIRY] == 1
    task = Task.objects.get(kind=TaskKind.STATUS_EXPIRY)
    assert task.assignee == case_manager
    assert "läuft am 22.12.2026 ab" in task.title


def test_it_ignores_a_status_expiring_later_or_superseded(enrolled, case_manager):
    residence_status_record(
        actor=case_manager,
        participant=enrolled,
        kind=ResidenceStatusKind.DULDUNG,
        valid_from=dt.date(2026, 1, 1),
        valid_until=TODAY + dt.timedelta(days=10),
    )
    residence_status_record(
        actor=case_manager,
        participant=enrolled,
        kind=ResidenceStatusKind.DULDUNG_TRAINING,
        valid_from=dt.date(2026, 11, 1),
        valid_until=TODAY + dt.timedelta(days=31),
    )
    assert services.tasks_generate_automatic(today=TODAY)[TaskKind.STATUS_EXPIRY] == 0


@pytest.mark.parametrize(
    ("born", "expected"),
    [
        (dt.date(1999, 11, 22), 1),  # turns 27 today
        (dt.date(2000, 1, 21), 1),  # in 60 days
        (dt.date(2000, 1, 22), 0),  # in 61 days
        (dt.date(1999, 11, 21), 0),  # turned 27 yesterday
    ],
)
def test_it_reminds_of_the_27th_birthday_within_60_days(enrolled, born, expected):
    type(enrolled).objects.filter(pk=enrolled.pk).update(date_of_birth=born)
    assert services.tasks_generate_automatic(today=TODAY)[TaskKind.AGE_LIMIT] == expected


def test_it_reminds_after_eight_weeks_without_contact(enrolled, case_manager):
    contact_record(
        actor=case_manager,
        participant=enrolled,
        date=TODAY - dt.timedelta(days=55),
        duration_minutes=30,
        channel="in_person",
    )
    assert services.tasks_generate_automatic(today=TODAY)[TaskKind.NO_CONTACT] == 0
    later = TODAY + dt.timedelta(days=2)
    assert services.tasks_generate_automatic(today=later)[TaskKind.NO_CONTACT] == 1


def test_it_counts_silence_from_entry_when_there_was_no_contact(enrolled):
    # Entered 2026-02-01 without any contact since.
    assert services.tasks_generate_automatic(today=TODAY)[TaskKind.NO_CONTACT] == 1


def test_it_schedules_a_follow_up_six_months_after_exit(enrolled, case_manager):
    enrollment = enrolled.enrollments.get()
    enrollment_services.enrollment_exit(
        actor=case_manager,
        enrollment=enrollment,
        version=enrollment.version,
        exit_date=dt.date(2026, 6, 10),
        exit_reason=ExitReason.TRAINING,
    )
    services.tasks_generate_automatic(today=TODAY)
    task = Task.objects.get(kind=TaskKind.EXIT_FOLLOW_UP)
    assert task.due_date == dt.date(2026, 12, 10)


def test_it_creates_automatic_tasks_only_once(enrolled, case_manager):
    type(enrolled).objects.filter(pk=enrolled.pk).update(date_of_birth=dt.date(1999, 12, 1))
    first = services.tasks_generate_automatic(today=TODAY)
    assert sum(first.values()) == 2
    again = services.tasks_generate_automatic(today=TODAY)
    assert sum(again.values()) == 0
    assert _kinds() == [TaskKind.AGE_LIMIT, TaskKind.NO_CONTACT]


def test_it_lists_my_overdue_and_upcoming_tasks(enrolled, case_manager, district, coordinator):
    services.task_create(
        actor=case_manager,
        district=district,
        participant=enrolled,
        title="Zeugnisse anfordern",
        due_date=dt.date(2026, 11, 1),
    )
    services.task_create(
        actor=case_manager, district=district, title="Netzwerktreffen", due_date=TODAY
    )
    services.task_create(
        actor=coordinator, district=district, title="Bericht", due_date=TODAY, assignee=coordinator
    )
    mine = selectors.my_tasks(case_manager, district_id=district.pk, day=TODAY)
    assert [t.title for t in mine["overdue"]] == ["Zeugnisse anfordern"]
    assert [t.title for t in mine["upcoming"]] == ["Netzwerktreffen"]


def test_it_completes_a_task_once(case_manager, district):
    task = services.task_create(actor=case_manager, district=district, title="x", due_date=TODAY)
    services.task_complete(actor=case_manager, task=task)
    with pytest.raises(ValidationError):
        services.task_complete(actor=case_manager, task=task)


def test_it_refuses_an_assignee_from_another_district(case_manager, district, outsider):
    with pytest.raises(ValidationError):
        services.task_create(
            actor=case_manager, district=district, title="x", due_date=TODAY, assignee=outsider
        )


def test_it_refuses_to_complete_a_step_twice(enrolled, case_manager):
    from durchstarten.cases.services import plan

    goal = plan.goal_create(actor=case_manager, participant=enrolled, title="Ausbildung finden")
    step = plan.step_add(actor=case_manager, goal=goal, title="Bewerbung", owner="Teilnehmer")
    plan.step_complete(actor=case_manager, step=step, done_on=dt.date(2026, 11, 1))
    with pytest.raises(ValidationError):
        plan.step_complete(actor=case_manager, step=step)
    step.refresh_from_db()
    assert step.done_on == dt.date(2026, 11, 1)


def test_it_refuses_a_goal_for_another_persons_need(enrolled, case_manager, district):
    from durchstarten.cases.services import plan
    from tests.factories import ParticipantFactory

    other = ParticipantFactory(district=district)
    need = plan.need_record(
        actor=case_manager,
        participant=other,
        category="german",
        priority="high",
        identified_on=dt.date(2026, 11, 1),
    )
    with pytest.raises(ValidationError):
        plan.goal_create(actor=case_manager, participant=enrolled, title="x", need=need)
