"""Participant records, their names' search keys, residence status history and outreach."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from durchstarten.cases import names
from durchstarten.cases.choices import LANGUAGE_CODES, OutreachResult
from durchstarten.cases.models import Outreach, Participant, ParticipantNameKey, ResidenceStatus
from durchstarten.cases.services._common import not_in_future, period, require_case_work
from durchstarten.core.audit import log_action
from durchstarten.core.models import User
from durchstarten.core.scoping import DISTRICT_WIDE_ROLES, require_role
from durchstarten.core.services import save_with_version
from durchstarten.organisation.models import District

EDITABLE_FIELDS = (
    "given_names",
    "family_name",
    "date_of_birth",
    "gender",
    "nationality",
    "languages",
    "german_level",
    "literacy",
    "interpreter_needed",
    "municipality",
    "phone",
    "email",
    "address",
    "schooling",
    "work_history",
)
EARLIEST_BIRTH = dt.date(1900, 1, 1)


def _validate(participant: Participant, *, bulk: bool = False) -> None:
    """With `bulk` (the list import) the per-record queries of full_clean are left out: the
    importer takes district and municipality from the district's own records and every new
    record has a fresh public id."""
    errors: dict[str, str] = {}
    if not participant.given_names.strip() and not participant.family_name.strip():
        errors["given_names"] = _("Bitte geben Sie mindestens einen Namen an.")
    dob = participant.date_of_birth
    if dob is not None and dob > timezone.localdate():
        errors["date_of_birth"] = _("Das Geburtsdatum darf nicht in der Zukunft liegen.")
    elif dob is not None and dob < EARLIEST_BIRTH:
        errors["date_of_birth"] = _("Bitte prüfen Sie das Geburtsdatum.")
    if (
        participant.municipality_id
        and participant.municipality.district_id != participant.district_id
    ):
        errors["municipality"] = _("Die Kommune gehört nicht zu diesem Kreis.")
    unknown = [code for code in participant.languages if code not in LANGUAGE_CODES]
    if unknown or not isinstance(participant.languages, list):
        errors["languages"] = _("Unbekannte Sprache: %(codes)s.") % {
            "codes": ", ".join(map(str, unknown))
        }
    if errors:
        raise ValidationError(errors)
    if bulk:
        participant.full_clean(
            exclude=["languages", "district", "municipality"], validate_unique=False
        )
    else:
        participant.full_clean(exclude=["languages"])


def _store_name_keys(participant: Participant) -> None:
    ParticipantNameKey.objects.filter(participant=participant).delete()
    ParticipantNameKey.objects.bulk_create(
        ParticipantNameKey(participant=participant, key=key)
        for key in sorted(names.name_keys(participant.full_name))
    )


@transaction.atomic
def participant_create(*, actor: User, district: District, **fields) -> Participant:
    """Create a record; with only names it is the minimal record of the contact procedure.

    Only the district's own staff open records; coaches work on records shared with them.
    """
    require_role(actor, district.pk, DISTRICT_WIDE_ROLES)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    participant = Participant(district=district, **fields)
    _validate(participant)
    participant.save()
    _store_name_keys(participant)
    log_action(
        "cases.participant.created", actor=actor, obj=participant, data={"fields": sorted(fields)}
    )
    return participant


@transaction.atomic
def participant_update(
    *, actor: User, participant: Participant, version: int, **fields
) -> Participant:
    require_case_work(actor, participant)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    changed = [name for name, value in fields.items() if getattr(participant, name) != value]
    for name in changed:
        setattr(participant, name, fields[name])
    _validate(participant)
    save_with_version(participant, expected_version=version, fields=changed)
    if {"given_names", "family_name"} & set(changed):
        _store_name_keys(participant)
    # Field names only: the audit log must not hold the personal data itself.
    log_action("cases.participant.changed", actor=actor, obj=participant, data={"fields": changed})
    return participant


@transaction.atomic
def residence_status_record(
    *,
    actor: User,
    participant: Participant,
    kind: str,
    valid_from: dt.date,
    valid_until: dt.date | None = None,
    document_note: str = "",
) -> ResidenceStatus:
    """Add a status to the history; earlier entries stay as they were."""
    require_case_work(actor, participant)
    period("valid_from", valid_from, "valid_until", valid_until)
    status = ResidenceStatus(
        participant=participant,
        kind=kind,
        valid_from=valid_from,
        valid_until=valid_until,
        document_note=document_note,
        recorded_by=actor,
    )
    status.full_clean()
    status.save()
    log_action("cases.residence_status.recorded", actor=actor, obj=participant)
    return status


@transaction.atomic
def outreach_record(
    *,
    actor: User,
    participant: Participant,
    channel: str,
    date: dt.date,
    result: str,
    note: str = "",
) -> Outreach:
    require_case_work(actor, participant)
    not_in_future("date", date)
    if result == OutreachResult.ENTERED and not participant.enrollments.exists():
        raise ValidationError(
            {"result": _("„Eingetreten“ setzt einen erfassten Eintritt voraus.")}, code="no_entry"
        )
    outreach = Outreach(
        participant=participant,
        channel=channel,
        date=date,
        result=result,
        note=note,
        recorded_by=actor,
    )
    outreach.full_clean()
    outreach.save()
    log_action("cases.outreach.recorded", actor=actor, obj=participant, data={"result": result})
    return outreach


@transaction.atomic
def participant_contact_first(
    *,
    actor: User,
    district: District,
    given_names: str,
    family_name: str,
    channel: str,
    date: dt.date,
    result: str,
    note: str = "",
) -> Participant:
    """First contact with a person not yet on record: a minimal record plus the outreach."""
    participant = participant_create(
        actor=actor, district=district, given_names=given_names, family_name=family_name
    )
    outreach_record(
        actor=actor, participant=participant, channel=channel, date=date, result=result, note=note
    )
    return participant
