"""A backup restores into an empty database and empty folders with every row and file as it
was, the unit's data still encrypted and readable with the same keys; a damaged or unsafe
backup, the wrong keys or a target that holds data are refused before anything is restored.

Real PostgreSQL, real pg_dump/pg_restore, real files: the restore runs as an operator would
run it, in its own process, against a database created here for it.
"""

import base64
import io
import json
import os
import re
import stat
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone
from PIL import Image
from pytest_django.fixtures import Settings as SettingsWrapper

from curim.accounts.roles import Role
from curim.areas.demo import DEMO_AREAS
from curim.areas.services import areas_load_file
from curim.core import backups
from curim.reports.models import Category, ReportPhoto
from curim.reports.photos import CleanPhoto
from curim.reports.services.submission import ReportDraft, report_submit
from tests.plaintext import fernet_decrypt, plaintext_found
from tests.seeding import seeded_rows_restore
from tests.victims.clients import case_with_everything, member
from victims.models import Document

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
VICTIM_NAME = "Eleni Papadopoulou"  # the person of tests.victims.clients.case_create
REPORT_TEXT = "Broken street lamp by the tram stop on Notara"


@dataclass
class Source:
    """What the backup was made of, as it is on disk."""

    backup: Path
    person_id: Any
    document: Path
    photo: Path


@dataclass
class Target:
    """An empty PostGIS database and empty folders to restore into."""

    database: str
    url: str
    media: Path
    documents: Path

    def connect(self) -> psycopg.Connection[Any]:
        return psycopg.connect(_conninfo(self.database), autocommit=True)

    def tables(self) -> dict[str, int]:
        with self.connect() as conn:
            return _row_counts(conn.cursor())

    def files(self) -> list[Path]:
        return [p for root in (self.media, self.documents) if root.exists() for p in _files(root)]


def _conninfo(database: str) -> str:
    db = connection.settings_dict
    return psycopg.conninfo.make_conninfo(
        host=db["HOST"] or "localhost",
        port=str(db["PORT"] or 5432),
        user=db["USER"],
        password=db["PASSWORD"] or "",
        dbname=database,
    )


def _row_counts(cursor: Any) -> dict[str, int]:
    cursor.execute(
        "SELECT table_name FROM information_schema.tables"
        " WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name"
    )
    counts = {}
    for (table,) in cursor.fetchall():
        cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608  # names from the catalogue
        counts[table] = cursor.fetchone()[0]
    return counts


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (20, 120, 200)).save(out, format="JPEG")
    return out.getvalue()


@pytest.fixture(autouse=True)
def _seeded_rows(transactional_db: None) -> None:
    # An earlier transactional test emptied every table, seeded rows included.
    seeded_rows_restore()


@pytest.fixture
def source(tmp_path: Path) -> Source:
    """Committed data (a report with a photo, a case with a document), then a backup of it."""
    areas_load_file(path=DEMO_AREAS)
    report, _ = report_submit(
        draft=ReportDraft(
            category=Category.objects.get(slug="graffiti"),
            description=REPORT_TEXT,
            occurred_at=timezone.now(),
            severity=2,
            feeling_unsafe=3,
            location=Point(23.6465, 37.9425, srid=4326),
        ),
        reporter=None,
        client_address="192.0.2.10",
        photos=[CleanPhoto(content=_jpeg(), width=32, height=24)],
    )
    case = case_with_everything(member(Role.VSU_STAFF))
    document = Document.objects.get(case=case)
    photo = ReportPhoto.objects.get(report=report)
    backup = tmp_path / "backup"
    call_command("backup_create", str(backup), stdout=io.StringIO())
    return Source(
        backup=backup,
        person_id=case.person_id,
        document=Path(settings.VSU_DOCUMENT_ROOT) / document.file.name,
        photo=Path(settings.MEDIA_ROOT) / photo.image.name,
    )


def _database_create(name: str, *, postgis: bool) -> None:
    with psycopg.connect(_conninfo("postgres"), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    if postgis:
        with psycopg.connect(_conninfo(name), autocommit=True) as conn:
            conn.execute("CREATE EXTENSION postgis")


def _database_drop(name: str) -> None:
    with psycopg.connect(_conninfo("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _target(tmp_path: Path, *, postgis: bool = True) -> Iterator[Target]:
    name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    try:
        _database_create(name, postgis=postgis)
        db = connection.settings_dict
        auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
        yield Target(
            database=name,
            url=f"postgis://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{name}",
            media=tmp_path / "restored" / "media",
            documents=tmp_path / "restored" / "vsu",
        )
    finally:
        _database_drop(name)


@pytest.fixture
def target(tmp_path: Path) -> Iterator[Target]:
    yield from _target(tmp_path)


def restore(
    backup: Path, target: Target, *, keys: list[str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`manage.py backup_restore` in a process of its own, configured for the target."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DATABASE_URL=target.url,
        MEDIA_ROOT=str(target.media),
        VSU_DOCUMENT_ROOT=str(target.documents),
        ENCRYPTION_KEYS=",".join(keys if keys is not None else settings.ENCRYPTION_KEYS),
    )
    return subprocess.run(
        [sys.executable, "manage.py", "backup_restore", str(backup)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _manifest_rewrite(backup: Path, change: Any) -> None:
    manifest = json.loads((backup / backups.MANIFEST).read_text())
    change(manifest)
    (backup / backups.MANIFEST).write_text(json.dumps(manifest))


def _assert_nothing_restored(target: Target) -> None:
    assert set(target.tables()) == {"spatial_ref_sys"}  # PostGIS's own table, and no other
    assert target.files() == []


def test_a_backup_restores_every_row_and_file_readable_with_the_same_keys(
    source: Source, target: Target
) -> None:
    result = restore(source.backup, target)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "database_app_role --from-env" in result.stdout

    with connection.cursor() as cursor:
        expected = _row_counts(cursor)
    assert target.tables() == expected
    assert expected["victims_person"] == 1
    assert expected["reports_reportphoto"] == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT full_name FROM victims_person WHERE id = %s", [source.person_id])
        (stored_name,) = cursor.fetchone()
    with target.connect() as conn:
        row = conn.execute(
            "SELECT full_name FROM victims_person WHERE id = %s", [source.person_id]
        ).fetchone()
    assert row is not None
    assert row[0] == stored_name  # the same token: nothing was decrypted on the way
    assert fernet_decrypt(row[0]).decode() == VICTIM_NAME

    restored_document = target.documents / source.document.relative_to(settings.VSU_DOCUMENT_ROOT)
    assert restored_document.read_bytes() == source.document.read_bytes()
    assert b"certificate of injuries" not in restored_document.read_bytes()
    assert fernet_decrypt(restored_document.read_text()) == b"certificate of injuries"
    assert stat.S_IMODE(restored_document.stat().st_mode) == 0o600
    restored_photo = target.media / source.photo.relative_to(settings.MEDIA_ROOT)
    assert restored_photo.read_bytes() == source.photo.read_bytes()


def test_the_backup_is_readable_by_its_owner_only(source: Source) -> None:
    assert stat.S_IMODE(source.backup.stat().st_mode) == 0o700
    names = sorted(p.name for p in source.backup.iterdir())
    assert names == sorted([*backups.FILES, backups.MANIFEST])
    for path in source.backup.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name


def test_the_manifest_lists_migrations_checksums_and_key_fingerprints(source: Source) -> None:
    manifest = json.loads((source.backup / backups.MANIFEST).read_text())
    assert {"app": "victims", "name": "0001_initial"} in manifest["migrations"]
    for name in backups.FILES:
        assert manifest["files"][name] == backups.file_summary(source.backup / name)
    assert manifest["encryption_key_fingerprints"] == [
        backups.key_fingerprint(key) for key in settings.ENCRYPTION_KEYS
    ]
    assert manifest["created_at"]


def _everything_in(backup: Path) -> list[str]:
    """Every file of the backup as texts to search: the dump as the SQL it restores (its data
    is compressed in the file), each archive member's name and content, the raw bytes."""
    texts = []
    for path in sorted(backup.iterdir()):
        texts.append(path.read_bytes().decode("latin-1"))
    dump = subprocess.run(
        ["pg_restore", "--file=-", str(backup / backups.DATABASE)],
        capture_output=True,
        check=True,
    )
    texts.append(dump.stdout.decode())
    for name in (backups.MEDIA, backups.DOCUMENTS):
        with tarfile.open(backup / name, mode="r:gz") as archive:
            for member in archive.getmembers():
                texts.append(member.name)
                extracted = archive.extractfile(member)
                if extracted is not None:
                    texts.append(extracted.read().decode("latin-1"))
    return texts


def test_the_backup_holds_no_plaintext_of_the_victim_and_no_key(source: Source) -> None:
    texts = _everything_in(source.backup)
    # The search sees inside the compressed dump: the report's public text is there.
    assert plaintext_found(REPORT_TEXT, texts)
    for secret in (VICTIM_NAME, "certificate of injuries", "Talked about the night"):
        assert plaintext_found(secret, texts) == [], secret
    for key in settings.ENCRYPTION_KEYS:
        raw = base64.urlsafe_b64decode(key)
        for form in (key, raw.hex(), base64.b64encode(raw).decode(), raw.decode("latin-1")):
            assert not [text for text in texts if form in text], "a key is in the backup"


def test_it_refuses_to_write_into_a_directory_that_holds_files(tmp_path: Path) -> None:
    folder = tmp_path / "used"
    folder.mkdir()
    (folder / "old.txt").write_text("an older backup")
    with pytest.raises(CommandError, match="not an empty directory"):
        call_command("backup_create", str(folder), stdout=io.StringIO())
    assert sorted(p.name for p in folder.iterdir()) == ["old.txt"]


def test_a_tampered_file_is_refused_before_anything_is_restored(
    source: Source, target: Target
) -> None:
    dump = source.backup / backups.DATABASE
    content = bytearray(dump.read_bytes())
    content[len(content) // 2] ^= 0x01
    dump.write_bytes(bytes(content))
    result = restore(source.backup, target)
    assert result.returncode != 0
    assert "database.dump does not match its checksum" in result.stderr
    assert "Nothing was restored" in result.stderr
    _assert_nothing_restored(target)


def test_a_restore_without_the_backups_keys_is_refused_before_anything_is_restored(
    source: Source, target: Target
) -> None:
    result = restore(source.backup, target, keys=[Fernet.generate_key().decode()])
    assert result.returncode != 0
    assert "None of the keys this backup was made with is in ENCRYPTION_KEYS" in result.stderr
    assert backups.key_fingerprint(settings.ENCRYPTION_KEYS[0]) in result.stderr
    _assert_nothing_restored(target)


def test_a_restore_lacking_an_older_key_names_the_data_and_the_key_it_needs(
    tmp_path: Path, settings: SettingsWrapper, target: Target
) -> None:
    # The data is encrypted under the old key; the backup is made after a new key was put
    # first, before `encryption_rotate` ran. Restoring with the new key alone opens nothing.
    old = settings.ENCRYPTION_KEYS[0]
    new = Fernet.generate_key().decode()
    case_with_everything(member(Role.VSU_STAFF))
    settings.ENCRYPTION_KEYS = [new, old]
    backup = tmp_path / "backup"
    call_command("backup_create", str(backup), stdout=io.StringIO())
    result = restore(backup, target, keys=[new])
    assert result.returncode != 0
    assert "ENCRYPTION_KEYS does not open everything" in result.stderr
    assert "victims.Person.full_name (1)" in result.stderr
    assert "victims.Document.file (1)" in result.stderr
    assert backups.key_fingerprint(old) in result.stderr
    assert backups.key_fingerprint(new) not in result.stderr.split("fingerprints")[1]
    assert target.tables()["victims_person"] == 1  # restored: only the key is to be added


def test_an_archive_member_leaving_its_folder_is_refused_before_anything_is_restored(
    source: Source, target: Target
) -> None:
    archive = source.backup / backups.DOCUMENTS
    with tarfile.open(archive, mode="w:gz") as out:
        content = b"written outside the documents folder"
        member = tarfile.TarInfo("../escaped.txt")
        member.size = len(content)
        out.addfile(member, io.BytesIO(content))

    def checksum(manifest: dict[str, Any]) -> None:
        manifest["files"][backups.DOCUMENTS] = backups.file_summary(archive)

    _manifest_rewrite(source.backup, checksum)
    result = restore(source.backup, target)
    assert result.returncode != 0
    assert "refused member '../escaped.txt'" in result.stderr
    assert not (target.documents.parent / "escaped.txt").exists()
    _assert_nothing_restored(target)


def test_it_refuses_a_database_that_already_holds_the_tables(source: Source) -> None:
    # The configured database is the test database, full of the application's tables.
    with pytest.raises(CommandError, match="already holds the application's tables"):
        call_command("backup_restore", str(source.backup), stdout=io.StringIO())


def test_it_refuses_folders_that_already_hold_files(source: Source, target: Target) -> None:
    target.media.mkdir(parents=True)
    (target.media / "left-over.jpg").write_bytes(b"an old photo")
    result = restore(source.backup, target)
    assert result.returncode != 0
    assert f"{target.media} already holds files" in result.stderr
    assert set(target.tables()) == {"spatial_ref_sys"}
    assert target.files() == [target.media / "left-over.jpg"]


def test_it_refuses_a_database_without_postgis(source: Source, tmp_path: Path) -> None:
    for target in _target(tmp_path, postgis=False):
        result = restore(source.backup, target)
        assert result.returncode != 0
        assert "has no PostGIS" in result.stderr
        assert target.tables() == {}


def test_it_refuses_a_backup_made_by_a_newer_version(source: Source) -> None:
    def future(manifest: dict[str, Any]) -> None:
        manifest["migrations"].append({"app": "victims", "name": "9999_from_the_future"})

    _manifest_rewrite(source.backup, future)
    unknown = re.escape("lacks the migrations victims.9999_from_the_future")
    with pytest.raises(CommandError, match=unknown):
        call_command("backup_restore", str(source.backup), stdout=io.StringIO())
