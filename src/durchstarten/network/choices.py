from django.db import models
from django.utils.translation import gettext_lazy as _


class MeetingFormat(models.TextChoices):
    IN_PERSON = "in_person", _("in Präsenz")
    DIGITAL = "digital", _("digital")
    HYBRID = "hybrid", _("hybrid")


class DocumentKind(models.TextChoices):
    CONCEPT = "concept", _("Gesamtkonzept")
    QUALITY_MANUAL = "quality_manual", _("Qualitätshandbuch")
    WORK_MANUAL = "work_manual", _("Arbeitshandbuch")
    OTHER = "other", _("sonstiges Dokument")


class FileType(models.TextChoices):
    """The file types the document library accepts, recognised by their content."""

    PDF = "pdf", _("PDF")
    DOCX = "docx", _("Word (DOCX)")
    XLSX = "xlsx", _("Excel (XLSX)")
    ODT = "odt", _("OpenDocument-Text (ODT)")


MIME_TYPES = {
    FileType.PDF: "application/pdf",
    FileType.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    FileType.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    FileType.ODT: "application/vnd.oasis.opendocument.text",
}


class PartnerKind(models.TextChoices):
    SOCIAL_WELFARE_OFFICE = "social_welfare_office", _("Sozialamt")
    FOREIGNERS_AUTHORITY = "foreigners_authority", _("Ausländerbehörde")
    JOBCENTER = "jobcenter", _("Jobcenter")
    VOCATIONAL_COLLEGE = "vocational_college", _("Berufskolleg")
    VOLUNTEER_GROUP = "volunteer_group", _("Ehrenamtsinitiative")
    COUNSELLING_SERVICE = "counselling_service", _("Beratungsstelle")
    OTHER = "other", _("sonstiger Partner")


class ActivityKind(models.TextChoices):
    VISIT = "visit", _("Besuch")
    MEETING = "meeting", _("Treffen / Gremium")
    INFORMATION_EVENT = "information_event", _("Informationsveranstaltung")
    PHONE_EMAIL = "phone_email", _("Telefonat / E-Mail")
    OTHER = "other", _("sonstige Aktivität")
