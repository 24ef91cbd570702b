"""The network records of one side of the security world:
meetings, documents, partners and network activities.

Objects go into ``side.objects[(kind, index)]`` (index 1 = provider P1 or the district's own
record, 2 = provider P2) so that policy rows can point their URL arguments at them. Network
records belong to no provider: index 1 and 2 are simply two records of the district.

- meeting 1 has an open action item owned by the case manager (so it cannot be deleted),
  meeting 2 a done one owned by the second case manager;
- activity 1 was recorded by the case manager, activity 2 by the coordinator;
- the document files are written once under fixed names and reused by later runs.
"""

import datetime as dt

from django.core.files.base import ContentFile

from durchstarten.cases.services import tasks as task_services
from durchstarten.network.choices import ActivityKind, DocumentKind, FileType, MeetingFormat
from durchstarten.network.models import (
    ActionItem,
    Document,
    DocumentVersion,
    Meeting,
    NetworkActivity,
    Partner,
    PartnerContact,
)
from durchstarten.network.uploads import document_storage

PDF = b"%PDF-1.4\n% Sicherheitswelt\n%%EOF\n"


def _stored_file(name: str) -> str:
    storage = document_storage()
    path = f"network/security-world/{name}.pdf"
    if not storage.exists(path):
        saved = storage.save(path, ContentFile(PDF))
        assert saved == path
    return path


def build(side, day) -> None:
    """Add this area's records to the side (district ``side.district``)."""
    district, o, users = side.district, side.objects, side.users
    name = side.name
    coordinator = users["coordinator"]
    for index in (1, 2):
        partner = o[("partner", index)] = Partner.objects.create(
            district=district,
            name=f"Partner {name}{index}",
            kind="jobcenter",
            address=f"Straße {name}{index}",
            offering=f"Beratung {name}{index}",
            phone="05241 0000",
        )
        partner.municipalities.set([o[("municipality", index)]])
        o[("partner_contact", index)] = PartnerContact.objects.create(
            partner=partner, name=f"Kontakt {name}{index}", function="Sachbearbeitung"
        )
        meeting = o[("meeting", index)] = Meeting.objects.create(
            district=district,
            title=f"Sitzung {name}{index}",
            date=day - dt.timedelta(days=10 * index),
            format=MeetingFormat.IN_PERSON,
            place=f"Kreishaus {name}{index}",
            agenda=f"Punkt {name}{index}",
            minutes=f"Protokoll {name}{index}",
            decisions=f"Beschluss {name}{index}",
            created_by=coordinator,
        )
        meeting.providers.set([o[("provider", index)]])
        meeting.partners.set([partner])
        owner = users["case_manager" if index == 1 else "case_manager_2"]
        task = task_services.task_create(
            actor=coordinator,
            district=district,
            title=f"Steuerungsgruppe: Aufgabe {name}{index}",
            due_date=day + dt.timedelta(days=5),
            assignee=owner,
        )
        if index == 2:
            task_services.task_complete(actor=owner, task=task)
        o[("action_item", index)] = ActionItem.objects.create(
            meeting=meeting, text=f"Aufgabe {name}{index}", task=task
        )
        document = o[("document", index)] = Document.objects.create(
            district=district,
            kind=DocumentKind.CONCEPT if index == 1 else DocumentKind.QUALITY_MANUAL,
            title=f"Dokument {name}{index}",
            description=f"Beschreibung {name}{index}",
        )
        o[("document_version", index)] = DocumentVersion.objects.create(
            document=document,
            number=1,
            file=_stored_file(f"{name}{index}"),
            file_type=FileType.PDF,
            original_name=f"datei-{name}{index}.pdf",
            size=len(PDF),
            sha256="0" * 64,
            change_note=f"Fassung {name}{index}",
            uploaded_by=coordinator,
        )
        activity = o[("activity", index)] = NetworkActivity.objects.create(
            district=district,
            date=day - dt.timedelta(days=index),
            kind=ActivityKind.VISIT,
            municipality=o[("municipality", index)],
            description=f"Besuch {name}{index}",
            recorded_by=users["case_manager"] if index == 1 else coordinator,
        )
        activity.partners.set([partner])
