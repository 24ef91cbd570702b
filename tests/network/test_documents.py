"""The document library: versions, storage, download and who may see what."""

import hashlib
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from durchstarten.core.models import AuditEntry
from durchstarten.network.choices import DocumentKind, FileType
from durchstarten.network.models import Document, DocumentVersion
from durchstarten.network.services import documents as services
from tests.core.filtering import get_filtered
from tests.network.conftest import docx_bytes, odt_bytes
from tests.network.factories import PDF_BYTES, DocumentFactory, DocumentVersionFactory


def upload(name="konzept.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def document(coordinator, district):
    return services.document_create(
        actor=coordinator,
        district=district,
        kind=DocumentKind.CONCEPT,
        title="Gesamtkonzept Kreis Gütersloh",
        file=upload(),
        change_note="beschlossen am 10.03.2026",
    )


def _url(name, obj=None):
    if obj is None:
        return reverse(f"network:{name}")
    return reverse(f"network:{name}", kwargs={"public_id": obj.public_id})


# --- Services ----------------------------------------------------------------------------------


def test_it_creates_a_document_with_version_one(document, coordinator, media):
    version = document.versions.get()
    assert version.number == 1
    assert version.file_type == FileType.PDF
    assert version.original_name == "konzept.pdf"
    assert version.uploaded_by == coordinator
    assert version.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    stored = Path(version.file.path)
    assert stored.read_bytes() == PDF_BYTES
    assert media in stored.parents


def test_it_stores_files_under_a_random_name(coordinator, document):
    evil = "../../../etc/passwd ; rm -rf.docx"
    version = services.version_add(
        actor=coordinator, document=document, file=upload(evil, docx_bytes())
    )
    name = version.file.name
    assert name.startswith(f"network/documents/{document.district.public_id}/")
    assert name.endswith(".docx")
    assert "passwd" not in name and ".." not in name and " " not in name
    assert version.original_name == "passwd ; rm -rf.docx"  # only the base name is kept


def test_it_numbers_versions_upwards_and_keeps_the_old_ones(coordinator, document):
    second = services.version_add(
        actor=coordinator, document=document, file=upload("v2.odt", odt_bytes())
    )
    third = services.version_add(
        actor=coordinator, document=document, file=upload("v3.pdf"), change_note="Kapitel 4 neu"
    )
    assert [v.number for v in document.versions.order_by("number")] == [1, 2, 3]
    assert (second.number, third.number) == (2, 3)
    assert third.change_note == "Kapitel 4 neu"
    assert document.versions.first() == third  # newest first
    assert all(Path(v.file.path).exists() for v in document.versions.all())


def test_it_refuses_a_bad_upload_without_leaving_anything(coordinator, district, media):
    with pytest.raises(ValidationError) as error:
        services.document_create(
            actor=coordinator,
            district=district,
            kind=DocumentKind.OTHER,
            title="Schadsoftware",
            file=upload("rechnung.pdf", b"MZ\x90\x00not a pdf"),
        )
    assert "file" in error.value.message_dict
    assert not Document.objects.exists()
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_it_refuses_a_second_document_with_the_same_title(coordinator, district, document):
    with pytest.raises(ValidationError) as error:
        services.document_create(
            actor=coordinator,
            district=district,
            kind=DocumentKind.OTHER,
            title=" Gesamtkonzept Kreis Gütersloh ",
            file=upload(),
        )
    assert error.value.message_dict["title"] == [
        "Es gibt in Ihrem Kreis bereits ein Dokument mit diesem Titel."
    ]


@pytest.mark.parametrize("role", ["case_manager", "coach", "provider_staff", "outsider"])
def test_it_lets_only_the_districts_coordinators_upload(request, role, document):
    with pytest.raises(PermissionDenied):
        services.version_add(actor=request.getfixturevalue(role), document=document, file=upload())
    assert document.versions.count() == 1


def test_it_refuses_a_stale_edit(coordinator, document):
    services.document_update(
        actor=coordinator, document=document, version=1, title="Gesamtkonzept 2026"
    )
    with pytest.raises(ValidationError) as error:
        services.document_update(
            actor=coordinator, document=document, version=1, title="Gesamtkonzept alt"
        )
    assert error.value.code == "stale"


def test_it_deletes_the_files_with_the_document(
    coordinator, document, django_capture_on_commit_callbacks
):
    services.version_add(actor=coordinator, document=document, file=upload("v2.pdf"))
    paths = [Path(v.file.path) for v in document.versions.all()]
    assert all(p.exists() for p in paths)
    with django_capture_on_commit_callbacks(execute=True):
        services.document_delete(actor=coordinator, document=document)
    assert not DocumentVersion.objects.exists()
    assert not any(p.exists() for p in paths)
    assert AuditEntry.objects.filter(action="network.document.deleted").exists()


# --- Views: access ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["coordinator", "case_manager"])
def test_it_shows_the_library_to_district_staff(request, client, role, document):
    client.force_login(request.getfixturevalue(role))
    body = client.get(_url("document_list")).content.decode()
    assert "Gesamtkonzept Kreis Gütersloh" in body
    detail = client.get(_url("document_detail", document)).content.decode()
    assert "beschlossen am 10.03.2026" in detail


@pytest.mark.parametrize("role", ["coach", "provider_staff", "state_analyst"])
def test_it_forbids_the_library_to_other_roles(request, client, role, document):
    client.force_login(request.getfixturevalue(role))
    version = document.versions.get()
    assert client.get(_url("document_list")).status_code == 403
    assert client.get(_url("document_detail", document)).status_code == 403
    assert client.get(_url("version_download", version)).status_code == 403


def test_it_hides_other_districts_documents(client, outsider, document):
    client.force_login(outsider)
    version = document.versions.get()
    assert client.get(_url("document_detail", document)).status_code == 404
    assert client.get(_url("version_download", version)).status_code == 404
    assert client.get(_url("version_create", document)).status_code == 404
    assert "Kreis Gütersloh" not in client.get(_url("document_list")).content.decode()


def test_it_offers_upload_and_edit_only_to_coordinators(client, case_manager, document):
    client.force_login(case_manager)
    body = client.get(_url("document_detail", document)).content.decode()
    assert _url("version_create", document) not in body
    assert client.get(_url("version_create", document)).status_code == 403
    assert client.post(_url("document_delete", document)).status_code == 403


# --- Views: upload and download -----------------------------------------------------------------


def test_it_serves_exactly_the_uploaded_bytes_as_attachment(client, case_manager, document):
    client.force_login(case_manager)
    version = document.versions.get()
    response = client.get(_url("version_download", version))
    assert response.status_code == 200
    assert response.content == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="gesamtkonzept-kreis-gutersloh-fassung-1.pdf"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert (
        response["Content-Security-Policy"] == "sandbox; default-src 'none'; frame-ancestors 'none'"
    )
    assert "no-store" in response["Cache-Control"]
    entry = AuditEntry.objects.get(action="network.document.downloaded")
    assert entry.actor == case_manager
    assert entry.object_id == str(document.public_id)
    assert entry.data == {"version": str(version.public_id), "number": 1}


def test_it_uploads_a_new_version_through_the_page(client, coordinator, document):
    client.force_login(coordinator)
    content = docx_bytes()
    response = client.post(
        _url("version_create", document),
        {"file": upload("handbuch neu.docx", content), "change_note": "Anlage 3 ergänzt"},
    )
    assert response.status_code == 302
    latest = document.versions.first()
    assert latest.number == 2
    assert latest.file_type == FileType.DOCX
    downloaded = client.get(_url("version_download", latest))
    assert downloaded.content == content
    assert downloaded["Content-Type"].endswith("wordprocessingml.document")
    body = client.get(_url("document_list")).content.decode()
    assert _url("version_download", latest) in body  # the list links the current version


def test_it_explains_a_rejected_upload_in_german(client, coordinator, document, settings):
    client.force_login(coordinator)
    response = client.post(
        _url("version_create", document), {"file": upload("bild.pdf", b"\x89PNG\r\n\x1a\n")}
    )
    assert response.status_code == 200
    assert "Diese Datei wird nicht angenommen." in response.content.decode()
    settings.DURCHSTARTEN_UPLOAD_MAX_BYTES = 10
    response = client.post(_url("version_create", document), {"file": upload()})
    assert "Die Datei ist zu groß" in response.content.decode()
    response = client.post(_url("version_create", document), {})
    assert "Bitte wählen Sie eine Datei aus." in response.content.decode()
    assert document.versions.count() == 1


def test_it_creates_a_document_through_the_page(client, coordinator, district):
    client.force_login(coordinator)
    response = client.post(
        _url("document_create"),
        {
            "kind": DocumentKind.QUALITY_MANUAL,
            "title": "Qualitätshandbuch",
            "file": upload("qhb.odt", odt_bytes()),
            "change_note": "Erstfassung",
        },
    )
    document = Document.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url("document_detail", document)
    assert document.district == district
    assert document.versions.get().file_type == FileType.ODT


def test_it_asks_before_deleting(client, coordinator, document):
    client.force_login(coordinator)
    page = client.get(_url("document_delete", document)).content.decode()
    assert "Wirklich löschen?" in page
    assert Document.objects.exists()
    assert client.post(_url("document_delete", document)).status_code == 302
    assert not Document.objects.exists()


# --- Lists ---------------------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_it_keeps_the_list_queries_constant(client, coordinator, district):
    client.force_login(coordinator)
    url = _url("document_list")
    DocumentVersionFactory(document=DocumentFactory(district=district), number=1)
    client.get(url)
    expected = _queries(client, url)
    for _ in range(6):
        document = DocumentFactory(district=district)
        DocumentVersionFactory(document=document, number=1)
        DocumentVersionFactory(document=document, number=2)
    assert _queries(client, url) == expected


def test_it_searches_filters_and_sorts_the_list(client, coordinator, district):
    client.force_login(coordinator)
    DocumentFactory(district=district, title="Arbeitshandbuch", kind=DocumentKind.WORK_MANUAL)
    DocumentFactory(district=district, title="Qualitätshandbuch", kind=DocumentKind.QUALITY_MANUAL)
    DocumentFactory(district=district, title="Zeitplan", kind=DocumentKind.OTHER)
    page = get_filtered(client, _url("document_list"), q="handbuch").context["page_obj"]
    assert [d.title for d in page] == ["Arbeitshandbuch", "Qualitätshandbuch"]
    page = get_filtered(client, _url("document_list"), kind="other").context["page_obj"]
    assert [d.title for d in page] == ["Zeitplan"]
    page = get_filtered(client, _url("document_list"), sort="-title").context["page_obj"]
    assert [d.title for d in page] == ["Zeitplan", "Qualitätshandbuch", "Arbeitshandbuch"]


def test_it_states_the_size_limit_in_force(client, coordinator, document, settings):
    client.force_login(coordinator)
    assert "höchstens 20 MB." in client.get(_url("version_create", document)).content.decode()
    settings.DURCHSTARTEN_UPLOAD_MAX_BYTES = 5 * 1024 * 1024
    assert "höchstens 5 MB." in client.get(_url("version_create", document)).content.decode()
