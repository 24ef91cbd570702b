"""Schema walk: every model that refers to a participant, and every file field, is handled."""

from django.apps import apps
from django.db import models

from durchstarten.cases.models import Participant
from durchstarten.core.models import AuditEntry
from durchstarten.privacy.access_report import access_report
from durchstarten.privacy.models import DataClass
from durchstarten.privacy.registry import HANDLINGS, RULES, TECHNICAL_FIELDS, participant_rules


def _path_to_participant(model, seen=()) -> bool:
    if model is Participant:
        return True
    for field in model._meta.get_fields():
        related = field.related_model
        if (
            field.is_relation
            and field.concrete
            and related is not None
            and related not in seen
            and _path_to_participant(related, (*seen, model))
        ):
            return True
    return False


def _has_file(model) -> bool:
    return any(isinstance(f, models.FileField) for f in model._meta.concrete_fields)


def _handled_models() -> set[str]:
    return {rule.model for rule in RULES}


def test_it_handles_every_model_that_refers_to_a_participant_or_holds_files():
    needing = {
        model._meta.label
        for model in apps.get_models()
        if _path_to_participant(model) or _has_file(model)
    }
    needing.add(AuditEntry._meta.label)
    missing = needing - _handled_models()
    assert not missing, (
        "models without a rule in durchstarten/privacy/registry.py (decide how anonymisation "
        f"handles them): {sorted(missing)}"
    )


def test_it_names_only_existing_models_fields_and_paths():
    for rule in RULES:
        model = rule.model_class
        assert rule.handling in HANDLINGS, rule
        assert rule.data_class in DataClass.values, rule
        names = {f.name for f in model._meta.concrete_fields}
        assert set(rule.cleared) <= names, rule
        assert set(rule.kept) <= names, rule
        for path in (rule.path or "").split("|"):
            if path:
                model._default_manager.filter(**{path: Participant(pk=1)}).query  # noqa: B018


def test_it_decides_on_every_field_of_a_cleared_model():
    for model_label in {rule.model for rule in RULES if rule.handling == "cleared"}:
        rules = [rule for rule in RULES if rule.model == model_label]
        covered = set(TECHNICAL_FIELDS)
        for rule in rules:
            covered |= set(rule.cleared) | set(rule.kept)
        model = apps.get_model(model_label)
        fields = {f.name for f in model._meta.concrete_fields}
        assert fields <= covered, f"{model_label}: no decision for {sorted(fields - covered)}"


def test_every_model_of_a_participant_contributes_to_the_access_report(exited, coordinator):
    report = access_report(coordinator, exited)
    sections = {section["key"]: section for section in report["sections"]}
    expected = {apps.get_model(rule.model)._meta.label_lower for rule in participant_rules()}
    assert set(sections) == expected
    holding_rows = {key for key, section in sections.items() if section["records"]}
    # The builder gives the person a row of every kind that the application itself writes.
    assert {
        "cases.participant",
        "cases.participantnamekey",
        "cases.residencestatus",
        "cases.outreach",
        "cases.consent",
        "cases.enrollment",
        "cases.need",
        "cases.casegoal",
        "cases.casestep",
        "cases.contact",
        "cases.task",
        "offers.referral",
        "offers.referraltransition",
        "offers.outcome",
        "privacy.legalhold",
        "privacy.privacyrequest",
    } <= holding_rows
