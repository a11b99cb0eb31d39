"""History rows of minutes, recommendations and action items (`RecordChange`), written in the
transaction of the change they record."""

import hashlib
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models

from councils.models import ActionItem, Minutes, Recommendation, RecordChange
from curim.accounts.models import User

# Longer values are recorded by their length and digest, not copied into every history row.
VALUE_COPIED_MAX = 2_000


def snapshot(obj: models.Model, fields: tuple[str, ...]) -> dict[str, Any]:
    """The stored form of some fields (foreign keys by id), to compare after a change."""
    values = {}
    for name in fields:
        field = obj._meta.get_field(name)
        values[name] = getattr(obj, getattr(field, "attname", name))
    return values


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "wkt"):  # a geometry
        return value.wkt
    if isinstance(value, str) and len(value) > VALUE_COPIED_MAX:
        return {
            "length": len(value),
            "sha256": hashlib.sha256(value.encode("utf-8", "replace")).hexdigest(),
        }
    return value


def changes_between(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """{field: {"from": …, "to": …}} for each field whose value changed."""
    return {
        name: {"from": _plain(before[name]), "to": _plain(after[name])}
        for name in before
        if before[name] != after.get(name)
    }


def record_change_add(
    *,
    record: Minutes | Recommendation | ActionItem,
    action: str,
    actor: User | None,
    changes: dict[str, Any] | None = None,
    note: str = "",
) -> RecordChange:
    row = RecordChange(
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        changes=changes or {},
        note=note,
    )
    if isinstance(record, Minutes):
        row.minutes = record
    elif isinstance(record, Recommendation):
        row.recommendation = record
    else:
        row.action_item = record
    row.full_clean(exclude=["minutes", "recommendation", "action_item", "actor"])
    row.save()
    return row
