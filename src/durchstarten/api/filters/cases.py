"""Query parameters of the participant and task lists.

The participant list takes the case list's filters: they are parsed into
`cases.selectors.CaseFilters`, and `cases.selectors.case_list` scopes, searches
(spelling-tolerant name keys, or a date of birth as TT.MM.JJJJ), filters and annotates the
target group exactly as the case list page does. Districts, municipalities and staff are
named by AGS and user name; one outside the caller's reach matches nothing.
"""

import django_filters
from django.utils.translation import gettext_lazy as _

from durchstarten.api.filters.organisation import DistrictAgsFilter
from durchstarten.cases import selectors
from durchstarten.cases.choices import Stage, TargetGroup, TaskKind
from durchstarten.cases.models import Participant, Task
from durchstarten.organisation.selectors import district_list_for_user, municipality_list_for_user


class ParticipantFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(
        max_length=100,
        label=_("Name oder Geburtsdatum (TT.MM.JJJJ); ähnliche Schreibweisen werden gefunden"),
    )
    district = django_filters.CharFilter(max_length=8, label=_("AGS des Kreises"))
    stage = django_filters.ChoiceFilter(choices=Stage.choices, label=_("Stand"))
    target_group = django_filters.ChoiceFilter(
        choices=TargetGroup.choices, label=_("Zielgruppe heute")
    )
    municipality = django_filters.CharFilter(max_length=8, label=_("AGS der Wohnort-Kommune"))
    case_manager = django_filters.CharFilter(
        max_length=150, label=_("Benutzername der zuständigen Teilhabemanager*in")
    )
    open_needs = django_filters.BooleanFilter(label=_("true: nur mit offenen Bedarfen"))
    task_overdue = django_filters.BooleanFilter(label=_("true: nur mit überfälliger Wiedervorlage"))

    class Meta:
        model = Participant
        fields: list[str] = []

    def filter_queryset(self, queryset):
        """The case list of the caller; `queryset` (the scoped participants) is replaced by
        the case list selector, which scopes on its own and adds the annotations."""
        data = self.form.cleaned_data
        user = self.request.user
        district_id = municipality_id = None
        if data.get("district"):
            district = district_list_for_user(user).filter(ags=data["district"]).first()
            if district is None:
                return queryset.none()
            district_id = district.pk
        if data.get("municipality"):
            municipality = municipality_list_for_user(user).filter(ags=data["municipality"]).first()
            if municipality is None:
                return queryset.none()
            municipality_id = municipality.pk
        filters = selectors.CaseFilters(
            query=data.get("search") or "",
            stage=data.get("stage") or "",
            target_group=data.get("target_group") or "",
            municipality_id=municipality_id,
            open_needs=bool(data.get("open_needs")),
            task_overdue=bool(data.get("task_overdue")),
        )
        cases = selectors.case_list(user, district_id=district_id, filters=filters)
        if data.get("case_manager"):
            cases = cases.filter(case_manager__username=data["case_manager"])
        return cases.select_related("district", "coaching_provider", "coach")


class TaskFilter(django_filters.FilterSet):
    district = DistrictAgsFilter()
    kind = django_filters.ChoiceFilter(choices=TaskKind.choices, label=_("Art"))
    due_until = django_filters.DateFilter(
        field_name="due_date", lookup_expr="lte", label=_("fällig bis einschließlich")
    )

    class Meta:
        model = Task
        fields: list[str] = []
