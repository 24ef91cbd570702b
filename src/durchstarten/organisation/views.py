"""Coordinator pages for the district's structure: providers, responsibilities and posts."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from durchstarten.core.decorators import in_active_district, require_role
from durchstarten.core.forms import add_service_error
from durchstarten.core.lists import filter_data, filtered_list, paginate
from durchstarten.core.models import Role
from durchstarten.organisation import selectors, services
from durchstarten.organisation.filters import (
    AssignmentFilterForm,
    PositionFilterForm,
    ProviderFilterForm,
)
from durchstarten.organisation.forms import (
    AssignmentForm,
    PositionForm,
    ProviderForm,
)
from durchstarten.organisation.models import Module

DISTRICT_ROLES = (Role.COORDINATOR, Role.CASE_MANAGER)
ASSIGNMENT_ROLES = (*DISTRICT_ROLES, Role.COACH, Role.PROVIDER_STAFF)
STATEWIDE_ROLES = (Role.STATE_ANALYST, Role.ADMIN)


def _may_edit(request) -> bool:
    return request.membership.role == Role.COORDINATOR


def _bound(form_class, request, **kwargs):
    return form_class(request.POST if request.method == "POST" else None, **kwargs)


# --- Districts ------------------------------------------------------------------------------


@require_role(*DISTRICT_ROLES)
def district_overview(request):
    district = request.membership.district
    today = timezone.localdate()
    user = request.user
    overview = selectors.district_overview(user, district, on=today)
    modules = [
        {
            "value": value,
            "label": label,
            "fte": overview["fte_by_module"].get(value),
            "covered": overview["covered_by_module"].get(value, 0),
        }
        for value, label in Module.choices
    ]
    positions = (
        selectors.position_list_for_user(user, district=district)
        .active_on(today)
        .order_by("module", "provider__name", "title", "pk")
    )
    return render(
        request,
        "organisation/district_overview.html",
        {
            "district": district,
            "today": today,
            "overview": overview,
            "modules": modules,
            "matrix": selectors.responsibility_matrix(user, district, on=today),
            "providers": selectors.provider_list_for_user(user, district=district),
            "positions": positions,
        },
    )


@require_role(*STATEWIDE_ROLES)
def district_list(request):
    districts = selectors.district_list_with_counts_for_user(request.user)
    return render(request, "organisation/district_list.html", {"districts": districts})


# --- Providers ------------------------------------------------------------------------------


@filtered_list(ProviderFilterForm)
@require_role(*DISTRICT_ROLES)
def provider_list(request):
    district = request.membership.district
    filters = ProviderFilterForm(filter_data(request))
    providers = filters.apply(selectors.provider_list_for_user(request.user, district=district))
    # htmx asks for the results only, except when it restores a page from the history.
    fragment = bool(request.htmx) and not request.htmx.history_restore_request
    context = {
        "filters": filters,
        "page_obj": paginate(request, providers),
        "may_edit": _may_edit(request),
        "fragment": fragment,
    }
    template = "organisation/provider_list.html"
    if fragment:
        template += "#results"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_role(*DISTRICT_ROLES)
def provider_detail(request, public_id):
    provider = in_active_district(request, selectors.get_provider_for_user(request.user, public_id))
    assignments = (
        selectors.assignment_list_for_user(request.user, district=request.membership.district)
        .filter(provider=provider)
        .order_by("module", "valid_from", "pk")
    )
    positions = (
        selectors.position_list_for_user(request.user, district=request.membership.district)
        .filter(provider=provider)
        .order_by("module", "valid_from", "pk")
    )
    return render(
        request,
        "organisation/provider_detail.html",
        {
            "provider": provider,
            "assignments": assignments,
            "positions": positions,
            "may_edit": _may_edit(request),
        },
    )


@require_http_methods(["GET", "POST"])
@require_role(Role.COORDINATOR)
def provider_create(request):
    form = _bound(ProviderForm, request)
    if form.is_valid():
        try:
            provider = services.provider_create(
                actor=request.user, district=request.membership.district, **form.service_fields()
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request, _("Der Träger „%(name)s“ wurde angelegt.") % {"name": provider.name}
            )
            return redirect("organisation:provider_detail", public_id=provider.public_id)
    return render(request, "organisation/provider_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@require_role(Role.COORDINATOR)
def provider_edit(request, public_id):
    provider = in_active_district(request, selectors.get_provider_for_user(request.user, public_id))
    initial = {name: getattr(provider, name) for name in services.PROVIDER_FIELDS}
    form = _bound(ProviderForm, request, initial={**initial, "version": provider.version})
    form.fields["version"].required = True
    if form.is_valid():
        try:
            services.provider_update(
                actor=request.user,
                provider=provider,
                version=form.cleaned_data["version"],
                **form.service_fields(),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Die Änderungen am Träger „%(name)s“ wurden gespeichert.")
                % {"name": provider.name},
            )
            return redirect("organisation:provider_detail", public_id=provider.public_id)
    return render(request, "organisation/provider_form.html", {"form": form, "provider": provider})


# --- Assignments ----------------------------------------------------------------------------


@filtered_list(AssignmentFilterForm)
@require_role(*ASSIGNMENT_ROLES)
def assignment_list(request):
    district = request.membership.district
    user = request.user
    filters = AssignmentFilterForm(
        filter_data(request),
        providers=selectors.provider_list_for_user(user, district=district),
        municipalities=selectors.municipality_list_for_user(user, district=district),
    )
    assignments = filters.apply(selectors.assignment_list_for_user(user, district=district))
    return render(
        request,
        "organisation/assignment_list.html",
        {
            "filters": filters,
            "page_obj": paginate(request, assignments),
            "may_edit": _may_edit(request),
        },
    )


def _assignment_form(request, **kwargs):
    district = request.membership.district
    return _bound(
        AssignmentForm,
        request,
        providers=selectors.provider_list_for_user(request.user, district=district).filter(
            is_active=True
        ),
        municipalities=selectors.municipality_list_for_user(request.user, district=district),
        **kwargs,
    )


@require_http_methods(["GET", "POST"])
@require_role(Role.COORDINATOR)
def assignment_create(request):
    form = _assignment_form(request)
    if form.is_valid():
        try:
            services.assignment_create(actor=request.user, **form.service_fields())
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Die Zuständigkeit wurde angelegt."))
            return redirect("organisation:assignment_list")
    return render(request, "organisation/assignment_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@require_role(Role.COORDINATOR)
def assignment_edit(request, public_id):
    assignment = in_active_district(
        request, selectors.get_assignment_for_user(request.user, public_id)
    )
    initial = {name: getattr(assignment, name) for name in services.ASSIGNMENT_FIELDS}
    initial.update(municipalities=list(assignment.municipalities.all()), version=assignment.version)
    form = _assignment_form(request, initial=initial, with_provider=False)
    form.fields["version"].required = True
    if form.is_valid():
        try:
            services.assignment_update(
                actor=request.user,
                assignment=assignment,
                version=form.cleaned_data["version"],
                **form.service_fields(),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Die Änderungen an der Zuständigkeit wurden gespeichert."))
            return redirect("organisation:assignment_list")
    return render(
        request, "organisation/assignment_form.html", {"form": form, "assignment": assignment}
    )


@require_http_methods(["GET", "POST"])
@require_role(Role.COORDINATOR)
def assignment_delete(request, public_id):
    assignment = in_active_district(
        request, selectors.get_assignment_for_user(request.user, public_id)
    )
    if request.method == "POST":
        services.assignment_delete(actor=request.user, assignment=assignment)
        messages.success(request, _("Die Zuständigkeit wurde gelöscht."))
        return redirect("organisation:assignment_list")
    return render(
        request, "organisation/assignment_confirm_delete.html", {"assignment": assignment}
    )


# --- Positions ------------------------------------------------------------------------------


@filtered_list(PositionFilterForm)
@require_role(*DISTRICT_ROLES)
def position_list(request):
    district = request.membership.district
    user = request.user
    filters = PositionFilterForm(
        filter_data(request), providers=selectors.provider_list_for_user(user, district=district)
    )
    positions = filters.apply(selectors.position_list_for_user(user, district=district))
    return render(
        request,
        "organisation/position_list.html",
        {
            "filters": filters,
            "page_obj": paginate(request, positions),
            "fte_total": positions.aggregate(total=Sum("fte"))["total"],
            "may_edit": _may_edit(request),
        },
    )


def _position_form(request, **kwargs):
    district = request.membership.district
    return _bound(
        PositionForm,
        request,
        providers=selectors.provider_list_for_user(request.user, district=district),
        holders=selectors.staff_list_for_user(request.user, district=district),
        **kwargs,
    )


@require_http_methods(["GET", "POST"])
@require_role(Role.COORDINATOR)
def position_create(request):
    form = _position_form(request)
    if form.is_valid():
        try:
            services.position_create(
                actor=request.user, district=request.membership.district, **form.service_fields()
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Die Stelle wurde angelegt."))
            return redirect("organisation:position_list")
    return render(request, "organisation/position_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@require_role(Role.COORDINATOR)
def position_edit(request, public_id):
    position = in_active_district(request, selectors.get_position_for_user(request.user, public_id))
    initial = {name: getattr(position, name) for name in services.POSITION_FIELDS}
    form = _position_form(request, initial={**initial, "version": position.version})
    form.fields["version"].required = True
    if form.is_valid():
        try:
            services.position_update(
                actor=request.user,
                position=position,
                version=form.cleaned_data["version"],
                **form.service_fields(),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Die Änderungen an der Stelle wurden gespeichert."))
            return redirect("organisation:position_list")
    return render(request, "organisation/position_form.html", {"form": form, "position": position})


@require_http_methods(["GET", "POST"])
@require_role(Role.COORDINATOR)
def position_delete(request, public_id):
    position = in_active_district(request, selectors.get_position_for_user(request.user, public_id))
    if request.method == "POST":
        services.position_delete(actor=request.user, position=position)
        messages.success(request, _("Die Stelle wurde gelöscht."))
        return redirect("organisation:position_list")
    return render(request, "organisation/position_confirm_delete.html", {"position": position})
