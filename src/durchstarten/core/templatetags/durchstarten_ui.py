"""Template helpers for the KERN UX markup shared by all pages."""

from django import template
from django.contrib.messages import constants as message_levels
from django.forms import BoundField
from django.utils.translation import gettext_lazy as _

from durchstarten.core.models import PROVIDER_ROLES, Membership, Role

register = template.Library()

# Short role names for places with little room (switcher, header); the model's labels are long.
_ROLE_SHORT = {
    Role.COORDINATOR: _("Koordinierung"),
    Role.CASE_MANAGER: _("Teilhabemanagement"),
    Role.COACH: _("Coaching"),
    Role.PROVIDER_STAFF: _("Träger"),
    Role.STATE_ANALYST: _("Landesauswertung"),
    Role.ADMIN: _("Administration"),
}

# Django message level -> KERN alert variant. Errors and warnings interrupt screen readers
# (role="alert"); confirmations wait politely (role="status").
_ALERTS = {
    message_levels.DEBUG: ("info", "status"),
    message_levels.INFO: ("info", "status"),
    message_levels.SUCCESS: ("success", "status"),
    message_levels.WARNING: ("warning", "alert"),
    message_levels.ERROR: ("danger", "alert"),
}

_WIDGET_CLASSES = {
    "select": "kern-form-input__select",
    "nullbooleanselect": "kern-form-input__select",
    "checkbox": "kern-form-check__checkbox",
}

# Widgets the field include renders as a group of options in a fieldset.
CHOICE_GROUP_WIDGETS = frozenset({"radioselect", "checkboxselectmultiple"})


@register.filter
def role_short(role: str) -> str:
    return str(_ROLE_SHORT.get(role, role))


@register.filter
def membership_label(membership: Membership) -> str:
    """'Kreis Gütersloh · Koordinierung', with the provider for provider roles."""
    parts = [str(membership.district or _("landesweit")), role_short(membership.role)]
    if membership.role in PROVIDER_ROLES and membership.provider_id:
        parts.append(str(membership.provider))
    return " · ".join(parts)


@register.filter
def alert_variant(message) -> str:
    return _ALERTS.get(message.level, ("info", "status"))[0]


@register.filter
def alert_role(message) -> str:
    return _ALERTS.get(message.level, ("info", "status"))[1]


@register.filter
def kern_widget(field: BoundField):
    """Render the field's widget with the KERN classes (and the error variant if invalid)."""
    base = _WIDGET_CLASSES.get(field.widget_type, "kern-form-input__input")
    classes = [base]
    if field.errors:
        classes.append(f"{base}--error")
    existing = field.field.widget.attrs.get("class")
    if existing:
        classes.append(existing)
    # No autofocus (Django sets it on the login form): it skips the skip link and the page's
    # heading and intro for keyboard and screen-reader users.
    return field.as_widget(attrs={"class": " ".join(classes), "autofocus": False})


@register.filter
def is_choice_group(field: BoundField) -> bool:
    return field.widget_type in CHOICE_GROUP_WIDGETS


@register.filter
def is_checkbox(field: BoundField) -> bool:
    return field.widget_type == "checkbox"


@register.filter
def is_select(field: BoundField) -> bool:
    return field.widget_type in {"select", "nullbooleanselect"}


@register.filter
def kern_choice(choice, has_errors=False):
    """Render one radio button or checkbox of a choice group with the KERN classes."""
    base = f"kern-form-check__{choice.data['type']}"
    classes = [base]
    if has_errors:
        classes.append(f"{base}--error")
    attrs = dict(choice.data["attrs"])
    if attrs.get("class"):
        classes.append(attrs["class"])
    attrs["class"] = " ".join(classes)
    choice.data["attrs"] = attrs
    return choice.tag()
