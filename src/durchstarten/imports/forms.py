"""Input forms of the list import; the rules live in imports.services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from durchstarten.imports.columns import COLUMNS
from durchstarten.imports.models import Decision

ACCEPT = ".xlsx,.csv,.txt"


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Datei"),
        help_text=_("Excel (XLSX) oder CSV, mit Semikolon oder Komma getrennt."),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )


class MappingForm(forms.Form):
    """One choice per column of the file: which field it fills, or none."""

    remember = forms.BooleanField(
        label=_("Diese Zuordnung für künftige Listen des Kreises merken"), required=False
    )

    def __init__(self, *args, batch, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("nicht übernehmen"))] + [
            (column.key, column.header) for column in COLUMNS[batch.kind]
        ]
        self.columns = []
        for index, header in enumerate(batch.headers):
            if not header:
                continue
            name = f"column_{index}"
            self.fields[name] = forms.ChoiceField(
                label=header,
                choices=choices,
                required=False,
                initial=batch.mapping.get(str(index), ""),
            )
            self.columns.append((index, name))
        self.order_fields([name for _index, name in self.columns] + ["remember"])

    def mapping(self) -> dict[int, str]:
        return {index: self.cleaned_data[name] for index, name in self.columns}

    def clean(self):
        data = super().clean()
        chosen = [data.get(name) for _index, name in self.columns if data.get(name)]
        if len(chosen) != len(set(chosen)):
            raise forms.ValidationError(_("Jedes Feld kann nur einer Spalte zugeordnet werden."))
        return data


class ConfirmForm(forms.Form):
    skip_invalid = forms.BooleanField(
        label=_("Nur gültige Zeilen übernehmen"),
        required=False,
        help_text=_(
            "Ohne diese Auswahl wird nichts übernommen, solange eine Zeile fehlerhaft ist. "
            "Mit ihr erhalten Sie die fehlerhaften Zeilen als Excel-Datei mit einer Spalte "
            "„Fehler“ zurück."
        ),
    )


def decision_choices(row, labels: dict[str, str]) -> list[tuple[str, str]]:
    """Skip, new, or merge into one of the row's candidates (labelled by `labels`)."""
    choices = [(Decision.SKIP.value, Decision.SKIP.label), (Decision.NEW.value, Decision.NEW.label)]
    for candidate in row.duplicates:
        target = candidate["participant"] or f"row:{candidate['row']}"
        if target in labels:
            choices.append((f"merge:{target}", labels[target]))
    return choices
