"""Pieces shared by the network pages."""

from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from durchstarten.core.models import Role

MANAGING = (Role.COORDINATOR,)
DISTRICT = (Role.COORDINATOR, Role.CASE_MANAGER)
PARTNER_READERS = (Role.COORDINATOR, Role.CASE_MANAGER, Role.COACH)


def may_edit(request) -> bool:
    return request.membership.role == Role.COORDINATOR


def bound(form_class, request, **kwargs):
    if request.method == "POST":
        return form_class(request.POST, request.FILES, **kwargs)
    return form_class(**kwargs)


def render_list(request, template: str, context: dict):
    """A list page, or only its results when htmx asks while the user types (but the whole
    page when htmx restores it from the history)."""
    fragment = bool(request.htmx) and not request.htmx.history_restore_request
    context["fragment"] = fragment
    if fragment:
        template += "#results"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response
