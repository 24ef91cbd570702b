"""Searching, filtering, sorting and paging of lists, the same way on every page.

The querysets passed in come from selectors and are already scoped; these helpers
only narrow and order them further by what the user chose.

Search terms are personal data (a name, a date of birth), so they never travel in a URL,
where they would end up in the browser history, the server's access log and Referer headers.
The filter form posts to core's ``list_filter`` view, which keeps the filters in the session
under a random token (``store_filters``) and redirects to the list with ``?f=<token>``; the list
reads them back with ``filter_data``. Only the sort, the page and the fields a form declares
harmless in ``url_fields`` come from the URL itself.
"""

import base64
import binascii
import math
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from django import forms
from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import F, Q, QuerySet
from django.http import QueryDict
from django.urls import Resolver404, get_script_prefix, resolve
from django.utils.formats import number_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

PAGE_SIZE = 25
# Lists count their rows only up to here: counting a whole district's people on every page
# costs more than the page itself, and nobody pages through more than this anyway.
COUNT_CAP = 10_000

# The query parameter with the token of the stored filters.
FILTERS_PARAM = "f"
SESSION_KEY = "list_filters"
# Enough for the lists of a working session and the back button; the oldest go first.
MAX_STORED_FILTERS = 20
# A filter form has a handful of short fields; anything beyond this is not a user's input.
MAX_VALUES_PER_FIELD = 50
MAX_VALUE_LENGTH = 200
SEARCH_EXPIRED = _(
    "Ihre Suche ist abgelaufen. Bitte geben Sie die Suchbegriffe und Filter erneut ein."
)


class FilterData(QueryDict):
    """The filters of a list as read by ``filter_data`` (so the form knows to post them)."""


class SortedFilterForm(forms.Form):
    """A list's filter form with a ``sort`` parameter: ``key`` ascending, ``-key`` descending.

    Bind it to ``filter_data(request)``, not to ``request.GET``.
    """

    # sort key -> order_by fields; the first entry is the default.
    sort_fields: dict[str, tuple] = {}
    # Filters that may also come from the URL: they carry no personal data and other pages
    # link to the list with them (e.g. the inbox of one offer).
    url_fields: tuple[str, ...] = ()

    sort = forms.CharField(required=False, widget=forms.HiddenInput)
    # Every filter is optional; marking each one so would only be noise.
    hide_optional_marker = True

    def __init__(self, data=None, **kwargs):
        super().__init__(data if data is not None else {}, **kwargs)

    @property
    def kept_in_session(self) -> bool:
        """Whether the filters came through ``filter_data``: then the filter bar posts them to
        ``list_filter``; a list still reading ``request.GET`` keeps its GET form."""
        return isinstance(self.data, FilterData)

    @property
    def current_sort(self) -> str:
        """The valid sort parameter in effect, falling back to the default."""
        self.is_valid()
        wanted = self.cleaned_data.get("sort") or ""
        if wanted.removeprefix("-") in self.sort_fields:
            return wanted
        return next(iter(self.sort_fields))

    def order(self, queryset: QuerySet) -> QuerySet:
        key = self.current_sort
        fields = self.sort_fields[key.removeprefix("-")]
        if key.startswith("-"):
            first = fields[0]
            first = f"-{first}" if isinstance(first, str) else first.desc()
            fields = (first, *fields[1:])
        return queryset.order_by(*fields, "pk")

    def narrow(self, queryset: QuerySet, data: dict) -> QuerySet:
        return queryset

    def apply(self, queryset: QuerySet) -> QuerySet:
        """The queryset narrowed by the valid filters and ordered; invalid input is ignored."""
        self.is_valid()  # fills cleaned_data with the fields that are valid
        return self.order(self.narrow(queryset, self.cleaned_data))


def capped_count(queryset, cap: int | None = None) -> tuple[int, bool]:
    """The number of rows, counted at most up to ``cap``, and whether there are more.

    One ``SELECT COUNT(*) FROM (… LIMIT cap + 1)``: the database stops after cap + 1 rows
    instead of counting all of them.
    """
    cap = COUNT_CAP if cap is None else cap
    if isinstance(queryset, QuerySet):
        counted = queryset.order_by()[: cap + 1].count()
    else:
        counted = len(queryset)
    return min(counted, cap), counted > cap


def count_label(count: int) -> str:
    """The count with thousands grouped ("10.000"); templates say "mehr als" when capped."""
    return number_format(count, force_grouping=True)


class CappedPaginator(Paginator):
    """A Paginator that counts at most ``COUNT_CAP`` rows: beyond, only the pages of the first
    ``COUNT_CAP`` rows can be reached (narrow the list with its filters to see the rest) and
    ``count_capped`` says that there are more."""

    @cached_property
    def _capped(self) -> tuple[int, bool]:
        return capped_count(self.object_list)

    @cached_property
    def count(self) -> int:
        return self._capped[0]

    @property
    def count_capped(self) -> bool:
        return self._capped[1]

    @property
    def count_label(self) -> str:
        return count_label(self.count)


def paginate(request, queryset: QuerySet) -> Page:
    """The requested page (25 rows); out-of-range or invalid numbers give the nearest page."""
    page = CappedPaginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    page.elided_range = list(
        page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    )
    return page


# --- Keyset ("seek") pagination --------------------------------------------------------------
#
# Page 400 with OFFSET makes the database read and throw away 9,975 rows first. A keyset page
# instead continues "after the last row shown": WHERE (sort values, pk) > (those of that row)
# ORDER BY … LIMIT 26, which an index on the sort columns answers in the same time for every
# page. Only previous/next/first/last can be reached this way, not page 217 directly.
#
# The cursor in the URL names the boundary row by its public id, never by its sort values: for
# the name or date-of-birth sorts those are personal data, which must not end up in browser
# histories, access logs and Referer headers. The server looks the values up again (one query
# by a unique column, through the same scoped and filtered queryset, so a cursor cannot reach
# outside the user's list). The public id is already in the row's detail link, so the cursor
# reveals nothing new; it is base64-encoded only to keep the URL opaque and short. A tampered
# or stale cursor (the row left the list) gives the first page.

CURSOR_PARAM = "cursor"
_AFTER, _BEFORE, _LAST = "a", "b", "l"


@dataclass(frozen=True)
class SortColumn:
    """A column a keyset list sorts by. A NULL counts as greater than every value (last when
    ascending, first when descending): PostgreSQL's own order, so that one ascending index
    serves both directions; SQLite is told so explicitly."""

    field: str
    nullable: bool = False


def _encode_cursor(kind: str, number: int, boundary="") -> str:
    raw = f"{kind}.{number}.{boundary}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(token: str) -> tuple[str, int, str] | None:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        kind, number, boundary = raw.split(".", 2)
        number = int(number)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    if kind not in (_AFTER, _BEFORE, _LAST) or number < 0 or (kind != _LAST and not boundary):
        return None
    return kind, number, boundary


def keyset_order(columns: Sequence[SortColumn], *, descending: bool = False) -> list:
    """The ORDER BY of a keyset list (also for its exports, so they list rows alike)."""
    order = []
    for column in (*columns, SortColumn("pk")):
        expression = F(column.field)
        if column.nullable:
            nulls = {"nulls_first": True} if descending else {"nulls_last": True}
            order.append(expression.desc(**nulls) if descending else expression.asc(**nulls))
        else:
            order.append(expression.desc() if descending else expression.asc())
    return order


def _beyond(columns: Sequence[SortColumn], values: Sequence, pk, *, descending: bool) -> Q:
    """The rows that come after the row with ``values`` and ``pk`` in the given order."""
    compare = "lt" if descending else "gt"
    nulls_last = not descending
    condition = Q(**{f"pk__{compare}": pk})
    for column, value in reversed(list(zip(columns, values, strict=True))):
        field = column.field
        if value is None:
            equal = Q(**{f"{field}__isnull": True})
            # NULLs last: nothing comes after a NULL but other NULLs; NULLs first: every value.
            later = None if nulls_last else Q(**{f"{field}__isnull": False})
        else:
            equal = Q(**{field: value})
            later = Q(**{f"{field}__{compare}": value})
            if column.nullable and nulls_last:
                later |= Q(**{f"{field}__isnull": True})
        condition = equal & condition if later is None else later | (equal & condition)
    first, value = columns[0], values[0]
    if value is not None and not (first.nullable and nulls_last):
        # The same condition once more as a plain range on the first column: the OR above
        # hides it from the planner, this lets it start the index scan at the boundary.
        condition &= Q(**{f"{first.field}__{'lte' if descending else 'gte'}": value})
    return condition


@dataclass
class KeysetPage:
    """One page of a keyset list: what includes/keyset_pagination.html needs.

    ``number`` is the page number as far as it is known (0 when not: the last page of a list
    longer than the count cap).
    """

    object_list: list
    number: int
    count: int
    count_capped: bool
    has_previous: bool
    has_next: bool
    previous_cursor: str = ""
    next_cursor: str = ""

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    @property
    def count_label(self) -> str:
        return count_label(self.count)

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.count / PAGE_SIZE))

    @property
    def start_index(self) -> int:
        return (self.number - 1) * PAGE_SIZE + 1 if self.number and self.object_list else 0

    @property
    def end_index(self) -> int:
        return self.start_index + len(self.object_list) - 1 if self.start_index else 0

    @property
    def last_cursor(self) -> str:
        return _encode_cursor(_LAST, 0) if self.has_next else ""


def keyset_paginate(
    queryset: QuerySet,
    columns: Sequence[SortColumn],
    *,
    descending: bool = False,
    cursor: str = "",
    id_field: str = "public_id",
    counted: tuple[int, bool] | None = None,
) -> KeysetPage:
    """The page of ``queryset`` that ``cursor`` (the URL's ``CURSOR_PARAM``) asks for, sorted
    by ``columns`` (then pk) in one direction; 2 queries (capped count, rows), 3 with a cursor
    (the values of its row). ``counted`` is the result of ``capped_count`` if the caller
    already knows it."""
    order = keyset_order(columns, descending=descending)
    reverse = keyset_order(columns, descending=not descending)
    # Only the rows' ids are counted: the list's annotations are not needed for that.
    count, capped = counted or capped_count(queryset.values("pk"))
    pages = max(1, math.ceil(count / PAGE_SIZE))
    cursor = _decode_cursor(cursor)
    kind, number, boundary = cursor or (None, 1, "")
    fields = [column.field for column in columns]
    row = None
    if kind in (_AFTER, _BEFORE):
        try:
            row = queryset.filter(**{id_field: boundary}).values_list(*fields, "pk").first()
        except ValidationError:  # not an id at all (e.g. not a UUID)
            row = None
        if row is None:
            kind, number = None, 1

    def page(rows, *, number, has_previous, has_next):
        if number and not capped:
            number = min(number, pages)
        previous_cursor = next_cursor = ""
        if has_previous:
            previous_cursor = _encode_cursor(
                _BEFORE, max(number - 1, 0), getattr(rows[0], id_field)
            )
        if has_next:
            next_cursor = _encode_cursor(_AFTER, number and number + 1, getattr(rows[-1], id_field))
        return KeysetPage(
            rows,
            number=number,
            count=count,
            count_capped=capped,
            has_previous=has_previous,
            has_next=has_next,
            previous_cursor=previous_cursor,
            next_cursor=next_cursor,
        )

    if kind == _AFTER:
        condition = _beyond(columns, row[:-1], row[-1], descending=descending)
        rows = list(queryset.filter(condition).order_by(*order)[: PAGE_SIZE + 1])
        if rows:
            return page(
                rows[:PAGE_SIZE], number=number, has_previous=True, has_next=len(rows) > PAGE_SIZE
            )
    elif kind == _BEFORE:
        condition = _beyond(columns, row[:-1], row[-1], descending=not descending)
        rows = list(queryset.filter(condition).order_by(*reverse)[: PAGE_SIZE + 1])
        if len(rows) >= PAGE_SIZE:
            more = len(rows) > PAGE_SIZE
            number = (number and max(number, 2)) if more else 1
            return page(rows[:PAGE_SIZE][::-1], number=number, has_previous=more, has_next=True)
        # Fewer rows than a page before the boundary (rows came or went since the cursor was
        # made): show the first page proper.
    elif kind == _LAST and count > PAGE_SIZE:
        # With an exact count the last page holds the remainder, so that its rows are the same
        # as when paging forward to it; beyond the cap its number is unknown.
        size = PAGE_SIZE if capped else count - (pages - 1) * PAGE_SIZE
        rows = list(queryset.order_by(*reverse)[:size])[::-1]
        return page(rows, number=0 if capped else pages, has_previous=True, has_next=False)
    rows = list(queryset.order_by(*order)[: PAGE_SIZE + 1])
    return page(rows[:PAGE_SIZE], number=1, has_previous=False, has_next=len(rows) > PAGE_SIZE)


# --- Filters kept out of the URL -------------------------------------------------------------


def filtered_list(form_class: type[SortedFilterForm]):
    """Marks a view as a list filtered by ``form_class`` through ``filter_data``.

    Only marked views are accepted as the target of ``list_filter``, and only the fields of
    their form are stored.
    """

    def decorator(view):
        view.filter_form = form_class
        return view

    return decorator


def _form_label(form_class: type[SortedFilterForm]) -> str:
    return f"{form_class.__module__}.{form_class.__qualname__}"


def filter_form_for(request, target: str) -> type[SortedFilterForm] | None:
    """The filter form of the list at ``target``, a bare path on this site; None for anything
    else (another host, a query string, a path that is no filtered list)."""
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return None
    prefix = get_script_prefix()
    if not target.startswith(prefix) or any(char in target for char in "?#\\"):
        return None
    try:
        match = resolve("/" + target.removeprefix(prefix))
    except Resolver404:
        return None
    return getattr(match.func, "filter_form", None)


def store_filters(request, form_class: type[SortedFilterForm], data: QueryDict) -> str:
    """Keeps the form's fields of ``data`` in the session; returns the token to read them by.

    The sort stays out: it is no personal data and goes into the URL, so that sort links work.
    """
    stored = {}
    for name in form_class.base_fields:
        if name == "sort":
            continue
        values = [value[:MAX_VALUE_LENGTH] for value in data.getlist(name) if value]
        if values:
            stored[name] = values[:MAX_VALUES_PER_FIELD]
    entries = dict(request.session.get(SESSION_KEY) or {})
    token = secrets.token_urlsafe(16)
    entries[token] = {"form": _form_label(form_class), "data": stored}
    # Dicts keep their insertion order, also through the session's JSON: the first is oldest.
    while len(entries) > MAX_STORED_FILTERS:
        del entries[next(iter(entries))]
    request.session[SESSION_KEY] = entries
    return token


def filter_data(request, form_class: type[SortedFilterForm] | None = None) -> FilterData:
    """The data to bind a list's filter form to, instead of ``request.GET``.

    The filters stored under the token ``f`` of the URL, plus from the URL only the sort and
    the form's ``url_fields``. ``form_class`` defaults to the one the view is marked with
    (``filtered_list``); an export passes its list's form to use the list's token. A token
    that is unknown (expired with the session, dropped as one of the oldest, another
    session's, another list's) gives no filters and a message saying the search has expired.
    """
    if form_class is None:
        match = request.resolver_match
        form_class = getattr(match.func, "filter_form", None) if match else None
        if form_class is None:
            raise ImproperlyConfigured(
                "filter_data() needs a view marked with core.lists.filtered_list(form_class)."
            )
    data = FilterData(mutable=True)
    for name in ("sort", *form_class.url_fields):
        if name in request.GET:
            data.setlist(name, request.GET.getlist(name)[:MAX_VALUES_PER_FIELD])
    token = request.GET.get(FILTERS_PARAM)
    if token:
        entry = (request.session.get(SESSION_KEY) or {}).get(token)
        if entry is not None and entry.get("form") == _form_label(form_class):
            for name, values in entry["data"].items():
                data.setlist(name, values)
        elif not getattr(request, "htmx", False):
            # An htmx request replaces only the results: the message would show on a later page.
            messages.warning(request, SEARCH_EXPIRED, fail_silently=True)
    data._mutable = False
    return data
