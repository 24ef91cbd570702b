import io
import zipfile

import pytest

from durchstarten.network.uploads import ODT_MIMETYPE


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Uploaded files go to a directory of the test, never into var/."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def docx_bytes() -> bytes:
    return zip_bytes(
        {
            "[Content_Types].xml": b"<Types/>",
            "_rels/.rels": b"<Relationships/>",
            "word/document.xml": b"<w:document/>",
        }
    )


def xlsx_bytes() -> bytes:
    return zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})


def odt_bytes() -> bytes:
    return zip_bytes({"mimetype": ODT_MIMETYPE, "content.xml": b"<office:document-content/>"})
