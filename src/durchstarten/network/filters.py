"""Search, filter, sort and page the network lists (core.lists.filter_data).

The querysets passed in come from the selectors and are already scoped; these forms
only narrow and order them further by what the user chose.
"""

from django import forms
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from durchstarten.core.forms import DateInput
from durchstarten.core.lists import SortedFilterForm
from durchstarten.network.choices import ActivityKind, DocumentKind, MeetingFormat, PartnerKind
from durchstarten.network.models import Partner, PartnerContact

ALL = ("", _("alle"))
WHOLE_DISTRICT = "district"
_served = Partner.municipalities.through.objects


class _SortedFilterForm(SortedFilterForm):
    """A filter form whose default order may be descending (newest first)."""

    default_sort = ""

    @property
    def current_sort(self) -> str:
        self.is_valid()
        wanted = self.cleaned_data.get("sort") or ""
        if wanted.removeprefix("-") in self.sort_fields:
            return wanted
        return self.default_sort or next(iter(self.sort_fields))


def _search_field(label):
    return forms.CharField(label=label, required=False, max_length=100)


class MeetingFilterForm(_SortedFilterForm):
    sort_fields = {
        "date": ("date", F("start_time").asc(nulls_first=True)),
        "title": (Lower("title"),),
    }
    default_sort = "-date"

    q = _search_field(_("Titel, Tagesordnung, Protokoll oder Beschlüsse enthalten"))
    year = forms.TypedChoiceField(label=_("Jahr"), required=False, coerce=int, empty_value=None)
    format = forms.ChoiceField(
        label=_("Form"), required=False, choices=[ALL, *MeetingFormat.choices]
    )

    def __init__(self, data=None, *, years, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["year"].choices = [ALL, *((year, str(year)) for year in years)]

    def narrow(self, queryset, data):
        if q := (data.get("q") or "").strip():
            queryset = queryset.filter(
                Q(title__icontains=q)
                | Q(agenda__icontains=q)
                | Q(minutes__icontains=q)
                | Q(decisions__icontains=q)
                | Q(other_attendees__icontains=q)
                | Q(place__icontains=q)
            )
        if data.get("year"):
            queryset = queryset.filter(date__year=data["year"])
        if data.get("format"):
            queryset = queryset.filter(format=data["format"])
        return queryset


class DocumentFilterForm(_SortedFilterForm):
    """Expects the queryset annotated with `latest_uploaded_at` (selectors.document_library)."""

    sort_fields = {
        "title": (Lower("title"),),
        "kind": ("kind", Lower("title")),
        "updated": (F("latest_uploaded_at").asc(nulls_first=True), Lower("title")),
    }

    q = _search_field(_("Titel oder Beschreibung enthält"))
    kind = forms.ChoiceField(label=_("Art"), required=False, choices=[ALL, *DocumentKind.choices])

    def narrow(self, queryset, data):
        if q := (data.get("q") or "").strip():
            queryset = queryset.filter(Q(title__icontains=q) | Q(description__icontains=q))
        if data.get("kind"):
            queryset = queryset.filter(kind=data["kind"])
        return queryset


class PartnerFilterForm(_SortedFilterForm):
    sort_fields = {"name": (Lower("name"),), "kind": ("kind", Lower("name"))}

    q = _search_field(_("Name, Angebot oder Ansprechperson enthält"))
    kind = forms.ChoiceField(label=_("Art"), required=False, choices=[ALL, *PartnerKind.choices])
    municipality = forms.ModelChoiceField(
        label=_("Kommune"),
        required=False,
        queryset=None,
        empty_label=_("alle"),
        to_field_name="public_id",
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("nur aktive")),
            ("all", _("aktive und inaktive")),
            ("inactive", _("nur inaktive")),
        ],
    )

    def __init__(self, data=None, *, municipalities, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["municipality"].queryset = municipalities

    def narrow(self, queryset, data):
        if q := (data.get("q") or "").strip():
            contacts = PartnerContact.objects.filter(partner=OuterRef("pk"), name__icontains=q)
            queryset = queryset.filter(
                Q(name__icontains=q) | Q(offering__icontains=q) | Q(Exists(contacts))
            )
        if data.get("kind"):
            queryset = queryset.filter(kind=data["kind"])
        if municipality := data.get("municipality"):
            # Partners without municipalities serve the whole district.
            queryset = queryset.filter(
                Exists(_served.filter(partner=OuterRef("pk"), municipality=municipality))
                | ~Exists(_served.filter(partner=OuterRef("pk")))
            )
        status = data.get("status")
        if status == "inactive":
            queryset = queryset.filter(is_active=False)
        elif status != "all":
            queryset = queryset.filter(is_active=True)
        return queryset


class ActivityFilterForm(_SortedFilterForm):
    sort_fields = {
        "date": ("date",),
        "kind": ("kind", "-date"),
        "municipality": (F("municipality__name").asc(nulls_first=True), "-date"),
    }
    default_sort = "-date"

    q = _search_field(_("Beschreibung enthält"))
    date_from = forms.DateField(label=_("von"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("bis"), required=False, widget=DateInput)
    kind = forms.ChoiceField(label=_("Art"), required=False, choices=[ALL, *ActivityKind.choices])
    municipality = forms.ChoiceField(label=_("Kommune"), required=False)
    partner = forms.ModelChoiceField(
        label=_("Partner"),
        required=False,
        queryset=None,
        empty_label=_("alle"),
        to_field_name="public_id",
    )

    def __init__(self, data=None, *, municipalities, partners, period, **kwargs):
        # Without a chosen period the list and the counts cover the default one, and the
        # form shows it.
        # A copy keeps the class of the data (core.lists.FilterData), which the filter bar reads.
        data = data.copy() if data is not None else {}
        for name, default in zip(("date_from", "date_to"), period, strict=True):
            if not data.get(name):
                data[name] = default.isoformat()
        super().__init__(data, **kwargs)
        self.fields["municipality"].choices = [
            ALL,
            (WHOLE_DISTRICT, _("ganzer Kreis (ohne Kommune)")),
            *((str(m.public_id), m.name) for m in municipalities),
        ]
        self.fields["partner"].queryset = partners
        self.default_period = period

    def chosen_period(self):
        """The period in effect: the chosen dates, or the default ones where invalid."""
        self.is_valid()
        start = self.cleaned_data.get("date_from") or self.default_period[0]
        end = self.cleaned_data.get("date_to") or self.default_period[1]
        return start, end

    def narrow(self, queryset, data):
        start, end = self.chosen_period()
        queryset = queryset.filter(date__gte=start, date__lte=end)
        if q := (data.get("q") or "").strip():
            queryset = queryset.filter(description__icontains=q)
        if data.get("kind"):
            queryset = queryset.filter(kind=data["kind"])
        municipality = data.get("municipality")
        if municipality == WHOLE_DISTRICT:
            queryset = queryset.filter(municipality__isnull=True)
        elif municipality:
            queryset = queryset.filter(municipality__public_id=municipality)
        if data.get("partner"):
            queryset = queryset.filter(partners=data["partner"])
        return queryset
