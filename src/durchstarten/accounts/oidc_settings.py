"""Settings for the optional single sign-on (OpenID Connect), read from the environment.

Imported by settings.py, so no Django models here. Single sign-on is on when
DURCHSTARTEN_OIDC_CLIENT_ID is set; then the endpoints and the secret are required.
See docs/oidc.md.
"""

from django.core.exceptions import ImproperlyConfigured

from durchstarten.env import env_bool, env_str

BACKEND = "durchstarten.accounts.oidc.ExistingAccountBackend"
REQUIRED = {
    "DURCHSTARTEN_OIDC_CLIENT_SECRET": "OIDC_RP_CLIENT_SECRET",
    "DURCHSTARTEN_OIDC_AUTHORIZATION_ENDPOINT": "OIDC_OP_AUTHORIZATION_ENDPOINT",
    "DURCHSTARTEN_OIDC_TOKEN_ENDPOINT": "OIDC_OP_TOKEN_ENDPOINT",
    "DURCHSTARTEN_OIDC_USERINFO_ENDPOINT": "OIDC_OP_USER_ENDPOINT",
    "DURCHSTARTEN_OIDC_JWKS_ENDPOINT": "OIDC_OP_JWKS_ENDPOINT",
}


def oidc_settings() -> dict:
    """The mozilla-django-oidc settings, or {} when single sign-on is not configured."""
    client_id = env_str("DURCHSTARTEN_OIDC_CLIENT_ID")
    if not client_id:
        return {}
    missing = [name for name in REQUIRED if not env_str(name)]
    if missing:
        raise ImproperlyConfigured(
            "DURCHSTARTEN_OIDC_CLIENT_ID is set, so these must be set too: " + ", ".join(missing)
        )
    values = {setting: env_str(name) for name, setting in REQUIRED.items()}
    return {
        **values,
        "OIDC_RP_CLIENT_ID": client_id,
        "OIDC_RP_SIGN_ALGO": env_str("DURCHSTARTEN_OIDC_SIGN_ALGO", "RS256"),
        "OIDC_RP_SCOPES": "openid email profile",
        "OIDC_USE_PKCE": True,
        # Accounts and their roles are made in Durchstarten; sign-on only proves who it is.
        "OIDC_CREATE_USER": False,
        "OIDC_AUTHENTICATION_CALLBACK_URL": "accounts:oidc_callback",
        "DURCHSTARTEN_OIDC_USERNAME_CLAIM": env_str(
            "DURCHSTARTEN_OIDC_USERNAME_CLAIM", "preferred_username"
        ),
        "DURCHSTARTEN_OIDC_MATCH_EMAIL": env_bool("DURCHSTARTEN_OIDC_MATCH_EMAIL", False),
    }
