from django import template

from durchstarten.accounts.oidc import oidc_enabled

register = template.Library()


@register.simple_tag
def single_sign_on_enabled() -> bool:
    return oidc_enabled()
