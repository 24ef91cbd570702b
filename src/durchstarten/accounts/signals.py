"""At every login, note in the session whether the user still owes a second factor."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from durchstarten.accounts.two_factor import remember_state


@receiver(user_logged_in, dispatch_uid="durchstarten_two_factor_state")
def note_two_factor_state(sender, request, user, **kwargs):
    # Every way in (the login form, single sign-on, the admin site) ends here, so none of
    # them skips the second factor.
    if request is not None and hasattr(request, "session"):
        remember_state(request, user)
