"""Case work through the API: needs, case plan, counselling contacts and tasks."""

# The fixtures come from tests/api/case_fixtures.py: pytest finds them through the import.
# ruff: noqa: F811

import datetime as dt
import uuid

import pytest
from django.urls import reverse

from durchstarten.cases.choices import NeedCategory
from durchstarten.cases.models import CaseGoal, CaseStep, Task
from durchstarten.cases.services import contacts as contact_services
from durchstarten.cases.services import plan as plan_services
from durchstarten.cases.services import tasks as task_services
from durchstarten.core.models import AuditEntry, Role
from tests.api.case_fixtures import (  # noqa: F401
    NOTE,
    PROBLEM,
    audit_queries,
    coaching_assignment,
    colleague_coach,
    enrolled,
    foreign,
    participant,
    today,
)
from tests.api.conftest import api_client
from tests.factories import member

pytestmark = pytest.mark.django_db

HEALTH_DETAIL = "Behandlung nach Traumatisierung"


def nested(name, participant, **ids):
    return reverse(f"api:participant-{name}", kwargs={"participant": participant.public_id, **ids})


@pytest.fixture
def health_need(enrolled, case_manager, today):
    return plan_services.need_record(
        actor=case_manager,
        participant=enrolled,
        category=NeedCategory.PSYCHOSOCIAL,
        priority="high",
        identified_on=today,
        description=HEALTH_DETAIL,
    )


@pytest.fixture
def german_need(enrolled, case_manager, today):
    return plan_services.need_record(
        actor=case_manager,
        participant=enrolled,
        category=NeedCategory.GERMAN,
        priority="medium",
        identified_on=today,
        description="B1 fehlt",
    )


@pytest.fixture
def goal(enrolled, case_manager, german_need):
    return plan_services.goal_create(
        actor=case_manager, participant=enrolled, title="B1-Prüfung bestehen", need=german_need
    )


@pytest.fixture
def contact(enrolled, case_manager, today):
    return contact_services.contact_record(
        actor=case_manager,
        participant=enrolled,
        date=today,
        duration_minutes=45,
        channel="in_person",
        language="ar",
        topics=["german"],
        note=NOTE,
    )


# --- Needs --------------------------------------------------------------------------------------


def test_it_lists_needs_without_health_details_for_coaches(
    case_manager, coach, enrolled, health_need, german_need
):
    url = nested("need-list", enrolled)
    rows = {row["category"]: row for row in api_client(case_manager).get(url).json()["results"]}
    assert rows["psychosocial"]["description"] == HEALTH_DETAIL
    assert set(rows["german"]) == {
        "id",
        "category",
        "priority",
        "status",
        "description",
        "identified_on",
        "closed_on",
        "version",
    }
    rows = {row["category"]: row for row in api_client(coach).get(url).json()["results"]}
    assert rows["psychosocial"]["description"] is None
    assert rows["german"]["description"] == "B1 fehlt"
    detail = api_client(coach).get(nested("need-detail", enrolled, need_id=health_need.public_id))
    assert HEALTH_DETAIL not in detail.content.decode()


def test_it_records_a_need(coach, enrolled, today):
    response = api_client(coach).post(
        nested("need-list", enrolled),
        {"category": "job", "identified_on": str(today), "description": "Minijob gesucht"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["priority"] == "medium"
    assert response["ETag"] == f'"{response.json()["id"]}-1"'
    future = api_client(coach).post(
        nested("need-list", enrolled),
        {"category": "job", "identified_on": str(today + dt.timedelta(days=1))},
        format="json",
    )
    assert future.status_code == 422
    assert future.json()["errors"][0]["message"] == "Das Datum darf nicht in der Zukunft liegen."


def test_it_updates_a_need_with_if_match(case_manager, enrolled, german_need):
    client = api_client(case_manager)
    url = nested("need-detail", enrolled, need_id=german_need.public_id)
    assert client.patch(url, {"status": "met"}, format="json").status_code == 428
    etag = client.get(url)["ETag"]
    response = client.patch(url, {"status": "met"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "met" and body["closed_on"] is not None
    assert body["description"] == "B1 fehlt" and body["version"] == 2
    stale = client.patch(url, {"priority": "low"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 409
    assert stale["Content-Type"] == PROBLEM


def test_it_keeps_a_coach_from_overwriting_what_they_cannot_read(coach, enrolled, health_need):
    client = api_client(coach)
    url = nested("need-detail", enrolled, need_id=health_need.public_id)
    etag = client.get(url)["ETag"]
    response = client.patch(
        url, {"description": "", "status": "in_progress"}, format="json", HTTP_IF_MATCH=etag
    )
    assert response.status_code == 200
    health_need.refresh_from_db()
    assert health_need.description == HEALTH_DETAIL
    assert health_need.status == "in_progress"


def test_it_answers_another_persons_need_with_404(coordinator, enrolled, foreign, german_need):
    response = api_client(coordinator).get(
        nested("need-detail", foreign, need_id=german_need.public_id)
    )
    assert response.status_code == 404
    other = api_client(member(Role.COORDINATOR, foreign.district))
    assert (
        other.get(nested("need-detail", enrolled, need_id=german_need.public_id)).status_code == 404
    )


# --- Case plan ----------------------------------------------------------------------------------


def test_it_creates_goals_and_steps_and_completes_them(case_manager, enrolled, german_need):
    client = api_client(case_manager)
    response = client.post(
        nested("goal-list", enrolled),
        {
            "title": "Ausbildungsplatz finden",
            "need": str(german_need.public_id),
            "due_date": "2027-08-01",
        },
        format="json",
    )
    assert response.status_code == 201
    goal = CaseGoal.objects.get(public_id=response.json()["id"])
    response = client.post(
        nested("goal-steps", enrolled, goal_id=goal.public_id),
        {"title": "Bewerbung schreiben", "owner": "Teilnehmer"},
        format="json",
    )
    assert response.status_code == 201
    step = CaseStep.objects.get(public_id=response.json()["id"])
    url = nested("step-complete", enrolled, step_id=step.public_id)
    response = client.post(url, {}, format="json")
    assert response.status_code == 200 and response.json()["done_on"] is not None
    again = client.post(url, {}, format="json")
    assert again.status_code == 422
    assert again.json()["detail"] == "Der Schritt ist bereits erledigt."
    response = client.post(
        nested("goal-status", enrolled, goal_id=goal.public_id),
        {"status": "achieved"},
        format="json",
    )
    assert response.status_code == 200
    [listed] = client.get(nested("goal-list", enrolled)).json()["results"]
    assert listed["status"] == "achieved"
    assert listed["steps"][0]["title"] == "Bewerbung schreiben"


def test_it_links_goals_only_to_the_persons_own_needs(
    case_manager, enrolled, district, german_need
):
    from tests.factories import ParticipantFactory

    other = ParticipantFactory(district=district)
    response = api_client(case_manager).post(
        nested("goal-list", other),
        {"title": "Ziel", "need": str(german_need.public_id)},
        format="json",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "need"
    assert not CaseGoal.objects.filter(participant=other).exists()


def test_it_changes_a_goals_status_only_to_a_known_one(case_manager, enrolled, goal):
    response = api_client(case_manager).post(
        nested("goal-status", enrolled, goal_id=goal.public_id), {"status": "done"}, format="json"
    )
    assert response.status_code == 422
    goal.refresh_from_db()
    assert goal.status == "open"


@pytest.mark.parametrize("goals", [1, 4])
def test_it_lists_the_plan_in_constant_queries(
    goals, case_manager, enrolled, django_assert_num_queries
):
    for index in range(goals):
        goal = plan_services.goal_create(
            actor=case_manager, participant=enrolled, title=f"Z{index}"
        )
        plan_services.step_add(actor=case_manager, goal=goal, title="S", owner="TN")
    client = api_client(case_manager)
    url = nested("goal-list", enrolled)
    client.get(url)
    # token, access, participant, the audit entry, goals, their steps
    with django_assert_num_queries(5 + audit_queries()):
        response = client.get(url)
    assert len(response.json()["results"]) == goals


# --- Counselling contacts -----------------------------------------------------------------------


def test_it_lists_contacts_without_their_notes(case_manager, enrolled, contact):
    response = api_client(case_manager).get(nested("contact-list", enrolled))
    [row] = response.json()["results"]
    assert row["has_note"] is True and "note" not in row
    assert NOTE not in response.content.decode()


def test_it_shows_the_note_to_the_responsible_staff_and_audits_it(
    case_manager, coach, coordinator, enrolled, contact
):
    url = nested("contact-detail", enrolled, contact_id=contact.public_id)
    for user in (case_manager, coach, coordinator):
        assert api_client(user).get(url).json()["note"] == NOTE
    viewed = AuditEntry.objects.filter(action="cases.contact.note_viewed")
    assert viewed.count() == 3
    assert NOTE not in str(list(viewed.values_list("data", flat=True)))


def test_it_withholds_the_note_from_other_staff(colleague_coach, district, enrolled, contact):
    for user in (colleague_coach, member(Role.CASE_MANAGER, district)):
        response = api_client(user).get(
            nested("contact-detail", enrolled, contact_id=contact.public_id)
        )
        assert response.status_code == 200
        assert response.json()["note"] is None
        assert NOTE not in response.content.decode()
    assert not AuditEntry.objects.filter(action="cases.contact.note_viewed").exists()


def test_it_records_a_contact(coach, enrolled, today):
    url = nested("contact-list", enrolled)
    client = api_client(coach)
    body = {"date": str(today), "duration_minutes": 600, "channel": "phone"}
    response = client.post(url, body, format="json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "duration_minutes"
    response = client.post(
        url, {**body, "duration_minutes": 30, "note": "Termin vereinbart"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["has_note"] is True and "note" not in response.json()
    enrolled.refresh_from_db()
    assert enrolled.last_contact_on == today


# --- Tasks --------------------------------------------------------------------------------------


def test_it_lists_my_open_tasks_only(case_manager, coordinator, enrolled, district, today):
    mine = task_services.task_create(
        actor=case_manager, district=district, title="Anrufen", due_date=today, participant=enrolled
    )
    task_services.task_create(
        actor=coordinator, district=district, title="Nicht meine", due_date=today
    )
    done = task_services.task_create(
        actor=case_manager, district=district, title="Erledigt", due_date=today
    )
    task_services.task_complete(actor=case_manager, task=done)
    response = api_client(case_manager).get(reverse("api:task-list"))
    [row] = response.json()["results"]
    assert row == {
        "id": str(mine.public_id),
        "district": district.ags,
        "participant": str(enrolled.public_id),
        "kind": "manual",
        "title": "Anrufen",
        "due_date": str(today),
        "assignee": case_manager.username,
        "done_at": None,
        "created_at": row["created_at"],
    }
    assert (
        api_client(case_manager)
        .get(reverse("api:task-list"), {"district": "99999999"})
        .json()["results"]
        == []
    )


@pytest.mark.parametrize("count", [1, 5])
def test_it_lists_tasks_in_constant_queries(
    count, case_manager, enrolled, district, today, django_assert_num_queries
):
    for index in range(count):
        task_services.task_create(
            actor=case_manager,
            district=district,
            title=f"A{index}",
            due_date=today,
            participant=enrolled,
        )
    client = api_client(case_manager)
    client.get(reverse("api:task-list"))
    with django_assert_num_queries(3):
        response = client.get(reverse("api:task-list"))
    assert len(response.json()["results"]) == count


def test_it_creates_tasks_with_and_without_a_person(case_manager, coordinator, enrolled, today):
    client = api_client(case_manager)
    response = client.post(
        reverse("api:task-list"),
        {
            "title": "Teamsitzung vorbereiten",
            "due_date": str(today),
            "assignee": coordinator.username,
        },
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["assignee"] == coordinator.username
    response = client.post(
        nested("task-list", enrolled),
        {"title": "Nachfragen", "due_date": str(today)},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["participant"] == str(enrolled.public_id)
    assert response.json()["assignee"] == case_manager.username


def test_it_refuses_an_assignee_from_elsewhere(case_manager, other_district, today):
    stranger = member(Role.CASE_MANAGER, other_district)
    response = api_client(case_manager).post(
        reverse("api:task-list"),
        {"title": "X", "due_date": str(today), "assignee": stranger.username},
        format="json",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "assignee"


def test_it_completes_a_task_once(case_manager, enrolled, district, today):
    task = task_services.task_create(
        actor=case_manager, district=district, title="Anrufen", due_date=today, participant=enrolled
    )
    url = reverse("api:task-complete", args=[task.public_id])
    client = api_client(case_manager)
    response = client.post(url)
    assert response.status_code == 200 and response.json()["done_at"] is not None
    again = client.post(url)
    assert again.status_code == 422
    assert again.json()["detail"] == "Die Aufgabe ist bereits erledigt."


def test_it_answers_tasks_out_of_reach_with_404(
    coach, foreign, enrolled, district, today, case_manager
):
    unshared = task_services.task_create(
        actor=case_manager, district=district, title="Intern", due_date=today
    )
    client = api_client(coach)
    assert client.post(reverse("api:task-complete", args=[unshared.public_id])).status_code == 404
    assert client.post(reverse("api:task-complete", args=[uuid.uuid4()])).status_code == 404
    assert not Task.objects.filter(done_at__isnull=False).exists()


@pytest.mark.parametrize("role", [Role.PROVIDER_STAFF, Role.STATE_ANALYST, Role.ADMIN])
def test_it_refuses_case_records_to_roles_without_case_work(role, provider, enrolled, contact):
    user = member(role, provider=provider) if role == Role.PROVIDER_STAFF else member(role)
    client = api_client(user)
    for url in (
        nested("contact-detail", enrolled, contact_id=contact.public_id),
        nested("need-list", enrolled),
        reverse("api:task-list"),
    ):
        response = client.get(url)
        assert response.status_code == 403
        assert NOTE not in response.content.decode()
