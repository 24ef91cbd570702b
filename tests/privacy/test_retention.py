"""Retention periods, what is due when, the daily run, its dry run, task and command."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from durchstarten.cases.models import Contact, Enrollment, Outreach, Participant
from durchstarten.core.audit import verify_chain
from durchstarten.core.models import AuditEntry
from durchstarten.funding.models import Grant
from durchstarten.privacy import services
from durchstarten.privacy.models import AnonymisationRecord, DataClass, LegalHold
from durchstarten.privacy.retention import (
    funding_audit_end,
    periods_for,
    retention_plan,
    retention_run,
)
from durchstarten.privacy.tasks import run_retention
from tests.factories import ParticipantFactory
from tests.privacy.conftest import MARK, rich_participant

TODAY = dt.date(2026, 3, 2)


def _due(district, today=TODAY):
    (plan,) = retention_plan(today=today, districts=[district])
    return plan


def _person(district, municipality, *, exit_date, entry=None):
    return rich_participant(
        district,
        municipality,
        entry=entry or exit_date - dt.timedelta(days=200),
        exit_date=exit_date,
    )


def test_it_anonymises_personal_data_two_years_after_exit_by_default(district, municipality):
    due = _person(district, municipality, exit_date=TODAY - dt.timedelta(days=730))
    kept = _person(district, municipality, exit_date=TODAY - dt.timedelta(days=729))
    plan = _due(district)
    assert plan.due[DataClass.MASTER_DATA] == [str(due.public_id)]
    assert str(kept.public_id) not in plan.due.get(DataClass.NOTES, [])


def test_it_counts_from_the_last_outreach_for_people_who_never_entered(district, municipality):
    person = ParticipantFactory(district=district, municipality=municipality)
    Outreach.objects.create(
        participant=person, channel="other", date=TODAY - dt.timedelta(days=731), result="reached"
    )
    assert _due(district).due[DataClass.MASTER_DATA] == [str(person.public_id)]
    Outreach.objects.create(
        participant=person, channel="other", date=TODAY - dt.timedelta(days=10), result="reached"
    )
    assert not _due(district).due.get(DataClass.MASTER_DATA)


def test_it_keeps_people_in_the_programme(district, municipality):
    person = _person(district, municipality, exit_date=TODAY - dt.timedelta(days=1500))
    Enrollment.objects.create(
        participant=person,
        entry_date=TODAY - dt.timedelta(days=100),
        case_manager=Enrollment.objects.get(participant=person).case_manager,
    )
    assert not _due(district).due.get(DataClass.MASTER_DATA)


def test_it_respects_a_legal_hold_until_it_ends_or_is_lifted(district, municipality, coordinator):
    person = _person(district, municipality, exit_date=TODAY - dt.timedelta(days=1000))
    hold = LegalHold.objects.create(participant=person, reason="Klage", until=TODAY)
    assert not _due(district).due.get(DataClass.MASTER_DATA)
    assert _due(district, TODAY + dt.timedelta(days=1)).due[DataClass.MASTER_DATA]
    services.legal_hold_lift(actor=coordinator, hold=hold)
    assert _due(district, timezone.localdate()).due[DataClass.MASTER_DATA]


def test_it_waits_for_the_funding_audit_period(district, municipality, settings):
    settings.DURCHSTARTEN_FUNDING_AUDIT_YEARS = 5
    person = _person(district, municipality, exit_date=dt.date(2023, 6, 30))
    assert not _due(district).due.get(DataClass.MASTER_DATA)
    assert _due(district, dt.date(2029, 1, 1)).due[DataClass.MASTER_DATA] == [str(person.public_id)]


def test_it_extends_the_audit_period_to_the_end_of_the_grant():
    grant_ends = {2024: dt.date(2025, 3, 31)}
    assert funding_audit_end(dt.date(2024, 2, 1), dt.date(2024, 9, 1), grant_ends) == dt.date(
        2026, 12, 31
    )
    assert funding_audit_end(dt.date(2023, 2, 1), dt.date(2023, 9, 1), grant_ends) == dt.date(
        2024, 12, 31
    )
    assert funding_audit_end(None, None, grant_ends) is None


def test_it_reads_the_grants_of_the_district(district, municipality, settings):
    settings.DURCHSTARTEN_FUNDING_AUDIT_YEARS = 1
    _person(district, municipality, exit_date=dt.date(2023, 11, 30))
    Grant.objects.create(
        district=district,
        module=6,
        year=2023,
        funding_authority="Bezirksregierung Detmold",
        notice_reference="51.2-2023",
        notice_date=dt.date(2023, 1, 10),
        period_from=dt.date(2023, 1, 1),
        period_to=dt.date(2025, 6, 30),
        approved_amount=1000,
        eligible_costs=1000,
    )
    assert not _due(district, dt.date(2026, 12, 31)).due.get(DataClass.MASTER_DATA)
    assert _due(district, dt.date(2027, 1, 1)).due[DataClass.MASTER_DATA]


def test_it_uses_the_district_periods_but_never_below_the_minimum(
    district, municipality, coordinator, settings
):
    settings.DURCHSTARTEN_FUNDING_AUDIT_YEARS = 0
    early = _person(district, municipality, exit_date=TODAY - dt.timedelta(days=400))
    services.retention_policy_set(
        actor=coordinator, district=district, periods={DataClass.NOTES: 365}
    )
    plan = _due(district)
    assert plan.due[DataClass.NOTES] == [str(early.public_id)]
    assert not plan.due.get(DataClass.MASTER_DATA)
    with pytest.raises(ValidationError) as error:
        services.retention_policy_set(
            actor=coordinator, district=district, periods={DataClass.CONTACTS: 30}
        )
    assert "365 Tage" in str(error.value)
    settings.DURCHSTARTEN_RETENTION_MIN_DAYS = 500
    assert periods_for([district.pk])[district.pk][DataClass.NOTES] == 500


def test_only_coordinators_set_periods(district, case_manager):
    with pytest.raises(PermissionDenied):
        services.retention_policy_set(
            actor=case_manager, district=district, periods={DataClass.NOTES: 800}
        )


def test_it_skips_restricted_people(district, municipality):
    person = _person(district, municipality, exit_date=TODAY - dt.timedelta(days=1000))
    Participant.objects.filter(pk=person.pk).update(restricted_at=timezone.now())
    assert not _due(district).due.get(DataClass.MASTER_DATA)


def test_the_dry_run_changes_nothing(district, municipality):
    _person(district, municipality, exit_date=TODAY - dt.timedelta(days=1000))
    entries = AuditEntry.objects.count()
    _due(district)
    assert AuditEntry.objects.count() == entries
    assert not AnonymisationRecord.objects.exists()


def test_the_run_anonymises_only_the_due_class_and_only_once(
    district, municipality, coordinator, settings
):
    settings.DURCHSTARTEN_FUNDING_AUDIT_YEARS = 0
    person = _person(district, municipality, exit_date=TODAY - dt.timedelta(days=400))
    services.retention_policy_set(
        actor=coordinator, district=district, periods={DataClass.NOTES: 365}
    )
    (plan,) = retention_run(today=TODAY, districts=[district])
    assert plan.counts()[DataClass.NOTES] == 1
    assert Contact.objects.get(participant=person).note == ""
    person.refresh_from_db()
    assert person.anonymised_at is None and MARK in person.given_names
    (again,) = retention_run(today=TODAY, districts=[district])
    assert again.counts()[DataClass.NOTES] == 0
    assert (
        AuditEntry.objects.filter(
            action="privacy.data.anonymised", object_id=str(person.public_id)
        ).count()
        == 1
    )


def test_the_run_anonymises_whole_records_and_writes_audit_entries(district, municipality):
    people = [
        _person(district, municipality, exit_date=TODAY - dt.timedelta(days=800 + n))
        for n in range(3)
    ]
    (plan,) = retention_run(today=TODAY, districts=[district])
    assert sorted(plan.due[DataClass.MASTER_DATA]) == sorted(str(p.public_id) for p in people)
    assert Participant.objects.filter(anonymised_at__isnull=False).count() == 3
    logged = AuditEntry.objects.filter(action="privacy.participant.anonymised")
    assert logged.count() == 3
    assert all(entry.actor_id is None for entry in logged)
    assert MARK not in json.dumps(list(AuditEntry.objects.values_list("data", flat=True)))
    assert verify_chain().intact


def test_the_task_runs_every_district(district, municipality):
    _person(district, municipality, exit_date=timezone.localdate() - dt.timedelta(days=1000))
    result = run_retention.enqueue()
    assert result.return_value[district.ags][DataClass.MASTER_DATA] == 1


def test_the_command_lists_what_would_go_as_text_and_json(district, municipality):
    person = _person(district, municipality, exit_date=TODAY - dt.timedelta(days=1000))
    out = StringIO()
    call_command(
        "retention",
        "run",
        "--dry-run",
        "--district",
        district.ags,
        "--date",
        "2026-03-02",
        stdout=out,
    )
    text = out.getvalue()
    assert str(person.public_id) in text
    assert "Stammdaten der Teilnehmenden: 1 fällig" in text
    assert MARK not in text
    out = StringIO()
    call_command(
        "retention", "run", "--dry-run", "--format", "json", "--date", "2026-03-02", stdout=out
    )
    report = json.loads(out.getvalue())
    (entry,) = [d for d in report["districts"] if d["district"] == district.ags]
    assert entry["counts"]["master_data"] == 1
    assert entry["participants"]["master_data"] == [str(person.public_id)]
    person.refresh_from_db()
    assert person.anonymised_at is None


def test_the_command_runs_and_refuses_unknown_districts(district, municipality):
    person = _person(district, municipality, exit_date=TODAY - dt.timedelta(days=1000))
    out = StringIO()
    call_command("retention", "run", "--date", "2026-03-02", stdout=out)
    assert "1 anonymisiert" in out.getvalue()
    person.refresh_from_db()
    assert person.anonymised_at is not None
    with pytest.raises(Exception, match="Unbekannter AGS"):
        call_command("retention", "run", "--district", "99999999", stdout=StringIO())
