"""Provider selection (Interessenbekundungsverfahren): calls, criteria, bids, scores, awards.

The whole record of a procedure stays in the database after the decision; services refuse
every change to a decided or cancelled call, so what was decided can always be traced.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from durchstarten.core.models import TimestampedModel
from durchstarten.organisation.models import Module

MIN_SCORE = 0
MAX_SCORE = 10


class CallStatus(models.TextChoices):
    DRAFT = "draft", _("Entwurf")
    OPEN = "open", _("Interessenbekundung läuft")
    REVIEW = "review", _("in Bewertung")
    DECIDED = "decided", _("entschieden")
    CANCELLED = "cancelled", _("abgebrochen")


# Calls in these states are part of the record and are never changed again.
CLOSED_STATUSES = frozenset({CallStatus.DECIDED, CallStatus.CANCELLED})


class Call(TimestampedModel):
    """A call for expressions of interest for one module in some municipalities of a district."""

    district = models.ForeignKey(
        "organisation.District",
        verbose_name=_("Kreis"),
        on_delete=models.PROTECT,
        related_name="selection_calls",
    )
    module = models.PositiveSmallIntegerField(_("Förderbaustein"), choices=Module.choices)
    title = models.CharField(_("Bezeichnung"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)
    municipalities = models.ManyToManyField(
        "organisation.Municipality", verbose_name=_("Kommunen"), related_name="selection_calls"
    )
    # The period of the responsibility the winners will get (the future ProviderAssignment).
    valid_from = models.DateField(_("Zuständigkeit ab"))
    valid_until = models.DateField(_("Zuständigkeit bis"), null=True, blank=True)
    deadline = models.DateField(_("Abgabefrist"))
    status = models.CharField(
        _("Stand"), max_length=10, choices=CallStatus.choices, default=CallStatus.DRAFT
    )
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Bewertungsgremium"),
        related_name="selection_reviews",
        blank=True,
    )
    decided_at = models.DateTimeField(_("entschieden am"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entschieden von"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    decision_note = models.TextField(_("Begründung der Entscheidung"), blank=True)
    cancel_reason = models.TextField(_("Grund des Abbruchs"), blank=True)

    class Meta:
        verbose_name = _("Interessenbekundungsverfahren")
        verbose_name_plural = _("Interessenbekundungsverfahren")
        ordering = ["-deadline", "title"]
        constraints = [
            models.CheckConstraint(
                name="selection_call_period_ordered",
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
            ),
        ]
        indexes = [models.Index(fields=["district", "status"], name="selection_call_status")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES


class Criterion(TimestampedModel):
    """A scoring criterion with its weight in percent; the weights of a call add up to 100."""

    call = models.ForeignKey(
        Call, verbose_name=_("Verfahren"), on_delete=models.CASCADE, related_name="criteria"
    )
    name = models.CharField(_("Kriterium"), max_length=150)
    weight = models.DecimalField(
        _("Gewicht (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
    )
    description = models.TextField(_("Beschreibung"), blank=True)

    class Meta:
        verbose_name = _("Bewertungskriterium")
        verbose_name_plural = _("Bewertungskriterien")
        ordering = ["call", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["call", "name"], name="selection_criterion_unique"),
            models.CheckConstraint(
                name="selection_criterion_weight_range",
                condition=Q(weight__gt=0) & Q(weight__lte=100),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Bid(TimestampedModel):
    """A provider's expression of interest in a call."""

    call = models.ForeignKey(
        Call, verbose_name=_("Verfahren"), on_delete=models.PROTECT, related_name="bids"
    )
    provider = models.ForeignKey(
        "organisation.Provider",
        verbose_name=_("Träger"),
        on_delete=models.PROTECT,
        related_name="selection_bids",
    )
    received_on = models.DateField(_("eingegangen am"))
    municipalities = models.ManyToManyField(
        "organisation.Municipality", verbose_name=_("Kommunen"), related_name="selection_bids"
    )
    proposed_fte = models.DecimalField(
        _("angebotene Stellenanteile (VZÄ)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
    )
    note = models.TextField(_("Bemerkung"), blank=True)
    # Required when the bid arrived after the deadline: why it is considered all the same.
    late_reason = models.TextField(_("Begründung für verspäteten Eingang"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("erfasst von"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("Interessenbekundung")
        verbose_name_plural = _("Interessenbekundungen")
        ordering = ["call", "received_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["call", "provider"], name="selection_bid_unique"),
        ]

    def __str__(self) -> str:
        return str(self.provider)


class Score(TimestampedModel):
    """One reviewer's score (0–10) of one bid on one criterion."""

    bid = models.ForeignKey(
        Bid, verbose_name=_("Interessenbekundung"), on_delete=models.PROTECT, related_name="scores"
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("Kriterium"), on_delete=models.PROTECT, related_name="scores"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Bewertende*r"),
        on_delete=models.PROTECT,
        related_name="selection_scores",
    )
    value = models.PositiveSmallIntegerField(
        _("Punkte"),
        validators=[MinValueValidator(MIN_SCORE), MaxValueValidator(MAX_SCORE)],
    )
    comment = models.TextField(_("Kommentar"), blank=True)

    class Meta:
        verbose_name = _("Bewertung")
        verbose_name_plural = _("Bewertungen")
        ordering = ["bid", "criterion", "reviewer"]
        constraints = [
            models.UniqueConstraint(
                fields=["bid", "criterion", "reviewer"], name="selection_score_unique"
            ),
            models.CheckConstraint(
                name="selection_score_range",
                condition=Q(value__gte=MIN_SCORE) & Q(value__lte=MAX_SCORE),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bid} · {self.criterion} · {self.value}"


class Award(TimestampedModel):
    """The decision for one municipality of a call: which bid won it."""

    call = models.ForeignKey(
        Call, verbose_name=_("Verfahren"), on_delete=models.PROTECT, related_name="awards"
    )
    municipality = models.ForeignKey(
        "organisation.Municipality",
        verbose_name=_("Kommune"),
        on_delete=models.PROTECT,
        related_name="selection_awards",
    )
    bid = models.ForeignKey(
        Bid, verbose_name=_("Interessenbekundung"), on_delete=models.PROTECT, related_name="awards"
    )
    # The responsibility created by the decision. It may be edited or ended later in the
    # organisation pages; the award stays as the record of what was decided.
    assignment = models.ForeignKey(
        "organisation.ProviderAssignment",
        verbose_name=_("Zuständigkeit"),
        on_delete=models.SET_NULL,
        related_name="selection_awards",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("Zuschlag")
        verbose_name_plural = _("Zuschläge")
        ordering = ["call", "municipality__name"]
        constraints = [
            models.UniqueConstraint(fields=["call", "municipality"], name="selection_award_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} · {self.bid}"
