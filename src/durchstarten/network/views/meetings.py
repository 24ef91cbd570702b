"""Steering-group meetings: list, detail, create, edit, delete; action items."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from durchstarten.core.decorators import in_active_district, require_role
from durchstarten.core.forms import add_service_error
from durchstarten.core.lists import filter_data, filtered_list, paginate
from durchstarten.network import selectors
from durchstarten.network.filters import MeetingFilterForm
from durchstarten.network.forms import ActionItemForm, MeetingForm
from durchstarten.network.services import meetings as services
from durchstarten.network.views._common import DISTRICT, MANAGING, bound, may_edit, render_list
from durchstarten.organisation.selectors import provider_list_for_user


def _meeting(request, public_id):
    return in_active_district(request, selectors.get_meeting_for_user(request.user, public_id))


@filtered_list(MeetingFilterForm)
@require_GET
@require_role(*DISTRICT)
def meeting_list(request):
    district_id = request.membership.district_id
    meetings = selectors.meeting_list_for_user(request.user, district_id=district_id)
    years = sorted({day.year for day in meetings.dates("date", "year")}, reverse=True)
    filters = MeetingFilterForm(filter_data(request), years=years)
    overview = selectors.meeting_overview(request.user, district_id=district_id)
    context = {
        "filters": filters,
        "page_obj": paginate(request, filters.apply(overview)),
        "may_edit": may_edit(request),
    }
    return render_list(request, "network/meeting_list.html", context)


@require_GET
@require_role(*DISTRICT)
def meeting_detail(request, public_id):
    meeting = selectors.meeting_with_details(_meeting(request, public_id))
    items = list(meeting.action_items.all())
    for item in items:
        item.may_complete = not item.is_done and services.may_complete(request.user, item)
    context = {
        "meeting": meeting,
        "action_items": items,
        "may_edit": may_edit(request),
    }
    if may_edit(request):
        context["action_form"] = _action_form(request, data=None)
    return render(request, "network/meeting_detail.html", context)


def _meeting_form(request, **kwargs) -> MeetingForm:
    district = request.membership.district
    return bound(
        MeetingForm,
        request,
        providers=provider_list_for_user(request.user, district=district).filter(is_active=True),
        partners=selectors.partner_list_for_user(request.user, district_id=district.pk).filter(
            is_active=True
        ),
        **kwargs,
    )


@require_http_methods(["GET", "POST"])
@require_role(*MANAGING)
def meeting_create(request):
    form = _meeting_form(request)
    if form.is_valid():
        try:
            meeting = services.meeting_create(
                actor=request.user, district=request.membership.district, **form.service_fields()
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request, _("Die Sitzung „%(title)s“ wurde angelegt.") % {"title": meeting.title}
            )
            return redirect("network:meeting_detail", public_id=meeting.public_id)
    return render(request, "network/meeting_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@require_role(*MANAGING)
def meeting_edit(request, public_id):
    meeting = _meeting(request, public_id)
    initial = {name: getattr(meeting, name) for name in services.MEETING_FIELDS}
    initial.update(
        providers=list(meeting.providers.all()),
        partners=list(meeting.partners.all()),
        version=meeting.version,
    )
    form = _meeting_form(request, initial=initial)
    form.fields["version"].required = True
    if form.is_valid():
        try:
            services.meeting_update(
                actor=request.user,
                meeting=meeting,
                version=form.cleaned_data["version"],
                **form.service_fields(),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Die Änderungen an der Sitzung „%(title)s“ wurden gespeichert.")
                % {"title": meeting.title},
            )
            return redirect("network:meeting_detail", public_id=meeting.public_id)
    return render(request, "network/meeting_form.html", {"form": form, "meeting": meeting})


@require_http_methods(["GET", "POST"])
@require_role(*MANAGING)
def meeting_delete(request, public_id):
    meeting = _meeting(request, public_id)
    error = None
    if request.method == "POST":
        try:
            services.meeting_delete(actor=request.user, meeting=meeting)
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            messages.success(
                request, _("Die Sitzung „%(title)s“ wurde gelöscht.") % {"title": meeting.title}
            )
            return redirect("network:meeting_list")
    return render(
        request, "network/meeting_confirm_delete.html", {"meeting": meeting, "error": error}
    )


# --- Action items -----------------------------------------------------------------------------


def _action_form(request, *, data) -> ActionItemForm:
    return ActionItemForm(
        data,
        prefix="action",
        owners=selectors.action_item_owner_choices(
            request.user, district=request.membership.district
        ),
    )


@require_http_methods(["GET", "POST"])
@require_role(*MANAGING)
def action_item_create(request, public_id):
    meeting = _meeting(request, public_id)
    form = _action_form(request, data=request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            item = services.action_item_create(
                actor=request.user, meeting=meeting, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Die Aufgabe „%(text)s“ steht jetzt in der Aufgabenliste von %(owner)s.")
                % {"text": item.text, "owner": item.task.assignee},
            )
            return redirect("network:meeting_detail", public_id=meeting.public_id)
    return render(request, "network/action_item_form.html", {"form": form, "meeting": meeting})


@require_POST
@require_role(*DISTRICT)
def action_item_complete(request, public_id):
    item = selectors.get_action_item_for_user(request.user, public_id)
    in_active_district(request, item.meeting)
    try:
        services.action_item_complete(actor=request.user, item=item)
    except ValidationError as error:
        messages.warning(request, " ".join(error.messages))
    else:
        messages.success(request, _("Die Aufgabe „%(text)s“ ist erledigt.") % {"text": item.text})
    return redirect("network:meeting_detail", public_id=item.meeting.public_id)
