"""The calendar feed: a secret, revocable ICS address per user, scoped on every request."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from durchstarten.cases.choices import ConsentPurpose
from durchstarten.cases.models import Consent
from durchstarten.core.models import AuditEntry, Role
from durchstarten.exports.calendar import reference
from durchstarten.exports.models import CalendarFeed, FeedDetail
from durchstarten.exports.services import token_hash
from durchstarten.offers.choices import ReferralState
from tests.exports.conftest import allow_export, refer, task
from tests.factories import member

SETTINGS = "exports:calendar"


@pytest.fixture
def subscribe(client):
    """Sign in as `user`, make the calendar address with `options` and return its path."""

    def make(user, **options):
        client.force_login(user)
        data = {"detail": FeedDetail.REFERENCE, **options}
        response = client.post(reverse(SETTINGS), data)
        assert response.status_code == 302, response.content.decode()[:2000]
        html = client.get(reverse(SETTINGS)).content.decode()
        url = re.search(r'value="(http://testserver/exporte/kalender/[^"]+\.ics)"', html)
        assert url, "the new address is shown once"
        client.logout()
        return url.group(1).removeprefix("http://testserver")

    return make


def _events(response) -> dict[str, dict]:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    return {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}


def test_it_makes_an_address_that_outlook_can_read(client, subscribe, case_manager, people):
    item = task(case_manager, people[0], days=4, title="Ausländerbehörde Termin mit Amal")
    path = subscribe(case_manager)
    response = client.get(path)
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["VERSION"]) == "2.0" and calendar["PRODID"]
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(calendar["X-WR-TIMEZONE"]) == "Europe/Berlin"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == f"Aufgabe · {reference(people[0])}"
    assert event.decoded("DTSTART") == item.due_date
    assert event["DTSTART"].params["VALUE"] == "DATE"
    assert event.decoded("DTEND") == item.due_date + dt.timedelta(days=1)
    assert event.decoded("DTSTAMP").tzinfo is not None
    assert str(event["URL"]).endswith(f"/faelle/{people[0].public_id}/")
    body = response.content.decode()
    assert "Amal" not in body and "Haddad" not in body and "Ausländerbehörde" not in body
    # The same data gives the same events: UIDs stay, calendar programs update in place.
    again = Calendar.from_ical(client.get(path).content)
    assert [e["UID"] for e in again.walk("VEVENT")] == [event["UID"]]


def test_it_stores_only_a_hash_of_the_token(client, subscribe, case_manager):
    path = subscribe(case_manager)
    token = path.rsplit("/", 1)[1].removesuffix(".ics")
    feed = CalendarFeed.objects.get(user=case_manager)
    assert feed.token_hash == token_hash(token) != token
    assert token not in str(CalendarFeed.objects.filter(pk=feed.pk).values().get())
    assert "token" not in client.get(path).content.decode().lower()


def test_it_shows_the_address_only_once(client, subscribe, case_manager):
    subscribe(case_manager)
    client.force_login(case_manager)
    html = client.get(reverse(SETTINGS)).content.decode()
    assert ".ics" not in html
    assert "Neue Adresse erzeugen" in html


def test_it_shows_initials_or_names_only_when_chosen(client, subscribe, case_manager, people):
    task(case_manager, people[0], title="Bewerbung")
    path = subscribe(case_manager, detail=FeedDetail.INITIALS, show_titles="on")
    ref = reference(people[0])
    assert list(_events(client.get(path))) == [f"Aufgabe: Bewerbung · A. H. ({ref})"]
    allow_export(case_manager)
    client.force_login(case_manager)
    feed = CalendarFeed.objects.get()
    response = client.post(
        reverse(SETTINGS), {"detail": FeedDetail.FULL_NAME, "version": feed.version}
    )
    assert response.status_code == 302
    client.logout()
    assert list(_events(client.get(path))) == [f"Aufgabe · Amal Haddad ({ref})"]
    # Without the export permission any more, names give way to initials.
    allow_export(case_manager, False)
    assert list(_events(client.get(path))) == [f"Aufgabe · A. H. ({ref})"]


def test_it_refuses_full_names_without_the_export_permission(client, case_manager):
    client.force_login(case_manager)
    response = client.post(reverse(SETTINGS), {"detail": FeedDetail.FULL_NAME})
    assert response.status_code == 200
    assert "nur mit der Berechtigung zum Export" in response.content.decode()
    assert not CalendarFeed.objects.exists()


def test_it_drops_events_the_moment_consent_is_withdrawn(client, subscribe, coach, people, course):
    task(coach, people[0], title="Coaching")
    refer(people[1], course, state=ReferralState.ACCEPTED, accepted_on=timezone.localdate())
    path = subscribe(coach)
    assert sorted(_events(client.get(path))) == [
        f"Aufgabe · {reference(people[0])}",
        f"Vermittlungsbeginn · {reference(people[1])}",
    ]
    Consent.objects.filter(purpose=ConsentPurpose.PROVIDER_SHARING).update(
        withdrawn_on=timezone.localdate()
    )
    assert _events(client.get(path)) == {}


def test_it_shows_referral_starts_in_reach(client, subscribe, provider_staff, people, course):
    accepted = refer(people[0], course, state=ReferralState.ACCEPTED)
    started_on = timezone.localdate() - dt.timedelta(days=3)
    refer(people[1], course, state=ReferralState.STARTED, started_on=started_on)
    refer(people[2], course, state=ReferralState.ACCEPTED)  # no sharing consent
    events = _events(client.get(subscribe(provider_staff)))
    assert {summary: event.decoded("DTSTART") for summary, event in events.items()} == {
        f"Vermittlungsbeginn · {reference(people[0])}": accepted.offer.start_date,
        f"Vermittlungsbeginn · {reference(people[1])}": started_on,
    }
    # Provider staff never get a link into the case file.
    assert all(str(e["URL"]).endswith("/angebote/vermittlungen/") for e in events.values())


def test_it_answers_conditional_requests(client, subscribe, case_manager, people):
    task(case_manager, people[0])
    path = subscribe(case_manager)
    first = client.get(path)
    assert "private" in first["Cache-Control"] and "no-store" not in first["Cache-Control"]
    assert first["ETag"] and first["Last-Modified"]
    assert client.get(path, headers={"If-None-Match": first["ETag"]}).status_code == 304
    since = {"If-Modified-Since": first["Last-Modified"]}
    assert client.get(path, headers=since).status_code == 304
    task(case_manager, people[1])
    changed = client.get(path, headers={"If-None-Match": first["ETag"]})
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]


def test_it_revokes_the_address_after_confirmation(client, subscribe, case_manager):
    path = subscribe(case_manager)
    client.force_login(case_manager)
    page = client.get(reverse("exports:calendar_revoke"))
    assert "Wirklich widerrufen?" in page.content.decode()
    assert client.get(path).status_code == 200
    assert client.post(reverse("exports:calendar_revoke")).status_code == 302
    assert client.get(path).status_code == 404
    assert client.get(reverse("exports:calendar_revoke")).status_code == 404


def test_it_regenerates_the_address_after_confirmation(client, subscribe, case_manager):
    old = subscribe(case_manager)
    client.force_login(case_manager)
    assert (
        "Wirklich eine neue Adresse"
        in client.get(reverse("exports:calendar_regenerate")).content.decode()
    )
    assert client.post(reverse("exports:calendar_regenerate")).status_code == 302
    html = client.get(reverse(SETTINGS)).content.decode()
    new = re.search(r'value="http://testserver(/exporte/kalender/[^"]+\.ics)"', html).group(1)
    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_it_answers_404_for_unknown_tokens_and_inactive_users(client, subscribe, case_manager):
    path = subscribe(case_manager)
    assert client.get("/exporte/kalender/erfunden.ics").status_code == 404
    case_manager.is_active = False
    case_manager.save(update_fields=["is_active"])
    assert client.get(path).status_code == 404


def test_it_logs_fetches_without_the_token(client, subscribe, case_manager, people):
    task(case_manager, people[0])
    path = subscribe(case_manager)
    token = path.rsplit("/", 1)[1].removesuffix(".ics")
    client.get(path)
    entry = AuditEntry.objects.get(action="calendar.feed.fetched")
    assert entry.actor == case_manager and entry.data == {"events": 1}
    assert entry.ip_address == "127.0.0.1"
    for row in AuditEntry.objects.values():
        assert token not in str(row) and token_hash(token) not in str(row)
    assert AuditEntry.objects.filter(action="calendar.feed.created").exists()


def test_it_reads_a_constant_number_of_queries(client, subscribe, coordinator, people, course):
    path = subscribe(coordinator)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    task(coordinator, people[0])
    refer(people[0], course, state=ReferralState.ACCEPTED)
    few = count()
    for participant in people:
        task(coordinator, participant)
    refer(people[1], course, state=ReferralState.ACCEPTED)
    refer(people[2], course, state=ReferralState.ACCEPTED)
    assert count() == few <= 12


@pytest.mark.parametrize("role", [Role.STATE_ANALYST, Role.ADMIN])
def test_it_offers_no_calendar_to_roles_without_tasks(client, role, db):
    client.force_login(member(role))
    assert client.get(reverse(SETTINGS)).status_code == 403


def test_it_needs_a_login_for_the_settings_but_not_for_the_feed(client, subscribe, case_manager):
    path = subscribe(case_manager)
    assert client.get(reverse(SETTINGS)).status_code == 302
    assert client.get(path).status_code == 200
