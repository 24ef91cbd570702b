"""Quarterly programme monitoring: the figures the state-wide monitoring database asked for.

One call computes a whole year for one or several districts with a fixed number of aggregate
queries (two for the year-level counts, one grouped query per quarter, three for the
implementation status), whatever the number of participants. The JSON shape is documented in
`/tmp/brief/quarterly_spec.md` and below in `DEFINITIONS`; others render it, so keep it stable.
"""

import datetime as dt
from collections.abc import Sequence

from django.db.models import Case, CharField, Count, Exists, OuterRef, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from durchstarten.cases.choices import SUCCESSFUL_OUTREACH, Gender
from durchstarten.cases.choices import TargetGroup as TG
from durchstarten.cases.models import Enrollment, Outreach, Participant
from durchstarten.cases.rules import years_before
from durchstarten.cases.selectors import with_target_group
from durchstarten.offers.choices import OfferKind
from durchstarten.offers.models import Referral
from durchstarten.organisation.models import (
    District,
    Module,
    Municipality,
    Position,
    ProviderAssignment,
)

MODULE_KEYS = [str(module.value) for module in Module]
INITIATIVE_MODULES = [module.value for module in Module if module != Module.CASE_MANAGEMENT]
TARGET_GROUP_KEYS = ["primary", "secondary", "other"]
GENDER_KEYS = list(Gender.values)
# (key, lowest age, highest age) at the quarter's end; anyone else is "other".
AGE_BANDS = [("18-20", 18, 20), ("21-24", 21, 24), ("25-27", 25, 27)]
AGE_BAND_KEYS = [key for key, _low, _high in AGE_BANDS] + ["other"]
NO_MUNICIPALITY = "none"

LABELS = {
    "districts": _("Kreise / kreisfreie Städte"),
    "year": _("Jahr"),
    "quarter": _("Quartal"),
    "contacted": _("erreichte Personen"),
    "entries": _("Eintritte"),
    "exits": _("Austritte"),
    "cumulative_entries": _("Eintritte kumuliert"),
    "entry_rate": _("Eintrittsquote"),
    "stock": _("Bestand am Quartalsende"),
    "module_stock": _("Bestand je Förderbaustein"),
    "module_share": _("Anteil je Förderbaustein am Bestand"),
    "by_municipality": _("nach Kommune"),
    "target_group": _("Zielgruppe"),
    "gender": _("Geschlecht"),
    "age_band": _("Altersgruppe"),
    "municipalities": _("Umsetzungsstand je Kommune"),
}
GROUP_LABELS = {
    "primary": _("primäre Zielgruppe"),
    "secondary": _("sekundäre Zielgruppe"),
    "other": _("sonstige"),
    "18-20": _("18 bis 20 Jahre"),
    "21-24": _("21 bis 24 Jahre"),
    "25-27": _("25 bis 27 Jahre"),
    NO_MUNICIPALITY: _("ohne Angabe"),
}

DEFINITIONS = [
    (
        "contacted",
        LABELS["contacted"],
        _(
            "Verschiedene Personen mit mindestens einer erfolgreichen Kontaktaufnahme (erreicht, "
            "abgelehnt oder eingetreten) im Quartal – auch Personen, die nicht eingetreten sind."
        ),
    ),
    (
        "entries",
        LABELS["entries"],
        _("Verschiedene Personen, deren Teilnahme im Quartal begonnen hat (Eintrittsdatum)."),
    ),
    (
        "exits",
        LABELS["exits"],
        _("Verschiedene Personen, deren Teilnahme im Quartal geendet hat (Austrittsdatum)."),
    ),
    (
        "cumulative_entries",
        LABELS["cumulative_entries"],
        _(
            "Verschiedene Personen mit einem Eintritt vom 1. Januar des Jahres bis zum "
            "Quartalsende; wer im Jahr erneut eintritt, zählt einmal."
        ),
    ),
    (
        "entry_rate",
        LABELS["entry_rate"],
        _(
            "Eintritte des Quartals geteilt durch die erreichten Personen des Quartals, als "
            "Anteil auf vier Stellen gerundet; leer, wenn niemand erreicht wurde."
        ),
    ),
    (
        "stock",
        LABELS["stock"],
        _(
            "Personen mit einer Teilnahme, die am letzten Tag des Quartals läuft: Eintritt "
            "spätestens an diesem Tag und kein Austritt oder ein Austritt erst danach. Wer am "
            "letzten Tag austritt, zählt nicht zum Bestand."
        ),
    ),
    (
        "module_stock",
        LABELS["module_stock"],
        _(
            "Förderbausteine 1 bis 5: Personen des Bestands mit einer Vermittlung in eine "
            "Maßnahme der Landesinitiative dieses Förderbausteins, die bis zum Quartalsende "
            "begonnen hat und an diesem Tag nicht beendet war. Förderbaustein 1 zählt zusätzlich "
            "Personen, deren laufende Teilnahme einen Coaching-Träger hat. Förderbaustein 6 "
            "(Teilhabemanagement): der ganze Bestand."
        ),
    ),
    (
        "module_share",
        LABELS["module_share"],
        _(
            "Bestand je Förderbaustein geteilt durch den Bestand, als Anteil auf vier Stellen "
            "gerundet; leer, wenn der Bestand null ist. Eine Person kann in mehreren "
            "Förderbausteinen sein, die Anteile ergeben daher zusammen mehr als 1."
        ),
    ),
    (
        "by_municipality",
        LABELS["by_municipality"],
        _(
            "Eintritte, Austritte und Bestand nach der aktuell erfassten Wohnkommune der "
            "Person; „ohne Angabe“, wenn keine Kommune erfasst ist."
        ),
    ),
    (
        "target_group",
        LABELS["target_group"],
        _(
            "Eintritte und Bestand nach Zielgruppe am letzten Tag des Quartals, aus "
            "Aufenthaltsstatus und Alter ermittelt: primär (Duldung), sekundär "
            "(Aufenthaltsgestattung), sonstige (alle anderen)."
        ),
    ),
    (
        "gender",
        LABELS["gender"],
        _("Eintritte und Bestand nach Geschlecht."),
    ),
    (
        "age_band",
        LABELS["age_band"],
        _(
            "Eintritte und Bestand nach dem Alter am letzten Tag des Quartals: 18–20, 21–24, "
            "25–27 Jahre; sonstige, wenn jünger, älter oder ohne Geburtsdatum."
        ),
    ),
    (
        "municipalities",
        LABELS["municipalities"],
        _(
            "Für jede Kommune und jeden Förderbaustein der Träger, der am letzten Tag des "
            "Jahres mit einer Zuständigkeit zuständig war (31. Dezember oder, wenn die "
            "Zuständigkeiten früher endeten, ihr letzter Tag im Jahr). Förderbaustein 6: ein "
            "dafür zuständiger Träger, sonst der Kreis, wenn er im Jahr eine Stelle im "
            "Teilhabemanagement hatte."
        ),
    ),
]


def quarter_bounds(year: int) -> list[tuple[int, dt.date, dt.date]]:
    """(number, first day, last day) of each quarter of the year."""
    bounds = []
    for number in range(1, 5):
        first = dt.date(year, 3 * number - 2, 1)
        following = dt.date(year + 1, 1, 1) if number == 4 else dt.date(year, 3 * number + 1, 1)
        bounds.append((number, first, following - dt.timedelta(days=1)))
    return bounds


def _rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def _open_on(day: dt.date) -> Q:
    """An enrollment running on the day: an exit on the day itself ends it."""
    return Q(entry_date__lte=day) & (Q(exit_date__isnull=True) | Q(exit_date__gt=day))


def _in_quarter(field: str, first: dt.date, last: dt.date) -> Q:
    return Q(**{f"{field}__gte": first, f"{field}__lte": last})


def _year_counts(district_ids: list[int], year: int) -> dict[int, dict[str, int]]:
    """contacted, entries, exits and cumulative_entries of every quarter: two queries."""
    quarters = quarter_bounds(year)
    jan_1 = dt.date(year, 1, 1)
    outreach = Outreach.objects.filter(
        participant__district_id__in=district_ids,
        result__in=list(SUCCESSFUL_OUTREACH),
        date__gte=jan_1,
        date__lte=dt.date(year, 12, 31),
    ).aggregate(
        **{
            f"contacted_{n}": Count("participant", distinct=True, filter=_in_quarter("date", a, b))
            for n, a, b in quarters
        }
    )
    enrollment_aggregates = {}
    for n, first, last in quarters:
        enrollment_aggregates[f"entries_{n}"] = Count(
            "participant", distinct=True, filter=_in_quarter("entry_date", first, last)
        )
        enrollment_aggregates[f"exits_{n}"] = Count(
            "participant", distinct=True, filter=_in_quarter("exit_date", first, last)
        )
        enrollment_aggregates[f"cumulative_entries_{n}"] = Count(
            "participant", distinct=True, filter=_in_quarter("entry_date", jan_1, last)
        )
    enrollment = (
        Enrollment.objects.filter(participant__district_id__in=district_ids)
        .filter(
            _in_quarter("entry_date", jan_1, dt.date(year, 12, 31))
            | _in_quarter("exit_date", jan_1, dt.date(year, 12, 31))
        )
        .aggregate(**enrollment_aggregates)
    )
    counts = {**outreach, **enrollment}
    return {
        n: {
            key: counts[f"{key}_{n}"]
            for key in ("contacted", "entries", "exits", "cumulative_entries")
        }
        for n, _first, _last in quarters
    }


def _age_band(day: dt.date) -> Case:
    """The age band on the day, in SQL; born on or before years_before(day, n) = aged n or more."""
    whens = [
        When(
            date_of_birth__lte=years_before(day, low),
            date_of_birth__gt=years_before(day, high + 1),
            then=Value(key),
        )
        for key, low, high in AGE_BANDS
    ]
    return Case(*whens, default=Value("other"), output_field=CharField())


def _quarter_rows(district_ids: list[int], first: dt.date, last: dt.date) -> QuerySet:
    """One grouped query: per (municipality, target group, gender, age band) the entries,
    exits, stock and module stock of the quarter. Rows grow with the groups, not with people."""
    enrollments = Enrollment.objects.filter(participant=OuterRef("pk"))
    referrals = Referral.objects.filter(
        participant=OuterRef("pk"),
        offer__kind=OfferKind.INITIATIVE,
        started_on__lte=last,
    ).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=last))
    people = Participant.objects.filter(district_id__in=district_ids).annotate(
        in_quarter=Exists(enrollments.filter(entry_date__lte=last).exclude(exit_date__lt=first)),
        entered=Exists(enrollments.filter(_in_quarter("entry_date", first, last))),
        exited=Exists(enrollments.filter(_in_quarter("exit_date", first, last))),
        in_stock=Exists(enrollments.filter(_open_on(last))),
        coached=Exists(enrollments.filter(_open_on(last), coaching_provider__isnull=False)),
        **{f"referred_{m}": Exists(referrals.filter(offer__module=m)) for m in INITIATIVE_MODULES},
    )
    # Anyone entering, exiting or in the stock had an enrollment touching the quarter.
    people = with_target_group(people.filter(in_quarter=True), last).annotate(
        age_band=_age_band(last)
    )
    stock = Q(in_stock=True)
    module_counts = {
        f"module_{m}": Count("pk", filter=stock & Q(**{f"referred_{m}": True}))
        for m in INITIATIVE_MODULES
    }
    module_counts["module_1"] = Count("pk", filter=stock & (Q(referred_1=True) | Q(coached=True)))
    return (
        people.values("municipality__ags", "target_group", "gender", "age_band")
        .annotate(
            entries=Count("pk", filter=Q(entered=True)),
            exits=Count("pk", filter=Q(exited=True)),
            stock=Count("pk", filter=stock),
            **module_counts,
        )
        .order_by()
    )


def _target_group_key(group: str) -> str:
    return group if group in (TG.PRIMARY, TG.SECONDARY) else "other"


def _quarter(
    number: int,
    first: dt.date,
    last: dt.date,
    counts: dict[str, int],
    rows: list[dict],
    municipality_keys: list[str],
) -> dict:
    by_municipality = {
        key: {"entries": 0, "exits": 0, "stock": 0} for key in municipality_keys + [NO_MUNICIPALITY]
    }
    by_group = {
        "target_group": {key: {"entries": 0, "stock": 0} for key in TARGET_GROUP_KEYS},
        "gender": {key: {"entries": 0, "stock": 0} for key in GENDER_KEYS},
        "age_band": {key: {"entries": 0, "stock": 0} for key in AGE_BAND_KEYS},
    }
    module_stock = dict.fromkeys(MODULE_KEYS, 0)
    stock = 0
    for row in rows:
        municipality = row["municipality__ags"] or NO_MUNICIPALITY
        cell = by_municipality.setdefault(municipality, {"entries": 0, "exits": 0, "stock": 0})
        for key in ("entries", "exits", "stock"):
            cell[key] += row[key]
        for dimension, key in (
            ("target_group", _target_group_key(row["target_group"])),
            ("gender", row["gender"]),
            ("age_band", row["age_band"]),
        ):
            group = by_group[dimension].setdefault(key, {"entries": 0, "stock": 0})
            group["entries"] += row["entries"]
            group["stock"] += row["stock"]
        for m in INITIATIVE_MODULES:
            module_stock[str(m)] += row[f"module_{m}"]
        stock += row["stock"]
    module_stock[str(Module.CASE_MANAGEMENT.value)] = stock
    return {
        "quarter": number,
        "from": first.isoformat(),
        "to": last.isoformat(),
        "contacted": counts["contacted"],
        "entries": counts["entries"],
        "exits": counts["exits"],
        "cumulative_entries": counts["cumulative_entries"],
        "entry_rate": _rate(counts["entries"], counts["contacted"]),
        "stock": stock,
        "module_share": {key: _rate(value, stock) for key, value in module_stock.items()},
        "module_stock": module_stock,
        "by_municipality": dict(sorted(by_municipality.items(), key=_municipality_order)),
        "by_group": by_group,
    }


def _municipality_order(item: tuple[str, dict]) -> tuple[bool, str]:
    return (item[0] == NO_MUNICIPALITY, item[0])


def _implementation_status(districts: Sequence[District], year: int) -> list[dict]:
    """Who is responsible for each module in each municipality at the year's end: three queries.

    The reference day is the last day of the year on which an assignment for the municipality
    and module was in force, so an assignment that ended in, say, October still shows (the
    year's report names who did the work) while a later one wins over it.
    """
    jan_1, dec_31 = dt.date(year, 1, 1), dt.date(year, 12, 31)
    by_id = {district.pk: district for district in districts}
    municipalities = list(
        Municipality.objects.filter(district_id__in=by_id).values("pk", "ags", "name", "district")
    )
    municipalities.sort(key=lambda m: (by_id[m["district"]].ags, m["name"], m["ags"]))
    responsible: dict[tuple[int, int], tuple] = {}
    assignments = (
        ProviderAssignment.objects.filter(
            municipalities__district_id__in=by_id, valid_from__lte=dec_31
        )
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=jan_1))
        .values_list("municipalities", "module", "valid_from", "valid_until", "provider__name")
    )
    for municipality_id, module, valid_from, valid_until, name in assignments:
        # Overlaps are refused by the services; the tie-break keeps the answer deterministic.
        rank = (min(valid_until or dec_31, dec_31), valid_from, name)
        key = (municipality_id, module)
        if key not in responsible or rank > responsible[key]:
            responsible[key] = rank
    with_case_management = set(
        Position.objects.filter(
            district_id__in=by_id, module=Module.CASE_MANAGEMENT, valid_from__lte=dec_31
        )
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=jan_1))
        .values_list("district_id", flat=True)
        .distinct()
    )
    rows = []
    for municipality in municipalities:
        district = by_id[municipality["district"]]
        modules: dict[str, str | None] = {}
        for module in Module:
            chosen = responsible.get((municipality["pk"], module.value))
            modules[str(module.value)] = chosen[2] if chosen else None
        case_management = str(Module.CASE_MANAGEMENT.value)
        if modules[case_management] is None and district.pk in with_case_management:
            modules[case_management] = district.name
        rows.append(
            {
                "ags": municipality["ags"],
                "name": municipality["name"],
                "district": district.ags,
                "modules": modules,
            }
        )
    return rows


def quarterly_report(*, districts: Sequence[District], year: int) -> dict:
    """The quarterly monitoring of the districts for the year, as a JSON-ready dict.

    Not scoped by user: the caller decides which districts the acting user may ask for.
    """
    districts = sorted(districts, key=lambda district: district.ags)
    district_ids = [district.pk for district in districts]
    status = _implementation_status(districts, year)
    municipality_keys = [row["ags"] for row in status]
    counts = _year_counts(district_ids, year)
    quarters = [
        _quarter(
            number,
            first,
            last,
            counts[number],
            list(_quarter_rows(district_ids, first, last)),
            municipality_keys,
        )
        for number, first, last in quarter_bounds(year)
    ]
    return {
        "districts": [district.ags for district in districts],
        "year": year,
        "quarters": quarters,
        "municipalities": status,
    }
