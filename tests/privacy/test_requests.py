"""Erasure (Art. 17) and restriction (Art. 18) on request; holds; read-only restricted records."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from durchstarten.cases.models import Participant
from durchstarten.cases.services import contacts as contact_services
from durchstarten.cases.services import participants as participant_services
from durchstarten.core.models import AuditEntry
from durchstarten.privacy import services
from durchstarten.privacy.guards import listed_q
from durchstarten.privacy.models import Decision, LegalHold, RequestKind
from tests.privacy.conftest import MARK


@pytest.fixture(autouse=True)
def no_funding_audit(settings):
    settings.DURCHSTARTEN_FUNDING_AUDIT_YEARS = 0


def _granted(coordinator, participant, kind):
    basis = "art17_1b" if kind == RequestKind.ERASURE else "art18_1a"
    request = services.privacy_request_record(
        actor=coordinator,
        participant=participant,
        kind=kind,
        received_on=timezone.localdate(),
        legal_basis=basis,
        note="per Brief",
    )
    return services.privacy_request_decide(
        actor=coordinator, request=request, version=request.version, decision=Decision.GRANTED
    )


def test_it_erases_on_a_granted_request(exited, coordinator):
    request = _granted(coordinator, exited, RequestKind.ERASURE)
    services.erasure_execute(actor=coordinator, request=request)
    exited.refresh_from_db()
    request.refresh_from_db()
    assert exited.anonymised_at is not None and MARK not in exited.given_names
    assert request.executed_at is not None and request.note == ""
    actions = set(
        AuditEntry.objects.filter(object_id=str(exited.public_id)).values_list("action", flat=True)
    )
    assert {"privacy.request.executed", "privacy.participant.anonymised"} <= actions


def test_it_refuses_erasure_while_the_person_takes_part(active, coordinator):
    request = _granted(coordinator, active, RequestKind.ERASURE)
    with pytest.raises(ValidationError) as error:
        services.erasure_execute(actor=coordinator, request=request)
    assert "Teilnahme läuft noch" in str(error.value)
    active.refresh_from_db()
    assert active.anonymised_at is None


def test_it_refuses_erasure_under_a_legal_hold(exited, coordinator):
    services.legal_hold_create(
        actor=coordinator,
        participant=exited,
        reason="Verfahren 3 K 12/26",
        until=timezone.localdate() + dt.timedelta(days=90),
    )
    request = _granted(coordinator, exited, RequestKind.ERASURE)
    with pytest.raises(ValidationError) as error:
        services.erasure_execute(actor=coordinator, request=request)
    assert "Aufbewahrungspflicht gilt bis" in str(error.value)


def test_it_refuses_erasure_during_the_funding_audit_period(exited, coordinator, settings):
    settings.DURCHSTARTEN_FUNDING_AUDIT_YEARS = 10
    request = _granted(coordinator, exited, RequestKind.ERASURE)
    with pytest.raises(ValidationError) as error:
        services.erasure_execute(actor=coordinator, request=request)
    assert "Prüfungsfrist der Förderung läuft bis" in str(error.value)


def test_it_executes_only_granted_requests_once(exited, coordinator):
    request = services.privacy_request_record(
        actor=coordinator,
        participant=exited,
        kind=RequestKind.ERASURE,
        received_on=timezone.localdate(),
        legal_basis="art17_1a",
    )
    with pytest.raises(ValidationError, match="stattgegebener"):
        services.erasure_execute(actor=coordinator, request=request)
    with pytest.raises(ValidationError, match="Begründung|begründen"):
        services.privacy_request_decide(
            actor=coordinator, request=request, version=request.version, decision=Decision.REFUSED
        )
    services.privacy_request_decide(
        actor=coordinator, request=request, version=request.version, decision=Decision.GRANTED
    )
    with pytest.raises(ValidationError, match="bereits entschieden"):
        services.privacy_request_decide(
            actor=coordinator, request=request, version=request.version, decision=Decision.GRANTED
        )
    services.erasure_execute(actor=coordinator, request=request)
    with pytest.raises(ValidationError):
        services.erasure_execute(actor=coordinator, request=request)


def test_it_checks_the_legal_basis_and_the_role(exited, coordinator, case_manager, outsider):
    with pytest.raises(ValidationError, match="Rechtsgrundlage"):
        services.privacy_request_record(
            actor=coordinator,
            participant=exited,
            kind=RequestKind.ERASURE,
            received_on=timezone.localdate(),
            legal_basis="art18_1a",
        )
    for actor in (case_manager, outsider):
        with pytest.raises(PermissionDenied):
            services.privacy_request_record(
                actor=actor,
                participant=exited,
                kind=RequestKind.ERASURE,
                received_on=timezone.localdate(),
                legal_basis="art17_1a",
            )


def test_a_restricted_record_is_read_only_and_hidden_from_lists(active, coordinator, case_manager):
    request = _granted(coordinator, active, RequestKind.RESTRICTION)
    services.restriction_set(actor=coordinator, request=request)
    active.refresh_from_db()
    assert active.restricted_at is not None
    assert not Participant.objects.filter(listed_q(), pk=active.pk).exists()
    with pytest.raises(ValidationError) as error:
        contact_services.contact_record(
            actor=case_manager,
            participant=active,
            date=timezone.localdate(),
            duration_minutes=30,
            channel="phone",
        )
    assert "eingeschränkt (Art. 18 DSGVO)" in str(error.value)
    with pytest.raises(ValidationError):
        participant_services.participant_update(
            actor=coordinator, participant=active, version=active.version, phone="123"
        )
    services.restriction_lift(actor=coordinator, request=request)
    active.refresh_from_db()
    assert active.restricted_at is None
    assert Participant.objects.filter(listed_q(), pk=active.pk).exists()
    with pytest.raises(ValidationError, match="nicht eingeschränkt"):
        services.restriction_lift(actor=coordinator, request=request)


def test_an_anonymised_record_refuses_writes(exited, coordinator, case_manager):
    services.erasure_execute(
        actor=coordinator, request=_granted(coordinator, exited, RequestKind.ERASURE)
    )
    exited.refresh_from_db()
    with pytest.raises(ValidationError, match="anonymisiert"):
        contact_services.contact_record(
            actor=case_manager,
            participant=exited,
            date=timezone.localdate(),
            duration_minutes=30,
            channel="phone",
        )
    with pytest.raises(ValidationError, match="anonymisiert"):
        services.legal_hold_create(
            actor=coordinator,
            participant=exited,
            reason="zu spät",
            until=timezone.localdate() + dt.timedelta(days=1),
        )


def test_holds_need_a_future_date_and_lift_once(exited, coordinator):
    with pytest.raises(ValidationError, match="Zukunft"):
        services.legal_hold_create(
            actor=coordinator, participant=exited, reason="x", until=timezone.localdate()
        )
    hold = services.legal_hold_create(
        actor=coordinator,
        participant=exited,
        reason="Prüfung",
        until=timezone.localdate() + dt.timedelta(days=1),
    )
    services.legal_hold_lift(actor=coordinator, hold=hold)
    with pytest.raises(ValidationError, match="bereits aufgehoben"):
        services.legal_hold_lift(actor=coordinator, hold=LegalHold.objects.get(pk=hold.pk))
    logged = AuditEntry.objects.filter(action__startswith="privacy.legal_hold")
    assert logged.count() == 2
    assert "Prüfung" not in str(list(logged.values_list("data", flat=True)))
