"""Anonymisation removes every personal datum and keeps every report figure."""

import datetime as dt
import random

from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from durchstarten.cases.models import (
    CaseGoal,
    Consent,
    Contact,
    Enrollment,
    Outreach,
    Participant,
    ParticipantNameKey,
    ResidenceStatus,
    Task,
)
from durchstarten.cases.rules import age_on
from durchstarten.core.audit import verify_chain
from durchstarten.core.models import AuditEntry
from durchstarten.offers.models import Outcome, Referral
from durchstarten.privacy.anonymisation import (
    generalised_birth_date,
    participant_anonymise,
    reported_days,
)
from durchstarten.privacy.models import AnonymisationRecord, Cause
from durchstarten.privacy.registry import RULES, rows_of
from durchstarten.reporting.kpi import kpi_report
from durchstarten.reporting.quarterly import quarterly_report
from tests.factories import MunicipalityFactory
from tests.privacy.conftest import MARK, random_people


def _stored_text(participant) -> str:
    """Every value of every row that belongs to the participant, and its audit entries."""
    chunks = []
    for rule in RULES:
        if rule.path is None:
            continue
        for row in rows_of(rule, participant).values():
            chunks.append(repr(row))
    object_id = str(participant.public_id)
    for data in AuditEntry.objects.filter(object_id=object_id).values_list("data", flat=True):
        chunks.append(repr(data))
    return "\n".join(chunks)


def test_it_removes_every_personal_datum(exited):
    assert MARK in _stored_text(exited)
    participant_anonymise(actor=None, participant=exited, reason=Cause.RETENTION)
    text = _stored_text(exited)
    assert MARK not in text
    assert "geheim" not in text.lower()
    exited.refresh_from_db()
    assert exited.full_name == ""
    assert exited.phone == exited.email == exited.address == ""
    assert exited.anonymised_at is not None
    assert not ParticipantNameKey.objects.filter(participant=exited).exists()
    assert not Consent.objects.filter(participant=exited).exists()
    assert not CaseGoal.objects.filter(participant=exited).exists()
    assert not Task.objects.filter(participant=exited).exists()


def test_it_keeps_the_statistical_facts(exited):
    participant_anonymise(actor=None, participant=exited, reason=Cause.RETENTION)
    exited.refresh_from_db()
    assert exited.gender == "female"
    assert str(exited.nationality) == "SY"
    assert exited.municipality_id is not None
    assert ResidenceStatus.objects.get(participant=exited).kind == "duldung"
    assert Enrollment.objects.get(participant=exited).exit_reason == "training"
    assert Outreach.objects.filter(participant=exited).count() == 1
    assert Referral.objects.get(participant=exited).started_on is not None
    assert Outcome.objects.get(participant=exited).kind == "internship"
    contact = Contact.objects.get(participant=exited)
    assert (contact.duration_minutes, contact.note, contact.topics) == (45, "", [])


def test_it_records_each_data_class_once_and_keeps_the_chain_intact(exited):
    first = participant_anonymise(actor=None, participant=exited, reason=Cause.RETENTION)
    again = participant_anonymise(actor=None, participant=exited, reason=Cause.RETENTION)
    assert len(first) == 5
    assert again == []
    assert AnonymisationRecord.objects.filter(participant=exited).count() == 5
    actions = set(
        AuditEntry.objects.filter(object_id=str(exited.public_id)).values_list("action", flat=True)
    )
    assert {"privacy.data.anonymised", "privacy.participant.anonymised"} <= actions
    assert verify_chain().intact


def test_it_keeps_the_age_on_every_reported_day(exited):
    days = reported_days(exited)
    born = exited.date_of_birth
    participant_anonymise(actor=None, participant=exited, reason=Cause.RETENTION)
    exited.refresh_from_db()
    assert exited.date_of_birth != born
    assert all(age_on(exited.date_of_birth, day) == age_on(born, day) for day in days)


@given(
    born=st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2010, 12, 31)),
    days=st.lists(
        st.dates(min_value=dt.date(2019, 1, 1), max_value=dt.date(2035, 12, 31)),
        min_size=1,
        max_size=12,
    ),
)
def test_it_generalises_a_birth_date_without_changing_an_age(born, days):
    days = [day for day in days if day >= born] or [born]
    generalised = generalised_birth_date(born, days)
    assert generalised <= born
    assert all(age_on(generalised, day) == age_on(born, day) for day in days)


def test_it_drops_a_birth_date_no_report_needs():
    assert generalised_birth_date(dt.date(2000, 2, 29), []) is None


def _reports(district, today):
    periods = [
        (dt.date(year, month, 1), dt.date(year, month, 1) + dt.timedelta(days=length))
        for year in range(today.year - 4, today.year)
        for month, length in ((1, 30), (1, 364), (4, 90), (7, 183), (10, 91))
    ]
    kpi = [kpi_report(districts=[district], start=a, end=b) for a, b in periods]
    quarterly = [
        quarterly_report(districts=[district], year=year)
        for year in range(today.year - 4, today.year + 1)
    ]
    return kpi, quarterly


def test_it_leaves_every_past_report_figure_unchanged(district, municipality):
    today = timezone.localdate()
    rng = random.Random(20260101)  # noqa: S311 - test data
    municipalities = [municipality, MunicipalityFactory(district=district)]
    people = random_people(district, municipalities, rng, 40, today)
    before = _reports(district, today)
    assert any(report["entered"] for report in before[0])
    assert any(report["breakdowns"]["age_band"]["21-24"] for report in before[0])
    exited = [
        p
        for p in people
        if p.enrollments.exists() and not p.enrollments.filter(exit_date__isnull=True).exists()
    ]
    never_entered = [p for p in people if not p.enrollments.exists()]
    assert len(exited) > 20 and never_entered
    for person in exited + never_entered:
        participant_anonymise(actor=None, participant=person, reason=Cause.RETENTION)
    assert Participant.objects.filter(anonymised_at__isnull=False).count() == len(
        exited + never_entered
    )
    assert not Participant.objects.filter(
        anonymised_at__isnull=False, given_names__contains=MARK
    ).exists()
    after = _reports(district, today)
    assert after == before
    assert verify_chain().intact
