"""Exact money arithmetic and its German spelling.

Amounts are ``Decimal`` with two places, rounded half up (kaufmännisch) wherever a value is
computed; a float never takes part. Formatting does not depend on Django's localisation
settings (``USE_THOUSAND_SEPARATOR`` may be off), so pages and exports spell amounts alike.
"""

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
TENTH = Decimal("0.1")
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)
# The district's own share may be at most this share of the eligible costs.
OWN_SHARE_MAX_PERCENT = Decimal(20)


def money(value) -> Decimal:
    """A value as euros and cents, rounded half up; ``None`` counts as zero.

    Database sums come back with more places on SQLite (it adds in binary floating point,
    exact to 15 digits), so every aggregate passes through here.
    """
    if value is None:
        return ZERO
    if isinstance(value, float):
        raise TypeError("money() takes Decimal, int or str, never float")
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def percent(part: Decimal, whole: Decimal) -> Decimal | None:
    """``part`` as a percentage of ``whole`` with one place, or None if ``whole`` is zero."""
    if not whole:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(TENTH, rounding=ROUND_HALF_UP)


def own_share_limit(eligible_costs: Decimal) -> Decimal:
    """The largest own share allowed: 20 % of the eligible costs, rounded down to the cent.

    Rounded down because it is a ceiling: an own share in whole cents is within the exact
    limit exactly when it is within this one.
    """
    exact = Decimal(eligible_costs) * OWN_SHARE_MAX_PERCENT / HUNDRED
    return exact.quantize(CENT, rounding=ROUND_DOWN)


def _group_thousands(digits: str) -> str:
    head = len(digits) % 3 or 3
    groups = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return ".".join(groups)


def format_number(value: Decimal, places: int = 2) -> str:
    """German spelling of a number: ``12.345,67``; rounded half up to ``places``."""
    exponent = Decimal(1).scaleb(-places)
    rounded = Decimal(value).quantize(exponent, rounding=ROUND_HALF_UP)
    sign = "-" if rounded < 0 else ""
    text = f"{abs(rounded):f}"
    whole, _, fraction = text.partition(".")
    result = sign + _group_thousands(whole)
    return f"{result},{fraction}" if places > 0 else result


def format_eur(value: Decimal | None) -> str:
    """An amount as Germans write it: ``12.345,67 €`` (``None`` counts as zero)."""
    return f"{format_number(money(value))} €"


def format_percent(value: Decimal | None) -> str:
    """A percentage with one place, ``45,3 %``; ``–`` when there is none."""
    if value is None:
        return "–"
    return f"{format_number(value, 1)} %"
