"""The case work pages: needs, case plan, contacts, tasks and the user's task list."""

import datetime as dt
import io

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from durchstarten.cases.choices import ResidenceStatusKind, TaskKind
from durchstarten.cases.models import CaseGoal, CaseStep, Contact, Need, Task
from durchstarten.cases.services import contacts as contact_services
from durchstarten.cases.services import plan as plan_services
from durchstarten.cases.services import tasks as task_services
from durchstarten.cases.services.participants import residence_status_record
from durchstarten.core.models import AuditEntry, Role
from tests.factories import ParticipantFactory, member

NOTE = "Vertraulich: Gespräch über die Familie"
STALE = "inzwischen von jemand anderem geändert"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def colleague(district):
    """Another case manager of the district: sees the person, but not the notes."""
    return member(Role.CASE_MANAGER, district)


@pytest.fixture
def need(enrolled, case_manager, today):
    return plan_services.need_record(
        actor=case_manager,
        participant=enrolled,
        category="german",
        priority="high",
        identified_on=today,
        description="B1 fehlt für die Ausbildung",
    )


@pytest.fixture
def goal(enrolled, case_manager, need):
    return plan_services.goal_create(
        actor=case_manager, participant=enrolled, title="B1-Prüfung bestehen", need=need
    )


@pytest.fixture
def step(goal, case_manager):
    return plan_services.step_add(
        actor=case_manager, goal=goal, title="Kurs anmelden", owner="Teilnehmer"
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
        interpreter_used=True,
        topics=["german", "housing"],
        note=NOTE,
    )


@pytest.fixture
def task(enrolled, case_manager, district, today):
    return task_services.task_create(
        actor=case_manager,
        district=district,
        participant=enrolled,
        title="Schulzeugnis anfordern",
        due_date=today - dt.timedelta(days=3),
    )


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def _url(name, participant=None, **kwargs):
    if participant is not None:
        kwargs["public_id"] = participant.public_id
    return reverse(f"cases:{name}", kwargs=kwargs)


def _detail(participant):
    return _url("participant_detail", participant)


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def _participant_urls(participant, need, goal, step, contact):
    """The participant's case work URLs with the methods each answers."""
    both = ("get", "post")
    return [
        (_url("need_create", participant), both),
        (_url("need_edit", participant, need_id=need.public_id), both),
        (_url("goal_create", participant), both),
        (_url("goal_status", participant, goal_id=goal.public_id), both),
        (_url("step_create", participant, goal_id=goal.public_id), both),
        (_url("step_complete", participant, step_id=step.public_id), ("post",)),
        (_url("contact_create", participant), both),
        (_url("contact_note", participant, contact_id=contact.public_id), ("get",)),
        (_url("participant_task_create", participant), both),
    ]


# --- Access -----------------------------------------------------------------------------------


def test_it_answers_404_to_outsiders(as_user, outsider, enrolled, need, goal, step, contact, task):
    client = as_user(outsider)
    urls = [
        *_participant_urls(enrolled, need, goal, step, contact),
        (_url("task_complete", task_id=task.public_id), ("post",)),
    ]
    for url, methods in urls:
        for method in methods:
            assert getattr(client, method)(url).status_code == 404, (method, url)
    assert Need.objects.count() == 1
    assert CaseGoal.objects.count() == 1
    assert Task.objects.get(pk=task.pk).done_at is None
    assert "Schulzeugnis anfordern" not in client.get(_url("my_tasks")).content.decode()


@pytest.mark.parametrize("role", ["state_analyst", "provider_staff"])
def test_it_forbids_case_work_to_other_roles(
    request, as_user, role, enrolled, need, goal, step, contact, task
):
    client = as_user(request.getfixturevalue(role))
    urls = [
        *_participant_urls(enrolled, need, goal, step, contact),
        (_url("my_tasks"), ("get",)),
        (_url("task_create"), ("get", "post")),
        (_url("task_complete", task_id=task.public_id), ("post",)),
    ]
    for url, methods in urls:
        for method in methods:
            assert getattr(client, method)(url).status_code == 403, (method, url)
    assert Task.objects.get(pk=task.pk).done_at is None


@pytest.mark.parametrize("role", ["coordinator", "case_manager", "coach"])
def test_it_lets_case_work_roles_record_a_need(request, as_user, role, enrolled, today):
    client = as_user(request.getfixturevalue(role))
    response = client.post(
        _url("need_create", enrolled),
        {"need-category": "housing", "need-priority": "medium", "need-identified_on": today},
    )
    assert response.status_code == 302
    assert response.url == _detail(enrolled)
    assert "Der Bedarf wurde erfasst." in _messages(response)
    assert enrolled.needs.get().category == "housing"


def test_it_lets_a_coach_work_only_on_shared_participants(as_user, coach, enrolled, district):
    unshared = ParticipantFactory(district=district, coaching_provider=enrolled.coaching_provider)
    client = as_user(coach)
    data = {"contact-date": timezone.localdate(), "contact-duration_minutes": 30}
    data["contact-channel"] = "phone"
    assert client.post(_url("contact_create", unshared), data).status_code == 404
    assert client.post(_url("contact_create", enrolled), data).status_code == 302
    assert Contact.objects.get().participant == enrolled


def test_it_shows_the_forms_on_pages_of_their_own(as_user, case_manager, enrolled, goal):
    client = as_user(case_manager)
    for url in [
        _url("need_create", enrolled),
        _url("goal_create", enrolled),
        _url("goal_status", enrolled, goal_id=goal.public_id),
        _url("step_create", enrolled, goal_id=goal.public_id),
        _url("contact_create", enrolled),
        _url("participant_task_create", enrolled),
        _url("task_create"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert 'class="ds-form"' in response.content.decode(), url


# --- Needs ------------------------------------------------------------------------------------


def test_it_answers_htmx_with_the_needs_section(as_user, case_manager, enrolled, today):
    response = as_user(case_manager).post(
        _url("need_create", enrolled),
        {
            "need-category": "training_place",
            "need-priority": "high",
            "need-identified_on": today,
            "need-description": "sucht Ausbildung als Elektroniker",
        },
        **HTMX,
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert body.lstrip().startswith('<section class="ds-section" id="needs"')
    assert "Ausbildungsplatz" in body
    assert "sucht Ausbildung als Elektroniker" in body
    assert "Der Bedarf wurde erfasst." in body
    assert _messages(response) == []


def test_it_shows_errors_of_an_invalid_need(as_user, case_manager, enrolled, today):
    client = as_user(case_manager)
    future = today + dt.timedelta(days=3)
    data = {"need-category": "", "need-priority": "medium", "need-identified_on": future}
    fragment = client.post(_url("need_create", enrolled), data, **HTMX).content.decode()
    assert "Bitte prüfen Sie Ihre Eingaben." in fragment
    assert '<details class="kern-accordion" open>' in fragment
    data["need-category"] = "german"
    page = client.post(_url("need_create", enrolled), data)
    assert page.status_code == 200
    assert "<html" in page.content.decode()
    assert "nicht in der Zukunft" in page.content.decode()
    assert not Need.objects.exists()


def test_it_changes_a_need(as_user, case_manager, enrolled, need, today):
    client = as_user(case_manager)
    url = _url("need_edit", enrolled, need_id=need.public_id)
    form = client.get(url)
    assert form.status_code == 200
    assert "B1 fehlt für die Ausbildung" in form.content.decode()
    response = client.post(
        url, {"status": "met", "priority": "low", "description": "erledigt", "version": 1}
    )
    assert response.status_code == 302
    assert response.url == _detail(enrolled)
    need.refresh_from_db()
    assert (need.status, need.priority, need.closed_on, need.version) == ("met", "low", today, 2)


def test_it_refuses_a_stale_need_version(as_user, case_manager, colleague, enrolled, need):
    plan_services.need_update(
        actor=colleague, need=need, version=1, status="in_progress", priority="high", description=""
    )
    response = as_user(case_manager).post(
        _url("need_edit", enrolled, need_id=need.public_id),
        {"status": "dropped", "priority": "low", "description": "", "version": 1},
    )
    assert response.status_code == 200
    assert STALE in response.content.decode()
    need.refresh_from_db()
    assert need.status == "in_progress"


def test_it_answers_404_for_another_participants_need(
    as_user, case_manager, enrolled, need, district
):
    other = ParticipantFactory(district=district)
    url = _url("need_edit", other, need_id=need.public_id)
    assert as_user(case_manager).get(url).status_code == 404


# --- Case plan --------------------------------------------------------------------------------


def test_it_creates_a_goal_linked_to_a_need(as_user, case_manager, enrolled, need, today):
    response = as_user(case_manager).post(
        _url("goal_create", enrolled),
        {
            "goal-title": "Ausbildungsplatz finden",
            "goal-need": need.public_id,
            "goal-due_date": today,
        },
        **HTMX,
    )
    assert response.status_code == 200
    assert "Ausbildungsplatz finden" in response.content.decode()
    goal = CaseGoal.objects.get()
    assert (goal.need, goal.due_date, goal.participant) == (need, today, enrolled)


def test_it_offers_only_the_participants_own_needs(as_user, case_manager, enrolled, district):
    other = ParticipantFactory(district=district)
    foreign = plan_services.need_record(
        actor=case_manager,
        participant=other,
        category="debts",
        priority="low",
        identified_on=timezone.localdate(),
    )
    response = as_user(case_manager).post(
        _url("goal_create", enrolled),
        {"goal-title": "Schulden klären", "goal-need": foreign.public_id},
    )
    assert response.status_code == 200
    assert not CaseGoal.objects.exists()


def test_it_changes_a_goals_status(as_user, case_manager, enrolled, goal):
    response = as_user(case_manager).post(
        _url("goal_status", enrolled, goal_id=goal.public_id), {f"goal{goal.pk}-status": "achieved"}
    )
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.status == "achieved"


def test_it_adds_a_step_and_marks_it_done(as_user, case_manager, enrolled, goal, today):
    client = as_user(case_manager)
    prefix = f"goal{goal.pk}-step"
    response = client.post(
        _url("step_create", enrolled, goal_id=goal.public_id),
        {f"{prefix}-title": "Anmeldung abgeben", f"{prefix}-owner": "Frau Yilmaz"},
        **HTMX,
    )
    assert response.status_code == 200
    assert "Anmeldung abgeben" in response.content.decode()
    step = CaseStep.objects.get(goal=goal)
    response = client.post(_url("step_complete", enrolled, step_id=step.public_id), **HTMX)
    assert response.status_code == 200
    assert 'id="plan"' in response.content.decode()
    step.refresh_from_db()
    assert step.done_on == today


def test_it_completes_steps_by_post_only(as_user, case_manager, enrolled, step):
    response = as_user(case_manager).get(_url("step_complete", enrolled, step_id=step.public_id))
    assert response.status_code == 405
    step.refresh_from_db()
    assert step.done_on is None


# --- Contacts ---------------------------------------------------------------------------------


def test_it_records_a_contact(as_user, case_manager, enrolled, today):
    response = as_user(case_manager).post(
        _url("contact_create", enrolled),
        {
            "contact-date": today,
            "contact-duration_minutes": 50,
            "contact-channel": "in_person",
            "contact-language": "ti",
            "contact-interpreter_used": "on",
            "contact-topics": ["german", "legal"],
            "contact-note": NOTE,
        },
        **HTMX,
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Tigrinya" in body
    assert "Deutsch, Rechts- und Aufenthaltsberatung" in body
    assert NOTE in body
    contact = Contact.objects.get()
    assert (contact.duration_minutes, contact.interpreter_used, contact.author) == (
        50,
        True,
        case_manager,
    )
    enrolled.refresh_from_db()
    assert enrolled.last_contact_on == today


def test_it_hints_what_belongs_in_a_note(as_user, case_manager, enrolled):
    body = as_user(case_manager).get(_url("contact_create", enrolled)).content.decode()
    assert "Nur Fachliches; keine Gesundheitsdetails ohne Erforderlichkeit" in body


def _contacts_section(client, participant):
    """The contacts section as htmx re-renders it (here after an empty, invalid post)."""
    response = client.post(_url("contact_create", participant), {}, **HTMX)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("role", ["case_manager", "coordinator"])
def test_it_shows_the_note_to_responsible_staff(request, as_user, role, enrolled, contact):
    client = as_user(request.getfixturevalue(role))
    section = _contacts_section(client, enrolled)
    assert NOTE in section
    assert "nur für zuständige Fachkräfte" not in section
    note_url = _url("contact_note", enrolled, contact_id=contact.public_id)
    assert note_url in section
    response = client.get(note_url)
    assert response.status_code == 200
    assert NOTE in response.content.decode()


def test_it_hides_the_note_from_other_case_managers(as_user, colleague, enrolled, contact):
    client = as_user(colleague)
    section = _contacts_section(client, enrolled)
    assert NOTE not in section
    assert "Notiz nur für zuständige Fachkräfte sichtbar" in section
    assert _url("contact_note", enrolled, contact_id=contact.public_id) not in section
    response = client.get(_url("contact_note", enrolled, contact_id=contact.public_id))
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action="cases.contact.note_viewed").exists()


def test_it_logs_reading_a_note_without_its_content(as_user, case_manager, enrolled, contact):
    as_user(case_manager).get(_url("contact_note", enrolled, contact_id=contact.public_id))
    entry = AuditEntry.objects.get(action="cases.contact.note_viewed")
    assert entry.actor == case_manager
    assert entry.object_id == str(enrolled.public_id)
    assert entry.district_id == enrolled.district_id
    assert NOTE not in str(entry.data)


def test_it_answers_404_for_another_participants_contact(
    as_user, case_manager, enrolled, contact, district
):
    other = ParticipantFactory(district=district, case_manager=case_manager)
    url = _url("contact_note", other, contact_id=contact.public_id)
    assert as_user(case_manager).get(url).status_code == 404


# --- Tasks on the participant page ------------------------------------------------------------


def test_it_creates_a_task_for_the_participant(as_user, coach, case_manager, enrolled, today):
    due = today + dt.timedelta(days=7)
    response = as_user(coach).post(
        _url("participant_task_create", enrolled),
        {
            "task-title": "Praktikum nachfragen",
            "task-due_date": due,
            "task-assignee": case_manager.pk,
        },
        **HTMX,
    )
    assert response.status_code == 200
    assert 'id="tasks"' in response.content.decode()
    assert "Praktikum nachfragen" in response.content.decode()
    task = Task.objects.get()
    assert (task.participant, task.assignee, task.due_date) == (enrolled, case_manager, due)


def test_it_assigns_a_task_to_the_author_by_default(as_user, case_manager, enrolled, today):
    response = as_user(case_manager).post(
        _url("participant_task_create", enrolled),
        {"task-title": "Anruf Ausländerbehörde", "task-due_date": today},
    )
    assert response.status_code == 302
    assert Task.objects.get().assignee == case_manager


def test_it_refuses_assignees_from_another_district(
    as_user, case_manager, outsider, enrolled, today
):
    response = as_user(case_manager).post(
        _url("participant_task_create", enrolled),
        {"task-title": "Anruf", "task-due_date": today, "task-assignee": outsider.pk},
    )
    assert response.status_code == 200
    assert not Task.objects.exists()


def test_it_completes_a_task_from_the_participant_page(as_user, case_manager, enrolled, task):
    response = as_user(case_manager).post(
        _url("task_complete", task_id=task.public_id), {"return_to": "participant"}, **HTMX
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="tasks"' in body
    assert "Keine offenen Wiedervorlagen." in body
    task.refresh_from_db()
    assert task.done_by == case_manager


def test_it_redirects_after_completing_without_javascript(as_user, case_manager, enrolled, task):
    client = as_user(case_manager)
    response = client.post(
        _url("task_complete", task_id=task.public_id), {"return_to": "participant"}
    )
    assert response.url == _detail(enrolled)
    again = client.post(_url("task_complete", task_id=task.public_id), {"return_to": "home"})
    assert again.url == reverse("home")
    assert "Die Aufgabe ist bereits erledigt." in _messages(again)


def test_it_lets_only_the_assignee_complete_a_general_task(
    as_user, case_manager, colleague, district, today
):
    general = task_services.task_create(
        actor=case_manager, district=district, title="Teamsitzung vorbereiten", due_date=today
    )
    assert (
        as_user(colleague).post(_url("task_complete", task_id=general.public_id)).status_code == 404
    )
    response = as_user(case_manager).post(_url("task_complete", task_id=general.public_id))
    assert response.url == _url("my_tasks")
    general.refresh_from_db()
    assert general.done_at is not None


# --- My tasks ---------------------------------------------------------------------------------


def _task(user, participant, title, due_date):
    return task_services.task_create(
        actor=user,
        district=participant.district,
        participant=participant,
        title=title,
        due_date=due_date,
    )


def test_it_lists_overdue_and_upcoming_tasks(as_user, case_manager, enrolled, today):
    overdue = _task(case_manager, enrolled, "Zeugnis anfordern", today - dt.timedelta(days=2))
    soon = _task(case_manager, enrolled, "Termin Jobcenter", today + dt.timedelta(days=14))
    _task(case_manager, enrolled, "Nachfassen im Frühjahr", today + dt.timedelta(days=15))
    response = as_user(case_manager).get(_url("my_tasks"))
    assert response.context["tasks"] == {"overdue": [overdue], "upcoming": [soon]}
    body = response.content.decode()
    day = (today - dt.timedelta(days=2)).strftime("%d.%m.%Y")
    assert f"überfällig seit {day}" in body
    assert "Termin Jobcenter" in body
    assert "Nachfassen im Frühjahr" not in body
    assert enrolled.full_name in body
    assert _detail(enrolled) in body


def test_it_says_when_there_are_no_tasks(as_user, case_manager, district):
    body = as_user(case_manager).get(_url("my_tasks")).content.decode()
    assert "Keine offenen Wiedervorlagen." in body


def test_it_never_shows_notes_in_task_lists(as_user, case_manager, enrolled, contact, task):
    client = as_user(case_manager)
    for url in (_url("my_tasks"), reverse("home")):
        body = client.get(url).content.decode()
        assert "Schulzeugnis anfordern" in body, url
        assert NOTE not in body, url


def _query_count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_it_lists_my_tasks_in_constant_queries(as_user, case_manager, enrolled, district, today):
    client = as_user(case_manager)
    _task(case_manager, enrolled, "Aufgabe 0", today)
    one = _query_count(client, _url("my_tasks"))
    for number in range(1, 10):
        other = ParticipantFactory(district=district)
        _task(case_manager, other, f"Aufgabe {number}", today - dt.timedelta(days=number % 3))
    assert _query_count(client, _url("my_tasks")) == one


def test_it_completes_a_task_from_my_tasks(as_user, case_manager, enrolled, task):
    response = as_user(case_manager).post(
        _url("task_complete", task_id=task.public_id), {"return_to": "my_tasks"}, **HTMX
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="ds-task-lists">')
    assert "Die Aufgabe „Schulzeugnis anfordern“ ist erledigt." in body
    assert "Keine offenen Wiedervorlagen." in body


def test_it_creates_a_general_task(as_user, case_manager, colleague, today):
    response = as_user(case_manager).post(
        _url("task_create"),
        {"task-title": "Netzwerktreffen", "task-due_date": today, "task-assignee": colleague.pk},
    )
    assert response.status_code == 302
    assert response.url == _url("my_tasks")
    task = Task.objects.get()
    assert (task.participant, task.assignee) == (None, colleague)


def test_it_shows_errors_of_an_invalid_general_task(as_user, case_manager):
    response = as_user(case_manager).post(_url("task_create"), {"task-title": ""})
    assert response.status_code == 200
    assert "Bitte prüfen Sie Ihre Eingaben." in response.content.decode()
    assert not Task.objects.exists()


def test_it_shows_the_task_lists_on_the_start_page(as_user, case_manager, enrolled, task, today):
    body = as_user(case_manager).get(reverse("home")).content.decode()
    day = (today - dt.timedelta(days=3)).strftime("%d.%m.%Y")
    assert f"überfällig seit {day}" in body
    assert 'name="return_to" value="home"' in body
    assert "Keine offenen Wiedervorlagen." not in body


# --- Automatic tasks --------------------------------------------------------------------------


def _expiring_status(participant, actor, today):
    residence_status_record(
        actor=actor,
        participant=participant,
        kind=ResidenceStatusKind.DULDUNG,
        valid_from=dt.date(2026, 2, 1),
        valid_until=today + dt.timedelta(days=20),
    )


def test_it_lists_automatic_tasks(as_user, case_manager, enrolled, contact, today):
    _expiring_status(enrolled, case_manager, today)
    task_services.tasks_generate_automatic(today=today)
    response = as_user(case_manager).get(_url("my_tasks"))
    upcoming = response.context["tasks"]["upcoming"]
    assert [task.kind for task in upcoming] == [TaskKind.STATUS_EXPIRY]
    body = response.content.decode()
    assert "Aufenthaltsstatus läuft ab" in body
    assert "automatisch" in body


def test_it_generates_automatic_tasks_once(case_manager, enrolled, today):
    _expiring_status(enrolled, case_manager, today)
    first, second = io.StringIO(), io.StringIO()
    call_command("generate_tasks", "--date", today.isoformat(), stdout=first)
    count = Task.objects.count()
    call_command("generate_tasks", "--date", today.isoformat(), stdout=second)
    assert "status_expiry: 1" in first.getvalue()
    assert count >= 1
    assert Task.objects.count() == count
    assert all(line.endswith(": 0") for line in second.getvalue().splitlines())
