from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from durchstarten.core.models import Role
from durchstarten.core.scoping import DISTRICT_WIDE_ROLES

# (label, url name, roles that see the entry; None = everyone signed in)
_NAVIGATION = [
    (_("Start"), "home", None),
    (_("Kreis"), "organisation:district_overview", {Role.COORDINATOR, Role.CASE_MANAGER}),
    (_("Träger"), "organisation:provider_list", DISTRICT_WIDE_ROLES),
    (_("Zuständigkeiten"), "organisation:assignment_list", None),
    (_("Stellen"), "organisation:position_list", {Role.COORDINATOR}),
    (_("Kreise"), "organisation:district_list", {Role.STATE_ANALYST, Role.ADMIN}),
]


def navigation(request):
    membership = getattr(request, "membership", None)
    if membership is None:
        return {}
    items = [
        {"label": label, "url": reverse(name), "name": name}
        for label, name, roles in _NAVIGATION
        if roles is None or membership.role in roles
    ]
    return {
        "nav_items": items,
        "active_membership": membership,
        "memberships": request.memberships,
    }
