"""Writes to offers, referrals and outcomes. Web, API, import and commands all call these."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from durchstarten.cases.choices import (
    LANGUAGE_CODES,
    ConsentPurpose,
    NeedCategory,
    ResidenceStatusKind,
)
from durchstarten.cases.models import Participant
from durchstarten.cases.services._common import not_in_future, require_case_work
from durchstarten.cases.services.consent import has_consent
from durchstarten.core.audit import log_action
from durchstarten.core.models import User
from durchstarten.core.scoping import can_do_case_work, can_manage_offer, referrals_q
from durchstarten.core.services import save_with_version
from durchstarten.offers import matching
from durchstarten.offers.choices import (
    CATEGORY_KIND,
    OPEN_STATES,
    PLACE_HOLDING,
    TRANSITIONS,
    DeclinedBy,
    OfferKind,
    OutcomeKind,
    ReferralState,
)
from durchstarten.offers.models import Offer, Outcome, Referral, ReferralTransition
from durchstarten.offers.selectors import profile_for
from durchstarten.organisation.models import District, Municipality
from durchstarten.privacy.guards import require_writable

OFFER_FIELDS = (
    "provider",
    "organiser",
    "category",
    "module",
    "title",
    "description",
    "location",
    "schedule",
    "start_date",
    "end_date",
    "capacity",
    "languages",
    "women_only",
    "childcare",
    "needs_covered",
    "allowed_statuses",
    "min_age",
    "max_age",
    "requires_employment",
    "min_german_level",
    "requires_literacy",
    "is_active",
)


# --- Offers --------------------------------------------------------------------------------


def _validate_offer(offer: Offer, municipalities: list[Municipality]) -> None:
    errors: dict[str, str] = {}
    offer.kind = CATEGORY_KIND.get(offer.category, "")
    if offer.kind == OfferKind.INITIATIVE and not offer.module:
        errors["module"] = _("Maßnahmen der Landesinitiative gehören zu einem Förderbaustein 1–5.")
    if offer.kind != OfferKind.INITIATIVE:
        offer.module = None
    if offer.provider_id and offer.provider.district_id != offer.district_id:
        errors["provider"] = _("Der Träger gehört nicht zu diesem Kreis.")
    if not offer.provider_id and not offer.organiser.strip():
        errors["organiser"] = _("Bitte nennen Sie den Träger oder den Anbieter.")
    if offer.end_date and offer.start_date and offer.end_date < offer.start_date:
        errors["end_date"] = _("Das Ende darf nicht vor dem Beginn liegen.")
    if offer.min_age is not None and offer.max_age is not None and offer.max_age < offer.min_age:
        errors["max_age"] = _("Das Höchstalter darf nicht unter dem Mindestalter liegen.")
    for name, allowed in (
        ("languages", LANGUAGE_CODES),
        ("needs_covered", set(NeedCategory.values)),
        ("allowed_statuses", set(ResidenceStatusKind.values)),
    ):
        value = getattr(offer, name)
        if not isinstance(value, list) or set(value) - set(allowed):
            errors[name] = _("Ungültige Auswahl.")
    foreign = sorted(m.name for m in municipalities if m.district_id != offer.district_id)
    if foreign:
        errors["municipalities"] = _("Diese Kommunen gehören nicht zum Kreis: %(names)s.") % {
            "names": ", ".join(foreign)
        }
    if errors:
        raise ValidationError(errors)
    offer.full_clean(exclude=["languages", "needs_covered", "allowed_statuses", "kind"])


@transaction.atomic
def offer_create(*, actor: User, district: District, municipalities=(), **fields) -> Offer:
    unknown = set(fields) - set(OFFER_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    offer = Offer(district=district, **fields)
    if not can_manage_offer(actor, offer):
        raise PermissionDenied
    municipalities = list(municipalities)
    _validate_offer(offer, municipalities)
    offer.save()
    offer.municipalities.set(municipalities)
    log_action("offers.offer.created", actor=actor, obj=offer)
    return offer


@transaction.atomic
def offer_update(
    *, actor: User, offer: Offer, version: int, municipalities=None, **fields
) -> Offer:
    if not can_manage_offer(actor, offer):
        raise PermissionDenied
    unknown = set(fields) - set(OFFER_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    changed = [name for name, value in fields.items() if getattr(offer, name) != value]
    for name in changed:
        setattr(offer, name, fields[name])
    # A provider may not hand its offer to another provider.
    if "provider" in changed and not can_manage_offer(actor, offer):
        raise PermissionDenied
    municipalities = list(offer.municipalities.all() if municipalities is None else municipalities)
    _validate_offer(offer, municipalities)
    save_with_version(offer, expected_version=version, fields=[*changed, "kind", "module"])
    offer.municipalities.set(municipalities)
    log_action("offers.offer.changed", actor=actor, obj=offer, data={"fields": changed})
    return offer


# --- Referrals -----------------------------------------------------------------------------


def free_places(offer: Offer) -> int | None:
    if offer.capacity is None:
        return None
    taken = offer.referrals.filter(state__in=PLACE_HOLDING).count()
    return max(offer.capacity - taken, 0)


def _record(
    referral: Referral, from_state: str, to_state: str, on: dt.date, by: User, reason: str = ""
):
    ReferralTransition.objects.create(
        referral=referral, from_state=from_state, to_state=to_state, on=on, by=by, reason=reason
    )


@transaction.atomic
def referral_propose(
    *,
    actor: User,
    participant: Participant,
    offer: Offer,
    on: dt.date | None = None,
    note: str = "",
) -> Referral:
    """Propose a referral: only into an offer the participant is eligible for, and only with
    consent — to case work, and to sharing with the offer's provider if it has one."""
    require_case_work(actor, participant)
    on = on or timezone.localdate()
    not_in_future("proposed_on", on)
    if offer.district_id != participant.district_id or not offer.is_active:
        raise ValidationError({"offer": _("Dieses Angebot steht im Kreis nicht zur Verfügung.")})
    if not has_consent(participant, ConsentPurpose.CASE_WORK, on):
        raise ValidationError(
            _("Für eine Vermittlung ist eine gültige Einwilligung in die Fallarbeit nötig."),
            code="no_consent",
        )
    if offer.provider_id and not has_consent(
        participant, ConsentPurpose.PROVIDER_SHARING, on, offer.provider
    ):
        raise ValidationError(
            _("Die Person hat nicht eingewilligt, dass ihre Daten an „%(provider)s“ gehen.")
            % {"provider": offer.provider},
            code="no_provider_consent",
        )
    if participant.referrals.filter(offer=offer, state__in=OPEN_STATES).exists():
        raise ValidationError(
            _("Für dieses Angebot läuft bereits eine Vermittlung."), code="duplicate"
        )
    evaluation = matching.evaluate(
        offer, profile_for(participant), today=on, free_places=free_places(offer)
    )
    if not evaluation.eligible:
        raise ValidationError(
            [ValidationError(check.text, code="not_eligible") for check in evaluation.failed]
        )
    referral = Referral.objects.create(
        participant=participant,
        offer=offer,
        district_id=participant.district_id,
        proposed_on=on,
        note=note,
        proposed_by=actor,
    )
    _record(referral, "", ReferralState.PROPOSED, on, actor)
    log_action(
        "offers.referral.proposed",
        actor=actor,
        obj=participant,
        data={"offer": str(offer.public_id)},
    )
    return referral


def transition_allowed(
    actor: User, referral: Referral, to_state: str, declined_by: str = ""
) -> bool:
    """Who may take which step of a referral the actor can see (no query: the UI asks it
    for every row). Managers of the offer may take every step; case workers act for the
    participant but never speak for a provider running the offer (confirming a place, the
    waiting list, declining on its behalf)."""
    offer = referral.offer
    if can_manage_offer(actor, offer):
        return True
    if not can_do_case_work(actor, referral.participant):
        return False
    providers_word = to_state in (ReferralState.ACCEPTED, ReferralState.WAITING) or (
        to_state == ReferralState.DECLINED and declined_by == DeclinedBy.PROVIDER
    )
    return not (offer.provider_id and providers_word)


@transaction.atomic
def referral_transition(
    *,
    actor: User,
    referral: Referral,
    version: int,
    to_state: str,
    on: dt.date | None = None,
    reason: str = "",
    declined_by: str = "",
) -> Referral:
    """Move a referral on. Accepting respects the offer's capacity: a full offer offers the
    waiting list instead. Every step is dated and recorded with who took it."""
    on = on or timezone.localdate()
    visible = Referral.objects.filter(referrals_q(actor), pk=referral.pk).exists()
    if not visible or not transition_allowed(actor, referral, to_state, declined_by):
        raise PermissionDenied
    require_writable(referral.participant)
    not_in_future("on", on)
    if to_state not in TRANSITIONS[referral.state]:
        raise ValidationError(
            _("Von „%(from)s“ geht es nicht zu „%(to)s“.")
            % {"from": ReferralState(referral.state).label, "to": ReferralState(to_state).label},
            code="transition",
        )
    earliest = max(filter(None, [referral.proposed_on, referral.accepted_on, referral.started_on]))
    if on < earliest:
        raise ValidationError({"on": _("Das Datum liegt vor dem letzten Schritt.")}, code="order")
    if to_state == ReferralState.ACCEPTED:
        offer = Offer.objects.select_for_update().get(pk=referral.offer_id)
        places = free_places(offer)
        if places is not None and places <= 0:
            raise ValidationError(
                _("Das Angebot ist ausgebucht. Setzen Sie die Person auf die Warteliste."),
                code="full",
            )
        referral.accepted_on = on
    elif to_state == ReferralState.STARTED:
        referral.started_on = on
    elif to_state in (ReferralState.COMPLETED, ReferralState.ABORTED, ReferralState.DECLINED):
        referral.ended_on = on
    if to_state == ReferralState.ABORTED and not reason.strip():
        raise ValidationError({"reason": _("Bitte nennen Sie den Abbruchgrund.")}, code="required")
    if to_state == ReferralState.DECLINED:
        if declined_by not in DeclinedBy.values:
            raise ValidationError({"declined_by": _("Bitte geben Sie an, wer abgelehnt hat.")})
        referral.declined_by = declined_by
    if to_state == ReferralState.ABORTED:
        referral.abort_reason = reason
    from_state, referral.state = referral.state, to_state
    save_with_version(
        referral,
        expected_version=version,
        fields=["state", "accepted_on", "started_on", "ended_on", "declined_by", "abort_reason"],
    )
    _record(referral, from_state, to_state, on, actor, reason)
    log_action(
        "offers.referral.transition",
        actor=actor,
        obj=referral.participant,
        data={"from": from_state, "to": to_state},
    )
    return referral


# --- Outcomes ------------------------------------------------------------------------------


@transaction.atomic
def outcome_record(
    *,
    actor: User,
    participant: Participant,
    kind: str,
    start_date: dt.date,
    end_date: dt.date | None = None,
    language_level: str = "",
    referral: Referral | None = None,
    note: str = "",
) -> Outcome:
    require_case_work(actor, participant)
    if referral is not None and referral.participant_id != participant.pk:
        raise ValidationError({"referral": _("Die Vermittlung gehört zu einer anderen Person.")})
    outcome = Outcome(
        participant=participant,
        kind=kind,
        start_date=start_date,
        end_date=end_date,
        language_level=language_level,
        referral=referral,
        note=note,
        recorded_by=actor,
    )
    if end_date is not None and end_date < start_date:
        raise ValidationError({"end_date": _("Das Ende darf nicht vor dem Beginn liegen.")})
    if kind == OutcomeKind.LANGUAGE_EXAM and not language_level:
        raise ValidationError({"language_level": _("Bitte geben Sie das Sprachniveau an.")})
    if kind != OutcomeKind.LANGUAGE_EXAM and language_level:
        raise ValidationError(
            {"language_level": _("Ein Sprachniveau gibt es nur bei einer Sprachprüfung.")}
        )
    outcome.full_clean(exclude=["participant", "referral"])
    outcome.save()
    log_action("offers.outcome.recorded", actor=actor, obj=participant, data={"kind": kind})
    return outcome
