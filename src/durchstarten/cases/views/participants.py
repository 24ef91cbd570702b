"""Participant pages: the case list, the record, residence status, outreach, consent, enrollment.

The participant page is made of sections (templates/cases/partials/). Each section's form
posts to its own view; htmx requests get the section back (with the page summary and the
timeline swapped out of band), other requests a redirect to the page.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from durchstarten.cases import selectors
from durchstarten.cases.choices import TargetGroup
from durchstarten.cases.filters import CaseFilterForm
from durchstarten.cases.forms.participants import (
    ConsentForm,
    ContactFirstForm,
    EnrollmentEnterForm,
    EnrollmentExitForm,
    EnrollmentReassignForm,
    OutreachForm,
    ParticipantForm,
    ResidenceStatusForm,
    add_service_error,
)
from durchstarten.cases.services import consent as consent_services
from durchstarten.cases.services import enrollment as enrollment_services
from durchstarten.cases.services import participants as participant_services
from durchstarten.cases.views import duplicates as duplicate_views
from durchstarten.cases.views._page import (
    detail_context,
    participant_for_request,
    section_response,
    staff_choices,
)
from durchstarten.core.audit import log_action
from durchstarten.core.decorators import require_role
from durchstarten.core.lists import CURSOR_PARAM, filter_data, filtered_list
from durchstarten.core.models import Role
from durchstarten.organisation.selectors import municipality_list_for_user, provider_list_for_user

CASE_WORK = (Role.COORDINATOR, Role.CASE_MANAGER, Role.COACH)
DISTRICT_STAFF = (Role.COORDINATOR, Role.CASE_MANAGER)

# Section of the participant page -> (template, id of its element).
SECTIONS = {
    "status": ("cases/partials/status.html", "aufenthaltsstatus"),
    "outreach": ("cases/partials/outreach.html", "kontaktaufnahmen"),
    "consent": ("cases/partials/consent.html", "einwilligungen"),
    "enrollment": ("cases/partials/enrollment.html", "teilnahme"),
}


def _bound(form_class, request, **kwargs):
    return form_class(request.POST if request.method == "POST" else None, **kwargs)


def _detail_url(participant, anchor="") -> str:
    url = reverse("cases:participant_detail", kwargs={"public_id": participant.public_id})
    return f"{url}#{anchor}" if anchor else url


# --- The case list --------------------------------------------------------------------------


@filtered_list(CaseFilterForm)
@require_role(*CASE_WORK)
def participant_list(request):
    user, district_id = request.user, request.membership.district_id
    filters = CaseFilterForm(
        filter_data(request),
        municipalities=municipality_list_for_user(user, district=request.membership.district),
        case_managers=selectors.case_manager_choices(user, district_id=district_id),
    )
    page_obj = selectors.case_page(
        user,
        district_id=district_id,
        filters=filters.case_filters(),
        cursor=request.GET.get(CURSOR_PARAM, ""),
    )
    for participant in page_obj:
        participant.target_group_label = TargetGroup(participant.target_group).label
    # htmx asks for the results only, except when it restores a page from the history.
    fragment = bool(request.htmx) and not request.htmx.history_restore_request
    context = {
        "filters": filters,
        "page_obj": page_obj,
        "may_create": request.membership.role in DISTRICT_STAFF,
        "fragment": fragment,
    }
    template = "cases/participant_list.html"
    if fragment:
        template += "#results"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- Creating and editing records -----------------------------------------------------------


def _participant_form(request, **kwargs):
    municipalities = municipality_list_for_user(request.user, district=request.membership.district)
    return _bound(ParticipantForm, request, municipalities=municipalities, **kwargs)


@require_http_methods(["GET", "POST"])
@require_role(*DISTRICT_STAFF)
def participant_create(request):
    form = _participant_form(request)
    if form.is_valid():
        try:
            participant = participant_services.participant_create(
                actor=request.user, district=request.membership.district, **form.service_fields()
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request, _("Der Datensatz von %(name)s wurde angelegt.") % {"name": participant}
            )
            return redirect(_detail_url(participant))
    return render(request, "cases/participant_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@require_role(*DISTRICT_STAFF)
def participant_contact_first(request):
    form = _bound(ContactFirstForm, request)
    if form.is_valid():
        try:
            participant = participant_services.participant_contact_first(
                actor=request.user, district=request.membership.district, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Der Erstkontakt mit %(name)s wurde erfasst.") % {"name": participant},
            )
            return redirect(_detail_url(participant))
    return render(request, "cases/contact_first_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def participant_edit(request, public_id):
    participant = participant_for_request(request, public_id)
    form = _participant_form(request, initial=ParticipantForm.initial_for(participant))
    form.fields["version"].required = True
    if form.is_valid():
        try:
            participant_services.participant_update(
                actor=request.user,
                participant=participant,
                version=form.cleaned_data["version"],
                **form.service_fields(),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Die Änderungen wurden gespeichert."))
            return redirect(_detail_url(participant, "stammdaten"))
    return render(
        request, "cases/participant_form.html", {"form": form, "participant": participant}
    )


# --- The participant page -------------------------------------------------------------------


@require_http_methods(["GET"])
def participant_detail(request, public_id):
    try:
        participant = participant_for_request(request, public_id)
    except Http404:
        # An old link to a record merged into another leads to the kept one.
        return duplicate_views.merged_participant_redirect(request, public_id)
    log_action("cases.participant.viewed", actor=request.user, obj=participant)
    return render(request, "cases/participant_detail.html", detail_context(request, participant))


def _section_write(request, participant, *, section, form_name, form, action, success):
    """Validate the section's form and run the service; answer like every section does."""
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            return _section_done(request, participant, section, success)
    forms = {form_name: form}
    if request.htmx:
        return section_response(request, participant, SECTIONS[section][0], forms=forms)
    return render(
        request,
        "cases/participant_detail.html",
        detail_context(request, participant, forms=forms),
    )


def _section_done(request, participant, section, success):
    try:
        # Fresh from the database: the services changed stage and staff. A coach who just
        # withdrew the sharing consent no longer sees the person.
        participant = participant_for_request(request, participant.public_id)
    except Http404:
        messages.success(request, success)
        if request.htmx:
            return HttpResponseClientRedirect(reverse("cases:participant_list"))
        return redirect("cases:participant_list")
    if request.htmx:
        return section_response(request, participant, SECTIONS[section][0], section_message=success)
    messages.success(request, success)
    return redirect(_detail_url(participant, SECTIONS[section][1]))


@require_POST
def status_create(request, public_id):
    participant = participant_for_request(request, public_id)
    return _section_write(
        request,
        participant,
        section="status",
        form_name="status_form",
        form=ResidenceStatusForm(request.POST),
        action=lambda data: participant_services.residence_status_record(
            actor=request.user, participant=participant, **data
        ),
        success=_("Der Aufenthaltsstatus wurde erfasst."),
    )


@require_POST
def outreach_create(request, public_id):
    participant = participant_for_request(request, public_id)
    return _section_write(
        request,
        participant,
        section="outreach",
        form_name="outreach_form",
        form=OutreachForm(request.POST),
        action=lambda data: participant_services.outreach_record(
            actor=request.user, participant=participant, **data
        ),
        success=_("Die Kontaktaufnahme wurde erfasst."),
    )


@require_POST
def consent_create(request, public_id):
    participant = participant_for_request(request, public_id)
    providers = provider_list_for_user(request.user, district=participant.district)
    return _section_write(
        request,
        participant,
        section="consent",
        form_name="consent_form",
        form=ConsentForm(request.POST, providers=providers),
        action=lambda data: consent_services.consent_give(
            actor=request.user, participant=participant, **data
        ),
        success=_("Die Einwilligung wurde erfasst."),
    )


@require_http_methods(["GET", "POST"])
def consent_withdraw(request, public_id, consent_id):
    """GET asks for confirmation (in the consent section), POST withdraws."""
    participant = participant_for_request(request, public_id)
    consent = selectors.get_consent_for_participant(participant, consent_id)
    if request.method == "POST":
        try:
            consent_services.consent_withdraw(actor=request.user, consent=consent)
        except ValidationError as error:
            if request.htmx:
                return section_response(
                    request,
                    participant,
                    SECTIONS["consent"][0],
                    section_error=" ".join(error.messages),
                )
            messages.error(request, " ".join(error.messages))
            return redirect(_detail_url(participant, "einwilligungen"))
        return _section_done(
            request, participant, "consent", _("Die Einwilligung wurde widerrufen.")
        )
    if request.htmx:
        return section_response(
            request, participant, SECTIONS["consent"][0], confirm_consent=consent
        )
    return render(
        request,
        "cases/participant_detail.html",
        detail_context(request, participant, confirm_consent=consent),
    )


def _open_enrollment(participant):
    enrollment = selectors.open_enrollment(participant)
    if enrollment is None:
        raise ValidationError(_("Die Person ist derzeit nicht im Programm."), code="not_active")
    return enrollment


@require_POST
def enrollment_enter(request, public_id):
    participant = participant_for_request(request, public_id)
    return _section_write(
        request,
        participant,
        section="enrollment",
        form_name="enter_form",
        form=EnrollmentEnterForm(request.POST, **staff_choices(request, participant)),
        action=lambda data: enrollment_services.enrollment_enter(
            actor=request.user, participant=participant, **data
        ),
        success=_("Der Eintritt wurde erfasst."),
    )


@require_POST
def enrollment_exit(request, public_id):
    participant = participant_for_request(request, public_id)
    return _section_write(
        request,
        participant,
        section="enrollment",
        form_name="exit_form",
        form=EnrollmentExitForm(request.POST),
        action=lambda data: enrollment_services.enrollment_exit(
            actor=request.user, enrollment=_open_enrollment(participant), **data
        ),
        success=_("Der Austritt wurde erfasst."),
    )


@require_POST
def enrollment_reassign(request, public_id):
    participant = participant_for_request(request, public_id)
    return _section_write(
        request,
        participant,
        section="enrollment",
        form_name="reassign_form",
        form=EnrollmentReassignForm(request.POST, **staff_choices(request, participant)),
        action=lambda data: enrollment_services.enrollment_reassign(
            actor=request.user, enrollment=_open_enrollment(participant), **data
        ),
        success=_("Die Zuständigkeit wurde geändert."),
    )
