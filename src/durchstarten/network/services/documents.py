"""The programme documents and their versions (uploads checked in network.uploads)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from durchstarten.core.audit import log_action
from durchstarten.core.models import User
from durchstarten.core.scoping import require_role
from durchstarten.core.services import save_with_version
from durchstarten.network.models import Document, DocumentVersion
from durchstarten.network.selectors import DOCUMENT_READERS
from durchstarten.network.services._common import MANAGING_ROLES, changed_fields
from durchstarten.network.uploads import check_upload, document_storage, sha256_of
from durchstarten.organisation.models import District

DOCUMENT_FIELDS = ("kind", "title", "description")

TITLE_TAKEN = _("Es gibt in Ihrem Kreis bereits ein Dokument mit diesem Titel.")


def _check_title(document: Document) -> None:
    others = Document.objects.filter(district_id=document.district_id, title=document.title)
    if document.pk is not None:
        others = others.exclude(pk=document.pk)
    if others.exists():
        raise ValidationError({"title": TITLE_TAKEN}, code="title_taken")


def _store_version(*, actor: User, document: Document, file, change_note: str) -> DocumentVersion:
    """Check the upload, number it after the latest version and write it to the storage."""
    file_type = check_upload(file)
    # The row lock serialises uploads to one document, so two cannot take the same number.
    Document.objects.select_for_update().filter(pk=document.pk).first()
    latest = document.versions.aggregate(latest=Max("number"))["latest"] or 0
    version = DocumentVersion(
        document=document,
        number=latest + 1,
        file_type=file_type,
        original_name=(file.name or "")[-255:],
        size=file.size,
        sha256=sha256_of(file),
        change_note=change_note.strip(),
        uploaded_by=actor,
    )
    version.full_clean(exclude=["file"])
    # upload_to ignores the name given here and makes a random one.
    version.file.save("upload", file, save=False)
    try:
        version.save()
    except Exception:
        version.file.delete(save=False)
        raise
    log_action(
        "network.document.version_added",
        actor=actor,
        obj=document,
        data={
            "version": str(version.public_id),
            "number": version.number,
            "file_type": file_type,
            "size": version.size,
            "sha256": version.sha256,
        },
    )
    return version


@transaction.atomic
def document_create(
    *,
    actor: User,
    district: District,
    kind: str,
    title: str,
    file,
    description: str = "",
    change_note: str = "",
) -> Document:
    """A new document with its first version."""
    require_role(actor, district.pk, MANAGING_ROLES)
    document = Document(district=district, kind=kind, title=title.strip(), description=description)
    _check_title(document)
    # The file is checked before anything is written, so a bad upload leaves no document.
    check_upload(file)
    document.full_clean(validate_constraints=False)
    document.save()
    log_action("network.document.created", actor=actor, obj=document, data={"kind": kind})
    _store_version(actor=actor, document=document, file=file, change_note=change_note)
    return document


@transaction.atomic
def version_add(*, actor: User, document: Document, file, change_note: str = "") -> DocumentVersion:
    """Upload a new version; it becomes the current one, the older ones stay available."""
    require_role(actor, document.district_id, MANAGING_ROLES)
    return _store_version(actor=actor, document=document, file=file, change_note=change_note)


@transaction.atomic
def document_update(*, actor: User, document: Document, version: int, **fields) -> Document:
    require_role(actor, document.district_id, MANAGING_ROLES)
    if "title" in fields:
        fields["title"] = fields["title"].strip()
    changed = changed_fields(document, DOCUMENT_FIELDS, fields)
    _check_title(document)
    document.full_clean(validate_constraints=False)
    save_with_version(document, expected_version=version, fields=changed)
    log_action("network.document.changed", actor=actor, obj=document, data={"fields": changed})
    return document


@transaction.atomic
def document_delete(*, actor: User, document: Document) -> None:
    """Delete the document with every version; the files go once the deletion is committed."""
    require_role(actor, document.district_id, MANAGING_ROLES)
    names = list(document.versions.values_list("file", flat=True))
    log_action("network.document.deleted", actor=actor, obj=document, data={"versions": len(names)})
    document.delete()
    storage = document_storage()
    transaction.on_commit(lambda: [storage.delete(name) for name in names if name])


def version_downloaded(*, actor: User, version: DocumentVersion) -> None:
    """Record who fetched which version (reads of programme documents are logged)."""
    require_role(actor, version.document.district_id, DOCUMENT_READERS)
    log_action(
        "network.document.downloaded",
        actor=actor,
        obj=version.document,
        data={"version": str(version.public_id), "number": version.number},
    )
