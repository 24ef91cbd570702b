"""The district's programme money: grants, own shares, pass-through contracts, budget, spending.

Every record carries its district (denormalised from the grant) so that the scoping layer
narrows it without a join. Amounts are ``Decimal`` with two places.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from durchstarten.core.models import TimestampedModel
from durchstarten.organisation.models import Module

MONEY = {"max_digits": 12, "decimal_places": 2}


def _district():
    return models.ForeignKey(
        "organisation.District",
        verbose_name=_("Kreis"),
        on_delete=models.PROTECT,
        related_name="+",
    )


class OwnShareSource(models.TextChoices):
    INTEGRATION_LUMP_SUM = "integration_lump_sum", _("Integrationspauschale (§ 14c TIntG)")
    OWN_BUDGET = "own_budget", _("eigene Haushaltsmittel")
    THIRD_PARTY = "third_party", _("Drittmittel")
    OTHER = "other", _("sonstige Mittel")


class ExpenditureCategory(models.TextChoices):
    PERSONNEL = "personnel", _("Personalausgaben")
    MATERIAL = "material", _("Sachausgaben")
    FEES = "fees", _("Honorare")
    TRAVEL = "travel", _("Reisekosten")
    OVERHEAD = "overhead", _("Verwaltungsgemeinkosten")
    OTHER = "other", _("sonstige Ausgaben")


class Grant(TimestampedModel):
    """A funding notice (Bewilligungsbescheid) for one module and year."""

    district = models.ForeignKey(
        "organisation.District",
        verbose_name=_("Kreis"),
        on_delete=models.PROTECT,
        related_name="grants",
    )
    module = models.PositiveSmallIntegerField(_("Förderbaustein"), choices=Module.choices)
    year = models.PositiveSmallIntegerField(
        _("Förderjahr"), validators=[MinValueValidator(2019), MaxValueValidator(2100)]
    )
    funding_authority = models.CharField(_("Bewilligungsbehörde"), max_length=200)
    notice_reference = models.CharField(_("Aktenzeichen des Bescheids"), max_length=100)
    notice_date = models.DateField(_("Bescheiddatum"))
    period_from = models.DateField(_("Bewilligungszeitraum von"))
    period_to = models.DateField(_("Bewilligungszeitraum bis"))
    approved_amount = models.DecimalField(_("bewilligter Betrag"), **MONEY)
    eligible_costs = models.DecimalField(_("zuwendungsfähige Ausgaben"), **MONEY)
    early_start_approved = models.BooleanField(
        _("vorzeitiger Maßnahmebeginn genehmigt"), default=False
    )
    early_start_date = models.DateField(_("vorzeitiger Maßnahmebeginn ab"), null=True, blank=True)
    note = models.TextField(_("Bemerkung"), blank=True)

    class Meta:
        verbose_name = _("Bewilligung")
        verbose_name_plural = _("Bewilligungen")
        ordering = ["-year", "module", "notice_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "notice_reference", "module"],
                name="grant_notice_unique_in_district",
            ),
            models.CheckConstraint(
                name="grant_period_ordered", condition=Q(period_to__gte=F("period_from"))
            ),
            models.CheckConstraint(
                name="grant_amounts_not_negative",
                condition=Q(approved_amount__gte=0) & Q(eligible_costs__gte=0),
            ),
            models.CheckConstraint(
                name="grant_early_start_dated",
                condition=Q(early_start_approved=False, early_start_date__isnull=True)
                | Q(early_start_approved=True, early_start_date__isnull=False),
            ),
        ]
        indexes = [models.Index(fields=["district", "year"], name="grant_district_year_idx")]

    def __str__(self) -> str:
        return f"{self.year} · {self.get_module_display()} · {self.notice_reference}"


class OwnShare(TimestampedModel):
    """Part of the district's own share (Eigenanteil) of a grant, from one source."""

    grant = models.ForeignKey(
        Grant, verbose_name=_("Bewilligung"), on_delete=models.CASCADE, related_name="own_shares"
    )
    district = _district()
    amount = models.DecimalField(_("Betrag"), **MONEY)
    source = models.CharField(_("Herkunft der Mittel"), max_length=30, choices=OwnShareSource)
    description = models.CharField(_("Beschreibung"), max_length=200, blank=True)
    use_by = models.DateField(_("zu verwenden bis"), null=True, blank=True)

    class Meta:
        verbose_name = _("Eigenanteil")
        verbose_name_plural = _("Eigenanteile")
        ordering = ["use_by", "pk"]
        constraints = [
            models.CheckConstraint(name="own_share_amount_positive", condition=Q(amount__gt=0))
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} · {self.amount}"


class PassThroughContract(TimestampedModel):
    """A Weiterleitungsvertrag: part of a grant passed on to a provider."""

    grant = models.ForeignKey(
        Grant, verbose_name=_("Bewilligung"), on_delete=models.PROTECT, related_name="contracts"
    )
    district = _district()
    provider = models.ForeignKey(
        "organisation.Provider",
        verbose_name=_("Träger"),
        on_delete=models.PROTECT,
        related_name="pass_through_contracts",
    )
    reference = models.CharField(_("Vertragsnummer"), max_length=100, blank=True)
    amount = models.DecimalField(_("Betrag"), **MONEY)
    fte = models.DecimalField(
        _("Stellen (VZÄ)"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(99)],
    )
    period_from = models.DateField(_("Laufzeit von"))
    period_to = models.DateField(_("Laufzeit bis"))
    signed_on = models.DateField(_("unterzeichnet am"), null=True, blank=True)
    note = models.TextField(_("Bemerkung"), blank=True)

    class Meta:
        verbose_name = _("Weiterleitungsvertrag")
        verbose_name_plural = _("Weiterleitungsverträge")
        ordering = ["period_from", "pk"]
        constraints = [
            models.CheckConstraint(name="contract_amount_positive", condition=Q(amount__gt=0)),
            models.CheckConstraint(
                name="contract_period_ordered", condition=Q(period_to__gte=F("period_from"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} · {self.amount}"


class BudgetLine(TimestampedModel):
    """The planned amount of one expenditure category of a grant (Finanzierungsplan)."""

    grant = models.ForeignKey(
        Grant, verbose_name=_("Bewilligung"), on_delete=models.CASCADE, related_name="budget_lines"
    )
    district = _district()
    category = models.CharField(_("Ausgabenart"), max_length=20, choices=ExpenditureCategory)
    planned_amount = models.DecimalField(_("geplant"), **MONEY)

    class Meta:
        verbose_name = _("Budgetposten")
        verbose_name_plural = _("Budgetposten")
        ordering = ["grant", "category"]
        constraints = [
            models.UniqueConstraint(fields=["grant", "category"], name="budget_line_unique"),
            models.CheckConstraint(
                name="budget_line_not_negative", condition=Q(planned_amount__gte=0)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} · {self.planned_amount}"


class Expenditure(TimestampedModel):
    """One payment booked against a grant (a line of the Belegliste)."""

    grant = models.ForeignKey(
        Grant, verbose_name=_("Bewilligung"), on_delete=models.PROTECT, related_name="expenditures"
    )
    district = _district()
    provider = models.ForeignKey(
        "organisation.Provider",
        verbose_name=_("Träger"),
        on_delete=models.PROTECT,
        related_name="expenditures",
        null=True,
        blank=True,
    )
    contract = models.ForeignKey(
        PassThroughContract,
        verbose_name=_("Weiterleitungsvertrag"),
        on_delete=models.PROTECT,
        related_name="expenditures",
        null=True,
        blank=True,
    )
    category = models.CharField(_("Ausgabenart"), max_length=20, choices=ExpenditureCategory)
    spent_on = models.DateField(_("Datum"))
    amount = models.DecimalField(_("Betrag"), **MONEY)
    receipt_reference = models.CharField(_("Belegnummer"), max_length=100, blank=True)
    description = models.CharField(_("Beschreibung"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("Ausgabe")
        verbose_name_plural = _("Ausgaben")
        ordering = ["-spent_on", "-pk"]
        constraints = [
            models.CheckConstraint(name="expenditure_amount_positive", condition=Q(amount__gt=0))
        ]
        indexes = [
            models.Index(fields=["district", "spent_on"], name="expenditure_district_day_idx")
        ]

    def __str__(self) -> str:
        return f"{self.spent_on} · {self.get_category_display()} · {self.amount}"
