"""Shapes of offers, referrals, outcomes, matching suggestions and the gap analysis.

Who sees what of a referral: everyone who may see it gets the fields a course needs about the
person (as the provider's inbox shows them); the case worker's note only those who do case
work in the participant's district.
"""

import datetime as dt

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from durchstarten.api.serializers.organisation import (
    RECORD_FIELDS,
    ScopedSlugField,
    district_field,
    municipalities_field,
    provider_field,
)
from durchstarten.cases.choices import LANGUAGES, NeedCategory, ResidenceStatusKind
from durchstarten.cases.models import Participant
from durchstarten.cases.selectors import participant_list_for_user
from durchstarten.core.scoping import can_do_case_work
from durchstarten.offers import selectors
from durchstarten.offers.choices import TRANSITIONS, DeclinedBy, ReferralState
from durchstarten.offers.models import Offer, Outcome, Referral, ReferralTransition
from durchstarten.offers.services import OFFER_FIELDS, transition_allowed

# The explicit steps of a referral: action name -> the state it reaches.
ACTIONS = {
    "accept": ReferralState.ACCEPTED,
    "wait": ReferralState.WAITING,
    "decline": ReferralState.DECLINED,
    "start": ReferralState.STARTED,
    "complete": ReferralState.COMPLETED,
    "abort": ReferralState.ABORTED,
}
DECLINED_BY_REQUIRED = _("Bitte geben Sie an, wer abgelehnt hat.")


def free_places_of(offer: Offer, places_taken: int | None) -> int | None:
    if offer.capacity is None or places_taken is None:
        return None
    return max(offer.capacity - places_taken, 0)


def _participant_field(**kwargs) -> ScopedSlugField:
    return ScopedSlugField(
        slug_field="public_id",
        queryset=Participant.objects.none(),
        scope=participant_list_for_user,
        **kwargs,
    )


def _offer_field(**kwargs) -> ScopedSlugField:
    return ScopedSlugField(
        slug_field="public_id",
        queryset=Offer.objects.none(),
        scope=selectors.offer_list_for_user,
        **kwargs,
    )


# --- Offers --------------------------------------------------------------------------------


class OfferSerializer(serializers.ModelSerializer):
    district = serializers.SlugRelatedField(slug_field="ags", read_only=True)
    provider = provider_field(allow_null=True, required=False)
    municipalities = municipalities_field(required=False)
    languages = serializers.ListField(
        child=serializers.ChoiceField(choices=LANGUAGES), required=False
    )
    needs_covered = serializers.ListField(
        child=serializers.ChoiceField(choices=NeedCategory.choices), required=False
    )
    allowed_statuses = serializers.ListField(
        child=serializers.ChoiceField(choices=ResidenceStatusKind.choices), required=False
    )
    free_places = serializers.SerializerMethodField(
        help_text=str(_("freie Plätze; null: ohne Platzbegrenzung"))
    )

    class Meta:
        model = Offer
        fields = [
            *RECORD_FIELDS,
            "district",
            "kind",
            *OFFER_FIELDS,
            "municipalities",
            "free_places",
        ]
        read_only_fields = [*RECORD_FIELDS, "kind"]

    @extend_schema_field({"type": "integer", "nullable": True})
    def get_free_places(self, offer) -> int | None:
        taken = getattr(offer, "places_taken", None)
        if taken is None:
            taken = sum(
                n
                for state, n in selectors.referral_counts(offer).items()
                if state in (ReferralState.ACCEPTED, ReferralState.STARTED)
            )
        return free_places_of(offer, taken)

    def service_fields(self) -> dict:
        return {
            name: self.validated_data[name] for name in OFFER_FIELDS if name in self.validated_data
        }


class OfferCreateSerializer(OfferSerializer):
    district = district_field()


class OfferSummarySerializer(serializers.ModelSerializer):
    organiser_name = serializers.CharField(read_only=True)

    class Meta:
        model = Offer
        fields = [
            "public_id",
            "title",
            "kind",
            "category",
            "module",
            "organiser_name",
            "start_date",
            "end_date",
        ]
        read_only_fields = fields


# --- Matching suggestions ------------------------------------------------------------------


class SuggestionQuerySerializer(serializers.Serializer):
    participant = serializers.UUIDField(help_text=str(_("öffentliche ID der Person")))


class CheckSerializer(serializers.Serializer):
    rule = serializers.CharField()
    passed = serializers.BooleanField()
    text = serializers.CharField()


class EvaluationSerializer(serializers.Serializer):
    offer = OfferSummarySerializer()
    on = serializers.DateField(help_text=str(_("Tag, an dem die Person beginnen würde")))
    eligible = serializers.BooleanField()
    free_places = serializers.IntegerField(allow_null=True)
    reasons = serializers.ListField(child=serializers.CharField())
    checks = CheckSerializer(many=True)


class SuggestionsSerializer(serializers.Serializer):
    participant = serializers.UUIDField()
    eligible = EvaluationSerializer(many=True)
    excluded = EvaluationSerializer(many=True)


def evaluation_data(evaluation) -> dict:
    offer = evaluation.offer
    return {
        "offer": offer,
        "on": evaluation.on,
        "eligible": evaluation.eligible,
        "free_places": free_places_of(offer, offer.places_taken),
        "reasons": [str(reason) for reason in evaluation.reasons],
        "checks": [
            {"rule": check.rule, "passed": check.passed, "text": str(check.text)}
            for check in evaluation.checks
        ],
    }


# --- Gap analysis --------------------------------------------------------------------------


class GapCellSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=NeedCategory.choices)
    category_label = serializers.CharField()
    open_needs = serializers.IntegerField()
    free_places = serializers.IntegerField(
        allow_null=True, help_text=str(_("null: Angebote ohne Platzbegrenzung"))
    )
    unmet = serializers.IntegerField()


class GapRowSerializer(GapCellSerializer):
    municipality = serializers.CharField(help_text=str(_("AGS der Kommune")))
    municipality_name = serializers.CharField()
    offers = serializers.IntegerField(help_text=str(_("Angebote mit freien Plätzen")))


class GapAnalysisSerializer(serializers.Serializer):
    district = serializers.CharField()
    on = serializers.DateField()
    totals = GapCellSerializer(many=True)
    rows = GapRowSerializer(many=True)


def gap_analysis_data(district, analysis: dict, today: dt.date) -> dict:
    """The page's view of offers.selectors.gap_analysis: totals per need, and the
    municipality × need cells with any demand or supply."""
    totals = {
        category.value: {
            "category": category.value,
            "category_label": str(category.label),
            "open_needs": 0,
            "free_places": 0,
            "unmet": 0,
        }
        for category in analysis["categories"]
    }
    rows = []
    for row in analysis["rows"]:
        municipality = row["municipality"]
        for cell in row["cells"]:
            total = totals[cell["category"].value]
            total["open_needs"] += cell["open_needs"]
            total["unmet"] += cell["unmet"]
            if total["free_places"] is not None:
                total["free_places"] = (
                    None
                    if cell["free_places"] is None
                    else total["free_places"] + cell["free_places"]
                )
            if cell["open_needs"] or cell["offers"]:
                rows.append(
                    {
                        "municipality": municipality.ags,
                        "municipality_name": municipality.name,
                        "category": cell["category"].value,
                        "category_label": str(cell["category"].label),
                        "open_needs": cell["open_needs"],
                        "offers": cell["offers"],
                        "free_places": cell["free_places"],
                        "unmet": cell["unmet"],
                    }
                )
    return {"district": district.ags, "on": today, "totals": list(totals.values()), "rows": rows}


# --- Referrals -----------------------------------------------------------------------------


class ReferredPersonSerializer(serializers.ModelSerializer):
    """What a course needs to know about the person (offers.selectors.INBOX_PARTICIPANT_FIELDS)."""

    class Meta:
        model = Participant
        fields = [
            "public_id",
            "given_names",
            "family_name",
            "date_of_birth",
            "german_level",
            "literacy",
            "languages",
            "interpreter_needed",
            "phone",
        ]
        read_only_fields = fields


class TransitionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReferralTransition
        fields = ["from_state", "to_state", "on", "reason"]
        read_only_fields = fields


class ReferralSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    district = serializers.SlugRelatedField(slug_field="ags", read_only=True)
    offer = serializers.SlugRelatedField(slug_field="public_id", read_only=True)
    offer_title = serializers.CharField(source="offer.title", read_only=True)
    participant = ReferredPersonSerializer(read_only=True)
    note = serializers.SerializerMethodField(
        help_text=str(_("Bemerkung der Fallarbeit; null für Träger-Mitarbeitende"))
    )
    transitions = TransitionSerializer(many=True, read_only=True)
    actions = serializers.SerializerMethodField(
        help_text=str(_("Schritte, die Sie jetzt gehen können (POST …/{id}/{action}/)"))
    )

    class Meta:
        model = Referral
        fields = [
            "id",
            "version",
            "district",
            "state",
            "offer",
            "offer_title",
            "participant",
            "proposed_on",
            "accepted_on",
            "started_on",
            "ended_on",
            "abort_reason",
            "declined_by",
            "note",
            "transitions",
            "actions",
        ]
        read_only_fields = fields

    def _user(self):
        return self.context["request"].user

    @extend_schema_field({"type": "string", "nullable": True})
    def get_note(self, referral) -> str | None:
        if can_do_case_work(self._user(), referral.participant):
            return referral.note
        return None

    @extend_schema_field({"type": "array", "items": {"type": "string", "enum": list(ACTIONS)}})
    def get_actions(self, referral) -> list[str]:
        user = self._user()
        targets = TRANSITIONS[ReferralState(referral.state)]
        allowed = []
        for name, to_state in ACTIONS.items():
            if to_state not in targets:
                continue
            ways = DeclinedBy.values if to_state == ReferralState.DECLINED else [""]
            if any(transition_allowed(user, referral, to_state, way) for way in ways):
                allowed.append(name)
        return allowed


class ReferralCreateSerializer(serializers.Serializer):
    participant = _participant_field()
    offer = _offer_field()
    proposed_on = serializers.DateField(required=False)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class TransitionRequestSerializer(serializers.Serializer):
    on = serializers.DateField(
        required=False, help_text=str(_("Datum des Schritts (Standard: heute)"))
    )
    reason = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text=str(_("Abbruchgrund"))
    )


class DeclineRequestSerializer(TransitionRequestSerializer):
    declined_by = serializers.ChoiceField(
        choices=DeclinedBy.choices, error_messages={"required": DECLINED_BY_REQUIRED}
    )


# --- Outcomes ------------------------------------------------------------------------------


class OutcomeSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    participant = _participant_field()
    referral = ScopedSlugField(
        slug_field="public_id",
        queryset=Referral.objects.none(),
        scope=selectors.referral_list_for_user,
        allow_null=True,
        required=False,
    )

    class Meta:
        model = Outcome
        fields = [
            "id",
            "participant",
            "kind",
            "start_date",
            "end_date",
            "language_level",
            "referral",
            "note",
            "recorded_at",
        ]
        read_only_fields = ["id", "recorded_at"]
        validators = []
