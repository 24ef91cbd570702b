"""Session lifetime, response caching and the login lockout page (docs/security-settings.md)."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from durchstarten.core.forms import LoginForm

LOGIN_AT_SESSION_KEY = "login_at"


class SessionLifetimeMiddleware:
    """Ends a session DURCHSTARTEN_SESSION_ABSOLUTE_SECONDS after login, however active it is.

    The idle timeout is Django's own (SESSION_COOKIE_AGE with SESSION_SAVE_EVERY_REQUEST).
    A session without a login time (one older than this middleware, or started by
    ``Client.force_login``) gets one on its first request; a session cannot lose it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            login_at = request.session.setdefault(LOGIN_AT_SESSION_KEY, now)
            if now - login_at >= settings.DURCHSTARTEN_SESSION_ABSOLUTE_SECONDS:
                # Flushes the session; LoginRequiredMiddleware then sends the user to the login.
                logout(request)
        return self.get_response(request)


class NoStoreForAuthenticatedMiddleware:
    """Forbids browsers and proxies to keep any page shown to a signed-in user.

    Case data must not survive in a shared computer's cache or on a proxy's disk.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        was_authenticated = request.user.is_authenticated
        response = self.get_response(request)
        if was_authenticated or request.user.is_authenticated:
            add_never_cache_headers(response)
        return response


def lockout_response(request, original_response, credentials):
    """django-axes' answer to a locked-out login: the login page with the lockout notice.

    The same for every username, known or not, so that it reveals nothing about accounts.
    """
    response = render(
        request, "core/login.html", {"form": LoginForm(request), "locked_out": True}, status=429
    )
    add_never_cache_headers(response)
    return response
