"""Rewrites every encrypted column and file under the newest of ENCRYPTION_KEYS.

Run after putting a new key first in ENCRYPTION_KEYS; once it has finished, the old keys can
be dropped. Safe to run again: each row is locked, read and rewritten in its own transaction.
A row or file that no configured key opens (tampered, or written under a key since dropped)
is named (table and primary key, or file name: nothing personal) and left as it is; the
others are rotated all the same, and the command then fails, so that nobody drops an old key
believing everything was rewritten under the new one.
"""

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, models, transaction

from curim.core import crypto
from curim.core.encrypted_fields import EncryptedTextField
from curim.core.encrypted_storage import EncryptedFileStorage


class Command(BaseCommand):
    help = "Re-encrypt confidential columns and files under the newest encryption key."

    def handle(self, *args: Any, **options: Any) -> None:
        unreadable: list[str] = []
        for model in apps.get_models():
            fields = model._meta.concrete_fields
            columns = [f.column for f in fields if isinstance(f, EncryptedTextField)]
            files = [
                f
                for f in fields
                if isinstance(f, models.FileField) and isinstance(f.storage, EncryptedFileStorage)
            ]
            if columns:
                rows = columns_rotate(model, columns, unreadable)
                self.stdout.write(f"{model._meta.label}: {rows} rows re-encrypted")
            for field in files:
                count = files_rotate(model, field, unreadable)
                self.stdout.write(f"{model._meta.label}.{field.name}: {count} files re-encrypted")
        for place in unreadable:
            self.stderr.write(f"no configured key opens {place}: left as it is")
        if unreadable:
            raise CommandError(
                f"{len(unreadable)} values or files could not be re-encrypted (listed above): "
                "keep the old keys until they are dealt with"
            )


def columns_rotate(model: type[models.Model], columns: list[str], unreadable: list[str]) -> int:
    """Rotates every row's tokens; a row no key opens is added to `unreadable`, unchanged."""
    # Raw column values: tokens are rotated without building model instances.
    table = connection.ops.quote_name(model._meta.db_table)
    pk_column = connection.ops.quote_name(model._meta.pk.column)
    quoted = [connection.ops.quote_name(c) for c in columns]
    select = f"SELECT {', '.join(quoted)} FROM {table} WHERE {pk_column} = %s FOR UPDATE"  # noqa: S608
    update = f"UPDATE {table} SET {', '.join(f'{c} = %s' for c in quoted)} WHERE {pk_column} = %s"  # noqa: S608
    done = 0
    for key in model._base_manager.order_by("pk").values_list("pk", flat=True).iterator():
        with transaction.atomic(), connection.cursor() as cursor:
            # Lets append-only tables (the unit's access log) accept this one kind of update,
            # from the tables' owner only: run this command as the role that runs migrations.
            cursor.execute("SET LOCAL curim.reencrypting = 'on'")
            cursor.execute(select, [key])
            row = cursor.fetchone()
            if row is None:
                continue
            try:
                values = [None if v is None else _reencrypted(v) for v in row]
            except crypto.DecryptionError:
                unreadable.append(f"{model._meta.db_table} row {key}")
                continue
            cursor.execute(update, [*values, key])
        done += 1
    return done


def _reencrypted(token: str) -> str:
    try:
        raw = token.encode("ascii")
    except UnicodeEncodeError as exc:  # not even a token
        raise crypto.DecryptionError("Not a token") from exc
    return crypto.reencrypt(raw).decode()


def files_rotate(model: type[models.Model], field: models.FileField, unreadable: list[str]) -> int:
    """Rotates every file of `field`; one no key opens is added to `unreadable`, unchanged."""
    storage = field.storage
    if not isinstance(storage, EncryptedFileStorage):
        return 0
    count = 0
    names = model._base_manager.exclude(**{field.name: ""}).values_list(field.name, flat=True)
    for name in names.iterator():
        if name and storage.exists(name):
            try:
                storage.reencrypt(name)
            except crypto.DecryptionError:
                unreadable.append(f"file {name}")
                continue
            count += 1
    return count
