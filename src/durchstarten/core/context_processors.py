from functools import cache

from django.urls import resolve, reverse
from django.utils.translation import gettext_lazy as _

from durchstarten.core.models import Role
from durchstarten.core.scoping import CASE_WORK_ROLES, DISTRICT_WIDE_ROLES

# (label, url name, roles that see the entry; None = everyone signed in)
_NAVIGATION = [
    (_("Start"), "home", None),
    (_("Fälle"), "cases:participant_list", CASE_WORK_ROLES),
    (_("Meine Aufgaben"), "cases:my_tasks", CASE_WORK_ROLES),
    (
        _("Angebote"),
        "offers:offer_list",
        {Role.COORDINATOR, Role.CASE_MANAGER, Role.COACH, Role.PROVIDER_STAFF},
    ),
    (_("Vermittlungen"), "offers:inbox", {Role.PROVIDER_STAFF}),
    (_("Angebotslücken"), "offers:gaps", {Role.COORDINATOR, Role.CASE_MANAGER}),
    (_("Mögliche Dubletten"), "cases:duplicate_list", DISTRICT_WIDE_ROLES),
    (_("Listenimport"), "imports:batch_list", DISTRICT_WIDE_ROLES),
    (_("Kennzahlen"), "reporting:dashboard", {Role.COORDINATOR, Role.CASE_MANAGER}),
    (_("Netzwerk"), "network:partner_list", {Role.COORDINATOR, Role.CASE_MANAGER, Role.COACH}),
    (_("Steuerungsgruppe"), "network:meeting_list", {Role.COORDINATOR, Role.CASE_MANAGER}),
    (_("Dokumente"), "network:document_list", {Role.COORDINATOR, Role.CASE_MANAGER}),
    (_("Kreis"), "organisation:district_overview", {Role.COORDINATOR, Role.CASE_MANAGER}),
    (_("Träger"), "organisation:provider_list", DISTRICT_WIDE_ROLES),
    (_("Zuständigkeiten"), "organisation:assignment_list", None),
    (_("Stellen"), "organisation:position_list", {Role.COORDINATOR}),
    (_("Fallzahlen"), "organisation:caseload", {Role.COORDINATOR, Role.CASE_MANAGER}),
    (_("Trägerauswahl"), "selection:call_list", {Role.COORDINATOR}),
    (_("Förderung"), "funding:overview", {Role.COORDINATOR}),
    (_("Datenschutz"), "privacy:overview", {Role.COORDINATOR}),
    (_("Kreise"), "organisation:district_list", {Role.STATE_ANALYST, Role.ADMIN}),
    (_("Landesübersicht"), "reporting:state", {Role.STATE_ANALYST}),
    (_("Notfallzugriffe"), "accounts:break_glass_list", {Role.ADMIN}),
]


@cache
def _set_language_is_public() -> bool:
    """Whether signed-out visitors may use the language switch (LoginRequiredMiddleware)."""
    view = resolve(reverse("set_language")).func
    return not getattr(view, "login_required", True)


def navigation(request):
    """Main navigation, the memberships for the switcher and whether to offer a language switch."""
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    context = {"language_switch": signed_in or _set_language_is_public()}
    membership = getattr(request, "membership", None)
    if membership is None:
        return context
    match = getattr(request, "resolver_match", None)
    current = match.view_name if match is not None else None
    context.update(
        nav_items=[
            {"label": label, "url": reverse(name), "name": name, "current": name == current}
            for label, name, roles in _NAVIGATION
            if roles is None or membership.role in roles
        ],
        active_membership=membership,
        memberships=request.memberships,
    )
    return context
