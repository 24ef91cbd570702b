"""Helpers shared by the provider-selection views."""

from django.contrib import messages
from django.shortcuts import redirect

from durchstarten.core.decorators import in_active_district
from durchstarten.core.models import Role
from durchstarten.selection import selectors

# Bids and scores are confidential to the coordinating office: case managers may work for a
# provider that bids, so only coordinators see the procedure at all.
SELECTION_ROLES = (Role.COORDINATOR,)


def get_call(request, public_id):
    """The call of the active district, or 404 alike for "does not exist" and "not yours"."""
    return in_active_district(request, selectors.get_call_for_user(request.user, public_id))


def bound(form_class, request, **kwargs):
    return form_class(request.POST if request.method == "POST" else None, **kwargs)


def to_call(call, anchor: str = ""):
    response = redirect("selection:call_detail", public_id=call.public_id)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


def refuse(request, call, message, anchor: str = ""):
    """Back to the call page with the reason why the action is not possible now."""
    messages.error(request, message)
    return to_call(call, anchor)
