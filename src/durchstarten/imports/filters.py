"""Filter, sort and page the list of imports (core.lists.filter_data)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from durchstarten.core.lists import SortedFilterForm
from durchstarten.imports.models import BatchStatus, ImportKind

ALL = ("", _("alle"))


class BatchFilterForm(SortedFilterForm):
    sort_fields = {
        "created": ("created_at",),
        "file": ("file_name",),
        "status": ("status",),
    }

    q = forms.CharField(label=_("Dateiname enthält"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("Art"), required=False, choices=[ALL, *ImportKind.choices])
    status = forms.ChoiceField(
        label=_("Stand"), required=False, choices=[ALL, *BatchStatus.choices]
    )

    @property
    def current_sort(self) -> str:
        # Newest first unless the user sorts otherwise.
        self.is_valid()
        wanted = self.cleaned_data.get("sort") or ""
        return wanted if wanted.removeprefix("-") in self.sort_fields else "-created"

    def narrow(self, queryset, data):
        if q := (data.get("q") or "").strip():
            queryset = queryset.filter(file_name__icontains=q)
        if data.get("kind"):
            queryset = queryset.filter(kind=data["kind"])
        if data.get("status"):
            queryset = queryset.filter(status=data["status"])
        return queryset
