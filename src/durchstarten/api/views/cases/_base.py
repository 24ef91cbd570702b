"""What the participant and case work endpoints share.

Reads go through cases.selectors (scoped: "not yours" answers 404 like "does not exist"),
writes through cases.services, which check the role for the participant's district again.
A participant's records live under /participants/{participant}/; the participant is looked
up once per request, and every read of a record is audited as a view of the participant.
"""

from functools import cached_property

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import permissions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings

from durchstarten.api.base import ApiViewSet, with_etag
from durchstarten.api.problems import FORBIDDEN
from durchstarten.api.serializers.cases import full_access
from durchstarten.api.views._common import CASE_WORK, holds_any
from durchstarten.cases import selectors
from durchstarten.cases.models import Participant
from durchstarten.core.audit import log_action
from durchstarten.core.scoping import can_read_notes

PARTICIPANTS = ["Teilnehmende"]
CASEWORK = ["Fallarbeit"]
TASKS = ["Wiedervorlagen"]
VIEWED = "cases.participant.viewed"
UUID_PATTERN = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description="ETag der Fassung, die Sie geändert haben (aus der letzten Antwort).",
)


class DoesCaseWork(permissions.BasePermission):
    """Case work roles only (coordinator, case manager, coach), in any district: the selectors
    narrow to the participants in reach. A method the route does not offer answers 405."""

    message = FORBIDDEN

    def has_permission(self, request, view) -> bool:
        return view.action is None or holds_any(request.user, CASE_WORK)


class CaseWorkViewSet(ApiViewSet):
    permission_classes = [*api_settings.DEFAULT_PERMISSION_CLASSES, DoesCaseWork]
    http_method_names = ["get", "post", "patch", "head", "options"]

    @property
    def schema_only(self) -> bool:
        return getattr(self, "swagger_fake_view", False)

    def parse(self, serializer_class, **context):
        """The request body, validated (422 with one entry per field otherwise)."""
        serializer = serializer_class(
            data=self.request.data, context={**self.get_serializer_context(), **context}
        )
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def answer(self, obj, *, serializer_class=None, created=False, etag=False) -> Response:
        serializer_class = serializer_class or self.get_serializer_class()
        data = serializer_class(obj, context=self.get_serializer_context()).data
        response = Response(data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
        return with_etag(response, obj) if etag else response


class ParticipantRecordViewSet(CaseWorkViewSet):
    """The records of one participant (URL argument `participant`, its public id)."""

    # Names the kind of record in the audit entry of a read.
    section = ""

    @cached_property
    def participant(self) -> Participant:
        return selectors.get_participant_for_user(self.request.user, self.kwargs["participant"])

    def records(self, participant):
        raise NotImplementedError

    def get_queryset(self):
        if self.schema_only:
            return self.get_serializer_class().Meta.model.objects.none()
        return self.records(self.participant)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not self.schema_only:
            user, participant = self.request.user, self.participant
            context.update(
                participant=participant,
                district=participant.district,
                full_access=full_access(user, participant),
                can_read_notes=can_read_notes(user, participant),
            )
        return context

    def audit_read(self) -> None:
        log_action(
            VIEWED, actor=self.request.user, obj=self.participant, data={"section": self.section}
        )

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        self.audit_read()
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
