"""Consent: given per purpose (and provider), withdrawn with immediate effect."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from durchstarten.cases.choices import ConsentPurpose
from durchstarten.cases.models import Consent, Participant
from durchstarten.cases.services._common import not_in_future, require_case_work
from durchstarten.core.audit import log_action
from durchstarten.core.models import User
from durchstarten.organisation.models import Provider


def active_consents(participant: Participant, day: dt.date):
    return participant.consents.filter(given_on__lte=day).exclude(withdrawn_on__lte=day)


def has_consent(
    participant: Participant, purpose: str, day: dt.date, provider: Provider | None = None
) -> bool:
    consents = active_consents(participant, day).filter(purpose=purpose)
    if provider is not None:
        consents = consents.filter(provider=provider)
    return consents.exists()


@transaction.atomic
def consent_give(
    *,
    actor: User,
    participant: Participant,
    purpose: str,
    given_on: dt.date,
    form_language: str,
    provider: Provider | None = None,
) -> Consent:
    require_case_work(actor, participant)
    not_in_future("given_on", given_on)
    if purpose == ConsentPurpose.PROVIDER_SHARING and provider is None:
        raise ValidationError(
            {"provider": _("Für die Weitergabe muss der Träger genannt werden.")}, code="required"
        )
    if purpose != ConsentPurpose.PROVIDER_SHARING:
        provider = None
    if provider is not None and provider.district_id != participant.district_id:
        raise ValidationError(
            {"provider": _("Der Träger gehört nicht zu diesem Kreis.")}, code="foreign_provider"
        )
    if has_consent(participant, purpose, given_on, provider):
        raise ValidationError(
            _("Für diesen Zweck liegt bereits eine gültige Einwilligung vor."), code="duplicate"
        )
    consent = Consent(
        participant=participant,
        purpose=purpose,
        provider=provider,
        given_on=given_on,
        form_language=form_language,
        recorded_by=actor,
    )
    consent.full_clean()
    consent.save()
    log_action(
        "cases.consent.given",
        actor=actor,
        obj=participant,
        data={"purpose": purpose, "provider": str(provider.public_id) if provider else None},
    )
    return consent


@transaction.atomic
def consent_withdraw(
    *, actor: User, consent: Consent, withdrawn_on: dt.date | None = None
) -> Consent:
    """Withdrawal takes effect on the day it is recorded, unless an earlier day is given.

    Visibility for providers is checked against the consent on every read, so access ends
    with this write.
    """
    participant = consent.participant
    require_case_work(actor, participant)
    withdrawn_on = withdrawn_on or timezone.localdate()
    not_in_future("withdrawn_on", withdrawn_on)
    if consent.withdrawn_on is not None:
        raise ValidationError(_("Diese Einwilligung ist bereits widerrufen."), code="withdrawn")
    if withdrawn_on < consent.given_on:
        raise ValidationError(
            {"withdrawn_on": _("Der Widerruf kann nicht vor der Erteilung liegen.")}, code="period"
        )
    consent.withdrawn_on = withdrawn_on
    consent.save(update_fields=["withdrawn_on"])
    log_action(
        "cases.consent.withdrawn", actor=actor, obj=participant, data={"purpose": consent.purpose}
    )
    return consent
