from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from durchstarten.core.middleware import SESSION_KEY
from durchstarten.core.models import Role
from durchstarten.organisation import selectors as org_selectors


def home(request):
    """Start page: what the active role needs first."""
    membership = request.membership
    context = {"membership": membership}
    if membership is None:
        return render(request, "core/home_no_role.html", context)
    today = timezone.localdate()
    if membership.district_id is not None:
        context["overview"] = org_selectors.district_overview(
            request.user, membership.district, on=today
        )
    else:
        context["districts"] = org_selectors.district_list_for_user(request.user)
    template = {
        Role.COORDINATOR: "core/home_coordinator.html",
        Role.CASE_MANAGER: "core/home_case_work.html",
        Role.COACH: "core/home_case_work.html",
        Role.PROVIDER_STAFF: "core/home_provider.html",
    }.get(membership.role, "core/home_statewide.html")
    return render(request, template, context)


@require_POST
def switch_membership(request):
    wanted = request.POST.get("membership", "")
    match = next((m for m in request.memberships if str(m.pk) == wanted), None)
    if match is None:
        messages.error(request, _("Diese Rolle steht Ihnen nicht zur Verfügung."))
    else:
        request.session[SESSION_KEY] = match.pk
        messages.success(
            request,
            _("Sie arbeiten jetzt als %(role)s in %(place)s.")
            % {"role": match.get_role_display(), "place": match.district or _("ganz NRW")},
        )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "home"
    return redirect(target)
