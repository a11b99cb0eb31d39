"""Rewrites every encrypted column and file under the newest of ENCRYPTION_KEYS.

Run after putting a new key first in ENCRYPTION_KEYS; once it has finished, the old keys can
be dropped. Safe to run again: each row is locked, read and rewritten in its own transaction.
"""

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection, models, transaction

from curim.core import crypto
from curim.core.encrypted_fields import EncryptedTextField
from curim.core.encrypted_storage import EncryptedFileStorage


class Command(BaseCommand):
    help = "Re-encrypt confidential columns and files under the newest encryption key."

    def handle(self, *args: Any, **options: Any) -> None:
        for model in apps.get_models():
            fields = model._meta.concrete_fields
            columns = [f.column for f in fields if isinstance(f, EncryptedTextField)]
            files = [
                f
                for f in fields
                if isinstance(f, models.FileField) and isinstance(f.storage, EncryptedFileStorage)
            ]
            if columns:
                rows = columns_rotate(model, columns)
                self.stdout.write(f"{model._meta.label}: {rows} rows re-encrypted")
            for field in files:
                count = files_rotate(model, field)
                self.stdout.write(f"{model._meta.label}.{field.name}: {count} files re-encrypted")


def columns_rotate(model: type[models.Model], columns: list[str]) -> int:
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
            values = [None if v is None else crypto.reencrypt(v.encode()).decode() for v in row]
            cursor.execute(update, [*values, key])
        done += 1
    return done


def files_rotate(model: type[models.Model], field: models.FileField) -> int:
    storage = field.storage
    if not isinstance(storage, EncryptedFileStorage):
        return 0
    count = 0
    names = model._base_manager.exclude(**{field.name: ""}).values_list(field.name, flat=True)
    for name in names.iterator():
        if name and storage.exists(name):
            storage.reencrypt(name)
            count += 1
    return count
