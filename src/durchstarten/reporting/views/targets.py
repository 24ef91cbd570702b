"""The coordinator's targets (Zielwerte): list, create, edit, delete."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from durchstarten.core.decorators import in_active_district, require_role
from durchstarten.core.forms import add_service_error
from durchstarten.core.lists import filter_data, filtered_list, paginate
from durchstarten.core.models import Role
from durchstarten.reporting import selectors, services
from durchstarten.reporting.forms import TargetFilterForm, TargetForm
from durchstarten.reporting.views._format import target_value


def _describe(target) -> str:
    return f"{target.get_metric_display()} {target.year}"


@filtered_list(TargetFilterForm)
@require_GET
@require_role(Role.COORDINATOR)
def target_list(request):
    district = request.membership.district
    filters = TargetFilterForm(
        filter_data(request), years=selectors.target_years_for_user(request.user, district=district)
    )
    targets = filters.apply(selectors.target_list_for_user(request.user, district=district))
    page_obj = paginate(request, targets)
    page_obj.object_list = list(page_obj.object_list)
    for target in page_obj.object_list:
        target.display_value = target_value(target.metric, target.value)
    return render(request, "reporting/target_list.html", {"filters": filters, "page_obj": page_obj})


@require_http_methods(["GET", "POST"])
@require_role(Role.COORDINATOR)
def target_create(request):
    form = TargetForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            target = services.target_create(
                actor=request.user, district=request.membership.district, **form.service_fields()
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Der Zielwert „%(target)s“ wurde angelegt.") % {"target": _describe(target)},
            )
            return redirect("reporting:target_list")
    return render(request, "reporting/target_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@require_role(Role.COORDINATOR)
def target_edit(request, public_id):
    target = in_active_district(request, selectors.get_target_for_user(request.user, public_id))
    initial = {name: getattr(target, name) for name in services.TARGET_FIELDS}
    form = TargetForm(
        request.POST if request.method == "POST" else None,
        initial={**initial, "version": target.version},
    )
    form.fields["version"].required = True
    if form.is_valid():
        try:
            services.target_update(
                actor=request.user,
                target=target,
                version=form.cleaned_data["version"],
                **form.service_fields(),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Die Änderungen am Zielwert „%(target)s“ wurden gespeichert.")
                % {"target": _describe(target)},
            )
            return redirect("reporting:target_list")
    return render(request, "reporting/target_form.html", {"form": form, "target": target})


@require_http_methods(["GET", "POST"])
@require_role(Role.COORDINATOR)
def target_delete(request, public_id):
    target = in_active_district(request, selectors.get_target_for_user(request.user, public_id))
    error = None
    if request.method == "POST":
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = None
        try:
            services.target_delete(actor=request.user, target=target, version=version)
        except ValidationError as exc:
            current = selectors.target_list_for_user(request.user).filter(pk=target.pk).first()
            if current is None:
                messages.info(request, _("Der Zielwert wurde inzwischen schon gelöscht."))
                return redirect("reporting:target_list")
            # Changed meanwhile: show what would be deleted now and ask again.
            error, target = exc.messages[0], current
        else:
            messages.success(
                request,
                _("Der Zielwert „%(target)s“ wurde gelöscht.") % {"target": _describe(target)},
            )
            return redirect("reporting:target_list")
    target.display_value = target_value(target.metric, target.value)
    return render(
        request,
        "reporting/target_confirm_delete.html",
        {"target": target, "error": error, "hidden": {"version": target.version}},
    )
