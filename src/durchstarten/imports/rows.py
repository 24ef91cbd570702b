"""One row of a list through the same services as the forms: participant (with residence
status, consent, enrollment, exit and outreach) or offer. Errors come back per column."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext as _

from durchstarten.cases.choices import ConsentPurpose
from durchstarten.cases.services import consent as consent_services
from durchstarten.cases.services import enrollment as enrollment_services
from durchstarten.cases.services import participants as participant_services
from durchstarten.core.models import User
from durchstarten.imports.cells import CellError, Context, parse_cell
from durchstarten.imports.columns import COLUMNS, Column
from durchstarten.offers import services as offer_services
from durchstarten.organisation.models import District

# Per step: service field -> column key, and the column a message without a field goes to.
STEPS = {
    "participant": ({name: name for name in participant_services.EDITABLE_FIELDS}, "given_names"),
    "status": (
        {
            "kind": "status_kind",
            "valid_from": "status_valid_from",
            "valid_until": "status_valid_until",
            "document_note": "status_note",
        },
        "status_kind",
    ),
    "consent": ({"given_on": "consent_on", "form_language": "consent_language"}, "consent_on"),
    "enrollment": (
        {
            "entry_date": "entry_date",
            "case_manager": "case_manager",
            "coaching_provider": "coaching_provider",
            "coach": "coaching_provider",
        },
        "entry_date",
    ),
    "exit": (
        {"exit_date": "exit_date", "exit_reason": "exit_reason", "entry_date": "exit_date"},
        "exit_date",
    ),
    "outreach": (
        {"channel": "outreach_channel", "date": "outreach_date", "result": "outreach_result"},
        "outreach_date",
    ),
    "offer": ({name: name for name in (*offer_services.OFFER_FIELDS, "municipalities")}, "title"),
}
STATUS_KEYS = ("status_kind", "status_valid_from", "status_valid_until", "status_note")
OUTREACH_KEYS = ("outreach_channel", "outreach_date", "outreach_result")
NOT_ALLOWED = _("Dazu fehlt Ihnen die Berechtigung.")


@dataclass(frozen=True)
class CellProblem:
    column: str  # column key
    message: str


class RowError(Exception):
    def __init__(self, problems: Sequence[CellProblem]):
        super().__init__(problems)
        self.problems = list(problems)


def parse_row(
    columns: Sequence[Column], mapping: dict[int, str], cells: list, context: Context
) -> dict:
    """Column key -> parsed value of the mapped, non-empty cells; RowError for unreadable ones."""
    by_key = {column.key: column for column in columns}
    values, problems = {}, []
    for index, key in mapping.items():
        raw = cells[index] if index < len(cells) else None
        try:
            value = parse_cell(by_key[key], raw, context)
        except CellError as error:
            problems.append(CellProblem(key, str(error)))
            continue
        if value is not None:
            values[key] = value
    if problems:
        raise RowError(problems)
    return values


def _problems(step: str, error: ValidationError) -> list[CellProblem]:
    fields, main = STEPS[step]
    if not hasattr(error, "error_dict"):
        return [CellProblem(main, message) for message in error.messages]
    return [
        CellProblem(fields.get(name, main), message)
        for name, messages in error.message_dict.items()
        for message in messages
    ]


def _run(step: str, call, **kwargs):
    try:
        return call(**kwargs)
    except ValidationError as error:
        raise RowError(_problems(step, error)) from error
    except PermissionDenied as error:
        raise RowError([CellProblem(STEPS[step][1], str(NOT_ALLOWED))]) from error


def _require(values: dict, key: str, message: str) -> None:
    if values.get(key) is None:
        raise RowError([CellProblem(key, message)])


def import_participant(*, actor: User, district: District, values: dict) -> list[models.Model]:
    """The participant of one row and what the row says about status, consent, enrollment
    and outreach, each through its service. Returns the created records."""
    fields = {k: values[k] for k in participant_services.EDITABLE_FIELDS if k in values}
    participant = _run(
        "participant",
        participant_services.participant_create,
        actor=actor,
        district=district,
        **fields,
    )
    created: list[models.Model] = [participant]
    if any(key in values for key in STATUS_KEYS):
        _require(values, "status_kind", _("Bitte geben Sie den Aufenthaltsstatus an."))
        _require(values, "status_valid_from", _("Bitte geben Sie an, seit wann er gilt."))
        created.append(
            _run(
                "status",
                participant_services.residence_status_record,
                actor=actor,
                participant=participant,
                kind=values["status_kind"],
                valid_from=values["status_valid_from"],
                valid_until=values.get("status_valid_until"),
                document_note=values.get("status_note", ""),
            )
        )
    if "consent_on" in values:
        created.append(
            _run(
                "consent",
                consent_services.consent_give,
                actor=actor,
                participant=participant,
                purpose=ConsentPurpose.CASE_WORK,
                given_on=values["consent_on"],
                form_language=values.get("consent_language", "de"),
            )
        )
    enrollment = None
    if "entry_date" in values:
        _require(
            values, "case_manager", _("Für den Eintritt nennen Sie bitte die*den Zuständige*n.")
        )
        enrollment = _run(
            "enrollment",
            enrollment_services.enrollment_enter,
            actor=actor,
            participant=participant,
            entry_date=values["entry_date"],
            case_manager=values["case_manager"],
            coaching_provider=values.get("coaching_provider"),
        )
        created.append(enrollment)
    if "exit_date" in values or "exit_reason" in values:
        if enrollment is None:
            raise RowError(
                [CellProblem("exit_date", _("Ein Austritt setzt ein Eintrittsdatum voraus."))]
            )
        _require(values, "exit_date", _("Bitte geben Sie das Austrittsdatum an."))
        _require(values, "exit_reason", _("Bitte geben Sie den Austrittsgrund an."))
        _run(
            "exit",
            enrollment_services.enrollment_exit,
            actor=actor,
            enrollment=enrollment,
            version=enrollment.version,
            exit_date=values["exit_date"],
            exit_reason=values["exit_reason"],
        )
    if any(key in values for key in OUTREACH_KEYS):
        for key, message in (
            ("outreach_channel", _("Bitte geben Sie den Zugangsweg an.")),
            ("outreach_date", _("Bitte geben Sie das Datum der Kontaktaufnahme an.")),
            ("outreach_result", _("Bitte geben Sie das Ergebnis der Kontaktaufnahme an.")),
        ):
            _require(values, key, message)
        created.append(
            _run(
                "outreach",
                participant_services.outreach_record,
                actor=actor,
                participant=participant,
                channel=values["outreach_channel"],
                date=values["outreach_date"],
                result=values["outreach_result"],
            )
        )
    return created


def import_offer(*, actor: User, district: District, values: dict) -> list[models.Model]:
    fields = {k: values[k] for k in offer_services.OFFER_FIELDS if k in values}
    if "module" in fields:
        fields["module"] = int(fields["module"])
    offer = _run(
        "offer",
        offer_services.offer_create,
        actor=actor,
        district=district,
        municipalities=values.get("municipalities", ()),
        **fields,
    )
    return [offer]


IMPORTERS = {"participants": import_participant, "offers": import_offer}


def columns_of(kind: str) -> Sequence[Column]:
    return COLUMNS[kind]
