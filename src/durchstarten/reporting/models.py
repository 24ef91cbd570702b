from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from durchstarten.core.models import TimestampedModel
from durchstarten.reporting.choices import TargetMetric


class Target(TimestampedModel):
    """A district's target for one figure in one year: met when the actual value reaches it.

    Rates are stored as fractions (0.3 for 30 %), counts as whole persons.
    """

    district = models.ForeignKey(
        "organisation.District",
        verbose_name=_("Kreis"),
        on_delete=models.PROTECT,
        related_name="targets",
    )
    year = models.PositiveSmallIntegerField(_("Jahr"))
    metric = models.CharField(_("Kennzahl"), max_length=20, choices=TargetMetric.choices)
    value = models.DecimalField(
        _("Zielwert"),
        max_digits=9,
        decimal_places=4,
        validators=[MinValueValidator(Decimal("0"))],
    )
    note = models.CharField(_("Bemerkung"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("Zielwert")
        verbose_name_plural = _("Zielwerte")
        ordering = ["district", "year", "metric"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "year", "metric"], name="target_unique_per_year"
            ),
            models.CheckConstraint(
                condition=models.Q(year__gte=2000, year__lte=2100), name="target_year_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_metric_display()} {self.year}"
