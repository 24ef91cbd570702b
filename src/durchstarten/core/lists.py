"""Sorting and paging of lists from GET parameters, the same way on every page.

The querysets passed in come from selectors and are already scoped; these helpers
only narrow and order them further by what the user chose.
"""

from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

PAGE_SIZE = 25


class SortedFilterForm(forms.Form):
    """A GET filter form with a ``sort`` parameter: ``key`` ascending, ``-key`` descending."""

    # sort key -> order_by fields; the first entry is the default.
    sort_fields: dict[str, tuple] = {}

    sort = forms.CharField(required=False, widget=forms.HiddenInput)
    # Every filter is optional; marking each one so would only be noise.
    hide_optional_marker = True

    def __init__(self, data=None, **kwargs):
        super().__init__(data if data is not None else {}, **kwargs)

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
