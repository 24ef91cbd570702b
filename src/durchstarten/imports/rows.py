"""One row of a list: its cells parsed, and the services' errors turned into errors per column.
Offers go through `offers.services` row by row; participants are checked and written in bulk
(`imports.bulk`) by the same rules."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext as _

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


def problems_of(step: str, error: ValidationError) -> list[CellProblem]:
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
        raise RowError(problems_of(step, error)) from error
    except PermissionDenied as error:
        raise RowError([CellProblem(STEPS[step][1], str(NOT_ALLOWED))]) from error


def require(values: dict, key: str, message) -> None:
    """`message` may be lazy: it is translated only for a row that lacks the value."""
    if values.get(key) is None:
        raise RowError([CellProblem(key, str(message))])


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


IMPORTERS = {"offers": import_offer}


def columns_of(kind: str) -> Sequence[Column]:
    return COLUMNS[kind]
