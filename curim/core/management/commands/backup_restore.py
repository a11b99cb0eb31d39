"""Restores a backup written by `backup_create` into an empty database and empty folders.

    manage.py backup_restore /var/backups/curim/2025-06-01

Everything that can be checked beforehand is, and a refusal restores nothing: the checksums,
the migrations (none this code does not know), the keys (at least one of the backup's), an
empty target. It never restores over existing data: a fresh database is the operator's
deliberate act (DROP/CREATE DATABASE), not a flag that merges two histories. Afterwards it
checks that the configured keys open every encrypted value and document that came back.
"""

import tempfile
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from curim.core import backups
from curim.core.encryption_check import encrypted_data_check


class Command(BaseCommand):
    help = (
        "Restore a backup made by backup_create into the configured database, which must be "
        "empty (PostGIS installed, none of the application's tables), and into MEDIA_ROOT and "
        "VSU_DOCUMENT_ROOT, which must hold no files. Connect as the role that owns the tables "
        "and runs the migrations. Checksums, migrations and key fingerprints are checked "
        "first; ENCRYPTION_KEYS must hold the backup's keys (they are not in the backup). "
        "Then run `manage.py migrate` and `manage.py database_app_role --from-env`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, help="a directory written by backup_create")

    def handle(self, *args: Any, directory: Path, **options: Any) -> None:
        try:
            self._restore(directory)
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc

    def _restore(self, folder: Path) -> None:
        manifest = backups.manifest_read(folder)
        backups.files_verify(folder, manifest)
        unknown = self._migrations_unknown(manifest)
        if unknown:
            raise backups.BackupError(
                "The backup was made by a newer version: this code lacks the migrations "
                f"{', '.join(unknown)}. Install that version (or a later one) first. "
                "Nothing was restored."
            )
        missing_keys = self._keys_check(manifest)
        media_root = Path(settings.MEDIA_ROOT)
        documents_root = Path(settings.VSU_DOCUMENT_ROOT)
        self._target_check(media_root, documents_root)
        backups.archive_check(folder / backups.MEDIA, media_root)
        backups.archive_check(folder / backups.DOCUMENTS, documents_root)

        with tempfile.TemporaryDirectory() as scratch:
            backups.database_restore(folder / backups.DATABASE, scratch=Path(scratch))
        self.stdout.write("Database restored.")
        media_root.mkdir(parents=True, exist_ok=True)
        documents_root.mkdir(mode=0o700, parents=True, exist_ok=True)
        backups.archive_extract(folder / backups.MEDIA, media_root)
        backups.archive_extract(folder / backups.DOCUMENTS, documents_root)
        self.stdout.write(f"Files restored into {media_root} and {documents_root}.")

        check = encrypted_data_check()
        if check.unreadable:
            fields = ", ".join(f"{name} ({count})" for name, count in check.unreadable.items())
            raise CommandError(
                "The database and files are restored, but ENCRYPTION_KEYS does not open "
                f"everything: {fields}. Add the missing keys of the backup (fingerprints "
                f"{', '.join(missing_keys) or 'none missing: the data may be damaged'}) to "
                "ENCRYPTION_KEYS (nothing needs restoring again), then run manage.py "
                "database_app_role --from-env."
            )
        self.stdout.write(
            f"The keys open all {check.values} encrypted values and {check.files} encrypted files."
        )
        pending = self._migrations_pending(manifest)
        steps = ["manage.py database_app_role --from-env"]
        if pending:
            steps.insert(0, "manage.py migrate --noinput")
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup of {manifest.get('created_at')} restored. Now, as the same role: "
                + " && ".join(steps)
            )
        )

    def _migrations_unknown(self, manifest: dict[str, Any]) -> list[str]:
        known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
        return [
            f"{entry['app']}.{entry['name']}"
            for entry in manifest.get("migrations") or []
            if (entry.get("app"), entry.get("name")) not in known
        ]

    def _migrations_pending(self, manifest: dict[str, Any]) -> bool:
        applied = {(e.get("app"), e.get("name")) for e in manifest.get("migrations") or []}
        known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
        return bool(known - applied)

    def _keys_check(self, manifest: dict[str, Any]) -> list[str]:
        """The backup's key fingerprints that ENCRYPTION_KEYS lacks; refuses if it has none."""
        wanted = list(manifest.get("encryption_key_fingerprints") or [])
        current = set(backups.current_key_fingerprints())
        missing = [fingerprint for fingerprint in wanted if fingerprint not in current]
        if wanted and len(missing) == len(wanted):
            raise backups.BackupError(
                "None of the keys this backup was made with is in ENCRYPTION_KEYS, so the "
                "unit's data in it could not be read. Set ENCRYPTION_KEYS to the backup's keys, "
                f"fingerprints {', '.join(wanted)} (sha256 of the key, first 16 hex digits; the "
                f"current keys are {', '.join(sorted(current))}). Nothing was restored."
            )
        if missing:
            self.stderr.write(
                f"Warning: ENCRYPTION_KEYS lacks some of the backup's keys ({', '.join(missing)});"
                " the restore checks afterwards whether anything needed them."
            )
        return missing

    def _target_check(self, media_root: Path, documents_root: Path) -> None:
        ours = {model._meta.db_table for model in apps.get_models(include_auto_created=True)}
        ours.add("django_migrations")
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'postgis'")
            has_postgis = cursor.fetchone() is not None
        database = connection.settings_dict["NAME"]
        if not has_postgis:
            raise backups.BackupError(
                f"The database {database} has no PostGIS: as a superuser, run CREATE EXTENSION "
                "postgis in it first. Nothing was restored."
            )
        present = sorted(ours & set(connection.introspection.table_names()))
        if present:
            raise backups.BackupError(
                f"The database {database} already holds the application's tables (e.g. "
                f"{', '.join(present[:3])}): restore into a new, empty database. Nothing was "
                "restored."
            )
        for root in (media_root, documents_root):
            if backups.folder_has_files(root):
                raise backups.BackupError(
                    f"{root} already holds files: restore into empty folders. Nothing was restored."
                )
