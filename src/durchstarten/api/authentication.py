"""Who is calling: a personal token (`Authorization: Bearer ds_…`) or the browser session."""

import datetime as dt
import hmac

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from durchstarten.api.models import ApiToken
from durchstarten.api.services import hash_secret, split_token
from durchstarten.core.audit import log_action
from durchstarten.core.models import AuditOutcome

INVALID_TOKEN = _("Der API-Schlüssel ist ungültig, abgelaufen oder widerrufen.")
# Writing last_used_at on every request would turn each read into a write.
LAST_USED_RESOLUTION = dt.timedelta(minutes=5)


class TokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(INVALID_TOKEN)
        try:
            raw = header[1].decode()
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(INVALID_TOKEN) from None
        parts = split_token(raw)
        token = None
        if parts is not None:
            token = ApiToken.objects.select_related("user").filter(prefix=parts[0]).first()
        now = timezone.now()
        if (
            token is None
            or not hmac.compare_digest(token.secret_hash, hash_secret(parts[1]))
            or not token.is_active(now)
            or not token.user.is_active
        ):
            log_action(
                "api.token.refused",
                actor=None,
                outcome=AuditOutcome.DENIED,
                data={"prefix": parts[0] if parts else ""},
                request=request._request,
            )
            raise exceptions.AuthenticationFailed(INVALID_TOKEN)
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword


class SessionAuthentication(authentication.SessionAuthentication):
    """The browser session, with Django's CSRF check on writes."""


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = TokenAuthentication
    name = "token"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "Persönlicher API-Schlüssel (ds_…), angelegt unter /konto/api-schluessel/."
            ),
        }


class SessionAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = SessionAuthentication
    name = "session"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}
