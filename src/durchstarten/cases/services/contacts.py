"""Counselling contacts. The note is sensitive and never leaves the record (no audit content)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from durchstarten.cases.choices import LANGUAGE_CODES, ContactChannel, NeedCategory
from durchstarten.cases.models import Contact, Participant
from durchstarten.cases.services._common import not_in_future, require_case_work
from durchstarten.core.audit import log_action
from durchstarten.core.models import User

MAX_MINUTES = 8 * 60


@transaction.atomic
def contact_record(
    *,
    actor: User,
    participant: Participant,
    date: dt.date,
    duration_minutes: int,
    channel: str,
    language: str = "",
    interpreter_used: bool = False,
    topics: list[str] | None = None,
    note: str = "",
) -> Contact:
    require_case_work(actor, participant)
    not_in_future("date", date)
    topics = list(topics or [])
    errors = {}
    if not 1 <= duration_minutes <= MAX_MINUTES:
        errors["duration_minutes"] = _("Die Dauer muss zwischen 1 und 480 Minuten liegen.")
    if language and language not in LANGUAGE_CODES:
        errors["language"] = _("Unbekannte Sprache.")
    if set(topics) - set(NeedCategory.values):
        errors["topics"] = _("Unbekanntes Thema.")
    if channel not in ContactChannel.values:
        errors["channel"] = _("Bitte wählen Sie die Form des Kontakts.")
    if errors:
        raise ValidationError(errors)
    contact = Contact.objects.create(
        participant=participant,
        date=date,
        duration_minutes=duration_minutes,
        channel=channel,
        language=language,
        interpreter_used=interpreter_used,
        topics=topics,
        note=note,
        author=actor,
    )
    # Keeps "no contact for 8 weeks" a cheap column comparison.
    Participant.objects.filter(pk=participant.pk).filter(
        Q(last_contact_on__isnull=True) | Q(last_contact_on__lt=date)
    ).update(last_contact_on=date)
    if participant.last_contact_on is None or participant.last_contact_on < date:
        participant.last_contact_on = date
    log_action(
        "cases.contact.recorded",
        actor=actor,
        obj=participant,
        data={"channel": channel, "minutes": duration_minutes, "has_note": bool(note)},
    )
    return contact
