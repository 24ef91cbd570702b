"""Writes of the privacy area: retention periods, legal holds, erasure and restriction requests.

Only the district's coordinators act here. Every write is audited naming objects by public id;
reasons and notes (free text) never go into the log.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from durchstarten.cases.models import Participant
from durchstarten.core.audit import log_action
from durchstarten.core.models import Role, User
from durchstarten.core.scoping import require_role
from durchstarten.core.services import save_with_version
from durchstarten.organisation.models import District
from durchstarten.privacy import retention
from durchstarten.privacy.anonymisation import participant_anonymise
from durchstarten.privacy.models import (
    BASES_BY_KIND,
    Cause,
    DataClass,
    Decision,
    LegalHold,
    PrivacyRequest,
    RequestKind,
    RetentionPolicy,
)

MANAGING = (Role.COORDINATOR,)

BELOW_MINIMUM = _("Die Frist darf %(minimum)s Tage nicht unterschreiten.")
HOLD_IN_PAST = _("Das Datum muss in der Zukunft liegen.")
FUTURE_DATE = _("Das Datum darf nicht in der Zukunft liegen.")
WRONG_BASIS = _("Diese Rechtsgrundlage passt nicht zur Art des Antrags.")
ALREADY_DECIDED = _("Über diesen Antrag wurde bereits entschieden.")
REASON_REQUIRED = _("Bitte begründen Sie die Ablehnung.")
NOT_GRANTED = _("Nur ein stattgegebener Antrag kann umgesetzt werden.")
ALREADY_EXECUTED = _("Dieser Antrag wurde bereits umgesetzt.")
HOLD_BLOCKS = _(
    "Die Daten dürfen nicht gelöscht werden: Eine Aufbewahrungspflicht gilt bis %(until)s."
)
AUDIT_BLOCKS = _(
    "Die Daten dürfen noch nicht gelöscht werden: Die Prüfungsfrist der Förderung läuft bis "
    "%(until)s. Schränken Sie die Verarbeitung bis dahin ein (Art. 17 Abs. 3 lit. b DSGVO)."
)
OPEN_ENROLLMENT = _(
    "Die Teilnahme läuft noch. Bitte erfassen Sie zuerst den Austritt, dann die Löschung."
)
ALREADY_ANONYMISED = _("Die Daten dieser Person sind bereits anonymisiert.")
ALREADY_RESTRICTED = _("Die Verarbeitung ist bereits eingeschränkt.")
NOT_RESTRICTED = _("Die Verarbeitung ist nicht eingeschränkt.")
HOLD_LIFTED = _("Diese Aufbewahrungspflicht ist bereits aufgehoben.")


def _date(day: dt.date) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def _not_anonymised(participant: Participant) -> None:
    if participant.anonymised_at is not None:
        raise ValidationError(ALREADY_ANONYMISED, code="anonymised")


# --- Retention periods ----------------------------------------------------------------------


@transaction.atomic
def retention_policy_set(*, actor: User, district: District, periods: dict[str, int]) -> None:
    """Set the district's retention period (days) for the given data classes."""
    require_role(actor, district.pk, MANAGING)
    minimum = retention.minimum_days()
    errors = {
        data_class: BELOW_MINIMUM % {"minimum": minimum}
        for data_class, days in periods.items()
        if days < minimum
    }
    unknown = set(periods) - set(DataClass.values)
    if unknown:
        raise TypeError(f"unknown data classes: {sorted(unknown)}")
    if errors:
        raise ValidationError(errors, code="below_minimum")
    changed = {}
    for data_class, days in periods.items():
        policy, created = RetentionPolicy.objects.select_for_update().get_or_create(
            district=district, data_class=data_class, defaults={"days": days, "updated_by": actor}
        )
        if created or policy.days != days:
            changed[data_class] = days
        if not created and policy.days != days:
            policy.days, policy.updated_by = days, actor
            save_with_version(
                policy, expected_version=policy.version, fields=["days", "updated_by"]
            )
    if changed:
        log_action(
            "privacy.retention_policy.changed",
            actor=actor,
            district_id=district.pk,
            data={"days": changed},
        )


# --- Legal holds ----------------------------------------------------------------------------


@transaction.atomic
def legal_hold_create(
    *, actor: User, participant: Participant, reason: str, until: dt.date
) -> LegalHold:
    require_role(actor, participant.district_id, MANAGING)
    _not_anonymised(participant)
    if until <= timezone.localdate():
        raise ValidationError({"until": HOLD_IN_PAST}, code="past")
    hold = LegalHold(participant=participant, reason=reason.strip(), until=until, created_by=actor)
    hold.full_clean()
    hold.save()
    log_action(
        "privacy.legal_hold.created",
        actor=actor,
        obj=participant,
        data={"hold": str(hold.public_id), "until": until.isoformat()},
    )
    return hold


@transaction.atomic
def legal_hold_lift(*, actor: User, hold: LegalHold) -> LegalHold:
    participant = hold.participant
    require_role(actor, participant.district_id, MANAGING)
    if hold.lifted_on is not None:
        raise ValidationError(HOLD_LIFTED, code="lifted")
    hold.lifted_on, hold.lifted_by = timezone.localdate(), actor
    save_with_version(hold, expected_version=hold.version, fields=["lifted_on", "lifted_by"])
    log_action(
        "privacy.legal_hold.lifted",
        actor=actor,
        obj=participant,
        data={"hold": str(hold.public_id)},
    )
    return hold


# --- Requests (Art. 17, Art. 18) ------------------------------------------------------------


@transaction.atomic
def privacy_request_record(
    *,
    actor: User,
    participant: Participant,
    kind: str,
    received_on: dt.date,
    legal_basis: str,
    note: str = "",
) -> PrivacyRequest:
    """Record a data subject's request for erasure or restriction as received."""
    require_role(actor, participant.district_id, MANAGING)
    _not_anonymised(participant)
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": FUTURE_DATE}, code="future")
    if legal_basis not in BASES_BY_KIND[RequestKind(kind)]:
        raise ValidationError({"legal_basis": WRONG_BASIS}, code="basis")
    request = PrivacyRequest(
        participant=participant,
        kind=kind,
        received_on=received_on,
        legal_basis=legal_basis,
        note=note.strip(),
        created_by=actor,
    )
    request.full_clean()
    request.save()
    log_action(
        "privacy.request.recorded",
        actor=actor,
        obj=participant,
        data={"request": str(request.public_id), "kind": kind, "legal_basis": legal_basis},
    )
    return request


def erasure_blockers(participant: Participant, today: dt.date | None = None) -> list[str]:
    """Why the participant's data may not be erased now (German sentences; empty: it may)."""
    today = today or timezone.localdate()
    status = retention.person_status(participant, today)
    reasons = []
    if participant.anonymised_at is not None:
        reasons.append(str(ALREADY_ANONYMISED))
    if status.open_enrollment:
        reasons.append(str(OPEN_ENROLLMENT))
    if status.held_until is not None:
        reasons.append(str(HOLD_BLOCKS % {"until": _date(status.held_until)}))
    if status.audit_end is not None and today <= status.audit_end:
        reasons.append(str(AUDIT_BLOCKS % {"until": _date(status.audit_end)}))
    return reasons


@transaction.atomic
def privacy_request_decide(
    *, actor: User, request: PrivacyRequest, version: int, decision: str, reason: str = ""
) -> PrivacyRequest:
    """Grant or refuse a request; a refusal needs a reason."""
    require_role(actor, request.participant.district_id, MANAGING)
    if request.decision != Decision.OPEN:
        raise ValidationError(ALREADY_DECIDED, code="decided")
    if decision not in (Decision.GRANTED, Decision.REFUSED):
        raise ValidationError({"decision": ALREADY_DECIDED}, code="decision")
    if decision == Decision.REFUSED and not reason.strip():
        raise ValidationError({"decision_reason": REASON_REQUIRED}, code="required")
    request.decision, request.decision_reason = decision, reason.strip()
    request.decided_on, request.decided_by = timezone.localdate(), actor
    save_with_version(
        request,
        expected_version=version,
        fields=["decision", "decision_reason", "decided_on", "decided_by"],
    )
    log_action(
        "privacy.request.decided",
        actor=actor,
        obj=request.participant,
        data={"request": str(request.public_id), "decision": decision},
    )
    return request


def _executable(request: PrivacyRequest) -> None:
    if request.decision != Decision.GRANTED:
        raise ValidationError(NOT_GRANTED, code="not_granted")
    if request.executed_at is not None:
        raise ValidationError(ALREADY_EXECUTED, code="executed")


@transaction.atomic
def erasure_execute(*, actor: User, request: PrivacyRequest) -> list[str]:
    """Erase (anonymise) the participant now on a granted request; refused with the German
    reason while an enrollment runs, a legal hold or the funding-audit period applies."""
    participant = Participant.objects.select_for_update().get(pk=request.participant_id)
    require_role(actor, participant.district_id, MANAGING)
    if request.kind != RequestKind.ERASURE:
        raise ValidationError(NOT_GRANTED, code="kind")
    _executable(request)
    blockers = erasure_blockers(participant)
    if blockers:
        raise ValidationError(blockers, code="blocked")
    done = participant_anonymise(actor=actor, participant=participant, reason=Cause.ERASURE)
    request.executed_at = timezone.now()
    request.save(update_fields=["executed_at", "updated_at"])
    log_action(
        "privacy.request.executed",
        actor=actor,
        obj=participant,
        data={"request": str(request.public_id), "kind": request.kind},
    )
    return done


@transaction.atomic
def restriction_set(*, actor: User, request: PrivacyRequest) -> Participant:
    """Restrict the processing of the participant's data on a granted request: read-only for
    everyone, hidden from lists."""
    participant = Participant.objects.select_for_update().get(pk=request.participant_id)
    require_role(actor, participant.district_id, MANAGING)
    if request.kind != RequestKind.RESTRICTION:
        raise ValidationError(NOT_GRANTED, code="kind")
    _executable(request)
    _not_anonymised(participant)
    if participant.restricted_at is not None:
        raise ValidationError(ALREADY_RESTRICTED, code="restricted")
    now = timezone.now()
    participant.restricted_at = now
    participant.save(update_fields=["restricted_at", "updated_at"])
    request.executed_at = now
    request.save(update_fields=["executed_at", "updated_at"])
    log_action(
        "privacy.restriction.set",
        actor=actor,
        obj=participant,
        data={"request": str(request.public_id)},
    )
    return participant


@transaction.atomic
def restriction_lift(*, actor: User, request: PrivacyRequest) -> Participant:
    """End a restriction set on this request (e.g. the disputed data has been checked)."""
    participant = Participant.objects.select_for_update().get(pk=request.participant_id)
    require_role(actor, participant.district_id, MANAGING)
    if (
        request.kind != RequestKind.RESTRICTION
        or request.executed_at is None
        or request.lifted_at is not None
        or participant.restricted_at is None
    ):
        raise ValidationError(NOT_RESTRICTED, code="not_restricted")
    now = timezone.now()
    participant.restricted_at = None
    participant.save(update_fields=["restricted_at", "updated_at"])
    request.lifted_at = now
    request.save(update_fields=["lifted_at", "updated_at"])
    log_action(
        "privacy.restriction.lifted",
        actor=actor,
        obj=participant,
        data={"request": str(request.public_id)},
    )
    return participant
