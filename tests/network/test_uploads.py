"""Which files the document library takes: by content, within the size limit."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from durchstarten.network.choices import FileType
from durchstarten.network.uploads import check_upload, detect_type
from tests.network.conftest import docx_bytes, odt_bytes, xlsx_bytes, zip_bytes
from tests.network.factories import PDF_BYTES


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def message(error: ValidationError) -> str:
    return " ".join(error.message_dict["file"])


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("konzept.pdf", PDF_BYTES, FileType.PDF),
        ("Handbuch.DOCX", docx_bytes(), FileType.DOCX),
        ("finanzen.xlsx", xlsx_bytes(), FileType.XLSX),
        ("protokoll.odt", odt_bytes(), FileType.ODT),
    ],
)
def test_it_accepts_the_four_types_by_content(name, content, kind):
    assert check_upload(upload(name, content)) == kind


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("programm.pdf", b"MZ\x90\x00" + b"\x00" * 100),  # a Windows program named .pdf
        ("seite.pdf", b"<html><script>alert(1)</script></html>"),
        ("bild.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50),
        ("archiv.docx", zip_bytes({"readme.txt": b"hallo"})),  # a zip, but no Office file
        ("tabelle.ods", zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"})),
        ("kaputt.docx", b"PK\x03\x04 not really a zip"),
    ],
)
def test_it_rejects_other_content_whatever_the_name(name, content):
    with pytest.raises(ValidationError) as error:
        check_upload(upload(name, content))
    assert "Diese Datei wird nicht angenommen" in message(error.value)


def test_it_rejects_a_name_that_does_not_fit_the_content():
    with pytest.raises(ValidationError) as error:
        check_upload(upload("konzept.exe", PDF_BYTES))
    assert message(error.value) == (
        "Die Dateiendung „.exe“ passt nicht zum Inhalt der Datei (PDF). "
        "Bitte laden Sie die Datei mit der richtigen Endung hoch."
    )
    with pytest.raises(ValidationError):
        check_upload(upload("handbuch.pdf", docx_bytes()))


def test_it_rejects_empty_files():
    with pytest.raises(ValidationError) as error:
        check_upload(upload("leer.pdf", b""))
    assert message(error.value) == "Die Datei ist leer."


def test_it_rejects_files_above_the_limit(settings):
    settings.DURCHSTARTEN_UPLOAD_MAX_BYTES = 1024 * 1024
    big = PDF_BYTES + b"0" * (1024 * 1024)
    with pytest.raises(ValidationError) as error:
        check_upload(upload("gross.pdf", big))
    assert message(error.value) == "Die Datei ist zu groß (1,0 MB). Erlaubt sind höchstens 1,0 MB."
    assert check_upload(upload("klein.pdf", PDF_BYTES)) == FileType.PDF


def test_it_allows_20_mb_by_default():
    exactly = PDF_BYTES + b"0" * (20 * 1024 * 1024 - len(PDF_BYTES))
    assert check_upload(upload("genau.pdf", exactly)) == FileType.PDF
    with pytest.raises(ValidationError):
        check_upload(upload("zuviel.pdf", exactly + b"0"))


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(min_size=1, max_size=200))
def test_it_recognises_nothing_in_random_bytes_without_a_known_signature(content):
    if content.startswith((b"%PDF-", b"PK\x03\x04")):
        return
    assert detect_type(upload("x.pdf", content)) is None
