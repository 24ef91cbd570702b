"""Closed lists of the reporting domain."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TargetMetric(models.TextChoices):
    """Figures a district can set a yearly target for (rates as fractions, counts as persons)."""

    ENTRY_RATE = "entry_rate", _("Eintrittsquote")
    PLACEMENT_RATE = "placement_rate", _("Vermittlungsquote")
    CONTACTED = "contacted", _("erreichte Personen")
    ENTERED = "entered", _("Eintritte")
    PLACED = "placed", _("vermittelte Personen")


RATE_METRICS = frozenset({TargetMetric.ENTRY_RATE, TargetMetric.PLACEMENT_RATE})
