"""Money in templates, spelt as in the exports: ``{{ amount|eur }}``, ``{{ share|pct }}``."""

from django import template

from durchstarten.funding.money import format_eur, format_number, format_percent

register = template.Library()


@register.filter
def eur(value) -> str:
    """``12.345,67 €``; empty values show as a dash."""
    if value is None or value == "":
        return "–"
    return format_eur(value)


@register.filter
def pct(value) -> str:
    return format_percent(value)


@register.filter
def fte(value) -> str:
    return "–" if value is None else format_number(value)
