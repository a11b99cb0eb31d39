"""Row locks taken in one order everywhere: a parent before its child (docs/architecture.md,
"Locks").

A child's services that must hold its parent too (the recommendation of an action item, the
meeting of its minutes, the consent of a referral) cannot lock both by one statement: a
`select_for_update()` through a join locks the joined rows in whatever order the plan reads
them, and PostgreSQL then locks the child before the parent, while the parent's own services
lock the parent, then its children. Two such transactions meeting on one pair deadlock.
`child_locked_under_parent` reads the child's parent key, locks the parent, then the child.
"""

from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import ForeignKey, Model, QuerySet

ChildModel = TypeVar("ChildModel", bound=Model)


class ParentChanged(RuntimeError):
    """The child moved to another parent between the read of its key and its lock: a rule the
    caller relies on (its parent never changes) broke. Followed, the next parent would be locked
    after the child, the very order this module exists to avoid."""


def child_locked_under_parent(
    model: type[ChildModel],
    pk: Any,
    parent: str,
    *,
    no_key: bool = False,
    parent_no_key: bool = False,
) -> ChildModel | None:
    """The row `pk` of `model`, read again under its lock, with the row its foreign key `parent`
    names locked first and set on it; None when either is gone (removed meanwhile: the caller
    says what that means to its user). For a parent that never changes: a child that moved
    meanwhile raises `ParentChanged`.

    FOR NO KEY UPDATE (`no_key`, `parent_no_key`) where the caller never changes that row's key
    nor deletes it: rows that merely refer to it (their foreign-key checks take KEY SHARE) are
    still written meanwhile.
    """
    field = model._meta.get_field(parent)
    if not isinstance(field, ForeignKey) or field.null:
        raise TypeError(f"{model.__name__}.{parent} is not a foreign key that is never empty")
    parent_model = field.remote_field.model
    if isinstance(parent_model, str):  # a lazy "app.Model" name: the models are not loaded
        raise TypeError(f"{model.__name__}.{parent} names {parent_model}, not yet a model")
    rows = model._default_manager
    parents = parent_model._default_manager.select_for_update(no_key=parent_no_key)
    parent_key = field.target_field.attname  # the parent's primary key, or the field it names
    parent_id = _one(rows.filter(pk=pk).values_list(field.attname, flat=True))
    if parent_id is None:
        return None
    parent_row = _one(parents.filter(**{parent_key: parent_id}))
    if parent_row is None:
        return None
    locked: ChildModel | None = _one(rows.select_for_update(no_key=no_key).filter(pk=pk))
    if locked is None:
        return None
    if getattr(locked, field.attname) != parent_id:
        raise ParentChanged(f"{model.__name__} {pk} moved to another {parent} meanwhile")
    setattr(locked, field.name, parent_row)
    return locked


def _one(rows: QuerySet[Any, Any]) -> Any:
    """The one row, or None. `get()`, not `first()`: `first()` orders by the model's ordering,
    which may cross a relation (Minutes by their meeting's date) and would lock the joined rows
    too, in the plan's order."""
    try:
        return rows.get()
    except ObjectDoesNotExist:
        return None
