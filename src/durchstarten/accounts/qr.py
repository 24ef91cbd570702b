"""The QR code that hands the TOTP key to an authenticator app, as inline SVG."""

import re
from urllib.parse import quote, urlencode

import qrcode
import qrcode.image.svg
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django_otp.plugins.otp_totp.models import TOTPDevice

from durchstarten.accounts.two_factor import base32_secret
from durchstarten.core.models import User

ISSUER = "Durchstarten"
QR_SIZE = "220"


def totp_config_url(device: TOTPDevice, user: User) -> str:
    """The otpauth:// URL (Key Uri Format) with the issuer, so the app names the account."""
    secret = base32_secret(device)
    label = quote(f"{ISSUER}:{user.get_username()}")
    params = urlencode(
        {
            "secret": secret,
            "issuer": ISSUER,
            "algorithm": "SHA1",
            "digits": device.digits,
            "period": device.step,
        }
    )
    return f"otpauth://totp/{label}?{params}"


def qr_code_svg(data: str, *, title: str) -> SafeString:
    """An SVG element (no inline styles, which the Content Security Policy would block)."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    svg = image.to_string(encoding="unicode")
    svg = re.sub(r'\s(width|height)="[^"]*"', "", svg, count=2)
    end_of_tag = svg.index(">") + 1
    opening = svg[:end_of_tag].replace(
        "<svg ", f'<svg width="{QR_SIZE}" height="{QR_SIZE}" role="img" aria-labelledby="qr-title" '
    )
    title_element = f'<title id="qr-title">{escape(title)}</title>'
    # Paths drawn by qrcode plus the escaped title: no markup from anyone's input.
    return mark_safe(opening + title_element + svg[end_of_tag:])  # noqa: S308  # nosec B308 B703
