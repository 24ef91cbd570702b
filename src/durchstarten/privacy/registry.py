"""How anonymisation treats every model that holds data about a participant, and every file.

One rule per (model, data class). `tests/privacy/test_registry.py` walks the schema: a model
with a foreign-key path to a participant, or with a file field, that has no rule here fails the
test, and so does a field of such a model that no rule names as cleared or kept. A new model or
field therefore has to be decided on here before it can be merged.

Handlings:
- ``cleared``: the listed fields are overwritten with the given empty values; the rest of the
  row is kept as statistical facts (dates, choice values, links to offers and staff).
- ``deleted``: the rows are deleted.
- ``statistical``: kept unchanged, needed for the reports, no free text.
- ``no_personal_data``: kept unchanged, holds nothing that identifies a participant.
"""

from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Q

from durchstarten.privacy.models import DataClass

CLEARED = "cleared"
DELETED = "deleted"
STATISTICAL = "statistical"
NO_PERSONAL_DATA = "no_personal_data"
HANDLINGS = (CLEARED, DELETED, STATISTICAL, NO_PERSONAL_DATA)

# Columns every model has that never hold personal data.
TECHNICAL_FIELDS = frozenset({"id", "public_id", "created_at", "updated_at", "version"})


@dataclass(frozen=True)
class Rule:
    model: str  # app label and model name, e.g. "cases.Contact"
    handling: str
    data_class: str
    # Lookup from the model to the participant ("" for the participant itself, None if the
    # rows belong to no participant); alternatives separated by "|" (pairs of participants).
    path: str | None
    cleared: dict[str, Any] = field(default_factory=dict)
    kept: tuple[str, ...] = ()
    why: str = ""

    @property
    def model_class(self) -> type[models.Model]:
        return apps.get_model(self.model)


M, N, C, CO, D, A = (
    DataClass.MASTER_DATA,
    DataClass.NOTES,
    DataClass.CONTACTS,
    DataClass.CONSENTS,
    DataClass.DOCUMENTS,
    DataClass.AUDIT_LOG,
)

RULES: tuple[Rule, ...] = (
    Rule(
        "cases.Participant",
        CLEARED,
        M,
        "",
        cleared={
            "given_names": "",
            "family_name": "",
            "phone": "",
            "email": "",
            "address": "",
            "schooling": "",
            "work_history": "",
            "languages": [],
            "german_level": "not_assessed",
            "literacy": "not_assessed",
            "interpreter_needed": False,
        },
        kept=(
            "district",
            "municipality",
            "date_of_birth",
            "gender",
            "nationality",
            "stage",
            "case_manager",
            "coaching_provider",
            "coach",
            "last_contact_on",
            "restricted_at",
            "anonymised_at",
        ),
        why="Names, contact data and free texts go. The date of birth is replaced by the "
        "earliest date giving the same age on every reported day (privacy.anonymisation); "
        "gender, nationality and municipality of residence are report breakdowns.",
    ),
    Rule("cases.ParticipantNameKey", DELETED, M, "participant", why="search keys of the name"),
    Rule(
        "cases.ResidenceStatus",
        CLEARED,
        M,
        "participant",
        cleared={"document_note": ""},
        kept=("participant", "kind", "valid_from", "valid_until", "recorded_by", "recorded_at"),
        why="kind and dates decide the target group in every report",
    ),
    Rule(
        "cases.Outreach",
        CLEARED,
        M,
        "participant",
        cleared={"note": ""},
        kept=("participant", "channel", "date", "result", "recorded_by", "recorded_at"),
        why="successful outreach is the 'contacted' figure",
    ),
    Rule("cases.Consent", DELETED, CO, "participant", why="no report counts consents"),
    Rule(
        "cases.Enrollment",
        CLEARED,
        M,
        "participant",
        cleared={"exit_note": ""},
        kept=(
            "participant",
            "entry_date",
            "case_manager",
            "coaching_provider",
            "coach",
            "exit_date",
            "exit_reason",
            "recorded_by",
        ),
        why="entries, exits, stock and caseload",
    ),
    Rule(
        "cases.Need",
        CLEARED,
        M,
        "participant",
        cleared={"description": ""},
        kept=(
            "participant",
            "category",
            "priority",
            "status",
            "identified_on",
            "closed_on",
            "recorded_by",
        ),
        why="needs by category feed the gap analysis",
    ),
    Rule("cases.CaseStep", DELETED, M, "goal__participant", why="free-text plan"),
    Rule("cases.CaseGoal", DELETED, M, "participant", why="free-text plan"),
    Rule(
        "cases.Contact",
        CLEARED,
        N,
        "participant",
        cleared={"note": ""},
        why="the counselling note",
    ),
    Rule(
        "cases.Contact",
        CLEARED,
        C,
        "participant",
        cleared={"topics": [], "language": ""},
        kept=(
            "participant",
            "date",
            "duration_minutes",
            "channel",
            "interpreter_used",
            "author",
            "recorded_at",
        ),
        why="what was talked about goes; date, length and form stay as workload statistics",
    ),
    Rule(
        "cases.Task",
        DELETED,
        M,
        "participant",
        why="follow-ups; automatic titles name birthdays and status dates",
    ),
    Rule(
        "cases.DuplicateSuggestion",
        DELETED,
        M,
        "first|second",
        why="computed pairs; the next check computes them again",
    ),
    Rule(
        "cases.DuplicateDismissal",
        NO_PERSONAL_DATA,
        M,
        "first|second",
        why="a pair of ids decided not to be the same person",
    ),
    Rule(
        "cases.ParticipantMerge",
        NO_PERSONAL_DATA,
        M,
        "kept",
        why="the public id of a merged record leads to the kept one",
    ),
    Rule(
        "offers.Referral",
        CLEARED,
        M,
        "participant",
        cleared={"note": "", "abort_reason": ""},
        kept=(
            "participant",
            "offer",
            "district",
            "state",
            "proposed_on",
            "accepted_on",
            "started_on",
            "ended_on",
            "declined_by",
            "proposed_by",
        ),
        why="placements and specialist referrals",
    ),
    Rule(
        "offers.ReferralTransition",
        CLEARED,
        M,
        "referral__participant",
        cleared={"reason": ""},
        kept=("referral", "from_state", "to_state", "on", "by", "recorded_at"),
        why="the steps of a referral",
    ),
    Rule(
        "offers.Outcome",
        CLEARED,
        M,
        "participant",
        cleared={"note": ""},
        kept=(
            "participant",
            "kind",
            "start_date",
            "end_date",
            "language_level",
            "referral",
            "recorded_by",
            "recorded_at",
        ),
        why="outcomes by kind",
    ),
    Rule(
        "network.ActionItem",
        NO_PERSONAL_DATA,
        M,
        "task__participant",
        why="action items of steering-group meetings make tasks without a participant",
    ),
    Rule(
        "network.DocumentVersion",
        NO_PERSONAL_DATA,
        D,
        None,
        why="programme documents (concept, manuals), no participant's file",
    ),
    Rule(
        "core.AuditEntry",
        NO_PERSONAL_DATA,
        A,
        None,
        why="names participants by public id only; the chain must never be edited",
    ),
    Rule(
        "accounts.BreakGlassAccess",
        CLEARED,
        M,
        "participant",
        cleared={"reason": ""},
        kept=("user", "participant", "starts_at", "ends_at", "revoked_at", "revoked_by"),
        why="an admin's stated reason may describe the case",
    ),
    Rule(
        "imports.ImportRow",
        CLEARED,
        M,
        "participant",
        cleared={"cells": [], "errors": [], "duplicates": []},
        kept=(
            "batch",
            "number",
            "status",
            "decision",
            "merge_target",
            "participant",
            "offer",
            "created",
        ),
        why="the imported cells held names and contact data",
    ),
    Rule(
        "privacy.LegalHold",
        CLEARED,
        M,
        "participant",
        cleared={"reason": ""},
        kept=("participant", "until", "created_by", "lifted_on", "lifted_by"),
        why="only expired or lifted holds remain when a person is anonymised",
    ),
    Rule(
        "privacy.PrivacyRequest",
        CLEARED,
        M,
        "participant",
        cleared={"note": "", "decision_reason": ""},
        kept=(
            "participant",
            "kind",
            "received_on",
            "legal_basis",
            "decision",
            "decided_on",
            "executed_at",
            "lifted_at",
            "created_by",
            "decided_by",
        ),
        why="dates and decision prove that a request was handled",
    ),
    Rule(
        "privacy.AnonymisationRecord",
        NO_PERSONAL_DATA,
        M,
        "participant",
        why="which data class went when: the proof of erasure",
    ),
)


def rules_for(data_class: str) -> list[Rule]:
    """The rules of one data class that change rows, in deletion-safe order."""
    return [r for r in RULES if r.data_class == data_class and r.handling in (CLEARED, DELETED)]


def participant_rules() -> list[Rule]:
    """One rule per model whose rows belong to a participant, in registry order."""
    seen: dict[str, Rule] = {}
    for rule in RULES:
        if rule.path is not None and rule.model not in seen:
            seen[rule.model] = rule
    return list(seen.values())


def rows_of(rule: Rule, participant) -> models.QuerySet:
    """The model's rows that belong to the participant."""
    model = rule.model_class
    if rule.path == "":
        return model._default_manager.filter(pk=participant.pk)
    condition = Q()
    for path in rule.path.split("|"):
        condition |= Q(**{path: participant})
    return model._default_manager.filter(condition)
