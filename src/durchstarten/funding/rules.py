"""The warnings about a grant's money: pure functions of figures already read.

Warnings never stop a write; they are shown on the funding overview, the grant page and
in the spending report, worst first:
- the grant's spending exceeds its approved amount plus own share (``danger``);
- a category's spending exceeds its planned amount (only for grants that have a budget);
- the use-by date of an own-share source is at most 60 days ahead (or has passed) while
  the grant's funds are not fully spent. "Fully spent" is measured on the whole grant
  (spending against approved amount plus own share), because payments are not booked to
  a particular source of the own share.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import formats
from django.utils.translation import gettext_lazy, ngettext

from durchstarten.funding.money import format_eur, format_percent, money

EXPIRY_WARNING_DAYS = 60

OVERSPENT = gettext_lazy(
    "%(grant)s: Die Ausgaben (%(spent)s) übersteigen den bewilligten Betrag zuzüglich "
    "Eigenanteil (%(funds)s) um %(excess)s."
)
CATEGORY_OVERRUN = gettext_lazy(
    "%(grant)s: In der Ausgabenart „%(category)s“ sind %(spent)s ausgegeben, geplant sind "
    "%(planned)s (%(excess)s mehr)."
)
EXPIRES_SOON = gettext_lazy(
    "%(grant)s: Der Eigenanteil aus „%(source)s“ (%(amount)s) ist bis zum %(day)s zu "
    "verwenden (%(remaining)s); verausgabt sind erst %(percent)s der Mittel."
)
EXPIRES_TODAY = gettext_lazy(
    "%(grant)s: Der Eigenanteil aus „%(source)s“ (%(amount)s) ist nur noch heute zu "
    "verwenden; verausgabt sind erst %(percent)s der Mittel."
)
EXPIRED = gettext_lazy(
    "%(grant)s: Die Frist für den Eigenanteil aus „%(source)s“ (%(amount)s) ist am %(day)s "
    "abgelaufen; verausgabt sind erst %(percent)s der Mittel."
)


@dataclass(frozen=True)
class FundingWarning:
    """One warning; ``level`` is the KERN alert variant (``warning`` or ``danger``)."""

    level: str
    text: str
    grant_id: int | None = None
    # What it is about: "overspent", "category" or "expiry".
    kind: str = ""

    @property
    def is_danger(self) -> bool:
        return self.level == "danger"


def _day(value: dt.date) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def overspent(label: str, spent: Decimal, funds: Decimal, grant_id=None) -> FundingWarning | None:
    """Spending beyond the approved amount plus own share."""
    if money(spent) <= money(funds):
        return None
    text = OVERSPENT % {
        "grant": label,
        "spent": format_eur(spent),
        "funds": format_eur(funds),
        "excess": format_eur(money(spent) - money(funds)),
    }
    return FundingWarning("danger", text, grant_id, "overspent")


def category_overrun(
    label: str, category: str, spent: Decimal, planned: Decimal, grant_id=None
) -> FundingWarning | None:
    """Spending in a category beyond its planned amount."""
    if money(spent) <= money(planned):
        return None
    text = CATEGORY_OVERRUN % {
        "grant": label,
        "category": category,
        "spent": format_eur(spent),
        "planned": format_eur(planned),
        "excess": format_eur(money(spent) - money(planned)),
    }
    return FundingWarning("warning", text, grant_id, "category")


def expiry(
    label: str,
    *,
    source: str,
    amount: Decimal,
    use_by: dt.date | None,
    spent: Decimal,
    funds: Decimal,
    percent_spent: Decimal | None,
    today: dt.date,
    grant_id=None,
) -> FundingWarning | None:
    """An own-share source whose use-by date is at most 60 days ahead while funds are left."""
    if use_by is None or money(spent) >= money(funds):
        return None
    days = (use_by - today).days
    if days > EXPIRY_WARNING_DAYS:
        return None
    values = {
        "grant": label,
        "source": source,
        "amount": format_eur(amount),
        "day": _day(use_by),
        "remaining": ngettext("noch %(days)d Tag", "noch %(days)d Tage", days) % {"days": days},
        "percent": format_percent(percent_spent),
    }
    if days < 0:
        return FundingWarning("warning", EXPIRED % values, grant_id, "expiry")
    if days == 0:
        return FundingWarning("warning", EXPIRES_TODAY % values, grant_id, "expiry")
    return FundingWarning("warning", EXPIRES_SOON % values, grant_id, "expiry")


def ordered(warnings) -> list[FundingWarning]:
    """The warnings that apply, the dangerous ones first (stable otherwise)."""
    present = [w for w in warnings if w is not None]
    return sorted(present, key=lambda w: not w.is_danger)
