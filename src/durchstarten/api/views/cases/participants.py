"""Participants (the case list and the record), residence status history, outreach, consent
and enrollment."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins

from durchstarten.api.base import expected_version
from durchstarten.api.filters.cases import ParticipantFilter
from durchstarten.api.serializers import cases as s
from durchstarten.api.views._common import DISTRICT, holds_any
from durchstarten.api.views.cases._base import (
    IF_MATCH,
    PARTICIPANTS,
    UUID_PATTERN,
    VIEWED,
    CaseWorkViewSet,
    ParticipantRecordViewSet,
)
from durchstarten.cases import selectors
from durchstarten.cases.choices import OPEN_NEED_STATUSES
from durchstarten.cases.models import Participant
from durchstarten.cases.rules import status_on, target_group_on
from durchstarten.cases.services import consent as consent_services
from durchstarten.cases.services import enrollment as enrollment_services
from durchstarten.cases.services import participants as participant_services
from durchstarten.core.audit import log_action
from durchstarten.core.scoping import DISTRICT_WIDE_ROLES, access_for
from durchstarten.organisation.selectors import district_list_for_user

DISTRICT_NEEDED = _("Bitte geben Sie den Kreis (AGS) an.")


def districts_for(user, roles):
    """The districts where the user holds one of the roles (new records go into one)."""
    access = access_for(user)
    ids = [district for district, held in access.district_roles.items() if held & set(roles)]
    return district_list_for_user(user).filter(pk__in=ids)


def pick_district(districts, chosen):
    """The chosen district, or the only one the user works in; with several, one must be named."""
    if chosen is not None:
        return chosen
    candidates = list(districts[:2])
    if len(candidates) != 1:
        raise ValidationError({"district": DISTRICT_NEEDED})
    return candidates[0]


def with_today(participant: Participant) -> Participant:
    """Annotate what the record shows for today: the status in force and the target group."""
    day = timezone.localdate()
    statuses = list(participant.residence_statuses.all())
    result = target_group_on(date_of_birth=participant.date_of_birth, statuses=statuses, day=day)
    participant.current_status = status_on(statuses, day)
    participant.status_kind = participant.current_status and participant.current_status.kind
    participant.target_group = result.group
    participant.target_group_reason = result.reason
    participant.open_need_count = participant.needs.filter(status__in=OPEN_NEED_STATUSES).count()
    return participant


@extend_schema_view(
    list=extend_schema(
        summary="Fallliste: Teilnehmende im Zugriff, mit Suche und Filtern",
        tags=PARTICIPANTS,
    ),
    retrieve=extend_schema(
        summary="Ein Datensatz mit Aufenthaltsstatus und Zielgruppe heute",
        tags=PARTICIPANTS,
        responses=s.ParticipantDetailSerializer,
    ),
    create=extend_schema(
        summary="Datensatz anlegen (Koordination, Teilhabemanagement)",
        tags=PARTICIPANTS,
        request=s.ParticipantCreateSerializer,
        responses={201: s.ParticipantDetailSerializer},
    ),
    partial_update=extend_schema(
        summary="Datensatz ändern (mit If-Match)",
        tags=PARTICIPANTS,
        request=s.ParticipantInputSerializer,
        responses=s.ParticipantDetailSerializer,
        parameters=[IF_MATCH],
    ),
)
class ParticipantViewSet(mixins.ListModelMixin, CaseWorkViewSet):
    serializer_class = s.ParticipantSerializer
    filterset_class = ParticipantFilter
    lookup_field = "public_id"
    lookup_value_regex = UUID_PATTERN
    ordering = ("family_name", "given_names", "id")
    ordering_fields = ["family_name", "given_names", "created_at"]

    def get_queryset(self):
        if self.schema_only:
            return Participant.objects.none()
        return selectors.participant_list_for_user(self.request.user)

    def get_object(self):
        return selectors.get_participant_for_user(self.request.user, self.kwargs["public_id"])

    def retrieve(self, request, *args, **kwargs):
        participant = self.get_object()
        log_action(VIEWED, actor=request.user, obj=participant)
        return self.answer(
            with_today(participant), serializer_class=s.ParticipantDetailSerializer, etag=True
        )

    def create(self, request, *args, **kwargs):
        # Only the district's own staff open records; coaches work on records shared with them.
        if not holds_any(request.user, DISTRICT):
            raise PermissionDenied
        districts = districts_for(request.user, DISTRICT_WIDE_ROLES)
        data = self.parse(s.ParticipantCreateSerializer, districts=districts)
        district = pick_district(districts, data.pop("district", None))
        participant = participant_services.participant_create(
            actor=request.user, district=district, **data
        )
        return self.answer(
            with_today(participant),
            serializer_class=s.ParticipantDetailSerializer,
            created=True,
            etag=True,
        )

    def partial_update(self, request, *args, **kwargs):
        participant = self.get_object()
        version = expected_version(request, participant)
        data = self.parse(s.ParticipantInputSerializer, district=participant.district)
        participant = participant_services.participant_update(
            actor=request.user, participant=participant, version=version, **data
        )
        return self.answer(
            with_today(participant), serializer_class=s.ParticipantDetailSerializer, etag=True
        )


@extend_schema_view(
    list=extend_schema(summary="Aufenthaltsstatus-Verlauf", tags=PARTICIPANTS),
    create=extend_schema(
        summary="Aufenthaltsstatus erfassen (frühere Einträge bleiben)",
        tags=PARTICIPANTS,
        request=s.ResidenceStatusInputSerializer,
        responses={201: s.ResidenceStatusSerializer},
    ),
)
class ResidenceStatusViewSet(ParticipantRecordViewSet):
    serializer_class = s.ResidenceStatusSerializer
    section = "residence_status"
    ordering = ("-valid_from", "-id")
    ordering_fields = ["valid_from"]
    filterset_fields = ["kind"]

    def records(self, participant):
        return participant.residence_statuses.all()

    def create(self, request, *args, **kwargs):
        status = participant_services.residence_status_record(
            actor=request.user,
            participant=self.participant,
            **self.parse(s.ResidenceStatusInputSerializer),
        )
        return self.answer(status, created=True)


@extend_schema_view(
    list=extend_schema(summary="Kontaktaufnahmen", tags=PARTICIPANTS),
    create=extend_schema(
        summary="Kontaktaufnahme erfassen",
        tags=PARTICIPANTS,
        request=s.OutreachInputSerializer,
        responses={201: s.OutreachSerializer},
    ),
)
class OutreachViewSet(ParticipantRecordViewSet):
    serializer_class = s.OutreachSerializer
    section = "outreach"
    ordering = ("-date", "-id")
    ordering_fields = ["date"]
    filterset_fields = ["channel", "result"]

    def records(self, participant):
        return participant.outreaches.all()

    def create(self, request, *args, **kwargs):
        outreach = participant_services.outreach_record(
            actor=request.user,
            participant=self.participant,
            **self.parse(s.OutreachInputSerializer),
        )
        return self.answer(outreach, created=True)


@extend_schema_view(
    list=extend_schema(summary="Einwilligungen", tags=PARTICIPANTS),
    create=extend_schema(
        summary="Einwilligung erfassen",
        tags=PARTICIPANTS,
        request=s.ConsentInputSerializer,
        responses={201: s.ConsentSerializer},
    ),
)
class ConsentViewSet(ParticipantRecordViewSet):
    serializer_class = s.ConsentSerializer
    section = "consent"
    ordering = ("-given_on", "-id")
    ordering_fields = ["given_on"]
    filterset_fields = ["purpose"]

    def records(self, participant):
        return participant.consents.select_related("provider")

    def create(self, request, *args, **kwargs):
        consent = consent_services.consent_give(
            actor=request.user, participant=self.participant, **self.parse(s.ConsentInputSerializer)
        )
        return self.answer(consent, created=True)

    @extend_schema(
        summary="Einwilligung widerrufen (wirkt sofort)",
        tags=PARTICIPANTS,
        request=s.ConsentWithdrawSerializer,
        responses=s.ConsentSerializer,
    )
    def withdraw(self, request, *args, **kwargs):
        consent = selectors.get_consent_for_participant(self.participant, kwargs["consent_id"])
        consent.participant = self.participant
        consent = consent_services.consent_withdraw(
            actor=request.user, consent=consent, **self.parse(s.ConsentWithdrawSerializer)
        )
        return self.answer(consent)


@extend_schema_view(
    list=extend_schema(summary="Teilnahmen (Eintritte und Austritte)", tags=PARTICIPANTS),
    retrieve=extend_schema(summary="Eine Teilnahme", tags=PARTICIPANTS),
    create=extend_schema(
        summary="Eintritt erfassen",
        tags=PARTICIPANTS,
        request=s.EnrollmentEnterSerializer,
        responses={201: s.EnrollmentSerializer},
    ),
)
class EnrollmentViewSet(ParticipantRecordViewSet):
    serializer_class = s.EnrollmentSerializer
    section = "enrollment"
    ordering = ("-entry_date", "-id")
    ordering_fields = ["entry_date"]

    def records(self, participant):
        return participant.enrollments.select_related("case_manager", "coaching_provider", "coach")

    def get_object(self):
        enrollment = selectors.get_enrollment_for_participant(
            self.participant, self.kwargs["enrollment_id"]
        )
        enrollment.participant = self.participant
        return enrollment

    def retrieve(self, request, *args, **kwargs):
        enrollment = self.get_object()
        self.audit_read()
        return self.answer(enrollment, etag=True)

    def create(self, request, *args, **kwargs):
        enrollment = enrollment_services.enrollment_enter(
            actor=request.user,
            participant=self.participant,
            **self.parse(s.EnrollmentEnterSerializer),
        )
        return self.answer(enrollment, created=True, etag=True)

    @extend_schema(
        summary="Zuständigkeit ändern (mit If-Match)",
        tags=PARTICIPANTS,
        request=s.EnrollmentStaffSerializer,
        responses=s.EnrollmentSerializer,
        parameters=[IF_MATCH],
    )
    def reassign(self, request, *args, **kwargs):
        enrollment = self.get_object()
        version = expected_version(request, enrollment)
        # Whoever is not named stays responsible.
        staff = {
            "case_manager": enrollment.case_manager,
            "coaching_provider": enrollment.coaching_provider,
            "coach": enrollment.coach,
            **self.parse(s.EnrollmentStaffSerializer),
        }
        enrollment = enrollment_services.enrollment_reassign(
            actor=request.user, enrollment=enrollment, version=version, **staff
        )
        return self.answer(enrollment, etag=True)

    @extend_schema(
        summary="Austritt erfassen (mit If-Match)",
        tags=PARTICIPANTS,
        request=s.EnrollmentExitSerializer,
        responses=s.EnrollmentSerializer,
        parameters=[IF_MATCH],
    )
    def exit(self, request, *args, **kwargs):
        enrollment = self.get_object()
        version = expected_version(request, enrollment)
        enrollment = enrollment_services.enrollment_exit(
            actor=request.user,
            enrollment=enrollment,
            version=version,
            **self.parse(s.EnrollmentExitSerializer),
        )
        return self.answer(enrollment, etag=True)
