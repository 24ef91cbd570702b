"""Shapes of the organisation records. Related records travel by public key (AGS or public
id) and are looked up among the records the caller may see, so a foreign one "does not exist".
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from durchstarten.core.models import User
from durchstarten.organisation import selectors
from durchstarten.organisation.models import (
    District,
    Municipality,
    Position,
    Provider,
    ProviderAssignment,
)

# DRF fills in the placeholders with str.format.
NOT_FOUND = _("„{value}“ gibt es nicht oder ist für Sie nicht sichtbar.")
MALFORMED = _("Ungültige Angabe.")


class ScopedSlugField(serializers.SlugRelatedField):
    """A related record by its public key, among the records `scope(user)` returns.

    `queryset` only names the model (for the schema); the lookup always goes through `scope`.
    """

    default_error_messages = {"does_not_exist": NOT_FOUND, "invalid": MALFORMED}

    def __init__(self, *, scope, **kwargs):
        self.scope = scope
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.scope(self.context["request"].user)

    def to_internal_value(self, data):
        if not isinstance(data, str | int) or isinstance(data, bool):
            self.fail("invalid")
        try:
            return super().to_internal_value(data)
        except DjangoValidationError:
            # A malformed UUID: the model field refuses it before the lookup.
            self.fail("invalid")


def district_field(**kwargs) -> ScopedSlugField:
    return ScopedSlugField(
        slug_field="ags",
        queryset=District.objects.none(),
        scope=selectors.district_list_for_user,
        help_text=str(_("AGS des Kreises (8 Ziffern)")),
        **kwargs,
    )


def provider_field(**kwargs) -> ScopedSlugField:
    return ScopedSlugField(
        slug_field="public_id",
        queryset=Provider.objects.none(),
        scope=selectors.provider_list_for_user,
        **kwargs,
    )


def municipalities_field(**kwargs) -> serializers.ManyRelatedField:
    return ScopedSlugField(
        slug_field="ags",
        queryset=Municipality.objects.none(),
        scope=selectors.municipality_list_for_user,
        many=True,
        help_text=str(_("AGS der Kommunen")),
        **kwargs,
    )


class DistrictSerializer(serializers.ModelSerializer):
    class Meta:
        model = District
        fields = ["ags", "name", "kind", "is_demo"]
        read_only_fields = fields


class MunicipalitySerializer(serializers.ModelSerializer):
    district = serializers.SlugRelatedField(slug_field="ags", read_only=True)

    class Meta:
        model = Municipality
        fields = ["ags", "name", "district"]
        read_only_fields = fields


# --- Providers -----------------------------------------------------------------------------

PROVIDER_FIELDS = ["name", "short_name", "address", "email", "phone", "is_active"]
RECORD_FIELDS = ["public_id", "version", "created_at", "updated_at"]


class ProviderSerializer(serializers.ModelSerializer):
    district = serializers.SlugRelatedField(slug_field="ags", read_only=True)

    class Meta:
        model = Provider
        fields = [*RECORD_FIELDS, "district", *PROVIDER_FIELDS]
        read_only_fields = RECORD_FIELDS
        # The service checks the unique name with the model's constraint and its message.
        validators = []

    def service_fields(self) -> dict:
        return {
            name: self.validated_data[name]
            for name in PROVIDER_FIELDS
            if name in self.validated_data
        }


class ProviderCreateSerializer(ProviderSerializer):
    district = district_field()


# --- Assignments ---------------------------------------------------------------------------

ASSIGNMENT_FIELDS = ["module", "valid_from", "valid_until", "note"]


class AssignmentSerializer(serializers.ModelSerializer):
    district = serializers.SlugRelatedField(slug_field="ags", read_only=True)
    provider = serializers.SlugRelatedField(slug_field="public_id", read_only=True)
    provider_name = serializers.CharField(source="provider.name", read_only=True)
    municipalities = municipalities_field()

    class Meta:
        model = ProviderAssignment
        fields = [
            *RECORD_FIELDS,
            "district",
            "provider",
            "provider_name",
            *ASSIGNMENT_FIELDS,
            "municipalities",
        ]
        read_only_fields = RECORD_FIELDS

    def service_fields(self) -> dict:
        return {
            name: self.validated_data[name]
            for name in ASSIGNMENT_FIELDS
            if name in self.validated_data
        }


class AssignmentUpdateSerializer(AssignmentSerializer):
    """Provider and module stay as they are: another responsibility is a new assignment."""

    class Meta(AssignmentSerializer.Meta):
        read_only_fields = [*RECORD_FIELDS, "module"]


class AssignmentCreateSerializer(AssignmentSerializer):
    provider = provider_field()


# --- Positions -----------------------------------------------------------------------------

POSITION_FIELDS = ["provider", "module", "title", "fte", "holder", "valid_from", "valid_until"]


def _staff_of_reach(user: User):
    """Holders to choose from: staff of the districts the user may see (the service checks
    that the holder has a role in the position's own district)."""
    return User.objects.filter(
        memberships__district__in=selectors.district_list_for_user(user)
    ).distinct()


class PositionSerializer(serializers.ModelSerializer):
    district = serializers.SlugRelatedField(slug_field="ags", read_only=True)
    provider = provider_field(allow_null=True, required=False)
    holder = ScopedSlugField(
        slug_field="username",
        queryset=User.objects.none(),
        scope=_staff_of_reach,
        allow_null=True,
        required=False,
        help_text=str(_("Benutzername der Stelleninhaberin / des Stelleninhabers")),
    )
    employer_name = serializers.CharField(read_only=True)

    class Meta:
        model = Position
        fields = [*RECORD_FIELDS, "district", *POSITION_FIELDS, "employer_name"]
        read_only_fields = RECORD_FIELDS

    def service_fields(self) -> dict:
        return {
            name: self.validated_data[name]
            for name in POSITION_FIELDS
            if name in self.validated_data
        }


class PositionCreateSerializer(PositionSerializer):
    district = district_field()
