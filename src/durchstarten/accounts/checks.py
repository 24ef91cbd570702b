from django.conf import settings
from django.core.checks import Tags, Warning, register

from durchstarten.accounts.two_factor import DEFAULT_ENFORCED_ROLES, enforced_roles

W_NOT_ENFORCED = "durchstarten.W401"


@register(Tags.security, deploy=True)
def check_two_factor_enforced(app_configs, **kwargs):
    """In production, coordinators and admins must use two factors."""
    if settings.DEBUG:
        return []
    missing = sorted(set(DEFAULT_ENFORCED_ROLES) - enforced_roles())
    if not missing:
        return []
    return [
        Warning(
            "Two-factor authentication is not enforced for: " + ", ".join(missing) + ".",
            hint="Set DURCHSTARTEN_2FA_ENFORCED_ROLES to include coordinator and admin.",
            id=W_NOT_ENFORCED,
        )
    ]
