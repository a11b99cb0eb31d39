"""Writes a backup of the platform into a new directory: the database, the media, the unit's
documents (still encrypted) and a manifest; never the encryption keys.

    manage.py backup_create /var/backups/curim/2025-06-01
"""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from curim.core import backups


class Command(BaseCommand):
    help = (
        "Write a backup into DIR (new, or empty), readable by its owner only: "
        f"{backups.DATABASE} (pg_dump, custom format), {backups.MEDIA} (MEDIA_ROOT), "
        f"{backups.DOCUMENTS} (VSU_DOCUMENT_ROOT, as encrypted on disk) and {backups.MANIFEST} "
        "(the applied migrations, the size and sha256 of each file, and fingerprints of "
        "ENCRYPTION_KEYS). The keys themselves are NOT in the backup: keep them apart, "
        "because without them the unit's data in it cannot be read."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, help="a new or empty directory")

    def handle(self, *args: Any, directory: Path, **options: Any) -> None:
        try:
            self._create(directory)
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc

    def _create(self, folder: Path) -> None:
        backups.directory_create(folder)
        created_at = backups.now_text()
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_schema(), current_setting('server_version')")
            schema, server_version = cursor.fetchone()
        migrations = sorted(MigrationRecorder(connection).applied_migrations())
        backups.database_dump(folder / backups.DATABASE, schema=schema)
        media = backups.archive_create(Path(settings.MEDIA_ROOT), folder / backups.MEDIA)
        documents = backups.archive_create(
            Path(settings.VSU_DOCUMENT_ROOT), folder / backups.DOCUMENTS
        )
        backups.manifest_write(
            folder,
            {
                "format": backups.FORMAT,
                "created_at": created_at,
                "database": {"schema": schema, "server_version": server_version},
                "migrations": [{"app": app, "name": name} for app, name in migrations],
                "files": {name: backups.file_summary(folder / name) for name in backups.FILES},
                "encryption_key_fingerprints": backups.current_key_fingerprints(),
                "note": (
                    "The encryption keys are not in this backup. Restoring needs ENCRYPTION_KEYS "
                    "with the keys of these fingerprints (sha256 of the key, first 16 hex digits)."
                ),
            },
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written to {folder}: the database, {media} media files, "
                f"{documents} documents of the unit (encrypted). The encryption keys are not in "
                "it: keep them apart, and check that a copy of them exists."
            )
        )
