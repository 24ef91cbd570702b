"""Optional single sign-on with OpenID Connect (mozilla-django-oidc), see docs/oidc.md.

The identity provider (e.g. Keycloak brokering Active Directory or SAML) only proves who
someone is: the account must already exist here, found by the user-name claim (or, if
allowed, the e-mail address), and keeps the roles given here. Nobody is created.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView


def oidc_enabled() -> bool:
    return bool(getattr(settings, "OIDC_RP_CLIENT_ID", ""))


class ExistingAccountBackend(OIDCAuthenticationBackend):
    """Signs in existing, active accounts only; matched by user name, or e-mail if allowed."""

    @staticmethod
    def _username_claim() -> str:
        return getattr(settings, "DURCHSTARTEN_OIDC_USERNAME_CLAIM", "preferred_username")

    @staticmethod
    def _match_email() -> bool:
        return getattr(settings, "DURCHSTARTEN_OIDC_MATCH_EMAIL", False)

    def describe_user_by_claims(self, claims):
        # The library logs this when no account matches: no names or addresses in the log.
        return "the claims received"

    def verify_claims(self, claims):
        return bool(
            claims.get(self._username_claim()) or (self._match_email() and claims.get("email"))
        )

    def filter_users_by_claims(self, claims):
        active = self.UserModel.objects.filter(is_active=True)
        username = claims.get(self._username_claim())
        if username:
            found = active.filter(username=username)
            if found.exists() or not self._match_email():
                return found
        email = claims.get("email")
        if self._match_email() and email:
            return active.filter(email__iexact=email)
        return self.UserModel.objects.none()

    def create_user(self, claims):
        return None

    def update_user(self, user, claims):
        # Names and roles are kept as managed here; the provider's claims change nothing.
        return user


class _Callback(OIDCAuthenticationCallbackView):
    @property
    def failure_url(self):
        return reverse("login")

    def login_failure(self):
        messages.error(
            self.request,
            _(
                "Die Anmeldung über Single Sign-on ist nicht gelungen. Wenn Sie noch kein Konto "
                "in Durchstarten haben, wenden Sie sich an die Koordinierung Ihres Kreises."
            ),
        )
        return super().login_failure()


@login_not_required
@require_GET
def oidc_login(request):
    """Sends the browser to the identity provider (404 when single sign-on is off)."""
    if not oidc_enabled():
        raise Http404
    return OIDCAuthenticationRequestView.as_view()(request)


@login_not_required
@require_GET
def oidc_callback(request):
    """The identity provider sends the browser back here with a code."""
    if not oidc_enabled():
        raise Http404
    return _Callback.as_view()(request)
