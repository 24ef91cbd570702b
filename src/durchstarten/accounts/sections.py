"""The sections of the account page. Other areas add their pages here (label, URL name)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from durchstarten.core.models import Role

ACCOUNT_SECTIONS = [
    (_("Zwei-Faktor-Anmeldung"), "accounts:two_factor"),
    (_("Notfallzugriffe"), "accounts:break_glass_list"),
    (_("API-Schlüssel"), "api_tokens:list"),
    (_("Kalenderabonnement"), "exports:calendar"),
]

# Sections only some roles may open (by the active role); all others are for everyone.
SECTION_ROLES = {
    "accounts:break_glass_list": {Role.ADMIN, Role.COORDINATOR},
}


def sections_for(request) -> list[dict]:
    membership = request.membership
    role = membership.role if membership is not None else None
    return [
        {"label": label, "url": reverse(name)}
        for label, name in ACCOUNT_SECTIONS
        if name not in SECTION_ROLES or role in SECTION_ROLES[name]
    ]
