"""Input forms of the case work sections: needs, case plan, contacts and tasks.

They only parse and type the input; the rules live in cases.services, whose errors are put
back on the form with add_service_error. The participant page shows several of these forms at
once, so each carries its own prefix (and with it unique field ids).
"""

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from durchstarten.cases import selectors
from durchstarten.cases.choices import (
    LANGUAGES,
    ContactChannel,
    GoalStatus,
    NeedCategory,
    NeedStatus,
    Priority,
)
from durchstarten.cases.models import CaseGoal, Participant
from durchstarten.cases.services.contacts import MAX_MINUTES
from durchstarten.core.forms import (
    CheckboxSelectMultiple,
    DateInput,
    VersionedForm,
)
from durchstarten.core.models import User

CHOOSE = _("Bitte wählen")


def _choices(choices) -> list:
    return [("", CHOOSE), *choices]


class NeedForm(forms.Form):
    category = forms.ChoiceField(label=_("Bereich"), choices=_choices(NeedCategory.choices))
    priority = forms.ChoiceField(
        label=_("Priorität"), choices=Priority.choices, initial=Priority.MEDIUM
    )
    identified_on = forms.DateField(
        label=_("festgestellt am"), widget=DateInput, initial=timezone.localdate
    )
    description = forms.CharField(label=_("Beschreibung"), max_length=300, required=False)


class NeedEditForm(VersionedForm):
    status = forms.ChoiceField(label=_("Stand"), choices=NeedStatus.choices)
    priority = forms.ChoiceField(label=_("Priorität"), choices=Priority.choices)
    description = forms.CharField(label=_("Beschreibung"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].required = True


class NeedChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _("%(category)s (festgestellt am %(day)s)") % {
            "category": obj.get_category_display(),
            "day": formats.date_format(obj.identified_on, "SHORT_DATE_FORMAT"),
        }


class GoalForm(forms.Form):
    title = forms.CharField(label=_("Ziel"), max_length=200)
    due_date = forms.DateField(label=_("Zieldatum"), required=False, widget=DateInput)
    need = NeedChoiceField(
        label=_("zu Bedarf"),
        queryset=None,
        required=False,
        empty_label=_("keinem Bedarf"),
        to_field_name="public_id",
    )

    def __init__(self, *args, needs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["need"].queryset = needs


class GoalStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Stand des Ziels"), choices=GoalStatus.choices)


class StepForm(forms.Form):
    title = forms.CharField(label=_("Schritt"), max_length=200)
    owner = forms.CharField(
        label=_("zuständig"),
        max_length=120,
        help_text=_("Wer erledigt den Schritt? z. B. „Teilnehmer*in“ oder ein Name."),
    )
    due_date = forms.DateField(label=_("bis"), required=False, widget=DateInput)


class ContactForm(forms.Form):
    date = forms.DateField(label=_("Datum"), widget=DateInput, initial=timezone.localdate)
    duration_minutes = forms.IntegerField(
        label=_("Dauer (Minuten)"),
        min_value=1,
        max_value=MAX_MINUTES,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    channel = forms.ChoiceField(label=_("Form"), choices=_choices(ContactChannel.choices))
    language = forms.ChoiceField(
        label=_("Sprache des Gesprächs"),
        choices=[("", _("keine Angabe")), *LANGUAGES],
        required=False,
    )
    interpreter_used = forms.BooleanField(label=_("mit Dolmetschung"), required=False)
    topics = forms.MultipleChoiceField(
        label=_("Themen"),
        choices=NeedCategory.choices,
        required=False,
        widget=CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("Gesprächsnotiz"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Nur Fachliches; keine Gesundheitsdetails ohne Erforderlichkeit."),
    )


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Aufgabe"), max_length=200)
    due_date = forms.DateField(label=_("fällig am"), widget=DateInput)
    assignee = forms.ModelChoiceField(
        label=_("zuständig"), queryset=None, required=False, empty_label=_("ich selbst")
    )

    def __init__(self, *args, assignees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignees


def task_form(data=None, *, user: User, district) -> TaskForm:
    return TaskForm(
        data,
        prefix="task",
        assignees=selectors.task_assignee_list_for_user(user, district=district),
    )


def section_form(
    kind: str,
    *,
    user: User,
    participant: Participant,
    goal: CaseGoal | None = None,
    data=None,
) -> forms.Form:
    """One of the participant page's forms; per-goal forms (status, step) need the goal.

    `section_key` tells the section templates which form a re-rendered, invalid form replaces.
    """
    if kind == "need":
        form = NeedForm(data, prefix="need")
    elif kind == "goal":
        needs = selectors.need_choices_for_participant(participant)
        form = GoalForm(data, prefix="goal", needs=needs)
    elif kind == "goal_status":
        form = GoalStatusForm(data, prefix=f"goal{goal.pk}", initial={"status": goal.status})
    elif kind == "step":
        form = StepForm(data, prefix=f"goal{goal.pk}-step")
    elif kind == "contact":
        form = ContactForm(data, prefix="contact")
    elif kind == "task":
        form = task_form(data, user=user, district=participant.district)
    else:
        raise ValueError(kind)
    form.section_key = (kind, goal.pk if goal is not None else None)
    return form
