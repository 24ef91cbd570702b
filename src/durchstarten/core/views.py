from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from durchstarten.cases import selectors as case_selectors
from durchstarten.core import lists
from durchstarten.core.middleware import SESSION_KEY
from durchstarten.core.models import PROVIDER_ROLES, Role
from durchstarten.organisation import selectors as org_selectors
from durchstarten.organisation.models import Module

# Teilhabemanagement is funded for a caseload of 100 participants per full-time post.
CASELOAD_PER_FTE = 100


def home(request):
    """Start page: what the active role needs first."""
    membership = request.membership
    context = {"membership": membership}
    if membership is None:
        return render(request, "core/home_no_role.html", context)
    today = timezone.localdate()
    if membership.district_id is not None:
        overview = org_selectors.district_overview(request.user, membership.district, on=today)
        context["overview"] = overview
        context["today"] = today
        if membership.role == Role.COORDINATOR:
            context["module_rows"] = _module_rows(overview)
        elif membership.role in PROVIDER_ROLES:
            # A user may hold further roles in the district; this page is about one provider.
            context["assignments"] = [
                a for a in overview["assignments"] if a.provider_id == membership.provider_id
            ]
        else:
            context["assignments"] = overview["assignments"]
        if membership.role in (Role.CASE_MANAGER, Role.COACH):
            context["tasks"] = case_selectors.my_tasks(
                request.user, district_id=membership.district_id, day=today
            )
            context["return_to"] = "home"
    else:
        context["districts"] = org_selectors.district_list_for_user(request.user)
    template = {
        Role.COORDINATOR: "core/home_coordinator.html",
        Role.CASE_MANAGER: "core/home_case_work.html",
        Role.COACH: "core/home_case_work.html",
        Role.PROVIDER_STAFF: "core/home_provider.html",
    }.get(membership.role, "core/home_statewide.html")
    return render(request, template, context)


def _module_rows(overview: dict) -> list[dict]:
    """One row per module: providers with their municipality count, coverage, posts, capacity."""
    rows = []
    for module in Module:
        providers: dict[int, dict] = {}
        for assignment in overview["assignments"]:
            if assignment.module != module:
                continue
            entry = providers.setdefault(
                assignment.provider_id, {"provider": assignment.provider, "municipalities": set()}
            )
            entry["municipalities"].update(m.pk for m in assignment.municipalities.all())
        fte = overview["fte_by_module"].get(module)
        rows.append(
            {
                "module": module,
                "providers": [
                    {"provider": e["provider"], "municipality_count": len(e["municipalities"])}
                    for e in sorted(providers.values(), key=lambda e: str(e["provider"]).casefold())
                ],
                "covered": overview["covered_by_module"].get(module, 0),
                "fte": fte,
                "capacity": (
                    int(fte * CASELOAD_PER_FTE)
                    if fte is not None and module == Module.CASE_MANAGEMENT
                    else None
                ),
            }
        )
    return rows


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
            _("Sie arbeiten jetzt in der Rolle „%(role)s“ für %(place)s.")
            % {"role": match.get_role_display(), "place": match.district or _("ganz NRW")},
        )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "home"
    return redirect(target)


@require_POST
def list_filter(request):
    """Takes a list's filter form, keeps the filters in the session and redirects to the list
    with an opaque token (core.lists): names and dates of birth searched for never appear in a
    URL, the browser history, an access log or a Referer header.

    ``next`` must be the path of a filtered list on this site. Anything else is refused with a
    redirect to the start page (nothing is stored), as switch_membership does with a foreign
    ``next``.
    """
    target = request.POST.get("next", "")
    form_class = lists.filter_form_for(request, target)
    if form_class is None:
        messages.error(request, _("Die Suche konnte nicht ausgeführt werden."))
        return redirect("home")
    query = {lists.FILTERS_PARAM: lists.store_filters(request, form_class, request.POST)}
    sort = request.POST.get("sort", "")
    if sort.removeprefix("-") in form_class.sort_fields:
        query["sort"] = sort
    return redirect(f"{target}?{urlencode(query)}")


@login_not_required
@require_safe
@never_cache
def healthz(request):
    """Liveness for load balancers and monitoring: the app answers and reaches its database.

    Public, so it says nothing but "ok"; through the whole middleware stack, so that a broken
    middleware shows here too. Without a session it costs one query; a database that cannot
    be reached gives an error page (500) instead.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")
