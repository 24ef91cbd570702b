"""Sign-ins, failed sign-ins and sign-outs go into the audit log (connected in CoreConfig)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from durchstarten.core.audit import log_action
from durchstarten.core.models import AuditOutcome


@receiver(user_logged_in, dispatch_uid="durchstarten_audit_login")
def audit_login(sender, request, user, **kwargs):
    log_action("auth.login", actor=user, request=request, role="")


@receiver(user_logged_out, dispatch_uid="durchstarten_audit_logout")
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        log_action("auth.logout", actor=user, request=request)


@receiver(user_login_failed, dispatch_uid="durchstarten_audit_login_failed")
def audit_login_failed(sender, credentials, request=None, **kwargs):
    """An attempt for an existing account names it; the name typed for an unknown one is
    never stored (it is often a password typed into the wrong field)."""
    User = get_user_model()
    username = credentials.get(User.USERNAME_FIELD)
    actor = None
    if username:
        actor = User._default_manager.filter(**{User.USERNAME_FIELD: username}).first()
    log_action(
        "auth.login_failed",
        actor=actor,
        request=request,
        role="",
        outcome=AuditOutcome.FAILED,
    )
