"""The participant page, shared by the views of its sections.

Each section posts to its own view; an htmx request gets the section back with the page's
summary and timeline swapped out of band, so the whole page stays current.
"""

from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy
from django_htmx.http import push_url

from durchstarten.cases import selectors
from durchstarten.cases.choices import LANGUAGES
from durchstarten.cases.forms.participants import (
    ConsentForm,
    EnrollmentEnterForm,
    EnrollmentExitForm,
    EnrollmentReassignForm,
    OutreachForm,
    ResidenceStatusForm,
)
from durchstarten.cases.models import Participant
from durchstarten.core.decorators import in_active_district
from durchstarten.core.models import Role
from durchstarten.core.scoping import CASE_WORK_ROLES, can_do_case_work
from durchstarten.offers.views._section import lazy_section_context
from durchstarten.organisation.selectors import provider_list_for_user

TIMELINE_KINDS = {
    "outreach": gettext_lazy("Kontaktaufnahme"),
    "consent": gettext_lazy("Einwilligung erteilt"),
    "consent_withdrawn": gettext_lazy("Einwilligung widerrufen"),
    "status": gettext_lazy("Aufenthaltsstatus"),
    "entry": gettext_lazy("Eintritt"),
    "exit": gettext_lazy("Austritt"),
    "need": gettext_lazy("Bedarf"),
    "contact": gettext_lazy("Beratungskontakt"),
    "task_done": gettext_lazy("Wiedervorlage erledigt"),
    "referral": gettext_lazy("Vermittlung"),
    "outcome": gettext_lazy("Verbleib"),
}


LANGUAGE_NAMES = dict(LANGUAGES)


def participant_for_request(request, public_id) -> Participant:
    """The participant, or 404 alike for other districts, other providers' cases and roles
    without case work (provider staff see referred persons elsewhere, never the case file)."""
    membership = request.membership
    if membership is None or membership.role not in CASE_WORK_ROLES:
        raise Http404
    return in_active_district(request, selectors.get_participant_for_user(request.user, public_id))


def staff_choices(request, participant) -> dict:
    user, district_id = request.user, participant.district_id
    return {
        "case_managers": selectors.case_manager_choices(user, district_id=district_id),
        "providers": provider_list_for_user(user, district=participant.district),
        "coaches": selectors.coach_choices(user, district_id=district_id),
    }


def _section_forms(request, participant, enrollment) -> dict:
    """Unbound forms of the page's sections (a bound one replaces its form on errors)."""
    staff = staff_choices(request, participant)
    enter_initial = {}
    if request.membership.role == Role.CASE_MANAGER:
        enter_initial["case_manager"] = request.user.pk
    forms = {
        "status_form": ResidenceStatusForm(),
        "outreach_form": OutreachForm(),
        "consent_form": ConsentForm(providers=staff["providers"]),
        "enter_form": EnrollmentEnterForm(initial=enter_initial, **staff),
    }
    if enrollment is not None:
        forms["exit_form"] = EnrollmentExitForm(initial={"version": enrollment.version})
        forms["reassign_form"] = EnrollmentReassignForm(
            initial={
                "version": enrollment.version,
                "case_manager": enrollment.case_manager_id,
                "coaching_provider": enrollment.coaching_provider,
                "coach": enrollment.coach_id,
            },
            **staff,
        )
    return forms


def detail_context(request, participant, *, forms=None, **extra) -> dict:
    detail = selectors.participant_detail(request.user, participant)
    enrollment = next((e for e in detail["enrollments"] if e.exit_date is None), None)
    for consent in detail["consents"]:
        consent.form_language_label = LANGUAGE_NAMES.get(consent.form_language, "")
    return {
        "participant": participant,
        "detail": detail,
        "can_edit": can_do_case_work(request.user, participant),
        "open_enrollment": enrollment,
        "timeline": [(event, TIMELINE_KINDS.get(event.kind, "")) for event in detail["timeline"]],
        "outreaches": [event.obj for event in detail["timeline"] if event.kind == "outreach"],
        "record_languages": [LANGUAGE_NAMES.get(code, code) for code in participant.languages],
        **_section_forms(request, participant, enrollment),
        "offers_section": lazy_section_context(request, participant),
        **(forms or {}),
        **extra,
    }


def section_response(request, participant, template, **extra):
    """The section alone (htmx), with the summary and the timeline swapped out of band."""
    context = detail_context(request, participant, section_updated=True, oob=True, **extra)
    parts = [
        render_to_string(template, context, request=request),
        render_to_string("cases/participant_detail.html#summary", context, request=request),
        render_to_string("cases/partials/timeline.html", context, request=request),
    ]
    # Boosted forms would otherwise put the POST address into the browser history.
    return push_url(HttpResponse("".join(parts)), False)
