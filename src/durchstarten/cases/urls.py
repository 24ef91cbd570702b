from django.urls import path

from durchstarten.cases.views import casework, duplicates, participants

app_name = "cases"

P = "<uuid:public_id>/"

urlpatterns = [
    # Records, residence status, outreach, consent, enrollment (views/participants.py)
    path("", participants.participant_list, name="participant_list"),
    path("neu/", participants.participant_create, name="participant_create"),
    path("erstkontakt/", participants.participant_contact_first, name="contact_first"),
    path(P, participants.participant_detail, name="participant_detail"),
    path(P + "bearbeiten/", participants.participant_edit, name="participant_edit"),
    path(P + "aufenthaltsstatus/neu/", participants.status_create, name="status_create"),
    path(P + "kontaktaufnahme/neu/", participants.outreach_create, name="outreach_create"),
    path(P + "einwilligungen/neu/", participants.consent_create, name="consent_create"),
    path(
        P + "einwilligungen/<uuid:consent_id>/widerrufen/",
        participants.consent_withdraw,
        name="consent_withdraw",
    ),
    path(P + "eintritt/", participants.enrollment_enter, name="enrollment_enter"),
    path(P + "austritt/", participants.enrollment_exit, name="enrollment_exit"),
    path(P + "zustaendigkeit/", participants.enrollment_reassign, name="enrollment_reassign"),
    # Needs, case plan, contacts, tasks (views/casework.py)
    path(P + "bedarfe/neu/", casework.need_create, name="need_create"),
    path(P + "bedarfe/<uuid:need_id>/", casework.need_edit, name="need_edit"),
    path(P + "ziele/neu/", casework.goal_create, name="goal_create"),
    path(P + "ziele/<uuid:goal_id>/stand/", casework.goal_status, name="goal_status"),
    path(P + "ziele/<uuid:goal_id>/schritte/neu/", casework.step_create, name="step_create"),
    path(P + "schritte/<uuid:step_id>/erledigt/", casework.step_complete, name="step_complete"),
    path(P + "kontakte/neu/", casework.contact_create, name="contact_create"),
    path(P + "kontakte/<uuid:contact_id>/notiz/", casework.contact_note, name="contact_note"),
    path(P + "aufgaben/neu/", casework.task_create_for_participant, name="participant_task_create"),
    path("aufgaben/", casework.my_tasks, name="my_tasks"),
    path("aufgaben/neu/", casework.task_create, name="task_create"),
    path("aufgaben/<uuid:task_id>/erledigt/", casework.task_complete, name="task_complete"),
    # Possible duplicates and merging (views/duplicates.py)
    path("dubletten/", duplicates.duplicate_list, name="duplicate_list"),
    path("dubletten/pruefen/", duplicates.duplicate_refresh, name="duplicate_refresh"),
    path(P + "dublette/<uuid:other_id>/", duplicates.duplicate_merge, name="duplicate_merge"),
    path(
        P + "dublette/<uuid:other_id>/keine-dublette/",
        duplicates.duplicate_dismiss,
        name="duplicate_dismiss",
    ),
]
