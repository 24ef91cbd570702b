"""Backup and restore: a dump restored into a fresh database has the same rows, the same
checksums and an audit chain that still verifies (SQLite and PostgreSQL)."""

import datetime as dt
import io
import json
import os
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from durchstarten.cases.models import Contact
from durchstarten.core import backup
from durchstarten.core.audit import log_action
from tests.factories import DistrictFactory, ParticipantFactory, ResidenceStatusFactory, member

pytestmark = pytest.mark.django_db(transaction=True)

NOTE = "Gesprächsnotiz mit Umlauten: Prüfung, Übergang"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "documents" / "2025").mkdir(parents=True)
    (settings.MEDIA_ROOT / "documents" / "2025" / "konzept.pdf").write_bytes(b"%PDF-1.4 demo")
    return settings.MEDIA_ROOT


@pytest.fixture
def data(media):
    district = DistrictFactory(name="Kreis Sicherung")
    coordinator = member("coordinator", district)
    for number in range(3):
        person = ParticipantFactory(district=district, given_names=f"Person{number}")
        ResidenceStatusFactory(participant=person, document_note=f"Duldung {number}")
        Contact.objects.create(
            participant=person, date=dt.date(2025, 2, 1), duration_minutes=30, note=NOTE
        )
        log_action("cases.participant.viewed", actor=coordinator, obj=person)
    return district


def make_backup(path: Path) -> dict:
    out = io.StringIO()
    call_command("backup", "--output", str(path), stdout=out)
    assert "Anker:" in out.getvalue()
    with tarfile.open(path) as tar:
        return json.load(tar.extractfile(backup.MANIFEST))


def restore_elsewhere(archive: Path, database_url: str, media_dir: Path):
    """`durchstarten restore` in its own process against another database and media folder."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DURCHSTARTEN_")}
    environment |= {"DATABASE_URL": database_url, "DURCHSTARTEN_MEDIA_DIR": str(media_dir)}
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "durchstarten", "restore", str(archive), "--no-input"],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def assert_restored(manifest: dict, restored: dict, media_dir: Path) -> None:
    audit = backup.AUDIT_TABLE
    assert set(restored) == set(manifest["tables"])
    for table, expected in manifest["tables"].items():
        if table != audit:
            assert restored[table] == expected, table
    # The restore itself appends one entry to the restored chain.
    assert restored[audit]["rows"] == manifest["tables"][audit]["rows"] + 1
    assert manifest["tables"]["cases_contact"]["rows"] == 3
    assert backup.media_checksum(media_dir) == manifest["media"]
    assert manifest["media"]["files"] == 1


def test_it_writes_a_private_archive_with_a_manifest(data, tmp_path):
    archive = tmp_path / "sicherung.tar.gz"
    manifest = make_backup(archive)
    assert archive.stat().st_mode & 0o777 == 0o600
    assert manifest["vendor"] == connection.vendor
    assert manifest["tables"]["cases_participant"]["rows"] == 3
    assert manifest["audit_head"][0] == manifest["tables"]["core_auditentry"]["rows"]
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
    assert {
        backup.MANIFEST,
        manifest["database"]["member"],
        "media/documents/2025/konzept.pdf",
    } <= names
    # The notes stay encrypted inside the backup.
    assert NOTE.encode() not in archive.read_bytes()


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_it_restores_into_a_fresh_sqlite_database(data, tmp_path):
    archive = tmp_path / "sicherung.tar.gz"
    manifest = make_backup(archive)
    target, media_dir = tmp_path / "frisch.sqlite3", tmp_path / "media-neu"

    result = restore_elsewhere(archive, f"sqlite:///{target}", media_dir)

    assert result.returncode == 0, result.stderr
    assert "Prüfsummen stimmen" in result.stdout
    assert "Protokoll unversehrt" in result.stdout
    with backup.sqlite_reader(target) as cursor:
        restored = backup.table_checksums(cursor, "sqlite")
    assert_restored(manifest, restored, media_dir)


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_it_restores_into_a_fresh_postgresql_database(data, tmp_path):
    archive = tmp_path / "sicherung.tar.gz"
    manifest = make_backup(archive)
    settings_dict = connection.settings_dict
    name = f"ds_h6_restore_{uuid.uuid4().hex[:10]}"
    server = {
        key: value
        for key, value in {
            "host": settings_dict["HOST"],
            "port": settings_dict["PORT"],
            "user": settings_dict["USER"],
            "password": settings_dict["PASSWORD"],
        }.items()
        if value
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        user = settings_dict["USER"]
        url = f"postgres://{user}@{settings_dict['HOST']}:{settings_dict['PORT']}/{name}"
        result = restore_elsewhere(archive, url, tmp_path / "media-neu")
        assert result.returncode == 0, result.stderr
        assert "Protokoll unversehrt" in result.stdout
        with psycopg.connect(dbname=name, **server) as raw, raw.cursor() as cursor:
            restored = backup.table_checksums(cursor, "postgresql")
        assert_restored(manifest, restored, tmp_path / "media-neu")
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _rewrite(archive: Path, target: Path, change) -> None:
    """A copy of the archive with its manifest changed by `change`."""
    with tarfile.open(archive) as source, tarfile.open(target, "w:gz") as copy:
        for info in source.getmembers():
            content = source.extractfile(info).read()
            if info.name == backup.MANIFEST:
                manifest = json.loads(content)
                change(manifest)
                content = json.dumps(manifest).encode()
                info.size = len(content)
            copy.addfile(info, io.BytesIO(content))


def test_it_refuses_a_restore_whose_checksums_differ(data, tmp_path):
    archive = tmp_path / "sicherung.tar.gz"
    make_backup(archive)
    forged = tmp_path / "verändert.tar.gz"
    _rewrite(archive, forged, lambda m: m["tables"]["cases_contact"].update(sha256="0" * 64))

    with pytest.raises(CommandError) as error:
        call_command("restore", str(forged), "--no-input", stdout=io.StringIO())

    assert "cases_contact" in str(error.value)
    assert error.value.returncode == 1


def test_it_refuses_an_archive_of_another_database_system(data, tmp_path):
    archive = tmp_path / "sicherung.tar.gz"
    make_backup(archive)
    forged = tmp_path / "fremd.tar.gz"
    _rewrite(archive, forged, lambda m: m.update(vendor="oracle"))
    before = Contact.objects.count()

    with pytest.raises(CommandError, match="oracle"):
        call_command("restore", str(forged), "--no-input")

    assert Contact.objects.count() == before


def test_it_refuses_archive_members_outside_the_folder(data, tmp_path):
    archive = tmp_path / "boese.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        info = tarfile.TarInfo("../ausserhalb.txt")
        info.size = 4
        tar.addfile(info, io.BytesIO(b"boom"))

    with pytest.raises(CommandError, match="nicht gelesen"):
        call_command("restore", str(archive), "--no-input")

    assert not (tmp_path.parent / "ausserhalb.txt").exists()
