"""The local network: steering-group meetings, programme documents, partners, activities.

None of these records holds participants' personal data; partner contacts are staff
contact data of other organisations.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from durchstarten.core.models import TimestampedModel
from durchstarten.network.choices import (
    ActivityKind,
    DocumentKind,
    FileType,
    MeetingFormat,
    PartnerKind,
)
from durchstarten.network.uploads import document_storage, version_upload_to

USER = settings.AUTH_USER_MODEL


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


# --- Partner directory -----------------------------------------------------------------------


class Partner(TimestampedModel):
    """An organisation of the local network the programme works with (not a Träger)."""

    district = models.ForeignKey(
        "organisation.District",
        verbose_name=_("Kreis"),
        on_delete=models.PROTECT,
        related_name="network_partners",
    )
    name = models.CharField(_("Name"), max_length=200)
    kind = models.CharField(_("Art"), max_length=30, choices=PartnerKind.choices)
    # Empty means the partner serves the whole district.
    municipalities = models.ManyToManyField(
        "organisation.Municipality",
        verbose_name=_("zuständig für (Kommunen)"),
        related_name="network_partners",
        blank=True,
    )
    address = models.TextField(_("Anschrift"), blank=True)
    offering = models.TextField(_("Angebot und Leistungen"), blank=True)
    website = models.URLField(_("Internetseite"), max_length=300, blank=True)
    email = models.EmailField(_("E-Mail"), blank=True)
    phone = models.CharField(_("Telefon"), max_length=40, blank=True)
    specialist_offers = models.ManyToManyField(
        "offers.Offer",
        verbose_name=_("Fachstellen-Angebote"),
        related_name="network_partners",
        blank=True,
    )
    is_active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        verbose_name = _("Netzwerkpartner")
        verbose_name_plural = _("Netzwerkpartner")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "name"], name="partner_name_unique_in_district"
            )
        ]

    def __str__(self) -> str:
        return self.name


class PartnerContact(TimestampedModel):
    """A contact person at a partner: staff contact data, not participant data."""

    partner = models.ForeignKey(
        Partner, verbose_name=_("Partner"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("Name"), max_length=150)
    function = models.CharField(_("Funktion"), max_length=150, blank=True)
    phone = models.CharField(_("Telefon"), max_length=40, blank=True)
    email = models.EmailField(_("E-Mail"), blank=True)

    class Meta:
        verbose_name = _("Ansprechperson")
        verbose_name_plural = _("Ansprechpersonen")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


# --- Steering group ---------------------------------------------------------------------------


class Meeting(TimestampedModel):
    """A meeting of the district's steering group (Bündniskerngruppe)."""

    district = models.ForeignKey(
        "organisation.District",
        verbose_name=_("Kreis"),
        on_delete=models.PROTECT,
        related_name="steering_meetings",
    )
    title = models.CharField(_("Titel"), max_length=200)
    date = models.DateField(_("Datum"))
    start_time = models.TimeField(_("Beginn"), null=True, blank=True)
    end_time = models.TimeField(_("Ende"), null=True, blank=True)
    format = models.CharField(_("Form"), max_length=12, choices=MeetingFormat.choices)
    place = models.CharField(_("Ort"), max_length=200, blank=True)
    link = models.URLField(_("Link zur Videokonferenz"), max_length=500, blank=True)
    providers = models.ManyToManyField(
        "organisation.Provider",
        verbose_name=_("teilnehmende Träger"),
        related_name="steering_meetings",
        blank=True,
    )
    partners = models.ManyToManyField(
        Partner,
        verbose_name=_("teilnehmende Netzwerkpartner"),
        related_name="steering_meetings",
        blank=True,
    )
    other_attendees = models.TextField(_("weitere teilnehmende Organisationen"), blank=True)
    agenda = models.TextField(_("Tagesordnung"), blank=True)
    minutes = models.TextField(_("Protokoll"), blank=True)
    decisions = models.TextField(_("Beschlüsse"), blank=True)
    created_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("Sitzung der Steuerungsgruppe")
        verbose_name_plural = _("Sitzungen der Steuerungsgruppe")
        ordering = ["-date", "-start_time"]
        indexes = [models.Index(fields=["district", "date"], name="meeting_district_date")]
        constraints = [
            models.CheckConstraint(
                name="meeting_times_ordered",
                condition=Q(start_time__isnull=True)
                | Q(end_time__isnull=True)
                | Q(end_time__gte=F("start_time")),
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def agenda_items(self) -> list[str]:
        return _lines(self.agenda)

    @property
    def decision_list(self) -> list[str]:
        return _lines(self.decisions)

    @property
    def other_attendee_list(self) -> list[str]:
        return _lines(self.other_attendees)


class ActionItem(TimestampedModel):
    """A task agreed in a meeting. Owner, due date and completion live in the linked
    cases.Task, so the owner's task list and the meeting always agree."""

    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("Sitzung"),
        on_delete=models.CASCADE,
        related_name="action_items",
    )
    text = models.CharField(_("Aufgabe"), max_length=160)
    # PROTECT: the link is the only way from the task back to the meeting.
    task = models.OneToOneField(
        "cases.Task",
        verbose_name=_("Wiedervorlage"),
        on_delete=models.PROTECT,
        related_name="steering_action_item",
    )

    class Meta:
        verbose_name = _("Aufgabe aus der Steuerungsgruppe")
        verbose_name_plural = _("Aufgaben aus der Steuerungsgruppe")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def is_done(self) -> bool:
        return self.task.done_at is not None


# --- Document library -------------------------------------------------------------------------


class Document(TimestampedModel):
    """A programme document (Gesamtkonzept, Qualitätshandbuch, …) with its versions."""

    district = models.ForeignKey(
        "organisation.District",
        verbose_name=_("Kreis"),
        on_delete=models.PROTECT,
        related_name="programme_documents",
    )
    kind = models.CharField(_("Art"), max_length=20, choices=DocumentKind.choices)
    title = models.CharField(_("Titel"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)

    class Meta:
        verbose_name = _("Dokument")
        verbose_name_plural = _("Dokumente")
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "title"], name="document_title_unique_in_district"
            )
        ]

    def __str__(self) -> str:
        return self.title


class DocumentVersion(models.Model):
    """One uploaded file of a document; numbers count up from 1 per document."""

    public_id = models.UUIDField(
        _("öffentliche ID"), default=uuid.uuid4, unique=True, editable=False
    )
    document = models.ForeignKey(
        Document, verbose_name=_("Dokument"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("Fassung"))
    file = models.FileField(
        _("Datei"), upload_to=version_upload_to, storage=document_storage, max_length=200
    )
    file_type = models.CharField(_("Dateityp"), max_length=8, choices=FileType.choices)
    # Shown to say which file this was; never used as a path or as the download name.
    original_name = models.CharField(_("ursprünglicher Dateiname"), max_length=255)
    size = models.PositiveBigIntegerField(_("Größe (Bytes)"))
    sha256 = models.CharField(_("Prüfsumme (SHA-256)"), max_length=64, editable=False)
    change_note = models.CharField(_("Änderungshinweis"), max_length=500, blank=True)
    uploaded_by = models.ForeignKey(
        USER,
        verbose_name=_("hochgeladen von"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("hochgeladen am"), default=timezone.now)

    class Meta:
        verbose_name = _("Fassung")
        verbose_name_plural = _("Fassungen")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "number"], name="document_version_number_unique"
            ),
            models.CheckConstraint(
                name="document_version_number_positive", condition=Q(number__gte=1)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document} · {self.number}"


# --- Network activities -----------------------------------------------------------------------


class NetworkActivity(TimestampedModel):
    """One piece of network work: a visit, a meeting, an information event, a call."""

    district = models.ForeignKey(
        "organisation.District",
        verbose_name=_("Kreis"),
        on_delete=models.PROTECT,
        related_name="network_activities",
    )
    date = models.DateField(_("Datum"))
    kind = models.CharField(_("Art"), max_length=20, choices=ActivityKind.choices)
    # Empty means the activity concerned the whole district.
    municipality = models.ForeignKey(
        "organisation.Municipality",
        verbose_name=_("Kommune"),
        on_delete=models.PROTECT,
        related_name="network_activities",
        null=True,
        blank=True,
    )
    partners = models.ManyToManyField(
        Partner,
        verbose_name=_("beteiligte Partner"),
        related_name="activities",
        blank=True,
    )
    description = models.TextField(_("Kurzbeschreibung"))
    recorded_by = models.ForeignKey(
        USER,
        verbose_name=_("erfasst von"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("Netzwerkaktivität")
        verbose_name_plural = _("Netzwerkaktivitäten")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["district", "date"], name="activity_district_date")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%d.%m.%Y}"
