"""The caseload page: active participants per case manager and coach against 1:100."""

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from durchstarten.core.decorators import require_role
from durchstarten.core.lists import SortedFilterForm
from durchstarten.core.models import Role
from durchstarten.organisation.caseload import TARGET_PER_FTE, caseload_for_user
from durchstarten.organisation.models import Module

CASELOAD_ROLES = (Role.COORDINATOR, Role.CASE_MANAGER)

# Rows without a value (no post, hence no ratio) sort after all others in either direction.
_SORT_KEYS = {
    "name": lambda row: (False, row.name.casefold()),
    "active": lambda row: (False, row.active),
    "fte": lambda row: (row.fte is None, row.fte or 0),
    "ratio": lambda row: (row.ratio is None, row.ratio or 0),
}


class CaseloadSortForm(SortedFilterForm):
    """Only the ``sort`` parameter; the rows are sorted in Python (one per person)."""

    sort_fields = dict.fromkeys(_SORT_KEYS, ())


def _sorted(rows, sort: str):
    key = _SORT_KEYS[sort.removeprefix("-")]
    ordered = sorted(rows, key=lambda row: row.name.casefold())
    ordered.sort(key=key, reverse=sort.startswith("-"))
    if sort.startswith("-"):
        # Keep rows without a value last when descending, too.
        ordered.sort(key=lambda row: key(row)[0])
    return ordered


@require_GET
@require_role(*CASELOAD_ROLES)
def caseload(request):
    today = timezone.localdate()
    filters = CaseloadSortForm(request.GET)
    sort = filters.current_sort
    tables = caseload_for_user(request.user, request.membership.district, on=today)
    case_management = tables[Module.CASE_MANAGEMENT]
    coaching = tables[Module.COACHING]
    case_management.rows = _sorted(case_management.rows, sort)
    coaching.rows = _sorted(coaching.rows, sort)
    sections = [
        {
            "table": case_management,
            "anchor": "teilhabemanagement",
            "heading": _("Teilhabemanagement (Förderbaustein 6)"),
            "caption": _("Teilnehmende im Programm je Teilhabemanager*in und Vollzeitstelle"),
            "person_label": _("Teilhabemanager*in"),
            "unassigned_label": _("ohne zuständige Teilhabemanager*in"),
            "note": "",
        },
        {
            "table": coaching,
            "anchor": "coaching",
            "heading": _("Coaching (Förderbaustein 1)"),
            "caption": _("Teilnehmende im Programm je Coach und Vollzeitstelle"),
            "person_label": _("Coach"),
            "unassigned_label": _("ohne Coach"),
            "note": _(
                "Der Betreuungsschlüssel 1:100 gilt für das Teilhabemanagement "
                "(Förderbaustein 6). Für das Coaching wird das Verhältnis nur zur Information "
                "angezeigt."
            ),
        },
    ]
    return render(
        request,
        "organisation/caseload.html",
        {
            "filters": filters,
            "today": today,
            "target": TARGET_PER_FTE,
            "case_management": case_management,
            "sections": sections,
        },
    )
