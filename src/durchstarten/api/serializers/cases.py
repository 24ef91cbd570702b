"""Participants and case work in the API: output serializers shape, input serializers parse.

Inputs carry only the fields the services take; everything a service maintains (district,
stage, responsible staff, version, ids, authors) is output only, so a client cannot set it.
Related records are named by public id, AGS or user name and resolved through the scoped
selectors: somebody else's record "does not exist".

Field-level access (see `full_access`): a coach sees what coaching needs, not the residence
document notes nor the details of health or psychosocial needs; counselling notes only reach
those `core.scoping.can_read_notes` allows, and only on a single contact, never in a list.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from durchstarten.cases import selectors
from durchstarten.cases.choices import (
    LANGUAGES,
    ConsentPurpose,
    ContactChannel,
    ExitReason,
    Gender,
    GermanLevel,
    GoalStatus,
    Literacy,
    NeedCategory,
    NeedStatus,
    OutreachChannel,
    OutreachResult,
    Priority,
    ResidenceStatusKind,
    TargetGroup,
)
from durchstarten.cases.models import (
    CaseGoal,
    CaseStep,
    Consent,
    Contact,
    Enrollment,
    Need,
    Outreach,
    Participant,
    ResidenceStatus,
    Task,
)
from durchstarten.cases.services.contacts import MAX_MINUTES
from durchstarten.core.models import User
from durchstarten.core.scoping import DISTRICT_WIDE_ROLES, access_for
from durchstarten.organisation.models import District, Municipality, Provider
from durchstarten.organisation.selectors import municipality_list_for_user, provider_list_for_user

SENSITIVE_NEEDS = frozenset({NeedCategory.HEALTH, NeedCategory.PSYCHOSOCIAL})
HIDDEN = _("Für Ihre Rolle nicht sichtbar (null).")


def full_access(user, participant) -> bool:
    """District staff see the whole case; a coach (only) sees what coaching needs."""
    return bool(access_for(user).roles_in(participant.district_id) & DISTRICT_WIDE_ROLES)


@extend_schema_field(OpenApiTypes.STR)
class ScopedSlugField(serializers.SlugRelatedField):
    """A related record named by a slug and looked up among the records the caller may use.

    `scope(context)` gives that queryset; without a request (schema generation) it is empty.
    """

    def __init__(self, *, model, scope, **kwargs):
        self.model, self.scope = model, scope
        super().__init__(**kwargs)

    def get_queryset(self):
        if self.context.get("request") is None:
            return self.model.objects.none()
        return self.scope(self.context)

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except DjangoValidationError:
            # A malformed UUID: the model field refuses it before the lookup.
            self.fail("invalid")


def _ags(**kwargs):
    return serializers.SlugRelatedField(slug_field="ags", **kwargs)


def _public_id(**kwargs):
    return serializers.SlugRelatedField(slug_field="public_id", **kwargs)


def _username(**kwargs):
    return serializers.SlugRelatedField(slug_field="username", **kwargs)


def _record_id():
    # A record is named by its public id; the sequential pk never leaves the server.
    return serializers.UUIDField(source="public_id", read_only=True)


# --- Participants -----------------------------------------------------------------------------


class ResidenceStatusBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = ResidenceStatus
        fields = ["kind", "valid_from", "valid_until"]
        read_only_fields = fields


class ParticipantSerializer(serializers.ModelSerializer):
    """A row of the case list; target group and status on today come from the case list."""

    district = _ags(read_only=True)
    municipality = _ags(read_only=True, allow_null=True)
    nationality = serializers.CharField(read_only=True, help_text=_("ISO-3166-Ländercode"))
    # Often empty: a plain string, not format "email".
    email = serializers.CharField(read_only=True)
    case_manager = _username(read_only=True, allow_null=True)
    coaching_provider = _public_id(read_only=True, allow_null=True)
    coach = _username(read_only=True, allow_null=True)
    residence_status_kind = serializers.ChoiceField(
        ResidenceStatusKind.choices, source="status_kind", read_only=True, allow_null=True
    )
    target_group = serializers.ChoiceField(TargetGroup.choices, read_only=True)
    open_need_count = serializers.SerializerMethodField()

    class Meta:
        model = Participant
        fields = [
            "public_id",
            "district",
            "municipality",
            "given_names",
            "family_name",
            "date_of_birth",
            "gender",
            "nationality",
            "languages",
            "german_level",
            "literacy",
            "interpreter_needed",
            "phone",
            "email",
            "address",
            "schooling",
            "work_history",
            "stage",
            "case_manager",
            "coaching_provider",
            "coach",
            "last_contact_on",
            "residence_status_kind",
            "target_group",
            "open_need_count",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_open_need_count(self, obj) -> int:
        # The case list's subquery gives no row, hence None, for a person without open needs.
        return obj.open_need_count or 0


class ParticipantDetailSerializer(ParticipantSerializer):
    residence_status = ResidenceStatusBriefSerializer(
        source="current_status", read_only=True, allow_null=True
    )
    target_group_reason = serializers.CharField(read_only=True)

    class Meta(ParticipantSerializer.Meta):
        fields = [*ParticipantSerializer.Meta.fields, "residence_status", "target_group_reason"]
        read_only_fields = fields


class ParticipantInputSerializer(serializers.Serializer):
    """The fields of a record people edit (cases.services.participants.EDITABLE_FIELDS)."""

    given_names = serializers.CharField(max_length=150, required=False, allow_blank=True)
    family_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    gender = serializers.ChoiceField(Gender.choices, required=False)
    nationality = serializers.ChoiceField(list(countries), required=False, allow_blank=True)
    languages = serializers.ListField(
        child=serializers.ChoiceField(LANGUAGES), required=False, max_length=20
    )
    german_level = serializers.ChoiceField(GermanLevel.choices, required=False)
    literacy = serializers.ChoiceField(Literacy.choices, required=False)
    interpreter_needed = serializers.BooleanField(required=False)
    municipality = ScopedSlugField(
        slug_field="ags",
        model=Municipality,
        scope=lambda context: municipality_list_for_user(
            context["request"].user, district=context.get("district")
        ),
        required=False,
        allow_null=True,
        help_text=_("AGS der Wohnort-Kommune"),
    )
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    address = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    schooling = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    work_history = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class ParticipantCreateSerializer(ParticipantInputSerializer):
    district = ScopedSlugField(
        slug_field="ags",
        model=District,
        scope=lambda context: context["districts"],
        required=False,
        allow_null=True,
        help_text=_("AGS des Kreises; nur nötig, wenn Sie in mehreren Kreisen arbeiten."),
    )


# --- Residence status, outreach, consent ------------------------------------------------------


class ResidenceStatusSerializer(serializers.ModelSerializer):
    id = _record_id()
    document_note = serializers.CharField(read_only=True, allow_null=True, help_text=HIDDEN)

    class Meta:
        model = ResidenceStatus
        fields = ["id", "kind", "valid_from", "valid_until", "document_note", "recorded_at"]
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not self.context.get("full_access"):
            data["document_note"] = None
        return data


class ResidenceStatusInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(ResidenceStatusKind.choices)
    valid_from = serializers.DateField()
    valid_until = serializers.DateField(required=False, allow_null=True)
    document_note = serializers.CharField(max_length=200, required=False, allow_blank=True)


class OutreachSerializer(serializers.ModelSerializer):
    id = _record_id()

    class Meta:
        model = Outreach
        fields = ["id", "channel", "date", "result", "note", "recorded_at"]
        read_only_fields = fields


class OutreachInputSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(OutreachChannel.choices)
    date = serializers.DateField()
    result = serializers.ChoiceField(OutreachResult.choices)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class ConsentSerializer(serializers.ModelSerializer):
    id = _record_id()
    provider = _public_id(read_only=True, allow_null=True)

    class Meta:
        model = Consent
        fields = [
            "id",
            "purpose",
            "provider",
            "given_on",
            "withdrawn_on",
            "form_language",
            "recorded_at",
        ]
        read_only_fields = fields


def _district_providers(context):
    return provider_list_for_user(context["request"].user, district=context["participant"].district)


class ConsentInputSerializer(serializers.Serializer):
    purpose = serializers.ChoiceField(ConsentPurpose.choices)
    provider = ScopedSlugField(
        slug_field="public_id",
        model=Provider,
        scope=_district_providers,
        required=False,
        allow_null=True,
        help_text=_("Nur bei „provider_sharing“: öffentliche ID des Trägers."),
    )
    given_on = serializers.DateField()
    form_language = serializers.ChoiceField(LANGUAGES)


class ConsentWithdrawSerializer(serializers.Serializer):
    withdrawn_on = serializers.DateField(
        required=False, help_text=_("Ohne Angabe gilt der Widerruf ab heute.")
    )


# --- Enrollment -------------------------------------------------------------------------------


class EnrollmentSerializer(serializers.ModelSerializer):
    id = _record_id()
    case_manager = _username(read_only=True)
    coaching_provider = _public_id(read_only=True, allow_null=True)
    coach = _username(read_only=True, allow_null=True)

    class Meta:
        model = Enrollment
        fields = [
            "id",
            "entry_date",
            "case_manager",
            "coaching_provider",
            "coach",
            "exit_date",
            "exit_reason",
            "exit_note",
            "version",
        ]
        read_only_fields = fields


def _case_managers(context):
    return selectors.case_manager_choices(
        context["request"].user, district_id=context["participant"].district_id
    )


def _coaches(context):
    return selectors.coach_choices(
        context["request"].user, district_id=context["participant"].district_id
    )


class EnrollmentStaffSerializer(serializers.Serializer):
    case_manager = ScopedSlugField(
        slug_field="username", model=User, scope=_case_managers, required=False
    )
    coaching_provider = ScopedSlugField(
        slug_field="public_id",
        model=Provider,
        scope=_district_providers,
        required=False,
        allow_null=True,
    )
    coach = ScopedSlugField(
        slug_field="username", model=User, scope=_coaches, required=False, allow_null=True
    )


class EnrollmentEnterSerializer(EnrollmentStaffSerializer):
    entry_date = serializers.DateField()
    case_manager = ScopedSlugField(slug_field="username", model=User, scope=_case_managers)
    coaching_provider = ScopedSlugField(
        slug_field="public_id",
        model=Provider,
        scope=_district_providers,
        required=False,
        allow_null=True,
        help_text=_("Ohne Angabe: der für den Wohnort zuständige Coaching-Träger."),
    )


class EnrollmentExitSerializer(serializers.Serializer):
    exit_date = serializers.DateField()
    exit_reason = serializers.ChoiceField(ExitReason.choices)
    exit_note = serializers.CharField(max_length=300, required=False, allow_blank=True)


# --- Needs and case plan ----------------------------------------------------------------------


class NeedSerializer(serializers.ModelSerializer):
    id = _record_id()
    description = serializers.CharField(read_only=True, allow_null=True, help_text=HIDDEN)

    class Meta:
        model = Need
        fields = [
            "id",
            "category",
            "priority",
            "status",
            "description",
            "identified_on",
            "closed_on",
            "version",
        ]
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if instance.category in SENSITIVE_NEEDS and not self.context.get("full_access"):
            data["description"] = None
        return data


class NeedInputSerializer(serializers.Serializer):
    category = serializers.ChoiceField(NeedCategory.choices)
    priority = serializers.ChoiceField(Priority.choices, default=Priority.MEDIUM)
    identified_on = serializers.DateField()
    description = serializers.CharField(max_length=300, required=False, allow_blank=True)


class NeedUpdateSerializer(serializers.Serializer):
    status = serializers.ChoiceField(NeedStatus.choices, required=False)
    priority = serializers.ChoiceField(Priority.choices, required=False)
    description = serializers.CharField(max_length=300, required=False, allow_blank=True)


class StepSerializer(serializers.ModelSerializer):
    id = _record_id()

    class Meta:
        model = CaseStep
        fields = ["id", "title", "owner", "due_date", "done_on"]
        read_only_fields = fields


class GoalSerializer(serializers.ModelSerializer):
    id = _record_id()
    need = _public_id(read_only=True, allow_null=True)
    steps = StepSerializer(many=True, read_only=True)

    class Meta:
        model = CaseGoal
        fields = ["id", "title", "need", "status", "due_date", "steps", "created_at"]
        read_only_fields = fields


def _participant_needs(context):
    return selectors.need_choices_for_participant(context["participant"])


class GoalInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    due_date = serializers.DateField(required=False, allow_null=True)
    need = ScopedSlugField(
        slug_field="public_id",
        model=Need,
        scope=_participant_needs,
        required=False,
        allow_null=True,
        help_text=_("ID eines Bedarfs derselben Person"),
    )


class GoalStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(GoalStatus.choices)


class StepInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    owner = serializers.CharField(max_length=120)
    due_date = serializers.DateField(required=False, allow_null=True)


class StepCompleteSerializer(serializers.Serializer):
    done_on = serializers.DateField(required=False, help_text=_("Ohne Angabe: heute."))


# --- Counselling contacts ---------------------------------------------------------------------


class ContactSerializer(serializers.ModelSerializer):
    id = _record_id()
    author = _username(read_only=True, allow_null=True)
    has_note = serializers.SerializerMethodField()

    class Meta:
        model = Contact
        fields = [
            "id",
            "date",
            "duration_minutes",
            "channel",
            "language",
            "interpreter_used",
            "topics",
            "has_note",
            "author",
            "recorded_at",
        ]
        read_only_fields = fields

    def get_has_note(self, obj) -> bool:
        return bool(obj.note)


class ContactDetailSerializer(ContactSerializer):
    note = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text=_(
            "Nur für die zuständige Teilhabemanagerin, den zuständigen Coach und die "
            "Koordination; sonst null."
        ),
    )

    class Meta(ContactSerializer.Meta):
        fields = [*ContactSerializer.Meta.fields, "note"]
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not self.context.get("can_read_notes"):
            data["note"] = None
        return data


class ContactInputSerializer(serializers.Serializer):
    date = serializers.DateField()
    duration_minutes = serializers.IntegerField(min_value=1, max_value=MAX_MINUTES)
    channel = serializers.ChoiceField(ContactChannel.choices)
    language = serializers.ChoiceField(LANGUAGES, required=False, allow_blank=True)
    interpreter_used = serializers.BooleanField(required=False)
    topics = serializers.ListField(
        child=serializers.ChoiceField(NeedCategory.choices), required=False, max_length=20
    )
    note = serializers.CharField(max_length=20000, required=False, allow_blank=True)


# --- Tasks ------------------------------------------------------------------------------------


class TaskSerializer(serializers.ModelSerializer):
    id = _record_id()
    district = _ags(read_only=True)
    participant = _public_id(read_only=True, allow_null=True)
    assignee = _username(read_only=True, allow_null=True)

    class Meta:
        model = Task
        fields = [
            "id",
            "district",
            "participant",
            "kind",
            "title",
            "due_date",
            "assignee",
            "done_at",
            "created_at",
        ]
        read_only_fields = fields


def _assignees(context):
    return selectors.task_assignee_list_for_user(
        context["request"].user, district=context["district"]
    )


class TaskInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    due_date = serializers.DateField()
    assignee = ScopedSlugField(
        slug_field="username",
        model=User,
        scope=_assignees,
        required=False,
        allow_null=True,
        help_text=_("Benutzername; ohne Angabe: Sie selbst."),
    )


class DistrictChoiceSerializer(serializers.Serializer):
    """The district a new record belongs to, among those the caller may create records in."""

    district = ScopedSlugField(
        slug_field="ags",
        model=District,
        scope=lambda context: context["districts"],
        required=False,
        allow_null=True,
        help_text=_("AGS des Kreises; nur nötig, wenn Sie in mehreren Kreisen arbeiten."),
    )


class TaskCreateSerializer(DistrictChoiceSerializer, TaskInputSerializer):
    pass
