from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django_htmx.http import HttpResponseClientRedirect

from durchstarten.accounts import two_factor

# Pages a signed-in user may open while the second factor is outstanding.
EXEMPT_URL_NAMES = ("accounts:otp_verify", "accounts:two_factor_setup", "logout", "set_language")


def outstanding_step(request) -> str | None:
    """The URL name of the two-factor step the session still owes, or None.

    Users with a confirmed device give a code after the password; users in an enforced role
    (DURCHSTARTEN_2FA_ENFORCED_ROLES) without a device must set one up first.
    """
    user = request.user
    if not user.is_authenticated:
        return None
    is_verified = getattr(user, "is_verified", None)
    if is_verified is not None and is_verified():
        return None
    state = request.session.get(two_factor.STATE_KEY)
    roles = {m.role for m in getattr(request, "memberships", None) or user.memberships.all()}
    enforced = two_factor.is_enforced_for(roles)
    if state is None:
        # A session from before two-factor login existed: look once, then remember.
        state = two_factor.remember_state(request, user)
    if state == two_factor.HAS_DEVICE:
        return "accounts:otp_verify"
    if enforced:
        return "accounts:two_factor_setup"
    return None


class TwoFactorMiddleware:
    """Sends signed-in users to the second factor they still owe before anything else.

    Must come after ActiveMembershipMiddleware (it reads request.memberships). While a step
    is outstanding the navigation is hidden: none of its links would open.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        step = outstanding_step(request)
        if step is None:
            return self.get_response(request)
        if request.path_info.startswith(settings.STATIC_URL) or request.path in {
            reverse(name) for name in EXEMPT_URL_NAMES
        }:
            request.memberships, request.membership = [], None
            request.two_factor_step = step
            return self.get_response(request)
        target = reverse(step)
        htmx = getattr(request, "htmx", False)
        if request.method == "GET" and not htmx:
            target += "?" + urlencode({"next": request.get_full_path()})
        if htmx:
            return HttpResponseClientRedirect(target)
        return HttpResponseRedirect(target)
