"""Search, filter, sort and page the list of calls (core.lists.filter_data).

The queryset passed in comes from the selectors and is already scoped.
"""

from django import forms
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from durchstarten.core.lists import SortedFilterForm
from durchstarten.organisation.models import Module
from durchstarten.selection.models import CallStatus

ALL = _("alle")


class CallFilterForm(SortedFilterForm):
    sort_fields = {
        "deadline": ("deadline", Lower("title")),
        "title": (Lower("title"), "deadline"),
        "module": ("module", "deadline"),
        "status": ("status", "deadline"),
        "bids": ("bid_count", "deadline"),
    }

    # State and module carry no personal data: other pages may link to the list with them.
    url_fields = ("status", "module")

    q = forms.CharField(label=_("Bezeichnung enthält"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Stand"), required=False, choices=[("", ALL), *CallStatus.choices]
    )
    module = forms.TypedChoiceField(
        label=_("Förderbaustein"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", ALL), *Module.choices],
    )

    def narrow(self, queryset, data):
        if q := (data.get("q") or "").strip():
            queryset = queryset.filter(Q(title__icontains=q) | Q(description__icontains=q))
        if data.get("status"):
            queryset = queryset.filter(status=data["status"])
        if data.get("module"):
            queryset = queryset.filter(module=data["module"])
        return queryset
