"""The report period of a request, and the quick choices offered next to it."""

import datetime as dt

from django.http import Http404
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from durchstarten.reporting.forms import PeriodForm


def period_or_404(data) -> tuple[dt.date, dt.date]:
    """The valid period of the parameters ``from`` and ``to`` (default: this year to date),
    else 404."""
    period = PeriodForm(data).period
    if period is None:
        raise Http404
    return period


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, 3 * quarter - 2, 1)
    next_start = dt.date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1)
    return start, next_start - dt.timedelta(days=1)


def quick_choices(start: dt.date, end: dt.date, today: dt.date | None = None) -> list[dict]:
    """This year, last year, and the quarters of the shown year that have begun."""
    today = today or timezone.localdate()
    year = start.year if start.year <= today.year else today.year
    choices = [
        (_("Dieses Jahr"), dt.date(today.year, 1, 1), today),
        (_("Letztes Jahr"), dt.date(today.year - 1, 1, 1), dt.date(today.year - 1, 12, 31)),
    ]
    for quarter in range(1, 5):
        q_start, q_end = quarter_bounds(year, quarter)
        if q_start > today:
            break
        label = _("%(quarter)s. Quartal %(year)s") % {"quarter": quarter, "year": year}
        choices.append((label, q_start, q_end))
    return [
        {
            "label": label,
            "from": choice_start.isoformat(),
            "to": choice_end.isoformat(),
            "current": (choice_start, choice_end) == (start, end),
        }
        for label, choice_start, choice_end in choices
    ]


def period_text(start: dt.date, end: dt.date) -> str:
    return _("%(start)s bis %(end)s") % {
        "start": formats.date_format(start, "SHORT_DATE_FORMAT"),
        "end": formats.date_format(end, "SHORT_DATE_FORMAT"),
    }
