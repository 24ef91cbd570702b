"""Pieces shared by the offers pages: roles, the buttons a referral offers, labels."""

from django.utils.translation import gettext as _

from durchstarten.cases.choices import LANGUAGES, NeedCategory, ResidenceStatusKind
from durchstarten.core.models import Role
from durchstarten.offers.choices import TRANSITIONS, DeclinedBy, ReferralState
from durchstarten.offers.forms import ACTION_LABELS, ACTIONS
from durchstarten.offers.models import Offer, Referral
from durchstarten.offers.services import transition_allowed

DIRECTORY_ROLES = (Role.COORDINATOR, Role.CASE_MANAGER, Role.COACH, Role.PROVIDER_STAFF)
MANAGING_ROLES = (Role.COORDINATOR, Role.PROVIDER_STAFF)
INBOX_ROLES = (Role.PROVIDER_STAFF, Role.COORDINATOR)
GAP_ROLES = (Role.COORDINATOR, Role.CASE_MANAGER)

LANGUAGE_LABELS = dict(LANGUAGES)
NEED_LABELS = dict(NeedCategory.choices)
STATUS_LABELS = dict(ResidenceStatusKind.choices)


def labels(values, names: dict) -> list[str]:
    return [str(names.get(value, value)) for value in values or []]


def free_places_text(free: int | None, capacity: int | None) -> str:
    if capacity is None:
        return _("unbegrenzt")
    return _("%(free)s von %(capacity)s") % {"free": free, "capacity": capacity}


def eligibility_rules(offer: Offer) -> list[str]:
    """The offer's rules of who may take part, in words."""
    rules = []
    if offer.allowed_statuses:
        rules.append(
            _("Aufenthaltsstatus: nur %(statuses)s")
            % {"statuses": ", ".join(labels(offer.allowed_statuses, STATUS_LABELS))}
        )
    if offer.min_age is not None and offer.max_age is not None:
        rules.append(
            _("Alter: %(low)s bis %(high)s Jahre") % {"low": offer.min_age, "high": offer.max_age}
        )
    elif offer.min_age is not None:
        rules.append(_("Alter: ab %(low)s Jahren") % {"low": offer.min_age})
    elif offer.max_age is not None:
        rules.append(_("Alter: bis %(high)s Jahre") % {"high": offer.max_age})
    if offer.requires_employment:
        rules.append(
            _("setzt eine Ausbildung oder sozialversicherungspflichtige Beschäftigung voraus")
        )
    if offer.min_german_level:
        rules.append(
            _("Deutschkenntnisse mindestens %(level)s") % {"level": offer.min_german_level}
        )
    if offer.requires_literacy:
        rules.append(_("setzt Alphabetisierung in lateinischer Schrift voraus"))
    if offer.women_only:
        rules.append(_("nur für Frauen"))
    return rules


def referral_actions(user, referral: Referral, *, for_provider: bool) -> list[tuple[str, str]]:
    """The steps the user can take on the referral, as (action, label).

    The rule is the service's own (transition_allowed), so buttons and writes agree.
    """
    targets = TRANSITIONS[ReferralState(referral.state)]
    actions = []
    for key, (to_state, declined_by) in ACTIONS.items():
        if to_state not in targets:
            continue
        # In the inbox the provider answers for itself, not for the participant.
        if for_provider and declined_by == DeclinedBy.PARTICIPANT:
            continue
        if transition_allowed(user, referral, to_state, declined_by):
            actions.append((key, str(ACTION_LABELS[key])))
    return actions
