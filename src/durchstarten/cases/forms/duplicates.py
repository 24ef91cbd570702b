"""Forms of the duplicate pages: the list's search and filters, the merge decision."""

from django import forms
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from durchstarten.core.lists import SortedFilterForm

HIGH_SCORE = 0.8
KEEP_FIRST, KEEP_SECOND = "first", "second"


class DuplicateFilterForm(SortedFilterForm):
    sort_fields = {
        "score": ("score",),
        "name": (Lower("first__family_name"), Lower("first__given_names")),
    }

    q = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=100,
        help_text=_("Zeigt Paare, in denen eine der beiden Personen so heißt."),
    )
    min_score = forms.TypedChoiceField(
        label=_("Übereinstimmung"),
        required=False,
        coerce=float,
        empty_value=None,
        choices=[
            ("", _("alle Vorschläge")),
            (str(HIGH_SCORE), _("nur hohe Übereinstimmung (ab 80 %)")),
        ],
    )

    @property
    def current_sort(self) -> str:
        # Most likely duplicates first unless the user chose otherwise.
        self.is_valid()
        wanted = self.cleaned_data.get("sort") or ""
        return wanted if wanted.removeprefix("-") in self.sort_fields else "-score"

    def selector_args(self) -> dict:
        self.is_valid()
        return {
            "query": self.cleaned_data.get("q") or "",
            "min_score": self.cleaned_data.get("min_score"),
        }


class MergeForm(forms.Form):
    """Which of the two records stays; the versions the user saw, to detect later edits."""

    keep = forms.ChoiceField(
        label=_("Welcher Datensatz soll bestehen bleiben?"),
        widget=forms.RadioSelect,
        choices=[
            (KEEP_FIRST, _("Datensatz A behalten")),
            (KEEP_SECOND, _("Datensatz B behalten")),
        ],
        help_text=_(
            "Der andere Datensatz wird aufgelöst; seine Einträge gehen auf den behaltenen über."
        ),
    )
    first_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    second_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
