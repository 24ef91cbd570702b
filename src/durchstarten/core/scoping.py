"""The one place that decides which district records a user may see.

Every selector, view, API endpoint, export and command narrows its querysets through
the functions here; nothing else filters by district or provider on its own.
"""

from collections.abc import Collection
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from durchstarten.core.models import PROVIDER_ROLES, STATEWIDE_ROLES, Membership, Role, User

# Roles that see every record of their district.
DISTRICT_WIDE_ROLES = frozenset({Role.COORDINATOR, Role.CASE_MANAGER})

_CACHE_ATTR = "_durchstarten_access"


@dataclass(frozen=True)
class Access:
    """What a user's memberships add up to."""

    statewide_roles: frozenset[str] = frozenset()
    district_roles: dict[int, frozenset[str]] = field(default_factory=dict)
    provider_ids: dict[int, frozenset[int]] = field(default_factory=dict)

    def roles_in(self, district_id: int) -> frozenset[str]:
        return self.district_roles.get(district_id, frozenset())

    @property
    def district_ids(self) -> frozenset[int]:
        return frozenset(self.district_roles)


def access_for(user: User) -> Access:
    """The user's access, computed once per user object (one query)."""
    if not user.is_authenticated or not user.is_active:
        return Access()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    statewide: set[str] = set()
    district_roles: dict[int, set[str]] = {}
    provider_ids: dict[int, set[int]] = {}
    rows = Membership.objects.filter(user=user).values_list("role", "district_id", "provider_id")
    for role, district_id, provider_id in rows:
        if role in STATEWIDE_ROLES:
            statewide.add(role)
            continue
        district_roles.setdefault(district_id, set()).add(role)
        if role in PROVIDER_ROLES:
            provider_ids.setdefault(district_id, set()).add(provider_id)
    access = Access(
        statewide_roles=frozenset(statewide),
        district_roles={d: frozenset(r) for d, r in district_roles.items()},
        provider_ids={d: frozenset(p) for d, p in provider_ids.items()},
    )
    setattr(user, _CACHE_ATTR, access)
    return access


def forget_access(user: User) -> None:
    """Drop the cached access after the user's memberships changed."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def has_role(user: User, district_id: int | None, roles: Collection[str]) -> bool:
    access = access_for(user)
    if access.statewide_roles & set(roles):
        return True
    return district_id is not None and bool(access.roles_in(district_id) & set(roles))


def require_role(user: User, district_id: int | None, roles: Collection[str]) -> None:
    """Raise PermissionDenied unless the user holds one of the roles for the district."""
    if not has_role(user, district_id, roles):
        raise PermissionDenied


def scope_organisation(
    queryset: QuerySet,
    user: User,
    *,
    district_field: str = "district",
    provider_field: str | None = None,
) -> QuerySet:
    """Narrow organisation records (no personal data of participants) to the user's reach.

    State-wide roles see all districts' structure. Coordinators and case managers see
    their whole district. Provider roles see their district, but of records that belong
    to a provider (``provider_field``) only their own provider's.
    """
    access = access_for(user)
    if access.statewide_roles:
        return queryset
    condition = Q(pk__in=[])
    full = [d for d, roles in access.district_roles.items() if roles & DISTRICT_WIDE_ROLES]
    if full:
        condition |= Q(**{f"{district_field}__in": full})
    for district_id, providers in access.provider_ids.items():
        if district_id in full:
            continue
        if provider_field is None:
            condition |= Q(**{district_field: district_id})
        else:
            condition |= Q(**{district_field: district_id, f"{provider_field}__in": providers})
    return queryset.filter(condition)


# --- Participants (Sozialdaten) ------------------------------------------------------------

CASE_WORK_ROLES = frozenset({Role.COORDINATOR, Role.CASE_MANAGER, Role.COACH})


def _active_sharing_consent(prefix: str, day):
    from durchstarten.cases.choices import ConsentPurpose
    from durchstarten.cases.models import Consent

    return Exists(
        Consent.objects.filter(
            participant=OuterRef(f"{prefix}pk"),
            purpose=ConsentPurpose.PROVIDER_SHARING,
            provider=OuterRef(f"{prefix}coaching_provider"),
            given_on__lte=day,
        ).filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=day))
    )


def _break_glass_participants(user: User):
    """Ids of the participants the admin holds a break-glass grant for right now."""
    from durchstarten.accounts.models import BreakGlassAccess

    return BreakGlassAccess.objects.active().filter(user=user).values("participant_id")


def participants_q(user: User, *, prefix: str = "", day=None) -> Q:
    """The condition for participants (or rows reached through `prefix`) the user may see.

    Coordinators and case managers: every participant of their district. Coaches: the
    participants assigned to their provider for coaching, and only while the participant's
    consent to share with that provider is in force. State-wide roles see no person, except
    that an admin sees the one participant of each break-glass grant while it is in force
    (read only: services still require a case role for every write).
    """
    access = access_for(user)
    day = day or timezone.localdate()
    condition = Q(pk__in=[])
    full = [d for d, roles in access.district_roles.items() if roles & DISTRICT_WIDE_ROLES]
    if full:
        condition |= Q(**{f"{prefix}district__in": full})
    coached = {
        provider_id
        for district_id, providers in access.provider_ids.items()
        if district_id not in full and Role.COACH in access.roles_in(district_id)
        for provider_id in providers
    }
    if coached:
        condition |= Q(**{f"{prefix}coaching_provider__in": coached}) & Q(
            _active_sharing_consent(prefix, day)
        )
    if Role.ADMIN in access.statewide_roles:
        condition |= Q(**{f"{prefix}pk__in": _break_glass_participants(user)})
    return condition


def scope_participants(queryset: QuerySet, user: User, *, prefix: str = "") -> QuerySet:
    """Narrow participants, or records that belong to one (via `prefix`), to the user's reach."""
    return queryset.filter(participants_q(user, prefix=prefix))


def can_do_case_work(user: User, participant) -> bool:
    """Whether the user may change the case (the participant must already be visible to them)."""
    return has_role(user, participant.district_id, CASE_WORK_ROLES)


def can_read_notes(user: User, participant) -> bool:
    """Counselling notes: only the responsible staff and the district's coordinators."""
    if user.pk in (participant.case_manager_id, participant.coach_id):
        return True
    return Role.COORDINATOR in access_for(user).roles_in(participant.district_id)


def referrals_q(user: User, *, day=None) -> Q:
    """Referrals the user may see.

    Case workers: referrals of the participants they see. Provider staff: referrals to their
    provider's offers, and only while the participant's consent to share with that provider
    is in force — withdrawal ends their access at once.
    """
    from durchstarten.cases.choices import ConsentPurpose
    from durchstarten.cases.models import Consent

    day = day or timezone.localdate()
    access = access_for(user)
    condition = participants_q(user, prefix="participant__", day=day)
    staff_of = {
        provider_id
        for district_id, providers in access.provider_ids.items()
        if Role.PROVIDER_STAFF in access.roles_in(district_id)
        for provider_id in providers
    }
    if staff_of:
        consent = Consent.objects.filter(
            participant=OuterRef("participant"),
            purpose=ConsentPurpose.PROVIDER_SHARING,
            provider=OuterRef("offer__provider"),
            given_on__lte=day,
        ).filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=day))
        condition |= Q(offer__provider__in=staff_of) & Q(Exists(consent))
    return condition


def can_manage_offer(user: User, offer) -> bool:
    """Coordinators manage their district's offers; provider staff their own provider's."""
    if has_role(user, offer.district_id, {Role.COORDINATOR}):
        return True
    access = access_for(user)
    return (
        Role.PROVIDER_STAFF in access.roles_in(offer.district_id)
        and offer.provider_id is not None
        and offer.provider_id in access.provider_ids.get(offer.district_id, frozenset())
    )
