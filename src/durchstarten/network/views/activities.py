"""The log of network activities with counts per municipality and kind for a period."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from durchstarten.core.decorators import in_active_district, require_role
from durchstarten.core.forms import add_service_error
from durchstarten.core.lists import filter_data, filtered_list, paginate
from durchstarten.network import selectors
from durchstarten.network.choices import ActivityKind
from durchstarten.network.filters import ActivityFilterForm
from durchstarten.network.forms import ActivityForm
from durchstarten.network.models import Partner
from durchstarten.network.services import activities as services
from durchstarten.network.views._common import DISTRICT, bound, render_list
from durchstarten.organisation.selectors import municipality_list_for_user


def _activity(request, public_id):
    return in_active_district(request, selectors.get_activity_for_user(request.user, public_id))


def count_table(municipalities, counts: dict) -> dict:
    """Rows per municipality (and one for the whole district) × kinds, with totals."""
    kinds = list(ActivityKind)
    rows = []
    for key, label in [*((m.pk, m.name) for m in municipalities), (None, _("ganzer Kreis"))]:
        cells = [counts.get((key, kind.value), 0) for kind in kinds]
        rows.append({"label": label, "cells": cells, "total": sum(cells)})
    totals = [sum(row["cells"][i] for row in rows) for i in range(len(kinds))]
    return {
        "kinds": [kind.label for kind in kinds],
        "rows": rows,
        "totals": totals,
        "total": sum(totals),
    }


@filtered_list(ActivityFilterForm)
@require_GET
@require_role(*DISTRICT)
def activity_list(request):
    district = request.membership.district
    municipalities = list(municipality_list_for_user(request.user, district=district))
    partners = selectors.partner_list_for_user(request.user, district_id=district.pk)
    filters = ActivityFilterForm(
        filter_data(request),
        municipalities=municipalities,
        partners=partners,
        period=selectors.default_period(timezone.localdate()),
    )
    activities = filters.apply(
        selectors.activity_list_for_user(request.user, district_id=district.pk)
    )
    page_obj = paginate(
        request,
        activities.prefetch_related(
            Prefetch("partners", queryset=Partner.objects.order_by("name"))
        ),
    )
    start, end = filters.chosen_period()
    context = {
        "filters": filters,
        "page_obj": page_obj,
        "period_start": start,
        "period_end": end,
        "counts": count_table(municipalities, selectors.activity_counts(activities)),
    }
    page_obj.object_list = list(page_obj.object_list)
    for activity in page_obj.object_list:
        activity.may_change = services.may_change(request.user, activity)
    return render_list(request, "network/activity_list.html", context)


def _activity_form(request, **kwargs) -> ActivityForm:
    district = request.membership.district
    return bound(
        ActivityForm,
        request,
        municipalities=municipality_list_for_user(request.user, district=district),
        partners=selectors.partner_list_for_user(request.user, district_id=district.pk),
        **kwargs,
    )


@require_http_methods(["GET", "POST"])
@require_role(*DISTRICT)
def activity_create(request):
    form = _activity_form(request, initial={"date": timezone.localdate()})
    if form.is_valid():
        try:
            services.activity_create(
                actor=request.user, district=request.membership.district, **form.service_fields()
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Die Netzwerkaktivität wurde erfasst."))
            return redirect("network:activity_list")
    return render(request, "network/activity_form.html", {"form": form})


def _changeable(request, public_id):
    activity = _activity(request, public_id)
    if not services.may_change(request.user, activity):
        raise PermissionDenied
    return activity


@require_http_methods(["GET", "POST"])
@require_role(*DISTRICT)
def activity_edit(request, public_id):
    activity = _changeable(request, public_id)
    initial = {name: getattr(activity, name) for name in services.ACTIVITY_FIELDS}
    initial.update(partners=list(activity.partners.all()), version=activity.version)
    form = _activity_form(request, initial=initial)
    form.fields["version"].required = True
    if form.is_valid():
        try:
            services.activity_update(
                actor=request.user,
                activity=activity,
                version=form.cleaned_data["version"],
                **form.service_fields(),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request, _("Die Änderungen an der Netzwerkaktivität wurden gespeichert.")
            )
            return redirect("network:activity_list")
    return render(request, "network/activity_form.html", {"form": form, "activity": activity})


@require_http_methods(["GET", "POST"])
@require_role(*DISTRICT)
def activity_delete(request, public_id):
    activity = _changeable(request, public_id)
    if request.method == "POST":
        services.activity_delete(actor=request.user, activity=activity)
        messages.success(request, _("Die Netzwerkaktivität wurde gelöscht."))
        return redirect("network:activity_list")
    return render(request, "network/activity_confirm_delete.html", {"activity": activity})
