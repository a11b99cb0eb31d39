"""What a backup is made of: the database dump, the media and the unit's documents as they lie
on disk (encrypted), and a manifest to check them by. The encryption keys are never in it.

`manage.py backup_create` and `manage.py backup_restore` put these pieces together.
"""

import datetime
import hashlib
import json
import os
import re
import subprocess
import tarfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import connection

FORMAT = "curim-backup/1"
DATABASE = "database.dump"
MEDIA = "media.tar.gz"
DOCUMENTS = "vsu-documents.tar.gz"
MANIFEST = "MANIFEST.json"
FILES = (DATABASE, MEDIA, DOCUMENTS)
FINGERPRINT_LENGTH = 16


class BackupError(Exception):
    """A backup that cannot be written, read or restored; the message says why."""


def key_fingerprint(key: str) -> str:
    """Names a key without revealing it: the start of its sha256, which an operator can also
    compute by hand (`printf %s "$KEY" | sha256sum | cut -c1-16`)."""
    return hashlib.sha256(key.encode()).hexdigest()[:FINGERPRINT_LENGTH]


def current_key_fingerprints() -> list[str]:
    return [key_fingerprint(key) for key in settings.ENCRYPTION_KEYS]


def directory_create(path: Path) -> None:
    """A new directory only its owner can enter; an existing one must be empty."""
    if path.exists():
        if not path.is_dir() or any(path.iterdir()):
            raise BackupError(f"{path} exists and is not an empty directory.")
    else:
        path.mkdir(mode=0o700, parents=True)
    path.chmod(0o700)


@contextmanager
def private_file(path: Path) -> Iterator[IO[bytes]]:
    """A new file readable by its owner only, whatever the umask; never an existing one."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.fchmod(descriptor, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        yield out


def file_summary(path: Path) -> dict[str, Any]:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        for chunk in iter(lambda: source.read(1 << 20), b""):
            digest.update(chunk)
    return {"sha256": digest.hexdigest(), "size": path.stat().st_size}


def postgres_environment() -> dict[str, str]:
    """The environment for pg_dump and pg_restore to reach the configured database.

    Everything goes through the environment, the password included, so that nothing secret
    shows in a process list; PG* variables inherited from the caller are dropped so that the
    settings alone say where the database is.
    """
    db = connection.settings_dict
    _args, django_env = connection.client.settings_to_cmd_args_env(db, [])
    env = {name: value for name, value in os.environ.items() if not name.startswith("PG")}
    wanted = {
        "PGHOST": db.get("HOST"),
        "PGPORT": db.get("PORT"),
        "PGUSER": db.get("USER"),
        "PGDATABASE": db.get("NAME"),
        "PGCONNECT_TIMEOUT": (db.get("OPTIONS") or {}).get("connect_timeout"),
    }
    env.update({name: str(value) for name, value in wanted.items() if value})
    env.update({name: str(value) for name, value in (django_env or {}).items() if value})
    return env


def postgres_run(arguments: list[str], **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(  # noqa: S603  fixed programs, arguments built here
            arguments, env=postgres_environment(), check=False, **kwargs
        )
    except FileNotFoundError as exc:
        raise BackupError(
            f"{arguments[0]} is not installed: install the PostgreSQL client (postgresql-client)."
        ) from exc


def database_dump(path: Path, *, schema: str) -> None:
    """The application's schema in pg_dump's custom format (compressed, restorable by table).

    Only the schema the application uses: the extensions (PostGIS, and the topology and tiger
    schemas some images add) belong to the server and are installed there, not restored.
    """
    with private_file(path) as out:
        result = postgres_run(
            ["pg_dump", "--format=custom", "--no-password", f'--schema="{schema}"'],
            stdout=out,
            stderr=subprocess.PIPE,
        )
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.decode(errors='replace').strip()}")


# Entries of the dump that the restore leaves out: the schema itself (the database already has
# it), privileges (`database_app_role` grants them again) and the data of tables that the dump
# does not create, which belong to an extension (PostGIS's spatial_ref_sys).
SKIPPED_ENTRY = re.compile(r"^\d+; \d+ \d+ (SCHEMA|COMMENT - SCHEMA|ACL|DEFAULT ACL) ")
TABLE_ENTRY = re.compile(r"^\d+; \d+ \d+ TABLE (\S+) (\S+) ")
TABLE_DATA_ENTRY = re.compile(r"^\d+; \d+ \d+ TABLE DATA (\S+) (\S+) ")


def restore_list(dump: Path) -> str:
    """pg_restore's table of contents for `dump`, without the entries the restore skips."""
    result = postgres_run(["pg_restore", "--list", str(dump)], capture_output=True)
    if result.returncode != 0:
        raise BackupError(f"pg_restore cannot read {dump.name}: {result.stderr.decode().strip()}")
    lines = result.stdout.decode().splitlines()
    tables = {match.groups() for line in lines if (match := TABLE_ENTRY.match(line))}
    kept = []
    for line in lines:
        data = TABLE_DATA_ENTRY.match(line)
        if SKIPPED_ENTRY.match(line) or (data and data.groups() not in tables):
            continue
        kept.append(line)
    return "\n".join(kept) + "\n"


def database_restore(dump: Path, *, scratch: Path) -> None:
    """Restore `dump` into the configured database in one transaction: all of it or nothing.

    Tables are owned by the connecting role, which is why it must be the role that runs the
    migrations; privileges are left to `manage.py database_app_role`.
    """
    listing = scratch / "restore.list"
    listing.write_text(restore_list(dump))
    result = postgres_run(
        [
            "pg_restore",
            "--no-owner",
            "--no-acl",
            "--single-transaction",
            "--exit-on-error",
            "--no-password",
            f"--use-list={listing}",
            f"--dbname={connection.settings_dict['NAME']}",
            str(dump),
        ],
        capture_output=True,
    )
    if result.returncode != 0:
        raise BackupError(
            "pg_restore failed, and restored nothing (it runs in one transaction). Connect as "
            "the role that owns the tables and runs the migrations.\n"
            + result.stderr.decode(errors="replace").strip()
        )


def archive_create(root: Path, path: Path) -> int:
    """The files under `root` as they are on disk, with paths relative to it; returns how many
    files. A missing root gives an empty archive."""
    count = 0
    with private_file(path) as out, tarfile.open(fileobj=out, mode="w:gz") as archive:
        if not root.is_dir():
            return 0
        for folder, directories, files in os.walk(root):
            directories.sort()
            for name in directories:
                full = Path(folder) / name
                archive.add(full, arcname=str(full.relative_to(root)), recursive=False)
            for name in sorted(files):
                full = Path(folder) / name
                archive.add(full, arcname=str(full.relative_to(root)), recursive=False)
                count += 1
    return count


def archive_check(path: Path, destination: Path) -> None:
    """Refuses an archive with any member that would land outside `destination`: an absolute
    path, `..`, a link pointing out, a device (tarfile's "data" filter, member by member)."""
    with tarfile.open(path, mode="r:gz") as archive:
        for member in archive:
            try:
                tarfile.data_filter(member, str(destination))
            except tarfile.FilterError as exc:
                raise BackupError(
                    f"{path.name}: refused member {member.name!r}: {exc}. Nothing was restored."
                ) from exc


def archive_extract(path: Path, destination: Path) -> None:
    with tarfile.open(path, mode="r:gz") as archive:
        archive.extractall(destination, filter="data")


def folder_has_files(root: Path) -> bool:
    return root.exists() and any(files for _folder, _dirs, files in os.walk(root))


def manifest_write(folder: Path, content: dict[str, Any]) -> None:
    with private_file(folder / MANIFEST) as out:
        out.write(json.dumps(content, indent=2, sort_keys=True).encode())


def manifest_read(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    try:
        content = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"{path} cannot be read: {exc}") from exc
    if not isinstance(content, dict) or content.get("format") != FORMAT:
        raise BackupError(f"{path} is not a manifest of this platform's backups ({FORMAT}).")
    return content


def files_verify(folder: Path, manifest: dict[str, Any]) -> None:
    """Every file the backup is made of is there, with the size and sha256 the manifest says."""
    listed = manifest.get("files") or {}
    for name in FILES:
        expected = listed.get(name)
        path = folder / name
        if not expected or not path.is_file():
            raise BackupError(f"{name} is missing from the backup or from its manifest.")
        if file_summary(path) != {"sha256": expected.get("sha256"), "size": expected.get("size")}:
            raise BackupError(
                f"{name} does not match its checksum in {MANIFEST}: the backup is damaged or "
                "was changed. Nothing was restored."
            )


def now_text() -> str:
    return datetime.datetime.now(tz=datetime.UTC).isoformat(timespec="seconds")
