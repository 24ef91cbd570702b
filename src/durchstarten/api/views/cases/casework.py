"""Needs, the case plan (goals and steps), counselling contacts and tasks (Wiedervorlagen)."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action

from durchstarten.api.base import expected_version
from durchstarten.api.filters.cases import TaskFilter
from durchstarten.api.serializers import cases as s
from durchstarten.api.views._common import CASE_WORK
from durchstarten.api.views.cases._base import (
    CASEWORK,
    IF_MATCH,
    TASKS,
    UUID_PATTERN,
    CaseWorkViewSet,
    ParticipantRecordViewSet,
)
from durchstarten.api.views.cases.participants import districts_for, pick_district
from durchstarten.cases import selectors
from durchstarten.cases.models import Task
from durchstarten.cases.services import contacts as contact_services
from durchstarten.cases.services import plan as plan_services
from durchstarten.cases.services import tasks as task_services
from durchstarten.core.audit import log_action


@extend_schema_view(
    list=extend_schema(summary="Bedarfe einer Person", tags=CASEWORK),
    retrieve=extend_schema(summary="Ein Bedarf", tags=CASEWORK),
    create=extend_schema(
        summary="Bedarf erfassen",
        tags=CASEWORK,
        request=s.NeedInputSerializer,
        responses={201: s.NeedSerializer},
    ),
    partial_update=extend_schema(
        summary="Bedarf ändern: Stand, Priorität, Beschreibung (mit If-Match)",
        tags=CASEWORK,
        request=s.NeedUpdateSerializer,
        responses=s.NeedSerializer,
        parameters=[IF_MATCH],
    ),
)
class NeedViewSet(ParticipantRecordViewSet):
    serializer_class = s.NeedSerializer
    section = "needs"
    ordering = ("-identified_on", "-id")
    ordering_fields = ["identified_on"]
    filterset_fields = ["category", "priority", "status"]

    def records(self, participant):
        return participant.needs.all()

    def get_object(self):
        need = selectors.get_need_for_participant(self.participant, self.kwargs["need_id"])
        need.participant = self.participant
        return need

    def retrieve(self, request, *args, **kwargs):
        need = self.get_object()
        self.audit_read()
        return self.answer(need, etag=True)

    def create(self, request, *args, **kwargs):
        need = plan_services.need_record(
            actor=request.user, participant=self.participant, **self.parse(s.NeedInputSerializer)
        )
        return self.answer(need, created=True, etag=True)

    def partial_update(self, request, *args, **kwargs):
        need = self.get_object()
        version = expected_version(request, need)
        changes = self.parse(s.NeedUpdateSerializer)
        if need.category in s.SENSITIVE_NEEDS and not self.get_serializer_context()["full_access"]:
            # A description the caller may not read is not theirs to overwrite either.
            changes.pop("description", None)
        fields = {
            "status": need.status,
            "priority": need.priority,
            "description": need.description,
            **changes,
        }
        need = plan_services.need_update(actor=request.user, need=need, version=version, **fields)
        return self.answer(need, etag=True)


@extend_schema_view(
    list=extend_schema(summary="Förderplan: Ziele mit ihren Schritten", tags=CASEWORK),
    create=extend_schema(
        summary="Ziel anlegen",
        tags=CASEWORK,
        request=s.GoalInputSerializer,
        responses={201: s.GoalSerializer},
    ),
)
class GoalViewSet(ParticipantRecordViewSet):
    serializer_class = s.GoalSerializer
    section = "plan"
    ordering = ("created_at", "id")
    ordering_fields = ["created_at", "due_date"]
    filterset_fields = ["status"]

    def records(self, participant):
        return participant.goals.prefetch_related("steps")

    def get_goal(self):
        goal = selectors.get_goal_for_participant(self.participant, self.kwargs["goal_id"])
        goal.participant = self.participant
        return goal

    def create(self, request, *args, **kwargs):
        goal = plan_services.goal_create(
            actor=request.user, participant=self.participant, **self.parse(s.GoalInputSerializer)
        )
        return self.answer(goal, created=True)

    @extend_schema(
        summary="Stand eines Ziels setzen (offen, erreicht, aufgegeben)",
        tags=CASEWORK,
        request=s.GoalStatusSerializer,
        responses=s.GoalSerializer,
    )
    def set_status(self, request, *args, **kwargs):
        goal = plan_services.goal_set_status(
            actor=request.user, goal=self.get_goal(), **self.parse(s.GoalStatusSerializer)
        )
        return self.answer(goal)

    @extend_schema(
        summary="Schritt zu einem Ziel anlegen",
        tags=CASEWORK,
        request=s.StepInputSerializer,
        responses={201: s.StepSerializer},
    )
    def add_step(self, request, *args, **kwargs):
        step = plan_services.step_add(
            actor=request.user, goal=self.get_goal(), **self.parse(s.StepInputSerializer)
        )
        return self.answer(step, serializer_class=s.StepSerializer, created=True)

    @extend_schema(
        summary="Schritt als erledigt markieren",
        tags=CASEWORK,
        request=s.StepCompleteSerializer,
        responses=s.StepSerializer,
    )
    def complete_step(self, request, *args, **kwargs):
        step = selectors.get_step_for_participant(self.participant, self.kwargs["step_id"])
        step.goal.participant = self.participant
        step = plan_services.step_complete(
            actor=request.user, step=step, **self.parse(s.StepCompleteSerializer)
        )
        return self.answer(step, serializer_class=s.StepSerializer)


@extend_schema_view(
    list=extend_schema(summary="Beratungskontakte (ohne Gesprächsnotiz)", tags=CASEWORK),
    retrieve=extend_schema(
        summary="Ein Beratungskontakt, mit Notiz für die Berechtigten",
        tags=CASEWORK,
        responses=s.ContactDetailSerializer,
    ),
    create=extend_schema(
        summary="Beratungskontakt erfassen",
        tags=CASEWORK,
        request=s.ContactInputSerializer,
        responses={201: s.ContactSerializer},
    ),
)
class ContactViewSet(ParticipantRecordViewSet):
    serializer_class = s.ContactSerializer
    section = "contacts"
    ordering = ("-date", "-id")
    ordering_fields = ["date"]
    filterset_fields = ["channel"]

    def records(self, participant):
        return participant.contacts.select_related("author")

    def retrieve(self, request, *args, **kwargs):
        contact = selectors.get_contact_for_participant(self.participant, kwargs["contact_id"])
        self.audit_read()
        if contact.note and self.get_serializer_context()["can_read_notes"]:
            log_action(
                "cases.contact.note_viewed",
                actor=request.user,
                obj=self.participant,
                data={"contact": str(contact.public_id)},
            )
        return self.answer(contact, serializer_class=s.ContactDetailSerializer)

    def create(self, request, *args, **kwargs):
        contact = contact_services.contact_record(
            actor=request.user, participant=self.participant, **self.parse(s.ContactInputSerializer)
        )
        return self.answer(contact, created=True)


@extend_schema_view(
    list=extend_schema(summary="Wiedervorlagen einer Person (offene zuerst)", tags=TASKS),
    create=extend_schema(
        summary="Wiedervorlage zu einer Person anlegen",
        tags=TASKS,
        request=s.TaskInputSerializer,
        responses={201: s.TaskSerializer},
    ),
)
class ParticipantTaskViewSet(ParticipantRecordViewSet):
    serializer_class = s.TaskSerializer
    section = "tasks"
    ordering = ("due_date", "id")
    ordering_fields = ["due_date", "created_at"]
    filterset_fields = ["kind"]

    def records(self, participant):
        return participant.tasks.select_related("district", "assignee")

    def create(self, request, *args, **kwargs):
        task = task_services.task_create(
            actor=request.user,
            district=self.participant.district,
            participant=self.participant,
            **self.parse(s.TaskInputSerializer),
        )
        return self.answer(task, created=True)


@extend_schema_view(
    list=extend_schema(summary="Meine offenen Wiedervorlagen", tags=TASKS),
    create=extend_schema(
        summary="Wiedervorlage anlegen (mit oder ohne Person)",
        tags=TASKS,
        request=s.TaskCreateSerializer,
        responses={201: s.TaskSerializer},
    ),
    complete=extend_schema(summary="Wiedervorlage erledigen", tags=TASKS, request=None),
)
class TaskViewSet(CaseWorkViewSet):
    serializer_class = s.TaskSerializer
    filterset_class = TaskFilter
    ordering = ("due_date", "id")
    ordering_fields = ["due_date", "created_at"]
    lookup_field = "public_id"
    lookup_value_regex = UUID_PATTERN

    def get_queryset(self):
        if self.schema_only:
            return Task.objects.none()
        return selectors.open_task_list_for_user(self.request.user)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def create(self, request, *args, **kwargs):
        districts = districts_for(request.user, CASE_WORK)
        chosen = self.parse(s.DistrictChoiceSerializer, districts=districts).get("district")
        district = pick_district(districts, chosen)
        data = self.parse(s.TaskCreateSerializer, districts=districts, district=district)
        data.pop("district", None)
        task = task_services.task_create(actor=request.user, district=district, **data)
        return self.answer(task, created=True)

    @action(detail=True, methods=["post"])
    def complete(self, request, *args, **kwargs):
        task = selectors.get_task_for_user(request.user, kwargs["public_id"])
        task = task_services.task_complete(actor=request.user, task=task)
        return self.answer(task)
