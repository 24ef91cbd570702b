"""Where programme documents are stored and which files are accepted.

Files live under MEDIA_ROOT (or ``var/media`` while it is not configured), never in the
static tree, under a random name: nothing the uploader typed reaches the file system. They
are served only by the download view, which checks the district first.
"""

import hashlib
import uuid
import zipfile
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from durchstarten.network.choices import FileType

# Overridable with the setting DURCHSTARTEN_UPLOAD_MAX_BYTES.
DEFAULT_MAX_BYTES = 20 * 1024 * 1024

EXTENSIONS = {
    FileType.PDF: ".pdf",
    FileType.DOCX: ".docx",
    FileType.XLSX: ".xlsx",
    FileType.ODT: ".odt",
}
ACCEPT = ",".join(EXTENSIONS.values())
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"

FILE_EMPTY = _("Die Datei ist leer.")
FILE_TOO_LARGE = _("Die Datei ist zu groß (%(size)s MB). Erlaubt sind höchstens %(limit)s MB.")
FILE_TYPE_UNKNOWN = _(
    "Diese Datei wird nicht angenommen. Erlaubt sind PDF-, Word- (DOCX), Excel- (XLSX) und "
    "OpenDocument-Textdateien (ODT)."
)
FILE_EXTENSION_MISMATCH = _(
    "Die Dateiendung „%(extension)s“ passt nicht zum Inhalt der Datei (%(kind)s). "
    "Bitte laden Sie die Datei mit der richtigen Endung hoch."
)


class DocumentStorage(FileSystemStorage):
    """MEDIA_ROOT, or ``<var>/media`` while MEDIA_ROOT is not set, so that a missing setting
    never writes into the working directory. No base URL: files are not served directly."""

    @cached_property
    def base_location(self):
        configured = self._value_or_setting(self._location, settings.MEDIA_ROOT)
        return configured or str(PurePath(settings.VAR_DIR) / "media")


_storage = DocumentStorage()


def document_storage() -> DocumentStorage:
    return _storage


def version_upload_to(instance, filename: str) -> str:
    """A random name with the extension of the recognised type; the upload's name is ignored."""
    district = instance.document.district.public_id
    extension = EXTENSIONS.get(instance.file_type, "")
    return f"network/documents/{district}/{uuid.uuid4().hex}{extension}"


def max_bytes() -> int:
    return getattr(settings, "DURCHSTARTEN_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")


def _zip_type(upload) -> FileType | None:
    """DOCX, XLSX or ODT by the archive's inner structure (only the directory is read)."""
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.getinfo("mimetype").file_size <= 100:
                if archive.read("mimetype").strip() == ODT_MIMETYPE:
                    return FileType.ODT
                return None
            if "[Content_Types].xml" in names:
                if "word/document.xml" in names:
                    return FileType.DOCX
                if "xl/workbook.xml" in names:
                    return FileType.XLSX
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError):
        return None
    return None


def detect_type(upload) -> FileType | None:
    """The file's type from its content (magic bytes and structure), not from its name."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    kind = None
    if head.startswith(b"%PDF-"):
        kind = FileType.PDF
    elif head.startswith(b"PK\x03\x04"):
        kind = _zip_type(upload)
    upload.seek(0)
    return kind


def check_upload(upload) -> FileType:
    """Size and type of an uploaded file; raises a German ValidationError on the `file` field."""
    size = upload.size or 0
    if size == 0:
        raise ValidationError({"file": FILE_EMPTY}, code="empty")
    limit = max_bytes()
    if size > limit:
        raise ValidationError(
            {"file": FILE_TOO_LARGE % {"size": _megabytes(size), "limit": _megabytes(limit)}},
            code="too_large",
        )
    kind = detect_type(upload)
    if kind is None:
        raise ValidationError({"file": FILE_TYPE_UNKNOWN}, code="file_type")
    extension = PurePath(upload.name or "").suffix.lower()
    if extension != EXTENSIONS[kind]:
        raise ValidationError(
            {
                "file": FILE_EXTENSION_MISMATCH
                % {"extension": extension or str(_("keine")), "kind": FileType(kind).label}
            },
            code="extension",
        )
    return kind


def sha256_of(upload) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()
