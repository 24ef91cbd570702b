"""Network records written directly (tests of services create theirs through the services)."""

import datetime as dt
import hashlib

import factory
from django.core.files.base import ContentFile

from durchstarten.network.choices import ActivityKind, DocumentKind, FileType, MeetingFormat
from durchstarten.network.models import (
    Document,
    DocumentVersion,
    Meeting,
    NetworkActivity,
    Partner,
    PartnerContact,
)
from tests.factories import DistrictFactory

PDF_BYTES = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner
        skip_postgeneration_save = True

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"Partner {n}")
    kind = "counselling_service"

    @factory.post_generation
    def municipalities(self, create, extracted, **kwargs):
        if create and extracted:
            self.municipalities.set(extracted)


class PartnerContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerContact

    partner = factory.SubFactory(PartnerFactory)
    name = factory.Sequence(lambda n: f"Ansprechperson {n}")
    function = "Sachbearbeitung"


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    district = factory.SubFactory(DistrictFactory)
    title = factory.Sequence(lambda n: f"Sitzung {n}")
    date = dt.date(2026, 3, 10)
    format = MeetingFormat.IN_PERSON
    place = "Kreishaus"


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    district = factory.SubFactory(DistrictFactory)
    kind = DocumentKind.CONCEPT
    title = factory.Sequence(lambda n: f"Dokument {n}")


class DocumentVersionFactory(factory.django.DjangoModelFactory):
    """A version with a small PDF (needs a MEDIA_ROOT: the tests' `media` fixture)."""

    class Meta:
        model = DocumentVersion

    document = factory.SubFactory(DocumentFactory)
    number = factory.Sequence(lambda n: n + 1)
    file_type = FileType.PDF
    file = factory.LazyFunction(lambda: ContentFile(PDF_BYTES, name="upload"))
    original_name = "konzept.pdf"
    size = len(PDF_BYTES)
    sha256 = hashlib.sha256(PDF_BYTES).hexdigest()


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NetworkActivity
        skip_postgeneration_save = True

    district = factory.SubFactory(DistrictFactory)
    date = dt.date(2026, 5, 4)
    kind = ActivityKind.VISIT
    description = "Besuch im Sozialamt"

    @factory.post_generation
    def partners(self, create, extracted, **kwargs):
        if create and extracted:
            self.partners.set(extracted)
