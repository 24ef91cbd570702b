from collections.abc import Callable, Collection
from functools import wraps

from django.core.exceptions import PermissionDenied


def require_role(*roles: str) -> Callable:
    """Allow the view only when the active membership has one of the roles."""
    allowed: Collection[str] = set(roles)

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            membership = getattr(request, "membership", None)
            if membership is None or membership.role not in allowed:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
