import math
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class BreakGlassAccessQuerySet(QuerySet):
    def active(self, at=None) -> "BreakGlassAccessQuerySet":
        """Grants in force at `at` (now): started, not ended, not revoked."""
        at = at or timezone.now()
        return self.filter(revoked_at__isnull=True, starts_at__lte=at, ends_at__gt=at)


class BreakGlassAccess(models.Model):
    """An admin's time-limited right to read one participant's record ("break glass").

    Admins see no case content through their role; a district that needs their help with
    one case gives them the participant's public id, and they state why they need to look.
    """

    public_id = models.UUIDField(
        _("öffentliche ID"), default=uuid.uuid4, unique=True, editable=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Administrator*in"),
        on_delete=models.PROTECT,
        related_name="break_glass_accesses",
    )
    participant = models.ForeignKey(
        "cases.Participant",
        verbose_name=_("Teilnehmende*r"),
        on_delete=models.CASCADE,
        related_name="break_glass_accesses",
    )
    reason = models.TextField(_("Begründung"))
    starts_at = models.DateTimeField(_("gültig ab"), default=timezone.now)
    ends_at = models.DateTimeField(_("gültig bis"))
    revoked_at = models.DateTimeField(_("vorzeitig beendet am"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("vorzeitig beendet von"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)

    objects = BreakGlassAccessQuerySet.as_manager()

    class Meta:
        verbose_name = _("Notfallzugriff")
        verbose_name_plural = _("Notfallzugriffe")
        ordering = ["-starts_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="break_glass_ends_after_start", condition=Q(ends_at__gt=F("starts_at"))
            ),
        ]
        indexes = [
            models.Index(fields=["user", "ends_at"], name="break_glass_user_ends_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.starts_at:%Y-%m-%d %H:%M}"

    def is_active(self, at=None) -> bool:
        at = at or timezone.now()
        return self.revoked_at is None and self.starts_at <= at < self.ends_at

    @property
    def remaining_minutes(self) -> int:
        """Whole minutes left until the grant ends, rounded up (0 once it has ended)."""
        if not self.is_active():
            return 0
        return math.ceil((self.ends_at - timezone.now()).total_seconds() / 60)
