"""What each export holds: its rows (the list's rows, filtered by the list's stored filters)
and its columns (only what the user's role may see).

Participant and offer exports use the import's column specification
(durchstarten.imports.columns), so that an exported file imports again unchanged.
"""

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from durchstarten.cases import selectors as case_selectors
from durchstarten.cases.choices import GermanLevel, Literacy, TaskKind
from durchstarten.cases.filters import CaseFilterForm
from durchstarten.core.lists import FILTERS_PARAM, SortedFilterForm, filter_data
from durchstarten.core.lists import SESSION_KEY as FILTERS_SESSION_KEY
from durchstarten.core.models import Role
from durchstarten.exports import selectors
from durchstarten.imports.columns import (
    OFFER_COLUMNS,
    PARTICIPANT_COLUMNS,
    Column,
    Kind,
    export_value,
)
from durchstarten.offers import selectors as offer_selectors
from durchstarten.offers.choices import ReferralState
from durchstarten.offers.filters import OfferFilterForm, ReferralFilterForm
from durchstarten.organisation.selectors import municipality_list_for_user

CHUNK_SIZE = 2000
# Participant columns a coach's export leaves out: residence documents are no coaching matter.
COACH_HIDDEN = frozenset({"status_note"})


@dataclass(frozen=True)
class Field:
    header: object
    value: Callable[[object], object]


@dataclass
class Table:
    """One export: header, rows (read lazily in chunks) and what the audit entry records."""

    kind: str
    title: object
    filename: str
    fields: Sequence[Field]
    queryset: QuerySet
    filter_keys: list[str]
    # Turns each record into what the fields read (e.g. with its related records at hand).
    wrap: Callable[[object], object] | None = None

    @property
    def header(self) -> list[str]:
        return [str(field.header) for field in self.fields]

    def rows(self) -> Iterator[list]:
        for obj in self.queryset.iterator(chunk_size=CHUNK_SIZE):
            row = obj if self.wrap is None else self.wrap(obj)
            yield [field.value(row) for field in self.fields]


class FiltersExpired(Exception):
    """The export link's filter token is no longer in the session."""


class _Records(list):
    def all(self) -> list:
        return self


class _Prefetched:
    """A participant whose prefetched records are plain lists: the column spec looks up the
    latest status, consent, outreach and enrollment once per column, and going through
    Django's related managers each time doubled the time of an export."""

    RELATED = ("residence_statuses", "outreaches", "consents", "enrollments")

    def __init__(self, participant):
        self._participant = participant
        for name in self.RELATED:
            setattr(self, name, _Records(getattr(participant, name).all()))

    def __getattr__(self, name):
        return getattr(self._participant, name)


class _Labelled:
    """A choice column whose German labels are looked up once per export, not per cell
    (Column.label_of translates the whole choice list on every call)."""

    def __init__(self, column: Column):
        self.key, self.kind = column.key, column.kind
        self.labels = dict(column.allowed())

    def label_of(self, value: str) -> str:
        return self.labels.get(value, value)


def _spec_fields(columns: Sequence[Column], hidden=frozenset()) -> list[Field]:
    fields = []
    for column in columns:
        if column.key in hidden:
            continue
        spec = _Labelled(column) if column.kind in (Kind.CHOICE, Kind.MULTI) else column
        fields.append(Field(column.header, lambda obj, spec=spec: export_value(spec, obj)))
    return fields


def _filters(request, form_class: type[SortedFilterForm]):
    """The list's stored filters for the export link's token; FiltersExpired when the token
    is unknown (an export of all rows instead of the filtered ones would surprise)."""
    token = request.GET.get(FILTERS_PARAM)
    if token and token not in (request.session.get(FILTERS_SESSION_KEY) or {}):
        raise FiltersExpired
    return filter_data(request, form_class)


def _keys(data) -> list[str]:
    """The names of the filters set (the sort is no filter)."""
    return sorted(name for name in data if name != "sort" and any(data.getlist(name)))


# --- The four exports ---------------------------------------------------------------------------


def participants(request) -> Table:
    user, membership = request.user, request.membership
    data = _filters(request, CaseFilterForm)
    form = CaseFilterForm(
        data,
        municipalities=municipality_list_for_user(user, district=membership.district),
        case_managers=case_selectors.case_manager_choices(user, district_id=membership.district_id),
    )
    hidden = COACH_HIDDEN if membership.role == Role.COACH else frozenset()
    return Table(
        kind="participants",
        title=_("Teilnehmende"),
        filename="teilnehmende",
        fields=_spec_fields(PARTICIPANT_COLUMNS, hidden),
        queryset=selectors.participant_rows(
            user, district_id=membership.district_id, filters=form.case_filters()
        ),
        filter_keys=_keys(data),
        wrap=_Prefetched,
    )


def offers(request) -> Table:
    user, membership = request.user, request.membership
    data = _filters(request, OfferFilterForm)
    form = OfferFilterForm(
        data, municipalities=municipality_list_for_user(user, district=membership.district)
    )
    directory = selectors.offer_directory(user, district_id=membership.district_id)
    return Table(
        kind="offers",
        title=_("Angebote"),
        filename="angebote",
        fields=_spec_fields(OFFER_COLUMNS),
        queryset=selectors.offer_rows(form.apply(directory)),
        filter_keys=_keys(data),
    )


def _label(choices):
    labels = dict(choices)
    return lambda value: str(labels.get(value, value))


_state = _label(ReferralState.choices)
_german = _label(GermanLevel.choices)
_literacy = _label(Literacy.choices)
_task_kind = _label(TaskKind.choices)

# What a course needs of a referred person (offers.selectors.INBOX_PARTICIPANT_FIELDS).
REFERRAL_FIELDS = (
    Field(_("Angebot"), lambda r: r.offer.title),
    Field(_("Träger / Anbieter"), lambda r: r.offer.organiser_name),
    Field(_("Vorname(n)"), lambda r: r.participant.given_names),
    Field(_("Familienname"), lambda r: r.participant.family_name),
    Field(_("Geburtsdatum"), lambda r: r.participant.date_of_birth),
    Field(_("Deutschkenntnisse"), lambda r: _german(r.participant.german_level)),
    Field(_("Alphabetisierung"), lambda r: _literacy(r.participant.literacy)),
    Field(_("Sprachen"), lambda r: "; ".join(r.participant.languages or [])),
    Field(_("Dolmetschung nötig"), lambda r: r.participant.interpreter_needed),
    Field(_("Telefon"), lambda r: r.participant.phone),
    Field(_("Stand"), lambda r: _state(r.state)),
    Field(_("vorgeschlagen am"), lambda r: r.proposed_on),
    Field(_("Platz zugesagt am"), lambda r: r.accepted_on),
    Field(_("begonnen am"), lambda r: r.started_on),
    Field(_("beendet am"), lambda r: r.ended_on),
)


def referrals(request) -> Table:
    user, district_id = request.user, request.membership.district_id
    rows = offer_selectors.referral_inbox_for_user(user, district_id=district_id)
    offers_of_inbox = offer_selectors.offer_list_for_user(user, district_id=district_id).filter(
        pk__in=rows.values("offer")
    )
    data = _filters(request, ReferralFilterForm)
    form = ReferralFilterForm(data, offers=offers_of_inbox)
    return Table(
        kind="referrals",
        title=_("Vermittlungen"),
        filename="vermittlungen",
        fields=REFERRAL_FIELDS,
        queryset=form.apply(rows),
        filter_keys=_keys(data),
    )


def _person(task) -> str:
    return task.participant.full_name if task.participant_id else ""


TASK_FIELDS = (
    Field(_("fällig am"), lambda t: t.due_date),
    Field(_("Aufgabe"), lambda t: t.title),
    Field(_("Art"), lambda t: _task_kind(t.kind)),
    Field(_("Teilnehmende*r"), _person),
)


def tasks(request) -> Table:
    return Table(
        kind="tasks",
        title=_("Wiedervorlagen"),
        filename="wiedervorlagen",
        fields=TASK_FIELDS,
        queryset=selectors.task_rows(
            request.user, district_id=request.membership.district_id, day=timezone.localdate()
        ),
        filter_keys=[],
    )
