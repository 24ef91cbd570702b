"""Offers, matching suggestions, referrals with their steps, and outcomes.

The same selectors and services as the offers pages: the directory is read by every role that
works with offers, offers are managed by coordinators and by provider staff for their own
provider (core.scoping.can_manage_offer); referrals are proposed by case workers and moved on
step by step, each step an action of its own, by whoever offers.services.transition_allowed
lets take it.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from durchstarten.api.base import ApiViewSet, expected_version, with_etag
from durchstarten.api.filters.offers import OfferFilter, OutcomeFilter, ReferralFilter
from durchstarten.api.serializers.offers import (
    ACTIONS,
    DeclineRequestSerializer,
    OfferCreateSerializer,
    OfferSerializer,
    OutcomeSerializer,
    ReferralCreateSerializer,
    ReferralSerializer,
    SuggestionQuerySerializer,
    SuggestionsSerializer,
    TransitionRequestSerializer,
    evaluation_data,
)
from durchstarten.api.views._common import (
    CASE_WORK,
    DIRECTORY,
    GUARDED,
    OFFER_MANAGERS,
    EtagRetrieveMixin,
    holds_in,
)
from durchstarten.api.views.cases._base import UUID_PATTERN
from durchstarten.cases.selectors import get_participant_for_user
from durchstarten.core.audit import log_action
from durchstarten.core.scoping import can_manage_offer
from durchstarten.offers import selectors, services

PROBLEM_REF = "#/components/schemas/Problem"  # added by durchstarten.api.schema
PROBLEM_TYPE = "application/problem+json"
OFFERS = ["Angebote"]
REFERRALS = ["Vermittlungen"]
OUTCOMES = ["Verbleib"]
ONLY_OWN_PROVIDER = _("Sie können nur Angebote Ihres Trägers anlegen oder bearbeiten.")
IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=True,
    description="ETag der Fassung, die Sie geändert haben",
)


@extend_schema_view(
    list=extend_schema(summary="Angebotsverzeichnis", tags=OFFERS),
    retrieve=extend_schema(summary="Ein Angebot", tags=OFFERS),
    create=extend_schema(
        summary="Angebot anlegen (Koordinierung; Träger-Mitarbeitende für ihren Träger)",
        tags=OFFERS,
        request=OfferCreateSerializer,
        responses={201: OfferSerializer},
    ),
    partial_update=extend_schema(
        summary="Angebot ändern (If-Match)", tags=OFFERS, parameters=[IF_MATCH]
    ),
    suggestions=extend_schema(
        summary="Passende Angebote für eine Person, mit Begründung",
        tags=OFFERS,
        parameters=[SuggestionQuerySerializer],
        responses=SuggestionsSerializer,
    ),
)
class OfferViewSet(
    EtagRetrieveMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    ApiViewSet,
):
    serializer_class = OfferSerializer
    permission_classes = GUARDED
    action_roles = {
        "list": DIRECTORY,
        "retrieve": DIRECTORY,
        "create": OFFER_MANAGERS,
        "partial_update": OFFER_MANAGERS,
        "suggestions": CASE_WORK,
    }
    http_method_names = ["get", "post", "patch", "head", "options"]
    lookup_field = "public_id"
    lookup_value_regex = r"[0-9a-fA-F-]{36}"
    ordering = "title"
    ordering_fields = ["title", "created_at"]
    filterset_class = OfferFilter

    def get_queryset(self):
        offers = selectors.offer_list_for_user(self.request.user)
        return (
            selectors.with_free_places(offers)
            .select_related("district", "provider")
            .prefetch_related("municipalities")
        )

    def get_object(self):
        return selectors.get_offer_for_user(self.request.user, self.kwargs["public_id"])

    def get_serializer_class(self):
        return OfferCreateSerializer if self.action == "create" else OfferSerializer

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        district = serializer.validated_data["district"]
        if not holds_in(request.user, district.pk, OFFER_MANAGERS):
            raise PermissionDenied
        try:
            offer = services.offer_create(
                actor=request.user,
                district=district,
                municipalities=serializer.validated_data.get("municipalities", []),
                **serializer.service_fields(),
            )
        except PermissionDenied:
            # Provider staff may create offers, but only their own provider's.
            raise exceptions.ValidationError({"provider": [ONLY_OWN_PROVIDER]}) from None
        return with_etag(Response(self._shown(offer), status=status.HTTP_201_CREATED), offer)

    def update(self, request, *args, **kwargs):
        offer = self.get_object()
        if not can_manage_offer(request.user, offer):
            raise PermissionDenied
        version = expected_version(request, offer)
        serializer = self.get_serializer(offer, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        try:
            offer = services.offer_update(
                actor=request.user,
                offer=offer,
                version=version,
                municipalities=serializer.validated_data.get("municipalities"),
                **serializer.service_fields(),
            )
        except PermissionDenied:
            raise exceptions.ValidationError({"provider": [ONLY_OWN_PROVIDER]}) from None
        return with_etag(Response(self._shown(offer)), offer)

    def _shown(self, offer) -> dict:
        return OfferSerializer(offer, context=self.get_serializer_context()).data

    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def suggestions(self, request):
        query = SuggestionQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        participant = get_participant_for_user(request.user, query.validated_data["participant"])
        eligible, excluded = selectors.suggestions_for(participant)
        # Matching reads the person's status, age, needs and outcomes: a read of the record.
        log_action("cases.participant.viewed", actor=request.user, obj=participant)
        body = {
            "participant": participant.public_id,
            "eligible": [evaluation_data(item) for item in eligible],
            "excluded": [evaluation_data(item) for item in excluded],
        }
        return Response(SuggestionsSerializer(body).data)


def _problem(description: str) -> OpenApiResponse:
    return OpenApiResponse(response={"$ref": PROBLEM_REF}, description=description)


def _step_schema(name: str, summary: str):
    # A step is a POST that needs If-Match: its 409 and 428 answers are documented here.
    return extend_schema(
        summary=summary,
        tags=REFERRALS,
        parameters=[IF_MATCH],
        request=DeclineRequestSerializer if name == "decline" else TransitionRequestSerializer,
        responses={
            200: ReferralSerializer,
            (409, PROBLEM_TYPE): _problem("Die Vermittlung wurde inzwischen geändert"),
            (428, PROBLEM_TYPE): _problem("If-Match fehlt"),
        },
    )


@extend_schema_view(
    list=extend_schema(summary="Vermittlungen im Zugriff", tags=REFERRALS),
    retrieve=extend_schema(summary="Eine Vermittlung mit ihren Schritten", tags=REFERRALS),
    create=extend_schema(
        summary="Vermittlung vorschlagen (Fallarbeit)",
        tags=REFERRALS,
        request=ReferralCreateSerializer,
        responses={201: ReferralSerializer},
    ),
    accept=_step_schema("accept", "Platz zusagen"),
    wait=_step_schema("wait", "Auf die Warteliste setzen"),
    decline=_step_schema("decline", "Absage erfassen (von der Person oder vom Anbieter)"),
    start=_step_schema("start", "Beginn erfassen"),
    complete=_step_schema("complete", "Abschluss erfassen"),
    abort=_step_schema("abort", "Abbruch erfassen (mit Grund)"),
)
class ReferralViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ApiViewSet
):
    serializer_class = ReferralSerializer
    permission_classes = GUARDED
    action_roles = {
        "list": DIRECTORY,
        "retrieve": DIRECTORY,
        "create": CASE_WORK,
        **dict.fromkeys(ACTIONS, DIRECTORY),
    }
    lookup_field = "public_id"
    lookup_value_regex = UUID_PATTERN
    ordering = "-id"
    ordering_fields = ["id", "proposed_on"]
    filterset_class = ReferralFilter

    def get_queryset(self):
        return (
            selectors.referral_list_for_user(self.request.user)
            .select_related("district", "offer__provider")
            .prefetch_related("transitions")
        )

    def get_object(self):
        return selectors.get_referral_for_user(self.request.user, self.kwargs["public_id"])

    def retrieve(self, request, *args, **kwargs):
        referral = self.get_object()
        return with_etag(Response(self._shown(referral)), referral)

    def create(self, request, *args, **kwargs):
        serializer = ReferralCreateSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        referral = services.referral_propose(
            actor=request.user,
            participant=data["participant"],
            offer=data["offer"],
            on=data.get("proposed_on"),
            note=data.get("note", ""),
        )
        return with_etag(Response(self._shown(referral), status=status.HTTP_201_CREATED), referral)

    def _shown(self, referral) -> dict:
        fresh = selectors.get_referral_for_user(self.request.user, referral.public_id)
        return ReferralSerializer(fresh, context=self.get_serializer_context()).data

    def _step(self, request, name: str) -> Response:
        referral = self.get_object()
        to_state = ACTIONS[name]
        body_class = DeclineRequestSerializer if name == "decline" else TransitionRequestSerializer
        body = body_class(data=request.data)
        body.is_valid(raise_exception=True)
        declined_by = body.validated_data.get("declined_by", "")
        if not services.transition_allowed(request.user, referral, to_state, declined_by):
            raise PermissionDenied
        version = expected_version(request, referral)
        referral = services.referral_transition(
            actor=request.user,
            referral=referral,
            version=version,
            to_state=to_state,
            on=body.validated_data.get("on"),
            reason=body.validated_data.get("reason", ""),
            declined_by=declined_by,
        )
        return with_etag(Response(self._shown(referral)), referral)

    @action(detail=True, methods=["post"])
    def accept(self, request, public_id=None):
        return self._step(request, "accept")

    @action(detail=True, methods=["post"])
    def wait(self, request, public_id=None):
        return self._step(request, "wait")

    @action(detail=True, methods=["post"])
    def decline(self, request, public_id=None):
        return self._step(request, "decline")

    @action(detail=True, methods=["post"])
    def start(self, request, public_id=None):
        return self._step(request, "start")

    @action(detail=True, methods=["post"])
    def complete(self, request, public_id=None):
        return self._step(request, "complete")

    @action(detail=True, methods=["post"])
    def abort(self, request, public_id=None):
        return self._step(request, "abort")


@extend_schema_view(
    list=extend_schema(summary="Verbleibe der Personen im Zugriff", tags=OUTCOMES),
    create=extend_schema(summary="Verbleib erfassen (Fallarbeit)", tags=OUTCOMES),
)
class OutcomeViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, ApiViewSet):
    serializer_class = OutcomeSerializer
    permission_classes = GUARDED
    action_roles = {"list": CASE_WORK, "create": CASE_WORK}
    ordering = "-id"
    ordering_fields = ["id", "start_date"]
    filterset_class = OutcomeFilter

    def get_queryset(self):
        return selectors.outcome_list_for_user(self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        outcome = services.outcome_record(
            actor=request.user,
            participant=data["participant"],
            kind=data["kind"],
            start_date=data["start_date"],
            end_date=data.get("end_date"),
            language_level=data.get("language_level", ""),
            referral=data.get("referral"),
            note=data.get("note", ""),
        )
        return Response(self.get_serializer(outcome).data, status=status.HTTP_201_CREATED)
