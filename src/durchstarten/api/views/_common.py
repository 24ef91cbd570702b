"""What the API-A viewsets share: role checks per action and versioned single records.

Roles mirror the `require_role` of the pages. The pages check the role of the active
membership; an API client has none, so a role held in any district lets the request through to
the selectors, which narrow it to the districts where the role applies. Services then check the
role for the record's own district.
"""

from collections.abc import Collection

from rest_framework import permissions
from rest_framework.response import Response
from rest_framework.settings import api_settings

from durchstarten.api.base import with_etag
from durchstarten.api.problems import FORBIDDEN
from durchstarten.core.models import Role, User
from durchstarten.core.scoping import access_for, has_role

DISTRICT = frozenset({Role.COORDINATOR, Role.CASE_MANAGER})
CASE_WORK = frozenset({Role.COORDINATOR, Role.CASE_MANAGER, Role.COACH})
DIRECTORY = frozenset({Role.COORDINATOR, Role.CASE_MANAGER, Role.COACH, Role.PROVIDER_STAFF})
COORDINATION = frozenset({Role.COORDINATOR})
OFFER_MANAGERS = frozenset({Role.COORDINATOR, Role.PROVIDER_STAFF})
STATE_VIEW = frozenset({Role.STATE_ANALYST})


def holds_any(user: User, roles: Collection[str]) -> bool:
    """Whether the user holds one of the roles in some district (or state-wide)."""
    access = access_for(user)
    wanted = set(roles)
    if access.statewide_roles & wanted:
        return True
    return any(held & wanted for held in access.district_roles.values())


def holds_in(user: User, district_id: int, roles: Collection[str]) -> bool:
    return has_role(user, district_id, roles)


class ActionRoles(permissions.BasePermission):
    """`view.action_roles` maps an action to the roles allowed to call it.

    An action the view does not map (a method the route does not offer) passes, so that it
    answers 405 rather than 403.
    """

    message = FORBIDDEN

    def has_permission(self, request, view) -> bool:
        roles = view.action_roles.get(view.action)
        if roles is None:
            return True
        return holds_any(request.user, roles)


# The project's defaults (authenticated, token scope) and the role check, in that order: an
# anonymous request answers 401, a read-only token's write 403 before any role is considered.
GUARDED = [*api_settings.DEFAULT_PERMISSION_CLASSES, ActionRoles]


class EtagRetrieveMixin:
    """A single record answers with its version as ETag, for the If-Match of the next PATCH."""

    def retrieve(self, request, *args, **kwargs):
        obj = self.get_object()
        return with_etag(Response(self.get_serializer(obj).data), obj)
