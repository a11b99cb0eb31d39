"""Whether the configured ENCRYPTION_KEYS open every encrypted value and file the database
names: what a restore checks before saying the data is back.

Found through the field classes, over every installed model, so the core names no app.
"""

from dataclasses import dataclass, field

from django.apps import apps
from django.db import connection, models

from curim.core import crypto
from curim.core.encrypted_fields import EncryptedTextField
from curim.core.encrypted_storage import EncryptedFileStorage


@dataclass
class EncryptionCheck:
    values: int = 0
    files: int = 0
    # "app.Model.field" -> how many of its values or files no configured key opens.
    unreadable: dict[str, int] = field(default_factory=dict)


def encrypted_data_check() -> EncryptionCheck:
    check = EncryptionCheck()
    for model in apps.get_models():
        for model_field in model._meta.concrete_fields:
            name = f"{model._meta.label}.{model_field.name}"
            if isinstance(model_field, EncryptedTextField):
                opened, failed = _column_check(model, model_field.column)
                check.values += opened + failed
            elif isinstance(model_field, models.FileField) and isinstance(
                model_field.storage, EncryptedFileStorage
            ):
                opened, failed = _files_check(model, model_field.name, model_field.storage)
                check.files += opened + failed
            else:
                continue
            if failed:
                check.unreadable[name] = failed
    return check


def _opens(token: bytes) -> bool:
    try:
        crypto.decrypt(token)
    except crypto.DecryptionError:
        return False
    return True


def _column_check(model: type[models.Model], column: str) -> tuple[int, int]:
    # Raw column values: nothing is decrypted into model instances, and one bad value is
    # counted rather than stopping the read.
    quote = connection.ops.quote_name
    table, quoted = quote(model._meta.db_table), quote(column)
    opened = failed = 0
    with connection.chunked_cursor() as cursor:
        cursor.execute(f"SELECT {quoted} FROM {table} WHERE {quoted} IS NOT NULL")  # noqa: S608
        for (token,) in cursor:
            if _opens(token.encode("ascii", "replace")):
                opened += 1
            else:
                failed += 1
    return opened, failed


def _files_check(
    model: type[models.Model], field_name: str, storage: EncryptedFileStorage
) -> tuple[int, int]:
    opened = failed = 0
    names = model._base_manager.exclude(**{field_name: ""}).values_list(field_name, flat=True)
    for name in names.iterator():
        if not name or not storage.exists(name):
            continue  # a file the database names but the disk lost is not a key problem
        with storage.raw(name) as raw:
            if _opens(raw.read()):
                opened += 1
            else:
                failed += 1
    return opened, failed
