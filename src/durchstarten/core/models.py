import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimestampedModel(models.Model):
    """Base for district records: an opaque public id for URLs and an edit version."""

    public_id = models.UUIDField(
        _("öffentliche ID"), default=uuid.uuid4, unique=True, editable=False
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)
    # Optimistic locking: services refuse a write whose version is not the stored one.
    version = models.PositiveIntegerField(_("Version"), default=1, editable=False)

    class Meta:
        abstract = True


class User(AbstractUser):
    """A person who signs in. What they may see comes from their memberships, not from here."""

    class Meta:
        verbose_name = _("Benutzer*in")
        verbose_name_plural = _("Benutzer*innen")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Koordinierung (Kommunales Integrationszentrum)")
    CASE_MANAGER = "case_manager", _("Teilhabemanagement")
    COACH = "coach", _("Coaching (Träger)")
    PROVIDER_STAFF = "provider_staff", _("Mitarbeitende eines Trägers")
    STATE_ANALYST = "state_analyst", _("Landesauswertung")
    ADMIN = "admin", _("Administration")


# Roles whose membership is tied to a provider (Träger).
PROVIDER_ROLES = frozenset({Role.COACH, Role.PROVIDER_STAFF})
# Roles that act state-wide and therefore have no district.
STATEWIDE_ROLES = frozenset({Role.STATE_ANALYST, Role.ADMIN})


class Membership(models.Model):
    """A user's role in one district (or state-wide), optionally at a provider."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Benutzer*in"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("Rolle"), max_length=20, choices=Role.choices)
    district = models.ForeignKey(
        "organisation.District",
        verbose_name=_("Kreis"),
        on_delete=models.PROTECT,
        related_name="memberships",
        null=True,
        blank=True,
    )
    provider = models.ForeignKey(
        "organisation.Provider",
        verbose_name=_("Träger"),
        on_delete=models.PROTECT,
        related_name="memberships",
        null=True,
        blank=True,
    )
    # Exports take personal data out of the system's access control: a permission of its own.
    can_export = models.BooleanField(
        _("darf Listen exportieren"),
        default=False,
        help_text=_("Erlaubt den Export personenbezogener Listen als Excel- oder CSV-Datei."),
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Mitgliedschaft")
        verbose_name_plural = _("Mitgliedschaften")
        ordering = ["district__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "district", "role"],
                condition=Q(district__isnull=False, provider__isnull=True),
                name="membership_unique_district_role",
            ),
            models.UniqueConstraint(
                fields=["user", "district", "role", "provider"],
                condition=Q(provider__isnull=False),
                name="membership_unique_provider_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(district__isnull=True),
                name="membership_unique_statewide_role",
            ),
            models.CheckConstraint(
                name="membership_district_matches_role",
                condition=(
                    Q(role__in=sorted(STATEWIDE_ROLES), district__isnull=True)
                    | (~Q(role__in=sorted(STATEWIDE_ROLES)) & Q(district__isnull=False))
                ),
            ),
            models.CheckConstraint(
                name="membership_provider_matches_role",
                condition=(
                    Q(role__in=sorted(PROVIDER_ROLES), provider__isnull=False)
                    | (~Q(role__in=sorted(PROVIDER_ROLES)) & Q(provider__isnull=True))
                ),
            ),
        ]

    def __str__(self) -> str:
        where = self.district or _("landesweit")
        return f"{self.user} · {self.get_role_display()} · {where}"

    def clean(self) -> None:
        errors = {}
        if self.role in STATEWIDE_ROLES and self.district_id:
            errors["district"] = _("Diese Rolle gilt landesweit und hat keinen Kreis.")
        if self.role not in STATEWIDE_ROLES and not self.district_id:
            errors["district"] = _("Für diese Rolle ist ein Kreis erforderlich.")
        if self.role in PROVIDER_ROLES and not self.provider_id:
            errors["provider"] = _("Für diese Rolle ist ein Träger erforderlich.")
        if self.role not in PROVIDER_ROLES and self.provider_id:
            errors["provider"] = _("Diese Rolle ist an keinen Träger gebunden.")
        if self.provider_id and self.district_id and self.provider.district_id != self.district_id:
            errors["provider"] = _("Der Träger gehört nicht zu diesem Kreis.")
        if errors:
            raise ValidationError(errors)


class AuditOutcome(models.TextChoices):
    OK = "ok", _("ausgeführt")
    DENIED = "denied", _("verweigert")
    FAILED = "failed", _("fehlgeschlagen")


class AuditEntry(models.Model):
    """Append-only, hash-chained record of who did what to which object.

    Holds ids, roles and field names, never participants' personal data, so that erasing a
    participant never requires editing the log. `sequence` numbers entries without gaps;
    `hash` covers the chained fields and `prev_hash` (see durchstarten.core.audit).
    Actor and district are kept as ids even after the user or district is deleted: the
    chain covers them, so they are never set to NULL.
    """

    sequence = models.PositiveBigIntegerField(_("laufende Nummer"), unique=True, editable=False)
    occurred_at = models.DateTimeField(
        _("Zeitpunkt"), default=timezone.now, db_index=True, editable=False
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Benutzer*in"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    actor_role = models.CharField(_("Rolle"), max_length=20, blank=True)
    ip_address = models.GenericIPAddressField(_("IP-Adresse"), null=True, blank=True)
    action = models.CharField(_("Aktion"), max_length=100)
    outcome = models.CharField(
        _("Ergebnis"), max_length=10, choices=AuditOutcome.choices, default=AuditOutcome.OK
    )
    district = models.ForeignKey(
        "organisation.District",
        verbose_name=_("Kreis"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    object_type = models.CharField(_("Objekttyp"), max_length=100, blank=True)
    object_id = models.CharField(_("Objekt"), max_length=64, blank=True)
    data = models.JSONField(_("Daten"), default=dict, blank=True)
    prev_hash = models.CharField(_("Hash des Vorgängers"), max_length=64, editable=False)
    hash = models.CharField(_("Hash"), max_length=64, editable=False)

    class Meta:
        verbose_name = _("Protokolleintrag")
        verbose_name_plural = _("Protokolleinträge")
        ordering = ["-sequence"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.action}"
