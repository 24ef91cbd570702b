"""The help page "Kennzahlen-Definitionen": how every figure of the reports is counted."""

from importlib import import_module

from django.shortcuts import render
from django.views.decorators.http import require_GET

from durchstarten.reporting.definitions import DEFINITIONS


def _quarterly_definitions() -> list:
    # The quarterly monitoring is a module of its own; its definitions show when it is there.
    try:
        quarterly = import_module("durchstarten.reporting.quarterly")
    except ImportError:
        return []
    return list(getattr(quarterly, "DEFINITIONS", []))


@require_GET
def definitions(request):
    """For everyone signed in: the page explains rules and holds no district data."""
    return render(
        request,
        "reporting/definitions.html",
        {"definitions": DEFINITIONS, "quarterly": _quarterly_definitions()},
    )
