from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from durchstarten.core.models import TimestampedModel

USER = settings.AUTH_USER_MODEL


class ImportKind(models.TextChoices):
    PARTICIPANTS = "participants", _("Teilnehmende")
    OFFERS = "offers", _("Angebote")


class BatchStatus(models.TextChoices):
    QUEUED = "queued", _("wartet auf Prüfung")
    ANALYSING = "analysing", _("wird geprüft")
    READY = "ready", _("geprüft, wartet auf Bestätigung")
    IMPORTING = "importing", _("wird übernommen")
    DONE = "done", _("übernommen")
    FAILED = "failed", _("fehlgeschlagen, nichts übernommen")
    UNDONE = "undone", _("rückgängig gemacht")


RUNNING_STATUSES = frozenset({BatchStatus.QUEUED, BatchStatus.ANALYSING, BatchStatus.IMPORTING})


class RowStatus(models.TextChoices):
    VALID = "valid", _("gültig")
    INVALID = "invalid", _("fehlerhaft")
    IMPORTED = "imported", _("übernommen")
    SKIPPED = "skipped", _("übersprungen")
    REJECTED = "rejected", _("abgelehnt")


class Decision(models.TextChoices):
    NEW = "new", _("neu anlegen")
    SKIP = "skip", _("überspringen")
    MERGE = "merge", _("zusammenführen")


class ColumnMapping(TimestampedModel):
    """A district's own names for the columns of its lists: file header -> column key
    (an empty key ignores the column). Used for every later import of that kind."""

    district = models.ForeignKey(
        "organisation.District", on_delete=models.CASCADE, related_name="import_mappings"
    )
    kind = models.CharField(_("Art"), max_length=20, choices=ImportKind.choices)
    mapping = models.JSONField(_("Zuordnung"), default=dict, blank=True)
    updated_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("Spaltenzuordnung")
        verbose_name_plural = _("Spaltenzuordnungen")
        constraints = [
            models.UniqueConstraint(fields=["district", "kind"], name="import_mapping_unique")
        ]

    def __str__(self) -> str:
        return f"{self.district} · {self.get_kind_display()}"


class ImportBatch(TimestampedModel):
    """One uploaded list, from the check to the import (and its undo)."""

    district = models.ForeignKey(
        "organisation.District",
        verbose_name=_("Kreis"),
        on_delete=models.PROTECT,
        related_name="import_batches",
    )
    kind = models.CharField(_("Art"), max_length=20, choices=ImportKind.choices)
    file_name = models.CharField(_("Dateiname"), max_length=255)
    # The upload, kept under a random name only until the import is done.
    file = models.CharField(max_length=255, blank=True, editable=False)
    status = models.CharField(
        _("Stand"), max_length=12, choices=BatchStatus.choices, default=BatchStatus.QUEUED
    )
    skip_invalid = models.BooleanField(_("nur gültige Zeilen übernehmen"), default=False)
    headers = models.JSONField(default=list, blank=True)
    header_row = models.PositiveIntegerField(null=True, blank=True)
    # Column index (as text) -> column key, as used for this file.
    mapping = models.JSONField(default=dict, blank=True)
    unknown_headers = models.JSONField(default=list, blank=True)
    error = models.TextField(_("Fehler"), blank=True)
    total_rows = models.PositiveIntegerField(_("Zeilen"), default=0)
    invalid_rows = models.PositiveIntegerField(_("fehlerhaft"), default=0)
    duplicate_rows = models.PositiveIntegerField(_("mögliche Dubletten"), default=0)
    imported_rows = models.PositiveIntegerField(_("übernommen"), default=0)
    skipped_rows = models.PositiveIntegerField(_("übersprungen"), default=0)
    rejected_rows = models.PositiveIntegerField(_("abgelehnt"), default=0)
    merged_rows = models.PositiveIntegerField(_("zusammengeführt"), default=0)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        USER,
        verbose_name=_("hochgeladen von"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    imported_at = models.DateTimeField(_("übernommen am"), null=True, blank=True)
    undone_at = models.DateTimeField(_("rückgängig gemacht am"), null=True, blank=True)
    undone_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("Import")
        verbose_name_plural = _("Importe")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["district", "kind", "-created_at"], name="import_batch_district")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.created_at:%d.%m.%Y %H:%M}"

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING_STATUSES

    @property
    def percent(self) -> int:
        if not self.progress_total:
            return 0
        return min(100, round(100 * self.progress_done / self.progress_total))


class ImportRow(models.Model):
    """One data row of a batch: its cells (kept until imported, and for rejected rows), its
    errors, suspected duplicates, the user's decision and the records it created."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="rows")
    number = models.PositiveIntegerField(_("Zeile"))
    cells = models.JSONField(default=list, blank=True)
    status = models.CharField(_("Stand"), max_length=10, choices=RowStatus.choices)
    # [{"column": header, "message": German text}]
    errors = models.JSONField(default=list, blank=True)
    # [{"participant": public id | None, "row": number | None, "score": float, "reasons": [...]}]
    duplicates = models.JSONField(default=list, blank=True)
    decision = models.CharField(
        _("Entscheidung"), max_length=8, choices=Decision.choices, default=Decision.NEW
    )
    # For a merge: the public id of an existing participant or "row:<number>" of this file.
    merge_target = models.CharField(max_length=64, blank=True)
    participant = models.ForeignKey(
        "cases.Participant", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    offer = models.ForeignKey(
        "offers.Offer", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # [[model label, pk, fingerprint]] of every record the row created, taken after the import.
    created = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("Importzeile")
        verbose_name_plural = _("Importzeilen")
        ordering = ["batch", "number"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "number"], name="import_row_unique")
        ]
        indexes = [models.Index(fields=["batch", "status"], name="import_row_status")]

    def __str__(self) -> str:
        return str(self.number)
