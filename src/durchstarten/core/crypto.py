"""Encryption at rest for sensitive free-text fields (counselling notes, document numbers).

Values are Fernet tokens (AES-128-CBC with HMAC-SHA256) under the keys of the setting
DURCHSTARTEN_FIELD_KEYS (from the environment variable of the same name, comma-separated):
the first key encrypts, every key decrypts, so a new key can be put first while the old ones
still read existing rows until `durchstarten rotate_keys` has re-encrypted them. Without keys
(development only: the settings refuse to start without them when DEBUG is off) a key derived
from SECRET_KEY is used and the system check warns.

The database sees only ciphertext: encrypted fields cannot be searched, filtered or sorted
by content. An empty value stays empty, so "has a note" remains a plain column test.
"""

import base64
import functools
import hashlib
from collections.abc import Iterator

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.apps import apps
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import models

KEYS_SETTING = "DURCHSTARTEN_FIELD_KEYS"
_DEV_KEY_CONTEXT = b"durchstarten.field-encryption.development"

W_DEV_KEY = "durchstarten.W101"
E_NO_KEYS = "durchstarten.E101"
E_BAD_KEY = "durchstarten.E102"


class FieldKeyError(ImproperlyConfigured):
    """The configured keys cannot be used, or none of them opens a stored value."""


def generate_key() -> str:
    """A new random key in the form DURCHSTARTEN_FIELD_KEYS expects."""
    return Fernet.generate_key().decode("ascii")


def configured_keys() -> tuple[str, ...]:
    return tuple(getattr(settings, KEYS_SETTING, None) or ())


def _development_key(secret_key: str) -> bytes:
    digest = hashlib.sha256(_DEV_KEY_CONTEXT + secret_key.encode("utf-8")).digest()
    return base64.urlsafe_b64encode(digest)


@functools.lru_cache(maxsize=8)
def _fernet(keys: tuple[str, ...], secret_key: str) -> MultiFernet:
    if not keys:
        return MultiFernet([Fernet(_development_key(secret_key))])
    fernets = []
    for position, key in enumerate(keys, start=1):
        try:
            fernets.append(Fernet(key.strip().encode("ascii")))
        except (ValueError, UnicodeEncodeError):
            # The key itself never goes into a message: it would end up in logs.
            raise FieldKeyError(
                f"{KEYS_SETTING}: key number {position} is not a valid Fernet key "
                "(32 bytes, URL-safe base64; create one with "
                "`durchstarten rotate_keys --generate`)."
            ) from None
    return MultiFernet(fernets)


def current_fernet() -> MultiFernet:
    return _fernet(configured_keys(), settings.SECRET_KEY)


def encrypt(value: str) -> str:
    if value == "":
        return ""
    return current_fernet().encrypt(value.encode("utf-8")).decode("ascii")


def decrypt(token: str, *, where: str = "") -> str:
    if not token:
        return ""
    try:
        return current_fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeEncodeError):
        place = f" ({where})" if where else ""
        raise FieldKeyError(
            f"An encrypted value{place} cannot be decrypted with any key in {KEYS_SETTING}. "
            "Was a key removed before `durchstarten rotate_keys` re-encrypted the data, or "
            "does this database belong to other keys? Put the old key back (after the new "
            "one) and run `durchstarten rotate_keys`."
        ) from None


class EncryptedTextField(models.TextField):
    """A text field stored encrypted (see the module docstring). Not searchable.

    `max_length` limits the plain text in forms; the column is unbounded text because the
    ciphertext is about 1.4 times longer than the UTF-8 bytes of the plain text.
    """

    encrypted = True

    def from_db_value(self, value, expression, connection):
        if value is None:
            return value
        return decrypt(value, where=f"{self.model._meta.label}.{self.name}")

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None:
            return value
        return encrypt(value)

    def get_lookup(self, lookup_name):
        # Comparing ciphertext gives wrong answers silently: only emptiness can be asked.
        if lookup_name not in {"exact", "isnull", "in"}:
            return None
        return super().get_lookup(lookup_name)


def encrypted_fields() -> Iterator[tuple[type[models.Model], EncryptedTextField]]:
    """Every encrypted field of every installed model (for key rotation and checks)."""
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedTextField):
                yield model, field


@checks.register(checks.Tags.security, deploy=True)
def check_field_keys(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    keys = configured_keys()
    if not keys:
        if settings.DEBUG:
            return [
                checks.Warning(
                    f"{KEYS_SETTING} is not set: sensitive notes are encrypted with a key "
                    "derived from SECRET_KEY (development only).",
                    hint="Set DURCHSTARTEN_FIELD_KEYS to the output of "
                    "`durchstarten rotate_keys --generate` (see SECURITY.md).",
                    id=W_DEV_KEY,
                )
            ]
        return [
            checks.Error(
                f"{KEYS_SETTING} must be set when DEBUG is off.",
                hint="See SECURITY.md, 'Key rotation'.",
                id=E_NO_KEYS,
            )
        ]
    try:
        _fernet(keys, settings.SECRET_KEY)
    except FieldKeyError as error:
        return [checks.Error(str(error), id=E_BAD_KEY)]
    return []
