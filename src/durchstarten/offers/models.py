from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from durchstarten.cases.choices import GermanLevel
from durchstarten.cases.models import public_id_field
from durchstarten.core.models import TimestampedModel
from durchstarten.offers.choices import (
    DeclinedBy,
    OfferCategory,
    OfferKind,
    OutcomeKind,
    ReferralState,
)

USER = settings.AUTH_USER_MODEL


class Offer(TimestampedModel):
    """Something a person can be placed in or referred to, with the rules of who may take part."""

    district = models.ForeignKey(
        "organisation.District",
        verbose_name=_("Kreis"),
        on_delete=models.PROTECT,
        related_name="offers",
    )
    # Offers of the initiative's providers; regular offers and specialist services are often
    # run by others (VHS, Berufskolleg, Beratungsstellen), named in `organiser`.
    provider = models.ForeignKey(
        "organisation.Provider",
        verbose_name=_("Träger"),
        on_delete=models.PROTECT,
        related_name="offers",
        null=True,
        blank=True,
    )
    organiser = models.CharField(_("Anbieter"), max_length=200, blank=True)
    kind = models.CharField(_("Art"), max_length=12, choices=OfferKind.choices)
    category = models.CharField(_("Angebotsform"), max_length=30, choices=OfferCategory.choices)
    module = models.PositiveSmallIntegerField(
        _("Förderbaustein"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    title = models.CharField(_("Titel"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)
    municipalities = models.ManyToManyField(
        "organisation.Municipality",
        verbose_name=_("Einzugsgebiet (Kommunen)"),
        related_name="offers",
        blank=True,
    )
    location = models.CharField(_("Ort"), max_length=200, blank=True)
    schedule = models.CharField(_("Zeiten"), max_length=200, blank=True)
    start_date = models.DateField(_("Beginn"), null=True, blank=True)
    end_date = models.DateField(_("Ende"), null=True, blank=True)
    capacity = models.PositiveIntegerField(_("Plätze"), null=True, blank=True)
    languages = models.JSONField(_("Sprachen"), default=list, blank=True)
    women_only = models.BooleanField(_("nur für Frauen"), default=False)
    childcare = models.BooleanField(_("mit Kinderbetreuung"), default=False)
    needs_covered = models.JSONField(_("deckt Bedarfe"), default=list, blank=True)
    # Eligibility rules; empty means "no restriction".
    allowed_statuses = models.JSONField(
        _("zugelassene Aufenthaltsstatus"), default=list, blank=True
    )
    min_age = models.PositiveSmallIntegerField(_("Mindestalter"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("Höchstalter"), null=True, blank=True)
    requires_employment = models.BooleanField(
        _("setzt Ausbildung oder Beschäftigung voraus"), default=False
    )
    min_german_level = models.CharField(
        _("Deutschkenntnisse mindestens"),
        max_length=12,
        choices=[("", _("keine Vorgabe"))]
        + [c for c in GermanLevel.choices if c[0] != "not_assessed"],
        blank=True,
    )
    requires_literacy = models.BooleanField(_("setzt Alphabetisierung voraus"), default=False)
    is_active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        verbose_name = _("Angebot")
        verbose_name_plural = _("Angebote")
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                name="offer_period_ordered",
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
            ),
            models.CheckConstraint(
                name="offer_age_range_ordered",
                condition=Q(max_age__isnull=True)
                | Q(min_age__isnull=True)
                | Q(max_age__gte=F("min_age")),
            ),
            models.CheckConstraint(
                name="offer_module_only_for_initiative",
                condition=Q(kind=OfferKind.INITIATIVE, module__isnull=False)
                | (~Q(kind=OfferKind.INITIATIVE) & Q(module__isnull=True)),
            ),
        ]
        indexes = [
            models.Index(
                fields=["district", "is_active", "end_date"], name="offer_district_active"
            ),
            models.Index(fields=["provider"], name="offer_provider"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def organiser_name(self) -> str:
        return str(self.provider) if self.provider_id else self.organiser


class Referral(models.Model):
    """A participant sent to an offer (Vermittlung / Verweisberatung) and how it went."""

    public_id = public_id_field()
    participant = models.ForeignKey(
        "cases.Participant", on_delete=models.CASCADE, related_name="referrals"
    )
    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="referrals")
    # Denormalised from the participant so that scoping needs no join.
    district = models.ForeignKey(
        "organisation.District", on_delete=models.PROTECT, related_name="referrals"
    )
    state = models.CharField(
        _("Stand"), max_length=10, choices=ReferralState.choices, default=ReferralState.PROPOSED
    )
    proposed_on = models.DateField(_("vorgeschlagen am"))
    accepted_on = models.DateField(_("Platz zugesagt am"), null=True, blank=True)
    started_on = models.DateField(_("begonnen am"), null=True, blank=True)
    ended_on = models.DateField(_("beendet am"), null=True, blank=True)
    abort_reason = models.CharField(_("Abbruchgrund"), max_length=200, blank=True)
    declined_by = models.CharField(
        _("abgelehnt"), max_length=12, choices=DeclinedBy.choices, blank=True
    )
    note = models.CharField(_("Bemerkung"), max_length=300, blank=True)
    proposed_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("Vermittlung")
        verbose_name_plural = _("Vermittlungen")
        ordering = ["-proposed_on", "-id"]
        indexes = [
            models.Index(fields=["offer", "state"], name="referral_offer_state"),
            models.Index(fields=["participant", "state"], name="referral_participant_state"),
            models.Index(fields=["district", "started_on"], name="referral_district_started"),
        ]

    def __str__(self) -> str:
        return f"{self.offer} · {self.get_state_display()}"


class ReferralTransition(models.Model):
    """One step of a referral, dated and by whom."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(max_length=10, choices=ReferralState.choices, blank=True)
    to_state = models.CharField(max_length=10, choices=ReferralState.choices)
    on = models.DateField(_("am"))
    by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    reason = models.CharField(_("Grund"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.from_state or '–'} → {self.to_state}"


class Outcome(models.Model):
    """Where a person ended up (Verbleib), optionally through a referral."""

    public_id = public_id_field()
    participant = models.ForeignKey(
        "cases.Participant", on_delete=models.CASCADE, related_name="outcomes"
    )
    kind = models.CharField(_("Verbleib"), max_length=20, choices=OutcomeKind.choices)
    start_date = models.DateField(_("ab"))
    end_date = models.DateField(_("bis"), null=True, blank=True)
    language_level = models.CharField(
        _("Sprachniveau"),
        max_length=12,
        choices=[c for c in GermanLevel.choices if c[0] not in ("not_assessed", "A0")],
        blank=True,
    )
    referral = models.ForeignKey(
        Referral,
        verbose_name=_("über Vermittlung"),
        on_delete=models.SET_NULL,
        related_name="outcomes",
        null=True,
        blank=True,
    )
    note = models.CharField(_("Bemerkung"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Verbleib")
        verbose_name_plural = _("Verbleibe")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                name="outcome_period_ordered",
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
            ),
            models.CheckConstraint(
                name="outcome_level_only_for_exams",
                condition=Q(kind=OutcomeKind.LANGUAGE_EXAM) | Q(language_level=""),
            ),
        ]
        indexes = [models.Index(fields=["participant", "kind"], name="outcome_participant_kind")]

    def __str__(self) -> str:
        return self.get_kind_display()
