"""Search and filters of the case list (core.lists.filter_data: never from the URL).

The form only parses what the user chose into selectors.CaseFilters; searching, filtering
and sorting happen in selectors.case_list on an already scoped queryset.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from durchstarten.cases.choices import Stage, TargetGroup
from durchstarten.cases.selectors import SORTS, CaseFilters
from durchstarten.core.lists import SortedFilterForm

ALL = _("alle")


class CaseFilterForm(SortedFilterForm):
    # Only the keys matter here (the selector orders); the first one is the default.
    sort_fields = {key: () for key in SORTS if not key.startswith("-")}

    q = forms.CharField(
        label=_("Name oder Geburtsdatum (TT.MM.JJJJ)"),
        required=False,
        max_length=100,
        help_text=_("Ähnliche Schreibweisen werden gefunden, z. B. Mohamed und Muhammad."),
    )
    stage = forms.ChoiceField(label=_("Stand"), required=False, choices=[("", ALL), *Stage.choices])
    target_group = forms.ChoiceField(
        label=_("Zielgruppe"), required=False, choices=[("", ALL), *TargetGroup.choices]
    )
    municipality = forms.ModelChoiceField(
        label=_("Kommune"),
        required=False,
        queryset=None,
        empty_label=ALL,
        to_field_name="public_id",
    )
    case_manager = forms.ModelChoiceField(
        label=_("Teilhabemanager*in"), required=False, queryset=None, empty_label=ALL
    )
    open_needs = forms.BooleanField(label=_("mit offenen Bedarfen"), required=False)
    task_overdue = forms.BooleanField(label=_("mit überfälliger Wiedervorlage"), required=False)

    def __init__(self, data=None, *, municipalities, case_managers, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["municipality"].queryset = municipalities
        self.fields["case_manager"].queryset = case_managers

    def case_filters(self) -> CaseFilters:
        """The valid choices as the selector's filters; invalid input is ignored."""
        self.is_valid()
        data = self.cleaned_data
        municipality = data.get("municipality")
        case_manager = data.get("case_manager")
        return CaseFilters(
            query=data.get("q") or "",
            stage=data.get("stage") or "",
            target_group=data.get("target_group") or "",
            municipality_id=municipality.pk if municipality else None,
            case_manager_id=case_manager.pk if case_manager else None,
            open_needs=bool(data.get("open_needs")),
            task_overdue=bool(data.get("task_overdue")),
            sort=self.current_sort,
        )
