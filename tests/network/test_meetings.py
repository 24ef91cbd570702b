"""Steering-group meetings: rules, action items in the owners' task lists, pages."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from durchstarten.cases.models import Task
from durchstarten.cases.selectors import my_tasks
from durchstarten.cases.services import tasks as task_services
from durchstarten.core.models import AuditEntry, Role
from durchstarten.network.choices import MeetingFormat
from durchstarten.network.models import ActionItem, Meeting
from durchstarten.network.services import meetings as services
from tests.core.filtering import get_filtered
from tests.factories import ProviderFactory, member
from tests.network.factories import MeetingFactory, PartnerFactory


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def meeting(coordinator, district, provider, today):
    partner = PartnerFactory(district=district, name="Jobcenter Kreis Gütersloh")
    return services.meeting_create(
        actor=coordinator,
        district=district,
        title="3. Sitzung der Bündniskerngruppe",
        date=today,
        format=MeetingFormat.HYBRID,
        place="Kreishaus, Raum 2.14",
        link="https://konferenz.example.org/bkg",
        start_time=dt.time(14, 0),
        end_time=dt.time(16, 0),
        providers=[provider],
        partners=[partner],
        other_attendees="Ausländerbehörde\nFlüchtlingsrat",
        agenda="Begrüßung\nBericht Teilhabemanagement\nVerschiedenes",
        minutes="Die Kerngruppe berät über die Zahlen des Quartals.",
        decisions="Das Qualitätshandbuch wird angenommen.\nNächste Sitzung im Juni.",
    )


def _item(coordinator, meeting, owner, today, text="Zahlen für den Sachbericht liefern"):
    return services.action_item_create(
        actor=coordinator,
        meeting=meeting,
        text=text,
        owner=owner,
        due_date=today + dt.timedelta(days=7),
    )


def _url(name, obj=None):
    if obj is None:
        return reverse(f"network:{name}")
    return reverse(f"network:{name}", kwargs={"public_id": obj.public_id})


# --- Meeting rules ---------------------------------------------------------------------------


def test_it_records_a_meeting_with_its_attendees(meeting, provider):
    assert list(meeting.providers.all()) == [provider]
    assert [p.name for p in meeting.partners.all()] == ["Jobcenter Kreis Gütersloh"]
    assert meeting.agenda_items == ["Begrüßung", "Bericht Teilhabemanagement", "Verschiedenes"]
    assert meeting.decision_list[0] == "Das Qualitätshandbuch wird angenommen."
    assert meeting.other_attendee_list == ["Ausländerbehörde", "Flüchtlingsrat"]
    entry = AuditEntry.objects.get(action="network.meeting.created")
    assert entry.object_id == str(meeting.public_id)
    assert "Bündniskerngruppe" not in str(entry.data)


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"format": MeetingFormat.IN_PERSON}, {"place": "Bitte geben Sie den Ort der Sitzung an."}),
        (
            {"format": MeetingFormat.DIGITAL},
            {"link": "Bitte geben Sie den Link zur Videokonferenz an."},
        ),
        (
            {"format": MeetingFormat.HYBRID, "place": "Kreishaus"},
            {"link": "Bitte geben Sie den Link zur Videokonferenz an."},
        ),
        (
            {"format": MeetingFormat.DIGITAL, "link": "http://unsicher.example.org"},
            {"link": "Der Link muss mit https:// beginnen."},
        ),
        (
            {
                "format": MeetingFormat.IN_PERSON,
                "place": "Kreishaus",
                "start_time": dt.time(15, 0),
                "end_time": dt.time(14, 0),
            },
            {"end_time": "Das Ende darf nicht vor dem Beginn liegen."},
        ),
    ],
)
def test_it_checks_place_link_and_times(coordinator, district, today, fields, errors):
    with pytest.raises(ValidationError) as error:
        services.meeting_create(
            actor=coordinator, district=district, title="Sitzung", date=today, **fields
        )
    assert {k: v[0] for k, v in error.value.message_dict.items()} == errors
    assert not Meeting.objects.exists()


def test_it_refuses_attendees_of_another_district(coordinator, district, other_district, today):
    foreign = ProviderFactory(district=other_district, name="Fremder Träger")
    with pytest.raises(ValidationError) as error:
        services.meeting_create(
            actor=coordinator,
            district=district,
            title="Sitzung",
            date=today,
            format=MeetingFormat.DIGITAL,
            link="https://example.org/x",
            providers=[foreign],
        )
    assert "providers" in error.value.message_dict


@pytest.mark.parametrize("role", ["case_manager", "coach", "provider_staff", "outsider"])
def test_it_lets_only_the_districts_coordinators_write(request, role, district, meeting, today):
    actor = request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        services.meeting_create(
            actor=actor, district=district, title="x", date=today, format="digital", link=""
        )
    with pytest.raises(PermissionDenied):
        services.meeting_update(
            actor=actor, meeting=meeting, version=1, providers=[], partners=[], title="y"
        )
    with pytest.raises(PermissionDenied):
        services.meeting_delete(actor=actor, meeting=meeting)


def test_it_detects_concurrent_edits(coordinator, meeting):
    services.meeting_update(
        actor=coordinator, meeting=meeting, version=1, providers=[], partners=[], minutes="A"
    )
    with pytest.raises(ValidationError) as error:
        services.meeting_update(
            actor=coordinator, meeting=meeting, version=1, providers=[], partners=[], minutes="B"
        )
    assert error.value.code == "stale"
    meeting.refresh_from_db()
    assert (meeting.minutes, meeting.version) == ("A", 2)


# --- Action items ----------------------------------------------------------------------------


def test_it_puts_an_action_item_into_the_owners_task_list(
    coordinator, case_manager, district, meeting, today
):
    item = _item(coordinator, meeting, case_manager, today)
    task = item.task
    assert task.assignee == case_manager
    assert task.participant is None
    assert task.district == district
    assert task.due_date == today + dt.timedelta(days=7)
    assert task.title == (f"Steuerungsgruppe {today:%d.%m.%Y}: Zahlen für den Sachbericht liefern")
    assert task.steering_action_item == item
    assert my_tasks(case_manager, district_id=district.pk, day=today)["upcoming"] == [task]
    assert AuditEntry.objects.filter(action="cases.task.created").exists()
    assert AuditEntry.objects.filter(action="network.action_item.created").exists()


def test_it_completes_the_item_when_the_task_is_done_in_the_task_list(
    coordinator, case_manager, meeting, today
):
    item = _item(coordinator, meeting, case_manager, today)
    assert not item.is_done
    task_services.task_complete(actor=case_manager, task=Task.objects.get(pk=item.task_id))
    item = ActionItem.objects.select_related("task").get(pk=item.pk)
    assert item.is_done
    with pytest.raises(ValidationError):
        services.action_item_complete(actor=coordinator, item=item)


def test_it_completes_the_task_when_the_item_is_done_at_the_meeting(
    coordinator, case_manager, district, meeting, today
):
    item = _item(coordinator, meeting, case_manager, today)
    services.action_item_complete(actor=case_manager, item=item)
    task = Task.objects.get(pk=item.task_id)
    assert task.done_by == case_manager
    assert task.done_at is not None
    assert my_tasks(case_manager, district_id=district.pk, day=today)["upcoming"] == []


def test_it_lets_only_coordinators_and_the_owner_complete(
    coordinator, case_manager, district, meeting, today
):
    colleague = member(Role.CASE_MANAGER, district)
    item = _item(coordinator, meeting, colleague, today)
    with pytest.raises(PermissionDenied):
        services.action_item_complete(actor=case_manager, item=item)
    services.action_item_complete(actor=coordinator, item=item)
    assert ActionItem.objects.get(pk=item.pk).is_done


def test_it_refuses_owners_without_a_task_list(
    coordinator, provider_staff, outsider, meeting, today
):
    for owner in (provider_staff, outsider):
        with pytest.raises(ValidationError) as error:
            _item(coordinator, meeting, owner, today)
        assert error.value.message_dict["owner"][0].startswith(
            "Die Person arbeitet nicht in diesem Kreis"
        )
    assert not ActionItem.objects.exists()
    assert not Task.objects.exists()


def test_it_refuses_a_due_date_before_the_meeting(coordinator, case_manager, meeting, today):
    with pytest.raises(ValidationError) as error:
        services.action_item_create(
            actor=coordinator,
            meeting=meeting,
            text="Rückblick",
            owner=case_manager,
            due_date=today - dt.timedelta(days=1),
        )
    assert error.value.message_dict == {
        "due_date": ["Die Frist darf nicht vor dem Sitzungstag liegen."]
    }


def test_it_keeps_a_meeting_with_open_action_items(coordinator, case_manager, meeting, today):
    item = _item(coordinator, meeting, case_manager, today)
    with pytest.raises(ValidationError) as error:
        services.meeting_delete(actor=coordinator, meeting=meeting)
    assert "noch 1 offene Aufgabe(n)" in error.value.messages[0]
    services.action_item_complete(actor=case_manager, item=item)
    services.meeting_delete(actor=coordinator, meeting=meeting)
    assert not Meeting.objects.exists()
    # The done task stays in the owner's history.
    assert Task.objects.filter(pk=item.task_id, done_at__isnull=False).exists()


# --- Pages -------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["coordinator", "case_manager"])
def test_it_shows_meetings_to_district_staff(request, client, role, meeting):
    client.force_login(request.getfixturevalue(role))
    assert "3. Sitzung der Bündniskerngruppe" in client.get(_url("meeting_list")).content.decode()
    body = client.get(_url("meeting_detail", meeting)).content.decode()
    for text in ("Bericht Teilhabemanagement", "Flüchtlingsrat", "Nächste Sitzung im Juni."):
        assert text in body


@pytest.mark.parametrize("role", ["coach", "provider_staff", "state_analyst"])
def test_it_forbids_meetings_to_other_roles(request, client, role, meeting):
    client.force_login(request.getfixturevalue(role))
    assert client.get(_url("meeting_list")).status_code == 403
    assert client.get(_url("meeting_detail", meeting)).status_code == 403


def test_it_hides_other_districts_meetings(client, outsider, meeting):
    client.force_login(outsider)
    assert client.get(_url("meeting_detail", meeting)).status_code == 404
    assert client.get(_url("meeting_edit", meeting)).status_code == 404
    assert client.post(_url("action_item_create", meeting)).status_code == 404
    assert "3. Sitzung" not in client.get(_url("meeting_list")).content.decode()


def test_it_records_a_meeting_and_an_action_item_through_the_pages(
    client, coordinator, case_manager, district, today
):
    client.force_login(coordinator)
    response = client.post(
        _url("meeting_create"),
        {
            "title": "Sitzung im Mai",
            "date": today.isoformat(),
            "format": "digital",
            "link": "https://konferenz.example.org/mai",
            "agenda": "Bericht",
        },
    )
    meeting = Meeting.objects.get()
    assert response["Location"] == _url("meeting_detail", meeting)
    response = client.post(
        _url("action_item_create", meeting),
        {
            "action-text": "Einladung verschicken",
            "action-owner": case_manager.pk,
            "action-due_date": (today + dt.timedelta(days=3)).isoformat(),
        },
    )
    assert response.status_code == 302
    item = meeting.action_items.get()
    body = client.get(_url("meeting_detail", meeting)).content.decode()
    assert "Einladung verschicken" in body
    assert _url("action_item_complete", item) in body

    client.force_login(case_manager)
    tasks = client.get(reverse("cases:my_tasks")).content.decode()
    assert f"Steuerungsgruppe {today:%d.%m.%Y}: Einladung verschicken" in tasks
    assert client.post(_url("action_item_complete", item)).status_code == 302
    assert ActionItem.objects.select_related("task").get(pk=item.pk).is_done


def test_it_explains_form_errors_in_german(client, coordinator, meeting):
    client.force_login(coordinator)
    body = client.post(_url("meeting_create"), {"format": "in_person"}).content.decode()
    assert "Bitte prüfen Sie Ihre Eingaben." in body
    assert "Dieses Feld ist zwingend erforderlich." in body
    body = client.post(
        _url("action_item_create", meeting), {"action-text": "x", "action-due_date": "gestern"}
    ).content.decode()
    assert "Bitte ein gültiges Datum eingeben." in body


def test_it_tells_why_a_meeting_cannot_be_deleted(
    client, coordinator, case_manager, meeting, today
):
    _item(coordinator, meeting, case_manager, today)
    client.force_login(coordinator)
    response = client.post(_url("meeting_delete", meeting))
    assert response.status_code == 200
    assert "Die Sitzung kann noch nicht gelöscht werden." in response.content.decode()
    assert Meeting.objects.exists()


def test_it_rejects_a_stale_edit_on_the_page(client, coordinator, meeting):
    client.force_login(coordinator)
    data = {
        "title": meeting.title,
        "date": meeting.date.isoformat(),
        "format": meeting.format,
        "place": meeting.place,
        "link": meeting.link,
        "version": 1,
    }
    assert client.post(_url("meeting_edit", meeting), data).status_code == 302
    body = client.post(_url("meeting_edit", meeting), data).content.decode()
    assert "inzwischen von jemand anderem geändert" in body


# --- List ----------------------------------------------------------------------------------------


def _queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params or {}).status_code == 200
    return len(queries)


def test_it_keeps_the_list_queries_constant(client, coordinator, case_manager, district, today):
    client.force_login(coordinator)
    url = _url("meeting_list")
    MeetingFactory(district=district)
    client.get(url)
    expected = _queries(client, url)
    for n in range(8):
        meeting = MeetingFactory(district=district, date=dt.date(2025 - n % 2, 3, 1 + n))
        _item(coordinator, meeting, case_manager, meeting.date)
    assert _queries(client, url) == expected


def test_it_searches_filters_and_sorts_meetings(client, coordinator, district):
    client.force_login(coordinator)
    MeetingFactory(district=district, title="Frühjahr", date=dt.date(2025, 3, 1))
    MeetingFactory(
        district=district,
        title="Herbst",
        date=dt.date(2025, 10, 1),
        format=MeetingFormat.DIGITAL,
        decisions="Qualitätshandbuch beschlossen",
    )
    MeetingFactory(district=district, title="Winter", date=dt.date(2026, 1, 20))

    def titles(**params):
        page = get_filtered(client, _url("meeting_list"), **params).context["page_obj"]
        return [m.title for m in page]

    assert titles() == ["Winter", "Herbst", "Frühjahr"]  # newest first
    assert titles(sort="date") == ["Frühjahr", "Herbst", "Winter"]
    assert titles(sort="title") == ["Frühjahr", "Herbst", "Winter"]
    assert titles(year="2025") == ["Herbst", "Frühjahr"]
    assert titles(format="digital") == ["Herbst"]
    assert titles(q="qualitätshandbuch") == ["Herbst"]
    response = get_filtered(
        client, _url("meeting_list"), q="Winter", headers={"HX-Request": "true"}
    )
    assert "<html" not in response.content.decode()
    assert "Winter" in response.content.decode()
