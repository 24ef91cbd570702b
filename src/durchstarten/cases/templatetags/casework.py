"""Helpers for the case work sections of the participant page (cases/partials/*.html).

The sections are included by a page whose view knows nothing of their forms, so they build
their own; a view that re-renders a section after an invalid post passes that bound form
as `bound_form`, and it takes the place of the matching empty one.
"""

from django import template
from django.utils import timezone

from durchstarten.cases.choices import LANGUAGES, NeedCategory
from durchstarten.cases.forms.casework import section_form

register = template.Library()

_LANGUAGE_LABELS = dict(LANGUAGES)


@register.simple_tag(takes_context=True)
def casework_form(context, kind: str, goal=None):
    """`{% casework_form "need" as form %}`, `{% casework_form "step" goal as form %}`."""
    bound = context.get("bound_form")
    if bound is not None and bound.section_key == (kind, getattr(goal, "pk", None)):
        return bound
    return section_form(
        kind, user=context["request"].user, participant=context["participant"], goal=goal
    )


@register.filter
def topic_labels(topics: list[str]) -> str:
    """A contact's topics (need categories) as a readable list."""
    labels = dict(NeedCategory.choices)
    return ", ".join(str(labels.get(topic, topic)) for topic in topics or [])


@register.filter
def language_label(code: str) -> str:
    return str(_LANGUAGE_LABELS.get(code, code))


@register.filter
def is_overdue(due_date) -> bool:
    return due_date is not None and due_date < timezone.localdate()
