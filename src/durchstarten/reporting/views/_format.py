"""Figures as German text: rates as percent, counts as whole numbers."""

from decimal import Decimal

from django.utils import formats

from durchstarten.reporting.choices import RATE_METRICS


def percent(fraction) -> str:
    """0.7097 → "71,0 %"; None (no denominator) → "–"."""
    if fraction is None:
        return "–"
    value = (Decimal(str(fraction)) * 100).quantize(Decimal("0.1"))
    return f"{formats.number_format(value, decimal_pos=1, use_l10n=True)}\u00a0%"


def count(value) -> str:
    if value is None:
        return "–"
    return formats.number_format(value, use_l10n=True, force_grouping=True)


def target_value(metric: str, value) -> str:
    """A target as typed in: rates in percent, counts as persons."""
    if metric in RATE_METRICS:
        return percent(value)
    return count(int(value))
