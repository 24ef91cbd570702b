"""Districts, municipalities, providers, their responsibilities and posts.

Reads go through organisation.selectors (scoped), writes through organisation.services; the
roles are those of the pages: the structure is read by whoever the page shows it to, and only
coordinators change it.
"""

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from durchstarten.api.base import ApiViewSet, expected_version, with_etag
from durchstarten.api.filters.organisation import (
    AssignmentFilter,
    MunicipalityFilter,
    PositionFilter,
    ProviderFilter,
)
from durchstarten.api.serializers.offers import GapAnalysisSerializer, gap_analysis_data
from durchstarten.api.serializers.organisation import (
    AssignmentCreateSerializer,
    AssignmentSerializer,
    AssignmentUpdateSerializer,
    DistrictSerializer,
    MunicipalitySerializer,
    PositionCreateSerializer,
    PositionSerializer,
    ProviderCreateSerializer,
    ProviderSerializer,
)
from durchstarten.api.views._common import (
    COORDINATION,
    DIRECTORY,
    DISTRICT,
    GUARDED,
    EtagRetrieveMixin,
    holds_in,
)
from durchstarten.offers.selectors import gap_analysis
from durchstarten.organisation import selectors, services

ORGANISATION = ["Organisation"]
UUID_PATTERN = r"[0-9a-fA-F-]{36}"


def _require_coordinator(user, district_id: int) -> None:
    """The record is visible, but changing it is the district's coordinators' business."""
    if not holds_in(user, district_id, COORDINATION):
        raise PermissionDenied


@extend_schema_view(
    list=extend_schema(summary="Kreise im Zugriff", tags=ORGANISATION),
    retrieve=extend_schema(summary="Ein Kreis", tags=ORGANISATION),
    gaps=extend_schema(
        summary="Angebotslücken des Kreises: offene Bedarfe gegen freie Plätze",
        tags=["Angebote"],
        responses=GapAnalysisSerializer,
    ),
)
class DistrictViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = DistrictSerializer
    permission_classes = GUARDED
    action_roles = {"gaps": DISTRICT}
    lookup_field = "ags"
    lookup_value_regex = r"\d{8}"
    ordering = "ags"
    ordering_fields = ["ags", "name"]
    filterset_fields = ["kind"]

    def get_queryset(self):
        return selectors.district_list_for_user(self.request.user)

    def get_object(self):
        return selectors.get_district_for_user(self.request.user, self.kwargs["ags"])

    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def gaps(self, request, ags=None):
        district = self.get_object()
        if not holds_in(request.user, district.pk, DISTRICT):
            raise PermissionDenied
        today = timezone.localdate()
        analysis = gap_analysis(request.user, district, today=today)
        data = gap_analysis_data(district, analysis, today)
        return Response(GapAnalysisSerializer(data).data)


@extend_schema_view(
    list=extend_schema(summary="Kommunen im Zugriff", tags=ORGANISATION),
    retrieve=extend_schema(summary="Eine Kommune", tags=ORGANISATION),
)
class MunicipalityViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = MunicipalitySerializer
    lookup_field = "ags"
    lookup_value_regex = r"\d{8}"
    ordering = "ags"
    ordering_fields = ["ags", "name"]
    filterset_class = MunicipalityFilter

    def get_queryset(self):
        return selectors.municipality_list_for_user(self.request.user)

    def get_object(self):
        return selectors.get_municipality_for_user(self.request.user, self.kwargs["ags"])


@extend_schema_view(
    list=extend_schema(summary="Träger", tags=ORGANISATION),
    retrieve=extend_schema(summary="Ein Träger", tags=ORGANISATION),
    create=extend_schema(
        summary="Träger anlegen (Koordinierung)",
        tags=ORGANISATION,
        request=ProviderCreateSerializer,
        responses={201: ProviderSerializer},
    ),
    partial_update=extend_schema(
        summary="Träger ändern (Koordinierung, If-Match)", tags=ORGANISATION
    ),
)
class ProviderViewSet(
    EtagRetrieveMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    ApiViewSet,
):
    serializer_class = ProviderSerializer
    permission_classes = GUARDED
    action_roles = {
        "list": DISTRICT,
        "retrieve": DISTRICT,
        "create": COORDINATION,
        "partial_update": COORDINATION,
    }
    http_method_names = ["get", "post", "patch", "head", "options"]
    lookup_field = "public_id"
    lookup_value_regex = UUID_PATTERN
    ordering = "name"
    ordering_fields = ["name", "created_at"]
    filterset_class = ProviderFilter

    def get_queryset(self):
        return selectors.provider_list_for_user(self.request.user).select_related("district")

    def get_object(self):
        return selectors.get_provider_for_user(self.request.user, self.kwargs["public_id"])

    def get_serializer_class(self):
        return ProviderCreateSerializer if self.action == "create" else ProviderSerializer

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        provider = services.provider_create(
            actor=request.user,
            district=serializer.validated_data["district"],
            **serializer.service_fields(),
        )
        body = ProviderSerializer(provider, context=self.get_serializer_context()).data
        return with_etag(Response(body, status=status.HTTP_201_CREATED), provider)

    def update(self, request, *args, **kwargs):
        provider = self.get_object()
        _require_coordinator(request.user, provider.district_id)
        version = expected_version(request, provider)
        serializer = self.get_serializer(provider, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        provider = services.provider_update(
            actor=request.user, provider=provider, version=version, **serializer.service_fields()
        )
        return with_etag(Response(self.get_serializer(provider).data), provider)


@extend_schema_view(
    list=extend_schema(summary="Zuständigkeiten der Träger", tags=ORGANISATION),
    retrieve=extend_schema(summary="Eine Zuständigkeit", tags=ORGANISATION),
    create=extend_schema(
        summary="Zuständigkeit anlegen (Koordinierung)",
        tags=ORGANISATION,
        request=AssignmentCreateSerializer,
        responses={201: AssignmentSerializer},
    ),
    partial_update=extend_schema(
        summary="Zuständigkeit ändern (Koordinierung, If-Match)",
        tags=ORGANISATION,
        request=AssignmentUpdateSerializer,
        responses=AssignmentSerializer,
    ),
    destroy=extend_schema(summary="Zuständigkeit löschen (Koordinierung)", tags=ORGANISATION),
)
class AssignmentViewSet(
    EtagRetrieveMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    ApiViewSet,
):
    serializer_class = AssignmentSerializer
    permission_classes = GUARDED
    action_roles = {
        "list": DIRECTORY,
        "retrieve": DIRECTORY,
        "create": COORDINATION,
        "partial_update": COORDINATION,
        "destroy": COORDINATION,
    }
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    lookup_field = "public_id"
    lookup_value_regex = UUID_PATTERN
    ordering = "valid_from"
    ordering_fields = ["valid_from", "module", "created_at"]
    filterset_class = AssignmentFilter

    def get_queryset(self):
        return selectors.assignment_list_for_user(self.request.user).select_related("district")

    def get_object(self):
        return selectors.get_assignment_for_user(self.request.user, self.kwargs["public_id"])

    def get_serializer_class(self):
        if self.action == "create":
            return AssignmentCreateSerializer
        if self.action == "partial_update":
            return AssignmentUpdateSerializer
        return AssignmentSerializer

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        assignment = services.assignment_create(
            actor=request.user,
            provider=data["provider"],
            municipalities=data["municipalities"],
            **serializer.service_fields(),
        )
        return with_etag(
            Response(self._shown(assignment), status=status.HTTP_201_CREATED), assignment
        )

    def update(self, request, *args, **kwargs):
        assignment = self.get_object()
        _require_coordinator(request.user, assignment.district_id)
        version = expected_version(request, assignment)
        serializer = self.get_serializer(assignment, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        municipalities = serializer.validated_data.get(
            "municipalities", list(assignment.municipalities.all())
        )
        assignment = services.assignment_update(
            actor=request.user,
            assignment=assignment,
            version=version,
            municipalities=municipalities,
            **serializer.service_fields(),
        )
        return with_etag(Response(self._shown(assignment)), assignment)

    def destroy(self, request, *args, **kwargs):
        assignment = self.get_object()
        _require_coordinator(request.user, assignment.district_id)
        services.assignment_delete(actor=request.user, assignment=assignment)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _shown(self, assignment) -> dict:
        # Read back through the selector: the municipalities as stored, in their order.
        fresh = selectors.get_assignment_for_user(self.request.user, assignment.public_id)
        return AssignmentSerializer(fresh, context=self.get_serializer_context()).data


@extend_schema_view(
    list=extend_schema(summary="Stellen", tags=ORGANISATION),
    retrieve=extend_schema(summary="Eine Stelle", tags=ORGANISATION),
    create=extend_schema(
        summary="Stelle anlegen (Koordinierung)",
        tags=ORGANISATION,
        request=PositionCreateSerializer,
        responses={201: PositionSerializer},
    ),
    partial_update=extend_schema(
        summary="Stelle ändern (Koordinierung, If-Match)", tags=ORGANISATION
    ),
    destroy=extend_schema(summary="Stelle löschen (Koordinierung)", tags=ORGANISATION),
)
class PositionViewSet(
    EtagRetrieveMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    ApiViewSet,
):
    serializer_class = PositionSerializer
    permission_classes = GUARDED
    action_roles = {
        "list": DISTRICT,
        "retrieve": DISTRICT,
        "create": COORDINATION,
        "partial_update": COORDINATION,
        "destroy": COORDINATION,
    }
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    lookup_field = "public_id"
    lookup_value_regex = UUID_PATTERN
    ordering = "valid_from"
    ordering_fields = ["valid_from", "module", "created_at"]
    filterset_class = PositionFilter

    def get_queryset(self):
        return selectors.position_list_for_user(self.request.user).select_related("district")

    def get_object(self):
        return selectors.get_position_for_user(self.request.user, self.kwargs["public_id"])

    def get_serializer_class(self):
        return PositionCreateSerializer if self.action == "create" else PositionSerializer

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        position = services.position_create(
            actor=request.user,
            district=serializer.validated_data["district"],
            **serializer.service_fields(),
        )
        body = PositionSerializer(position, context=self.get_serializer_context()).data
        return with_etag(Response(body, status=status.HTTP_201_CREATED), position)

    def update(self, request, *args, **kwargs):
        position = self.get_object()
        _require_coordinator(request.user, position.district_id)
        version = expected_version(request, position)
        serializer = self.get_serializer(position, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        position = services.position_update(
            actor=request.user, position=position, version=version, **serializer.service_fields()
        )
        return with_etag(Response(self.get_serializer(position).data), position)

    def destroy(self, request, *args, **kwargs):
        position = self.get_object()
        _require_coordinator(request.user, position.district_id)
        services.position_delete(actor=request.user, position=position)
        return Response(status=status.HTTP_204_NO_CONTENT)
