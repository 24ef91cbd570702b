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

import secrets

from django import forms
from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import QueryDict
from django.urls import Resolver404, get_script_prefix, resolve
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

PAGE_SIZE = 25

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


def paginate(request, queryset: QuerySet) -> Page:
    """The requested page (25 rows); out-of-range or invalid numbers give the nearest page."""
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    page.elided_range = list(
        page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    )
    return page


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
