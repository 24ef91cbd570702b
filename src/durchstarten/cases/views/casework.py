"""Case work: needs, case plan, contacts and tasks of a participant, and the user's tasks.

The participant page's sections (cases/partials/*.html) post here. An htmx request gets its
section re-rendered in place, with the form again if it needs correcting; without JavaScript
a successful post redirects to the participant page and an invalid one shows its form on a
page of its own.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from durchstarten.cases import selectors
from durchstarten.cases.forms.casework import NeedEditForm, section_form, task_form
from durchstarten.cases.services import contacts as contact_services
from durchstarten.cases.services import plan as plan_services
from durchstarten.cases.services import tasks as task_services
from durchstarten.cases.views._page import participant_for_request, section_response
from durchstarten.core.audit import log_action
from durchstarten.core.decorators import in_active_district, require_role
from durchstarten.core.forms import add_service_error
from durchstarten.core.scoping import CASE_WORK_ROLES, can_read_notes

# Where the "erledigt" button of a task sends the user back to.
RETURN_TO_PARTICIPANT = "participant"
RETURN_TO_MY_TASKS = "my_tasks"
RETURN_TO_HOME = "home"


def _data(request):
    return request.POST if request.method == "POST" else None


def _section(request, participant, section, *, message="", variant="success", bound_form=None):
    """One section of the participant page for htmx, with summary and timeline refreshed."""
    return section_response(
        request,
        participant,
        f"cases/partials/{section}.html",
        bound_form=bound_form,
        section_message=message,
        section_message_variant=variant,
    )


def _back_to_participant(request, participant, section, message):
    if request.htmx:
        return _section(request, participant, section, message=message)
    messages.success(request, message)
    return redirect("cases:participant_detail", public_id=participant.public_id)


def _submit(request, participant, form, *, section, title, save, success):
    """Validate, call the service and answer; `save` gets the cleaned data."""
    if form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            return _back_to_participant(request, participant, section, success)
    if request.htmx and request.method == "POST" and hasattr(form, "section_key"):
        return _section(request, participant, section, bound_form=form)
    return render(
        request,
        "cases/casework_form.html",
        {"participant": participant, "form": form, "title": title},
    )


# --- Needs ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@require_role(*CASE_WORK_ROLES)
def need_create(request, public_id):
    participant = participant_for_request(request, public_id)
    form = section_form("need", user=request.user, participant=participant, data=_data(request))
    return _submit(
        request,
        participant,
        form,
        section="needs",
        title=_("Bedarf erfassen"),
        save=lambda data: plan_services.need_record(
            actor=request.user, participant=participant, **data
        ),
        success=_("Der Bedarf wurde erfasst."),
    )


@require_http_methods(["GET", "POST"])
@require_role(*CASE_WORK_ROLES)
def need_edit(request, public_id, need_id):
    participant = participant_for_request(request, public_id)
    need = selectors.get_need_for_participant(participant, need_id)
    need.participant = participant
    initial = {
        "status": need.status,
        "priority": need.priority,
        "description": need.description,
        "version": need.version,
    }
    form = NeedEditForm(_data(request), initial=initial)
    return _submit(
        request,
        participant,
        form,
        section="needs",
        title=_("Bedarf „%(category)s“ ändern") % {"category": need.get_category_display()},
        save=lambda data: plan_services.need_update(actor=request.user, need=need, **data),
        success=_("Der Bedarf wurde geändert."),
    )


# --- Case plan --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@require_role(*CASE_WORK_ROLES)
def goal_create(request, public_id):
    participant = participant_for_request(request, public_id)
    form = section_form("goal", user=request.user, participant=participant, data=_data(request))
    return _submit(
        request,
        participant,
        form,
        section="plan",
        title=_("Ziel anlegen"),
        save=lambda data: plan_services.goal_create(
            actor=request.user, participant=participant, **data
        ),
        success=_("Das Ziel wurde angelegt."),
    )


@require_http_methods(["GET", "POST"])
@require_role(*CASE_WORK_ROLES)
def goal_status(request, public_id, goal_id):
    participant = participant_for_request(request, public_id)
    goal = selectors.get_goal_for_participant(participant, goal_id)
    goal.participant = participant
    form = section_form(
        "goal_status", user=request.user, participant=participant, goal=goal, data=_data(request)
    )
    return _submit(
        request,
        participant,
        form,
        section="plan",
        title=_("Stand des Ziels „%(goal)s“ ändern") % {"goal": goal.title},
        save=lambda data: plan_services.goal_set_status(actor=request.user, goal=goal, **data),
        success=_("Der Stand des Ziels wurde geändert."),
    )


@require_http_methods(["GET", "POST"])
@require_role(*CASE_WORK_ROLES)
def step_create(request, public_id, goal_id):
    participant = participant_for_request(request, public_id)
    goal = selectors.get_goal_for_participant(participant, goal_id)
    goal.participant = participant
    form = section_form(
        "step", user=request.user, participant=participant, goal=goal, data=_data(request)
    )
    return _submit(
        request,
        participant,
        form,
        section="plan",
        title=_("Schritt zum Ziel „%(goal)s“ anlegen") % {"goal": goal.title},
        save=lambda data: plan_services.step_add(actor=request.user, goal=goal, **data),
        success=_("Der Schritt wurde angelegt."),
    )


@require_POST
@require_role(*CASE_WORK_ROLES)
def step_complete(request, public_id, step_id):
    participant = participant_for_request(request, public_id)
    step = selectors.get_step_for_participant(participant, step_id)
    step.goal.participant = participant
    plan_services.step_complete(actor=request.user, step=step)
    return _back_to_participant(
        request,
        participant,
        "plan",
        _("Der Schritt „%(step)s“ ist erledigt.") % {"step": step.title},
    )


# --- Contacts ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@require_role(*CASE_WORK_ROLES)
def contact_create(request, public_id):
    participant = participant_for_request(request, public_id)
    form = section_form("contact", user=request.user, participant=participant, data=_data(request))
    return _submit(
        request,
        participant,
        form,
        section="contacts",
        title=_("Beratungskontakt erfassen"),
        save=lambda data: contact_services.contact_record(
            actor=request.user, participant=participant, **data
        ),
        success=_("Der Beratungskontakt wurde erfasst."),
    )


@never_cache
@require_GET
@require_role(*CASE_WORK_ROLES)
def contact_note(request, public_id, contact_id):
    """One contact's full note, for the responsible staff only; every reading is logged."""
    participant = participant_for_request(request, public_id)
    contact = selectors.get_contact_for_participant(participant, contact_id)
    if not can_read_notes(request.user, participant):
        raise Http404
    log_action(
        "cases.contact.note_viewed",
        actor=request.user,
        obj=participant,
        data={"contact": str(contact.public_id)},
    )
    return render(
        request, "cases/contact_note.html", {"participant": participant, "contact": contact}
    )


# --- Tasks ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@require_role(*CASE_WORK_ROLES)
def task_create_for_participant(request, public_id):
    participant = participant_for_request(request, public_id)
    form = section_form("task", user=request.user, participant=participant, data=_data(request))
    return _submit(
        request,
        participant,
        form,
        section="tasks",
        title=_("Wiedervorlage anlegen"),
        save=lambda data: task_services.task_create(
            actor=request.user, district=participant.district, participant=participant, **data
        ),
        success=_("Die Wiedervorlage wurde angelegt."),
    )


def _my_tasks_context(request, return_to: str) -> dict:
    today = timezone.localdate()
    return {
        "tasks": selectors.my_tasks(
            request.user, district_id=request.membership.district_id, day=today
        ),
        "today": today,
        "return_to": return_to,
    }


@require_GET
@require_role(*CASE_WORK_ROLES)
def my_tasks(request):
    context = _my_tasks_context(request, RETURN_TO_MY_TASKS)
    context["form"] = task_form(user=request.user, district=request.membership.district)
    return render(request, "cases/my_tasks.html", context)


@require_http_methods(["GET", "POST"])
@require_role(*CASE_WORK_ROLES)
def task_create(request):
    district = request.membership.district
    form = task_form(_data(request), user=request.user, district=district)
    if form.is_valid():
        try:
            task_services.task_create(actor=request.user, district=district, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Die Wiedervorlage wurde angelegt."))
            return redirect("cases:my_tasks")
    return render(request, "cases/task_form.html", {"form": form})


@require_POST
@require_role(*CASE_WORK_ROLES)
def task_complete(request, task_id):
    """Mark a task done, from the participant page, the task list or the start page."""
    task = in_active_district(request, selectors.get_task_for_user(request.user, task_id))
    message, variant = _("Die Aufgabe „%(title)s“ ist erledigt.") % {"title": task.title}, "success"
    try:
        task_services.task_complete(actor=request.user, task=task)
    except ValidationError as error:
        message, variant = " ".join(error.messages), "warning"
    return_to = request.POST.get("return_to", "")
    if return_to == RETURN_TO_PARTICIPANT and task.participant_id is not None:
        participant = participant_for_request(request, task.participant.public_id)
        if request.htmx:
            return _section(request, participant, "tasks", message=message, variant=variant)
        response = redirect("cases:participant_detail", public_id=participant.public_id)
    else:
        if return_to != RETURN_TO_HOME:
            return_to = RETURN_TO_MY_TASKS
        if request.htmx:
            context = _my_tasks_context(request, return_to)
            context.update(section_message=message, section_message_variant=variant)
            return render(request, "cases/my_tasks.html#task_lists", context)
        response = redirect("home" if return_to == RETURN_TO_HOME else "cases:my_tasks")
    (messages.success if variant == "success" else messages.warning)(request, message)
    return response
