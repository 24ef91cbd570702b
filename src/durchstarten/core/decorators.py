from collections.abc import Callable, Collection
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404


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


def in_active_district(request, obj):
    """The object, or 404 if it belongs to another district than the one the user acts in
    (also one where the user holds another role: each role sees its own district)."""
    membership = getattr(request, "membership", None)
    if membership is None or obj.district_id != membership.district_id:
        raise Http404
    return obj
