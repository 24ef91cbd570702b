"""Steps shared by the account tests."""

import time

from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD

BACKUP_CODES = ["aaaa1111", "bbbb2222", "cccc3333"]


def code(device: TOTPDevice, steps: int = 0) -> str:
    """The code the app shows now (or `steps` periods later: a code is accepted only once)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps * device.step
    return f"{totp.token():0{device.digits}d}"


def give_device(user) -> TOTPDevice:
    """A confirmed authenticator and three backup codes."""
    device = TOTPDevice.objects.create(user=user, name="App", confirmed=True)
    static = StaticDevice.objects.create(user=user, name="Notfallcodes", confirmed=True)
    StaticToken.objects.bulk_create(StaticToken(device=static, token=t) for t in BACKUP_CODES)
    return device


def log_in(client, user, password=PASSWORD):
    return client.post(reverse("login"), {"username": user.username, "password": password})


def sign_in_verified(client, user, device) -> None:
    """Signed in and past the second factor, as after entering a code of `device`."""
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
