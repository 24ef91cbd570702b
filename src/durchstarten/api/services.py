"""Writes of API tokens: create (the secret is shown once) and revoke."""

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from durchstarten.api.models import ApiToken, TokenScope
from durchstarten.core.audit import log_action
from durchstarten.core.models import User

TOKEN_START = "ds_"  # noqa: S105 - the public prefix of every key, not a secret
EXPIRY_IN_PAST = _("Das Ablaufdatum muss in der Zukunft liegen.")
EXPIRY_TOO_FAR = _("Ein API-Schlüssel gilt höchstens %(days)s Tage.")
ALREADY_REVOKED = _("Dieser API-Schlüssel ist bereits widerrufen.")


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def split_token(raw: str) -> tuple[str, str] | None:
    """(prefix, secret) of a presented token, or None if it cannot be one of ours."""
    if not raw.startswith(TOKEN_START):
        return None
    prefix, _sep, secret = raw[len(TOKEN_START) :].partition("_")
    if not prefix or not secret:
        return None
    return prefix, secret


@transaction.atomic
def api_token_create(
    *, actor: User, name: str, scope: str, expires_on: dt.date
) -> tuple[ApiToken, str]:
    """Create a token for the actor and return it with its secret (never stored in clear)."""
    today = timezone.localdate()
    if expires_on <= today:
        raise ValidationError({"expires_on": EXPIRY_IN_PAST})
    max_days = settings.DURCHSTARTEN_API_TOKEN_MAX_DAYS
    if (expires_on - today).days > max_days:
        raise ValidationError({"expires_on": EXPIRY_TOO_FAR % {"days": max_days}})
    if scope not in TokenScope.values:
        raise ValidationError({"scope": _("Ungültige Berechtigung.")})
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    end_of_day = dt.datetime.combine(expires_on, dt.time.max)
    token = ApiToken.objects.create(
        user=actor,
        name=name.strip(),
        scope=scope,
        prefix=prefix,
        secret_hash=hash_secret(secret),
        expires_at=timezone.make_aware(end_of_day),
    )
    log_action(
        "api.token.created",
        actor=actor,
        obj=token,
        data={"scope": scope, "expires_on": expires_on.isoformat()},
    )
    return token, f"{TOKEN_START}{prefix}_{secret}"


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    if token.revoked_at is not None:
        raise ValidationError(ALREADY_REVOKED)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    log_action("api.token.revoked", actor=actor, obj=token)
    return token
