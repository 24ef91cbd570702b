"""Pages of the privacy area (/datenschutz/), for the district's coordinators only."""

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from durchstarten.core.audit import log_action
from durchstarten.core.decorators import require_role
from durchstarten.core.forms import add_service_error
from durchstarten.core.lists import filter_data, filtered_list, paginate
from durchstarten.core.models import Role
from durchstarten.privacy import retention, selectors, services
from durchstarten.privacy.access_report import access_report
from durchstarten.privacy.anonymisation import PARTICIPANT_CLASSES
from durchstarten.privacy.forms import (
    DecisionForm,
    DueFilterForm,
    HoldFilterForm,
    LegalHoldForm,
    PrivacyRequestForm,
    RequestFilterForm,
    RetentionPolicyForm,
)
from durchstarten.privacy.models import DataClass, Decision, RequestKind

COORDINATOR = (Role.COORDINATOR,)
REPORT_TYPES = {"json": "application/json", "pdf": "application/pdf"}


def _district_id(request) -> int:
    return request.membership.district_id


def _participant(request, public_id):
    return selectors.get_participant_for_coordinator(
        request.user, public_id, district_id=_district_id(request)
    )


def _request(request, public_id):
    return selectors.get_request_for_user(
        request.user, public_id, district_id=_district_id(request)
    )


def _bound(form_class, request, **kwargs):
    return form_class(request.POST if request.method == "POST" else None, **kwargs)


def _periods(district_id: int) -> dict[str, int]:
    return retention.periods_for([district_id])[district_id]


# --- Overview and settings ------------------------------------------------------------------


@require_GET
@require_role(*COORDINATOR)
def overview(request):
    district = request.membership.district
    (plan,) = retention.retention_plan(districts=[district])
    periods = _periods(district.pk)
    policies = selectors.policy_list(request.user, district_id=district.pk)
    rows = [
        {
            "label": data_class.label,
            "days": periods[data_class.value],
            "own": data_class.value in policies,
            "due": plan.counts()[data_class.value],
        }
        for data_class in DataClass
    ]
    today = timezone.localdate()
    context = {
        "rows": rows,
        "minimum": retention.minimum_days(),
        "audit_years": retention.funding_audit_years(),
        "open_requests": selectors.request_list(request.user, district_id=district.pk)
        .filter(decision=Decision.OPEN)
        .count(),
        "holds_in_force": selectors.hold_list(request.user, district_id=district.pk)
        .filter(lifted_on__isnull=True, until__gte=today)
        .count(),
        "restricted": selectors.restricted_list(request.user, district_id=district.pk).count(),
    }
    return render(request, "privacy/overview.html", context)


@require_http_methods(["GET", "POST"])
@require_role(*COORDINATOR)
def policy_edit(request):
    district = request.membership.district
    minimum = retention.minimum_days()
    form = _bound(RetentionPolicyForm, request, initial_days=_periods(district.pk), minimum=minimum)
    if form.is_valid():
        try:
            services.retention_policy_set(
                actor=request.user, district=district, periods=form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Die Aufbewahrungsfristen wurden gespeichert."))
            return redirect("privacy:overview")
    return render(request, "privacy/policy_form.html", {"form": form, "minimum": minimum})


# --- Lists ----------------------------------------------------------------------------------


@filtered_list(DueFilterForm)
@require_GET
@require_role(*COORDINATOR)
def due_list(request):
    """Participants whose data is due for anonymisation today (the run's dry run)."""
    district = request.membership.district
    filters = DueFilterForm(filter_data(request))
    filters.is_valid()
    wanted = filters.cleaned_data.get("data_class") or ""
    statuses = [
        (status, due)
        for status, due in retention.due_statuses(district, timezone.localdate())
        if not wanted or wanted in due
    ]
    statuses.sort(
        key=lambda item: (item[0].reference_day, item[0].participant_id),
        reverse=filters.current_sort.startswith("-"),
    )
    page_obj = Paginator(statuses, 25).get_page(request.GET.get("page"))
    page_obj.elided_range = list(
        page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1)
    )
    people = selectors.participant_list_for_coordinator(request.user, district_id=district.pk)
    names = people.in_bulk([status.participant_id for status, _due in page_obj.object_list])
    labels = dict(DataClass.choices)
    page_obj.object_list = [
        {
            "participant": names[status.participant_id],
            "reference_day": status.reference_day,
            "classes": [labels[c] for c in due],
        }
        for status, due in page_obj.object_list
    ]
    return render(request, "privacy/due_list.html", {"filters": filters, "page_obj": page_obj})


@filtered_list(RequestFilterForm)
@require_GET
@require_role(*COORDINATOR)
def request_list(request):
    filters = RequestFilterForm(filter_data(request))
    requests = selectors.request_list(request.user, district_id=_district_id(request))
    context = {"filters": filters, "page_obj": paginate(request, filters.apply(requests))}
    return render(request, "privacy/request_list.html", context)


@filtered_list(HoldFilterForm)
@require_GET
@require_role(*COORDINATOR)
def hold_list(request):
    today = timezone.localdate()
    filters = HoldFilterForm(filter_data(request), today=today)
    holds = selectors.hold_list(request.user, district_id=_district_id(request))
    context = {
        "filters": filters,
        "page_obj": paginate(request, filters.apply(holds)),
        "today": today,
    }
    return render(request, "privacy/hold_list.html", context)


@require_GET
@require_role(*COORDINATOR)
def restricted_list(request):
    """The coordinator's view of restricted records, hidden from every other list."""
    people = selectors.restricted_list(request.user, district_id=_district_id(request))
    page_obj = paginate(request, people.order_by("-restricted_at", "pk"))
    return render(request, "privacy/restricted_list.html", {"page_obj": page_obj})


# --- One participant ------------------------------------------------------------------------


@require_GET
@require_role(*COORDINATOR)
def participant_privacy(request, public_id):
    participant = _participant(request, public_id)
    today = timezone.localdate()
    status = retention.person_status(participant, today)
    labels = dict(DataClass.choices)
    classes = [
        {
            "label": labels[c],
            "due_on": status.due_on.get(c),
            "done": c in status.done,
        }
        for c in PARTICIPANT_CLASSES
    ]
    context = {
        "participant": participant,
        "status": status,
        "classes": classes,
        "blockers": services.erasure_blockers(participant, today),
        "holds": participant.legal_holds.order_by("-until", "-pk"),
        "requests": participant.privacy_requests.order_by("-received_on", "-pk"),
        "today": today,
    }
    return render(request, "privacy/participant.html", context)


@require_GET
@require_role(*COORDINATOR)
def access_report_download(request, public_id):
    fmt = request.GET.get("format") or "pdf"
    if fmt not in REPORT_TYPES:
        raise Http404
    participant = _participant(request, public_id)
    report = access_report(request.user, participant)
    if fmt == "json":
        body = json.dumps(report, ensure_ascii=False, indent=2).encode("utf-8")
    else:
        from durchstarten.privacy.pdf import access_report_pdf

        body = access_report_pdf(report)
    log_action(
        "privacy.access_report.exported", actor=request.user, obj=participant, data={"format": fmt}
    )
    response = HttpResponse(body, content_type=REPORT_TYPES[fmt])
    filename = f"auskunft-{participant.public_id}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
@require_role(*COORDINATOR)
def hold_create(request, public_id):
    participant = _participant(request, public_id)
    form = _bound(LegalHoldForm, request)
    if form.is_valid():
        try:
            services.legal_hold_create(
                actor=request.user, participant=participant, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Die Aufbewahrungspflicht wurde eingetragen."))
            return redirect("privacy:participant", public_id=participant.public_id)
    return render(request, "privacy/hold_form.html", {"form": form, "participant": participant})


@require_http_methods(["GET", "POST"])
@require_role(*COORDINATOR)
def hold_lift(request, public_id):
    hold = selectors.get_hold_for_user(request.user, public_id, district_id=_district_id(request))
    error = None
    if request.method == "POST":
        try:
            services.legal_hold_lift(actor=request.user, hold=hold)
        except ValidationError as exc:
            error = exc.messages
        else:
            messages.success(request, _("Die Aufbewahrungspflicht wurde aufgehoben."))
            return redirect("privacy:participant", public_id=hold.participant.public_id)
    return render(request, "privacy/hold_confirm_lift.html", {"hold": hold, "errors": error})


@require_http_methods(["GET", "POST"])
@require_role(*COORDINATOR)
def request_create(request, public_id):
    participant = _participant(request, public_id)
    form = _bound(PrivacyRequestForm, request, initial={"received_on": timezone.localdate()})
    if form.is_valid():
        try:
            services.privacy_request_record(
                actor=request.user, participant=participant, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Der Antrag wurde erfasst."))
            return redirect("privacy:participant", public_id=participant.public_id)
    return render(request, "privacy/request_form.html", {"form": form, "participant": participant})


@require_http_methods(["GET", "POST"])
@require_role(*COORDINATOR)
def request_decide(request, public_id):
    privacy_request = _request(request, public_id)
    form = _bound(DecisionForm, request, initial={"version": privacy_request.version})
    form.fields["version"].required = True
    if form.is_valid():
        try:
            services.privacy_request_decide(
                actor=request.user,
                request=privacy_request,
                version=form.cleaned_data["version"],
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["decision_reason"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Die Entscheidung wurde gespeichert."))
            return redirect("privacy:participant", public_id=privacy_request.participant.public_id)
    return render(
        request, "privacy/decision_form.html", {"form": form, "privacy_request": privacy_request}
    )


@require_http_methods(["GET", "POST"])
@require_role(*COORDINATOR)
def request_execute(request, public_id):
    """Carry out a granted request after confirmation: erase (anonymise) or restrict."""
    privacy_request = _request(request, public_id)
    participant = privacy_request.participant
    erasure = privacy_request.kind == RequestKind.ERASURE
    errors = services.erasure_blockers(participant) if erasure else []
    if request.method == "POST":
        try:
            if erasure:
                services.erasure_execute(actor=request.user, request=privacy_request)
            else:
                services.restriction_set(actor=request.user, request=privacy_request)
        except ValidationError as exc:
            errors = exc.messages
        else:
            if erasure:
                messages.success(request, _("Die Daten der Person wurden anonymisiert."))
            else:
                messages.success(request, _("Die Verarbeitung wurde eingeschränkt."))
            return redirect("privacy:participant", public_id=participant.public_id)
    context = {"privacy_request": privacy_request, "erasure": erasure, "errors": errors}
    return render(request, "privacy/request_confirm_execute.html", context)


@require_http_methods(["GET", "POST"])
@require_role(*COORDINATOR)
def restriction_lift(request, public_id):
    privacy_request = _request(request, public_id)
    errors = None
    if request.method == "POST":
        try:
            services.restriction_lift(actor=request.user, request=privacy_request)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("Die Einschränkung wurde aufgehoben."))
            return redirect("privacy:participant", public_id=privacy_request.participant.public_id)
    context = {"privacy_request": privacy_request, "errors": errors}
    return render(request, "privacy/restriction_confirm_lift.html", context)
