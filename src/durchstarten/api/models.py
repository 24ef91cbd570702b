"""Personal API tokens: named, expiring, revocable, read-only or read-write.

Only a SHA-256 hash of the secret is stored. The secret is 32 random bytes, so a fast hash is
enough (nothing to brute-force); the short prefix finds the row without scanning.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TokenScope(models.TextChoices):
    READ = "read", _("nur lesen")
    WRITE = "write", _("lesen und schreiben")


class ApiToken(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Benutzer*in"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("Bezeichnung"), max_length=100)
    scope = models.CharField(
        _("Berechtigung"), max_length=5, choices=TokenScope.choices, default=TokenScope.READ
    )
    prefix = models.CharField(max_length=12, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    expires_at = models.DateTimeField(_("gültig bis"))
    revoked_at = models.DateTimeField(_("widerrufen am"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("zuletzt benutzt"), null=True, blank=True)

    class Meta:
        verbose_name = _("API-Schlüssel")
        verbose_name_plural = _("API-Schlüssel")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name

    def is_active(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now
