"""Retention settings, legal holds, data subjects' requests and what anonymisation has done.

Every record here belongs to a district: retention policies directly, the others through their
participant. Free texts that may name a person (a hold's reason, a request's notes) are
cleared when the participant is anonymised (see privacy.registry).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from durchstarten.core.models import TimestampedModel

USER = settings.AUTH_USER_MODEL


class DataClass(models.TextChoices):
    """Kinds of data with a retention period of their own."""

    MASTER_DATA = "master_data", _("Stammdaten der Teilnehmenden")
    NOTES = "notes", _("Gesprächsnotizen")
    CONTACTS = "contacts", _("Beratungskontakte")
    DOCUMENTS = "documents", _("Dokumente")
    CONSENTS = "consents", _("Einwilligungen")
    AUDIT_LOG = "audit_log", _("Zugriffsprotokoll")


class RetentionPolicy(TimestampedModel):
    """A district's retention period for one data class, in days (at least the configured
    minimum). Without a policy the configured default applies."""

    district = models.ForeignKey(
        "organisation.District",
        verbose_name=_("Kreis"),
        on_delete=models.CASCADE,
        related_name="retention_policies",
    )
    data_class = models.CharField(_("Datenart"), max_length=20, choices=DataClass.choices)
    days = models.PositiveIntegerField(_("Aufbewahrung (Tage)"))
    updated_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = _("Aufbewahrungsfrist")
        verbose_name_plural = _("Aufbewahrungsfristen")
        ordering = ["district", "data_class"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "data_class"], name="retention_policy_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_data_class_display()}: {self.days}"


class LegalHold(TimestampedModel):
    """An obligation to keep a participant's data (court case, audit, …) until a day:
    neither the retention run nor an erasure touches the person while it is in force."""

    participant = models.ForeignKey(
        "cases.Participant", on_delete=models.CASCADE, related_name="legal_holds"
    )
    reason = models.CharField(_("Grund"), max_length=300)
    until = models.DateField(_("gilt bis"))
    created_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    lifted_on = models.DateField(_("aufgehoben am"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("Aufbewahrungspflicht")
        verbose_name_plural = _("Aufbewahrungspflichten")
        ordering = ["-until", "-pk"]
        indexes = [models.Index(fields=["participant", "until"], name="legal_hold_participant")]

    def __str__(self) -> str:
        return f"{self.until:%d.%m.%Y}"

    def is_in_force(self, day) -> bool:
        return self.lifted_on is None and self.until >= day


class RequestKind(models.TextChoices):
    ERASURE = "erasure", _("Löschung (Art. 17 DSGVO)")
    RESTRICTION = "restriction", _("Einschränkung der Verarbeitung (Art. 18 DSGVO)")


class LegalBasis(models.TextChoices):
    """The ground the person gives, by article and letter of the GDPR."""

    ART17_1A = "art17_1a", _("Art. 17 Abs. 1 lit. a: Zweck entfallen")
    ART17_1B = "art17_1b", _("Art. 17 Abs. 1 lit. b: Einwilligung widerrufen")
    ART17_1C = "art17_1c", _("Art. 17 Abs. 1 lit. c: Widerspruch")
    ART17_1D = "art17_1d", _("Art. 17 Abs. 1 lit. d: unrechtmäßig verarbeitet")
    ART17_1E = "art17_1e", _("Art. 17 Abs. 1 lit. e: rechtliche Verpflichtung zur Löschung")
    ART18_1A = "art18_1a", _("Art. 18 Abs. 1 lit. a: Richtigkeit bestritten")
    ART18_1B = "art18_1b", _("Art. 18 Abs. 1 lit. b: unrechtmäßig, Einschränkung statt Löschung")
    ART18_1C = "art18_1c", _("Art. 18 Abs. 1 lit. c: zur Geltendmachung von Rechtsansprüchen")
    ART18_1D = "art18_1d", _("Art. 18 Abs. 1 lit. d: Widerspruch eingelegt, Prüfung läuft")


BASES_BY_KIND = {
    RequestKind.ERASURE: [b for b in LegalBasis if b.value.startswith("art17")],
    RequestKind.RESTRICTION: [b for b in LegalBasis if b.value.startswith("art18")],
}


class Decision(models.TextChoices):
    OPEN = "open", _("offen")
    GRANTED = "granted", _("stattgegeben")
    REFUSED = "refused", _("abgelehnt")


class PrivacyRequest(TimestampedModel):
    """A data subject's request for erasure or restriction, its decision and its execution."""

    participant = models.ForeignKey(
        "cases.Participant", on_delete=models.CASCADE, related_name="privacy_requests"
    )
    kind = models.CharField(_("Art"), max_length=12, choices=RequestKind.choices)
    received_on = models.DateField(_("eingegangen am"))
    legal_basis = models.CharField(_("Rechtsgrundlage"), max_length=10, choices=LegalBasis.choices)
    note = models.CharField(_("Bemerkung"), max_length=300, blank=True)
    decision = models.CharField(
        _("Entscheidung"), max_length=8, choices=Decision.choices, default=Decision.OPEN
    )
    decision_reason = models.CharField(_("Begründung"), max_length=300, blank=True)
    decided_on = models.DateField(_("entschieden am"), null=True, blank=True)
    executed_at = models.DateTimeField(_("umgesetzt am"), null=True, blank=True)
    lifted_at = models.DateTimeField(_("aufgehoben am"), null=True, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    decided_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("Antrag nach DSGVO")
        verbose_name_plural = _("Anträge nach DSGVO")
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="privacy_request_decided_after_receipt",
                condition=Q(decided_on__isnull=True) | Q(decided_on__gte=F("received_on")),
            ),
        ]
        indexes = [models.Index(fields=["participant", "kind"], name="privacy_request_person")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.received_on:%d.%m.%Y}"


class Cause(models.TextChoices):
    RETENTION = "retention", _("Aufbewahrungsfrist abgelaufen")
    ERASURE = "erasure", _("Löschantrag (Art. 17 DSGVO)")


class AnonymisationRecord(models.Model):
    """That one data class of a participant was anonymised, when and why: the retention run
    skips what is done, and the proof of erasure stays after the person is gone."""

    participant = models.ForeignKey(
        "cases.Participant", on_delete=models.CASCADE, related_name="anonymisation_records"
    )
    data_class = models.CharField(_("Datenart"), max_length=20, choices=DataClass.choices)
    cause = models.CharField(_("Anlass"), max_length=10, choices=Cause.choices)
    done_at = models.DateTimeField(_("ausgeführt am"), auto_now_add=True)
    actor = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = _("Anonymisierung")
        verbose_name_plural = _("Anonymisierungen")
        ordering = ["-done_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "data_class"], name="anonymisation_once_per_class"
            )
        ]

    def __str__(self) -> str:
        return self.get_data_class_display()
