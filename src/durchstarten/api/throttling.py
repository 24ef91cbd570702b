from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class TokenRateThrottle(SimpleRateThrottle):
    """Requests per token (or per signed-in user for session requests)."""

    scope = "token"

    def get_rate(self) -> str:
        # Read per request, not at import, so that a deployment (or a test) can change it.
        return settings.DURCHSTARTEN_API_RATE

    def get_cache_key(self, request, view) -> str | None:
        token = request.auth
        if getattr(token, "pk", None) is not None:
            ident = f"token-{token.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def allow_request(self, request, view) -> bool:
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)
