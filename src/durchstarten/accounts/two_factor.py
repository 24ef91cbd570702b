"""Two-factor authentication with django-otp: an authenticator app (TOTP) and backup codes.

A user has at most one confirmed TOTP device ("Authenticator-App") and one static device
holding their backup codes ("Notfallcodes"). Setting up creates an unconfirmed TOTP device;
the first correct code confirms it. Codes are never logged or stored in the audit log.

Which sessions still owe a second factor is kept in the session (``STATE_KEY``, set at
login by ``accounts.signals``), so that the middleware needs no query on ordinary requests.
"""

import base64
from collections.abc import Collection

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from durchstarten.core.audit import log_action
from durchstarten.core.models import AuditOutcome, Role, User

DEFAULT_ENFORCED_ROLES = (Role.COORDINATOR, Role.ADMIN)
BACKUP_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Authenticator-App"
BACKUP_DEVICE_NAME = "Notfallcodes"

# Session key: "device" when the signed-in user had a confirmed device at login (so the
# session needs a code before anything else), "none" when they had none.
STATE_KEY = "two_factor_state"
HAS_DEVICE = "device"
NO_DEVICE = "none"

WRONG_CODE = _("Der Code ist nicht richtig oder abgelaufen. Bitte versuchen Sie es erneut.")
WRONG_PASSWORD = _("Das Passwort ist nicht richtig.")
ALREADY_SET_UP = _("Die Zwei-Faktor-Anmeldung ist bereits eingerichtet.")
NOT_SET_UP = _("Die Zwei-Faktor-Anmeldung ist nicht eingerichtet.")


def enforced_roles() -> frozenset[str]:
    """Roles that must use two factors (setting DURCHSTARTEN_2FA_ENFORCED_ROLES)."""
    return frozenset(getattr(settings, "DURCHSTARTEN_2FA_ENFORCED_ROLES", DEFAULT_ENFORCED_ROLES))


def is_enforced_for(roles: Collection[str]) -> bool:
    return bool(enforced_roles() & set(roles))


def confirmed_totp_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_confirmed_device(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def backup_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def base32_secret(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode("ascii").rstrip("=")


def secret_for_display(device: TOTPDevice) -> str:
    """The key in Base32, in groups of four, as authenticator apps ask for it."""
    secret = base32_secret(device)
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def remember_state(request: HttpRequest, user: User) -> str:
    """Record in the session whether the user has a confirmed device (one query)."""
    state = HAS_DEVICE if has_confirmed_device(user) else NO_DEVICE
    request.session[STATE_KEY] = state
    return state


def _mark_verified(request: HttpRequest, device) -> None:
    # A new session id once the second factor is in: an id seen before it proves nothing.
    request.session.cycle_key()
    otp_login(request, device)
    request.session[STATE_KEY] = HAS_DEVICE


# --- Writes -----------------------------------------------------------------------------------


@transaction.atomic
def totp_setup_start(*, actor: User) -> TOTPDevice:
    """The unconfirmed device to set up, created on the first call and reused until confirmed.

    Refused while a confirmed device exists: it has to be removed first (with its code).
    """
    if has_confirmed_device(actor):
        raise ValidationError(ALREADY_SET_UP, code="already_set_up")
    device = TOTPDevice.objects.filter(user=actor, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=actor, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def _new_backup_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def totp_setup_confirm(
    *, actor: User, device: TOTPDevice, token: str, request: HttpRequest
) -> list[str]:
    """Confirm the device with a code from the app; returns the new backup codes (shown once).

    The session counts as verified from now on.
    """
    if device.user_id != actor.pk or device.confirmed or has_confirmed_device(actor):
        raise ValidationError(ALREADY_SET_UP, code="already_set_up")
    if not device.verify_token(token.strip()):
        raise ValidationError({"token": WRONG_CODE}, code="wrong_code")
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=actor, confirmed=False).delete()
    codes = _new_backup_codes(actor)
    _mark_verified(request, device)
    log_action("account.2fa.enabled", actor=actor, obj=actor, request=request)
    return codes


@transaction.atomic
def backup_codes_regenerate(*, actor: User) -> list[str]:
    """Replace the backup codes; the old ones stop working at once."""
    if not has_confirmed_device(actor):
        raise ValidationError(NOT_SET_UP, code="not_set_up")
    codes = _new_backup_codes(actor)
    log_action("account.2fa.backup_codes_renewed", actor=actor, obj=actor)
    return codes


def two_factor_remove(*, actor: User, password: str, token: str, request: HttpRequest) -> None:
    """Remove the authenticator and the backup codes, proven by the password and a code.

    The code is checked outside the removal's transaction, so that a wrong one still counts
    towards the device's throttling when the request is refused.
    """
    if not has_confirmed_device(actor):
        raise ValidationError(NOT_SET_UP, code="not_set_up")
    errors = {}
    if not check_password(password, actor.password):
        errors["password"] = WRONG_PASSWORD
    if verify_code(actor, token) is None:
        errors["token"] = WRONG_CODE
    if errors:
        raise ValidationError(errors, code="invalid")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=actor).delete()
        StaticDevice.objects.filter(user=actor).delete()
        log_action("account.2fa.disabled", actor=actor, obj=actor, request=request)
    request.session[STATE_KEY] = NO_DEVICE


def verify_code(user: User, token: str):
    """The device that accepts the code (authenticator first, then backup codes), or None.

    Each device throttles failed attempts with a growing delay (django-otp), so guessing
    stays slow however many sessions an attacker opens.
    """
    token = "".join(token.split()).lower()
    if not token:
        return None
    with transaction.atomic():
        devices = [
            *TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True),
            *StaticDevice.objects.select_for_update().filter(user=user, confirmed=True),
        ]
        for device in devices:
            if device.verify_token(token):
                return device
    return None


def login_verify(*, request: HttpRequest, token: str):
    """Check the second factor of the signed-in user; mark the session verified if it fits.

    Returns the device, or None (the caller counts the failure).
    """
    user = request.user
    device = verify_code(user, token)
    if device is None:
        log_action("login.otp_failed", actor=user, request=request, outcome=AuditOutcome.FAILED)
        return None
    _mark_verified(request, device)
    log_action(
        "login.otp_verified",
        actor=user,
        request=request,
        data={"method": "backup_code" if isinstance(device, StaticDevice) else "totp"},
    )
    return device
