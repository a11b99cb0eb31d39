"""What the services that edit records share: setting only the fields a caller may set."""

from typing import Any

from django.db import models


def fields_set(obj: models.Model, changes: dict[str, Any], allowed: tuple[str, ...]) -> None:
    """Set `changes` on `obj`; a field outside `allowed` is a programming error, not input."""
    unknown = set(changes) - set(allowed)
    if unknown:
        raise TypeError(f"{type(obj).__name__}: cannot set {sorted(unknown)}")
    for name, value in changes.items():
        setattr(obj, name, value)
