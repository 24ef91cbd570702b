from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from durchstarten.api.models import ApiToken
from durchstarten.api.models import TokenScope as Scope

READ_ONLY_TOKEN = _("Dieser API-Schlüssel darf nur lesen.")


class TokenScope(permissions.BasePermission):
    """A read-only token may only read; session users and read-write tokens may write."""

    message = READ_ONLY_TOKEN

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        token = request.auth
        return not isinstance(token, ApiToken) or token.scope == Scope.WRITE
