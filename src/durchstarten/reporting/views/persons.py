"""The persons behind a figure of the dashboard, for staff who may see the district's cases."""

from urllib.parse import urlencode
from uuid import UUID

from django import forms
from django.db.models.functions import Lower
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from django_countries import countries

from durchstarten.cases.choices import ExitReason, Gender, ResidenceStatusKind, Stage
from durchstarten.cases.selectors import search_by_name
from durchstarten.core.audit import log_action
from durchstarten.core.decorators import require_role
from durchstarten.core.lists import SortedFilterForm, filter_data, filtered_list, paginate
from durchstarten.offers.choices import OutcomeKind
from durchstarten.organisation.models import Module
from durchstarten.organisation.selectors import municipality_list_for_user, provider_list_for_user
from durchstarten.reporting import selectors
from durchstarten.reporting.definitions import LABELS
from durchstarten.reporting.kpi import UnknownMetric
from durchstarten.reporting.views._period import period_or_404, period_text
from durchstarten.reporting.views.dashboard import DASHBOARD_ROLES

# Without a figure the list shows the persons entered in the period.
DEFAULT_METRIC = "entered"
# What the list is of: the figure, its period and narrowing. No personal data, so they come
# from the URL (the dashboard links with them) and are kept with the search in the session.
FIGURE_FIELDS = ("metric", "key", "from", "to", "municipality", "provider")
NARROWING_PARAMS = ("municipality", "provider")


class _PersonFilterForm(SortedFilterForm):
    sort_fields = {
        "name": (Lower("family_name"), Lower("given_names")),
        "municipality": (Lower("municipality__name"), Lower("family_name")),
        "stage": ("stage", Lower("family_name")),
    }
    url_fields = FIGURE_FIELDS

    q = forms.CharField(label=gettext_lazy("Name"), required=False, max_length=100)
    stage = forms.ChoiceField(
        label=gettext_lazy("Stand"),
        required=False,
        choices=[("", gettext_lazy("alle")), *Stage.choices],
    )

    def narrow(self, queryset, data):
        if q := (data.get("q") or "").strip():
            queryset = search_by_name(queryset, q)
        if data.get("stage"):
            queryset = queryset.filter(stage=data["stage"])
        return queryset


# Built with type(): "from" is a Python keyword and cannot be declared as a class attribute.
PersonFilterForm = type(
    "PersonFilterForm",
    (_PersonFilterForm,),
    {
        name: forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)
        for name in FIGURE_FIELDS
    },
)


def _uuid_or_404(value: str) -> UUID:
    try:
        return UUID(value)
    except ValueError:
        raise Http404 from None


def _narrowing(request, data) -> tuple[selectors.Narrowing, str]:
    """The municipality or provider the list is narrowed to, and its name for the caption."""
    user, district = request.user, request.membership.district
    municipality = data.get("municipality")
    provider = data.get("provider")
    if municipality and provider:
        raise Http404
    if municipality == selectors.NO_MUNICIPALITY:
        return selectors.Narrowing(no_municipality=True), _("ohne Angabe der Kommune")
    if municipality:
        found = get_object_or_404(
            municipality_list_for_user(user, district=district),
            public_id=_uuid_or_404(municipality),
        )
        return selectors.Narrowing(municipality=found), found.name
    if provider:
        found = get_object_or_404(
            provider_list_for_user(user, district=district), public_id=_uuid_or_404(provider)
        )
        return selectors.Narrowing(provider=found), found.name
    return selectors.Narrowing(), ""


def _key_label(metric: str, key: str | None) -> str:
    if metric == "nationality" and key != "none":
        return str(countries.name(key) or key)
    groups = {name: LABELS[name] for name in ("primary", "secondary", "other")}
    labels = {
        "by_module": {str(value): label for value, label in Module.choices},
        "outcomes": dict(OutcomeKind.choices),
        "exits": dict(ExitReason.choices),
        "target_groups": groups,
        "gender": dict(Gender.choices),
        "status": {**dict(ResidenceStatusKind.choices), "none": LABELS["none"]},
        "age_band": {"other": LABELS["other"]},
        "nationality": {"none": LABELS["none"]},
    }
    return str(labels.get(metric, {}).get(key, key or ""))


def _figure_label(metric: str, key: str | None) -> str:
    if metric == selectors.WITH_OUTCOME:
        return _("Personen mit Verbleib")
    label = str(LABELS.get(metric, metric))
    return f"{label}: {_key_label(metric, key)}" if key else label


@filtered_list(PersonFilterForm)
@require_GET
@require_role(*DASHBOARD_ROLES)
def persons(request):
    # Names searched for stay out of the URL (core.lists): the filters come from the session.
    data = filter_data(request)
    metric = data.get("metric") or DEFAULT_METRIC
    key = data.get("key") or None
    start, end = period_or_404(data)
    narrowing, narrowed_to = _narrowing(request, data)
    try:
        people = selectors.persons_behind(
            request.user,
            district=request.membership.district,
            start=start,
            end=end,
            metric=metric,
            key=key,
            narrowing=narrowing,
        )
    except UnknownMetric:
        raise Http404 from None
    filters = PersonFilterForm(data)
    page_obj = paginate(request, filters.apply(people))
    figure = {
        "metric": metric,
        "key": key,
        "from": start.isoformat(),
        "to": end.isoformat(),
        **{name: data[name] for name in NARROWING_PARAMS if data.get(name)},
    }
    log_action(
        "report.kpi.persons_listed",
        actor=request.user,
        district_id=request.membership.district_id,
        data={**figure, "page": page_obj.number},
    )
    shown = {name: value for name, value in figure.items() if value}
    period_query = urlencode({"from": start.isoformat(), "to": end.isoformat()})
    return render(
        request,
        "reporting/persons.html",
        {
            "filters": filters,
            "page_obj": page_obj,
            "figure": _figure_label(metric, key),
            "narrowed_to": narrowed_to,
            "period_text": period_text(start, end),
            "dashboard_url": f"{reverse('reporting:dashboard')}?{period_query}",
            # The figure's own fields, posted with the search so that they are kept with it.
            "hidden": shown,
            "reset_url": f"{reverse('reporting:persons')}?{urlencode(shown)}",
        },
    )
