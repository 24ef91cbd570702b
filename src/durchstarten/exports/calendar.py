"""The ICS calendar of a user's open tasks and the referral starts in their reach.

Events are all-day (DTSTART/DTEND as dates) and name a person only as far as the user chose
(FeedDetail): by default the kind of event and the person's reference ("TN-3F2A9C1B", the
start of the record's public id), never the task's or offer's title. Full names need the
export permission in the person's district, since the calendar leaves the system.
Every value that is not fixed text comes from the records, so the same data gives the same
bytes: the ETag is a hash of them. UIDs are keyed hashes of the record ids, stable for as long
as the record and SECRET_KEY stay.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone

from durchstarten.exports.models import CalendarFeed, FeedDetail

PRODID = "-//Durchstarten in Ausbildung und Arbeit//Kalender//DE"
TZID = "Europe/Berlin"
UID_DOMAIN = "durchstarten.invalid"
REFRESH = dt.timedelta(hours=1)


def reference(participant) -> str:
    """A person's short reference in calendars: no name, unique enough to tell cases apart."""
    return "TN-" + participant.public_id.hex[:8].upper()


def initials(participant) -> str:
    names = [participant.given_names, participant.family_name]
    return " ".join(f"{name.strip()[0]}." for name in names if name and name.strip())


@dataclass(frozen=True)
class Item:
    uid: str
    day: dt.date
    summary: str
    stamp: dt.datetime
    url: str = ""


def _uid(kind: str, pk: int) -> str:
    digest = salted_hmac(
        "durchstarten.exports.calendar", f"{kind}:{pk}", algorithm="sha256"
    ).hexdigest()[:32]
    return f"{kind}-{digest}@{UID_DOMAIN}"


def _person(feed: CalendarFeed, participant, *, names_allowed: bool) -> str:
    if participant is None:
        return ""
    ref = reference(participant)
    if feed.detail == FeedDetail.FULL_NAME and names_allowed:
        return f"{participant.full_name} ({ref})"
    if feed.detail in (FeedDetail.INITIALS, FeedDetail.FULL_NAME):
        return f"{initials(participant)} ({ref})"
    return ref


def _summary(label: str, title: str, person: str) -> str:
    head = f"{label}: {title}" if title else label
    return f"{head} · {person}" if person else head


def _midnight_utc(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def task_item(feed: CalendarFeed, task, *, names_allowed: bool, url: str = "") -> Item:
    participant = task.participant if task.participant_id else None
    return Item(
        uid=_uid("task", task.pk),
        day=task.due_date,
        summary=_summary(
            _("Aufgabe"),
            task.title if feed.show_titles else "",
            _person(feed, participant, names_allowed=names_allowed),
        ),
        stamp=task.created_at.astimezone(dt.UTC).replace(microsecond=0),
        url=url,
    )


def referral_item(feed: CalendarFeed, referral, *, names_allowed: bool, url: str = "") -> Item:
    day = referral.started_on or referral.offer.start_date
    return Item(
        uid=_uid("referral", referral.pk),
        day=day,
        summary=_summary(
            _("Vermittlungsbeginn"),
            referral.offer.title if feed.show_titles else "",
            _person(feed, referral.participant, names_allowed=names_allowed),
        ),
        stamp=_midnight_utc(referral.proposed_on),
        url=url,
    )


def feed_uid(feed: CalendarFeed) -> str:
    return _uid("calendar", feed.user_id)


def render(items: list[Item], *, name: str, uid: str) -> bytes:
    """The calendar as ICS bytes, events in a stable order."""
    calendar = Calendar.new(
        prodid=PRODID, method="PUBLISH", calscale="GREGORIAN", name=name, uid=uid
    )
    calendar.add("x-wr-timezone", TZID)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", REFRESH)
    calendar.add_component(Timezone.from_tzid(TZID))
    for item in sorted(items, key=lambda i: (i.day, i.uid)):
        event = Event.new(
            uid=item.uid,
            start=item.day,
            end=item.day + dt.timedelta(days=1),
            stamp=item.stamp,
            summary=item.summary,
            transparency="TRANSPARENT",
            url=item.url or None,
        )
        event.add("class", "PRIVATE")
        calendar.add_component(event)
    return calendar.to_ical()
