"""Routes of participants and case work, included by api/urls.py into the `api` namespace.

A participant's records are nested under its public id; their own ids are scoped to that
participant, so an id of somebody else's record answers 404 like a missing one.
"""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from durchstarten.api.views.cases.casework import (
    ContactViewSet,
    GoalViewSet,
    NeedViewSet,
    ParticipantTaskViewSet,
    TaskViewSet,
)
from durchstarten.api.views.cases.participants import (
    ConsentViewSet,
    EnrollmentViewSet,
    OutreachViewSet,
    ParticipantViewSet,
    ResidenceStatusViewSet,
)

router = SimpleRouter(trailing_slash=True)
router.register("participants", ParticipantViewSet, basename="participant")
router.register("tasks", TaskViewSet, basename="task")

LIST = {"get": "list", "post": "create"}
P = "participants/<uuid:participant>/"
ID = "<uuid:{}>/"


def nested(route: str, viewset, actions: dict, name: str):
    return path(P + route, viewset.as_view(actions), name=f"participant-{name}")


urlpatterns = [
    nested("residence-statuses/", ResidenceStatusViewSet, LIST, "status-list"),
    nested("outreach/", OutreachViewSet, LIST, "outreach-list"),
    nested("consents/", ConsentViewSet, LIST, "consent-list"),
    nested(
        "consents/" + ID.format("consent_id") + "withdraw/",
        ConsentViewSet,
        {"post": "withdraw"},
        "consent-withdraw",
    ),
    nested("enrollments/", EnrollmentViewSet, LIST, "enrollment-list"),
    nested(
        "enrollments/" + ID.format("enrollment_id"),
        EnrollmentViewSet,
        {"get": "retrieve"},
        "enrollment-detail",
    ),
    nested(
        "enrollments/" + ID.format("enrollment_id") + "reassign/",
        EnrollmentViewSet,
        {"post": "reassign"},
        "enrollment-reassign",
    ),
    nested(
        "enrollments/" + ID.format("enrollment_id") + "exit/",
        EnrollmentViewSet,
        {"post": "exit"},
        "enrollment-exit",
    ),
    nested("needs/", NeedViewSet, LIST, "need-list"),
    nested(
        "needs/" + ID.format("need_id"),
        NeedViewSet,
        {"get": "retrieve", "patch": "partial_update"},
        "need-detail",
    ),
    nested("goals/", GoalViewSet, LIST, "goal-list"),
    nested(
        "goals/" + ID.format("goal_id") + "status/",
        GoalViewSet,
        {"post": "set_status"},
        "goal-status",
    ),
    nested(
        "goals/" + ID.format("goal_id") + "steps/", GoalViewSet, {"post": "add_step"}, "goal-steps"
    ),
    nested(
        "steps/" + ID.format("step_id") + "complete/",
        GoalViewSet,
        {"post": "complete_step"},
        "step-complete",
    ),
    nested("contacts/", ContactViewSet, LIST, "contact-list"),
    nested(
        "contacts/" + ID.format("contact_id"), ContactViewSet, {"get": "retrieve"}, "contact-detail"
    ),
    nested("tasks/", ParticipantTaskViewSet, LIST, "task-list"),
    path("", include(router.urls)),
]
