"""Action items of a recommendation and their progress updates.

    not started → in progress → completed
    not started → completed; completed → in progress (reopened)
    not started or in progress → cancelled → in progress (taken up again)

A progress update moves the status along: any progress starts an item, 100% completes it, and
less than 100% on a completed item reopens it. Cancelled items take no updates.
"""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from councils.models import (
    ActionItem,
    ActionItemStatus,
    ProgressUpdate,
    Recommendation,
    RecommendationStatus,
    RecordChange,
)
from councils.services.editing import fields_set
from councils.services.history import changes_between, record_change_add, snapshot
from curim.accounts.models import User
from curim.core.locks import child_locked_under_parent

A = ActionItemStatus
ACTION_ITEM_TRANSITIONS: dict[str, frozenset[str]] = {
    A.NOT_STARTED: frozenset({A.IN_PROGRESS, A.COMPLETED, A.CANCELLED}),
    A.IN_PROGRESS: frozenset({A.COMPLETED, A.CANCELLED}),
    A.COMPLETED: frozenset({A.IN_PROGRESS}),
    A.CANCELLED: frozenset({A.IN_PROGRESS}),
}
ACTION_ITEM_FIELDS = (
    "title_en",
    "title_el",
    "owner_organisation",
    "owner_person",
    "due_on",
    "weight",
)


def _recommendation_open(recommendation: Recommendation) -> None:
    if recommendation.status == RecommendationStatus.WITHDRAWN:
        raise ValidationError(
            {"recommendation": _("The recommendation was withdrawn: its items no longer change.")}
        )


def _locked(item: ActionItem, *, deleting: bool = False) -> ActionItem:
    """The item, read again under its lock with its recommendation locked first: every service
    of an item locks the recommendation, then the item (`action_item_save` for a new item
    must), as the recommendation's own services lock it. Locked the other way round (the item
    first, its recommendation through a join), an item's change from the admin and a status
    change on the same item deadlocked (tests/councils/test_action_item_lock.py).

    FOR NO KEY UPDATE, as the recommendation's own services lock it: what refers to it (an
    agenda item, a status change) is written meanwhile; the item likewise (its progress
    updates, reminders), but for its deletion, which takes FOR UPDATE from the start."""
    locked = child_locked_under_parent(
        ActionItem, item.pk, "recommendation", no_key=not deleting, parent_no_key=True
    )
    if locked is None:
        raise ValidationError(_("This action item was removed meanwhile: nothing was saved."))
    return locked


@transaction.atomic
def action_item_save(*, item: ActionItem, by: User) -> ActionItem:
    """Save a new action item or changes to one (not its status, which has its own service);
    each leaves a history row."""
    item.recommendation = Recommendation.objects.select_for_update(no_key=True).get(
        pk=item.recommendation_id
    )
    if item._state.adding:
        item.status = A.NOT_STARTED
        item.full_clean()
        item.save()
        record_change_add(record=item, action=RecordChange.Action.CREATED, actor=by)
        return item
    stored = _locked(item)
    if stored.recommendation_id != item.recommendation_id:
        raise ValidationError(
            {"recommendation": _("An action item stays with its recommendation.")}
        )
    item.status = stored.status
    item.full_clean()
    changes = changes_between(
        snapshot(stored, ACTION_ITEM_FIELDS), snapshot(item, ACTION_ITEM_FIELDS)
    )
    if changes:
        item.save()
        record_change_add(record=item, action=RecordChange.Action.EDITED, actor=by, changes=changes)
    return item


def action_item_create(*, recommendation: Recommendation, by: User, **fields: Any) -> ActionItem:
    item = ActionItem(recommendation=recommendation)
    fields_set(item, fields, ACTION_ITEM_FIELDS)
    return action_item_save(item=item, by=by)


@transaction.atomic
def action_item_update(*, item: ActionItem, by: User, **changes: Any) -> ActionItem:
    changed = _locked(item)
    fields_set(changed, changes, ACTION_ITEM_FIELDS)
    return action_item_save(item=changed, by=by)


def _move(item: ActionItem, to_status: str, by: User, note: str = "") -> None:
    from_status = item.status
    if from_status == to_status:
        return
    item.status = to_status
    item.full_clean()
    item.save()
    record_change_add(
        record=item,
        action=RecordChange.Action.STATUS,
        actor=by,
        changes={"status": {"from": from_status, "to": to_status}},
        note=note,
    )


@transaction.atomic
def action_item_transition(
    *, item: ActionItem, to_status: str, by: User, note: str = ""
) -> ActionItem:
    item = _locked(item)
    _recommendation_open(item.recommendation)
    if to_status not in ACTION_ITEM_TRANSITIONS.get(item.status, frozenset()):
        raise ValidationError(
            {
                "status": _("An action item that is %(from)s cannot become %(to)s.")
                % {
                    "from": item.get_status_display().lower(),
                    "to": A(to_status).label.lower() if to_status in A.values else to_status[:40],
                }
            }
        )
    if to_status == A.CANCELLED and not note.strip():
        raise ValidationError({"note": _("Say why the item is cancelled.")})
    _move(item, to_status, by, note)
    return item


@transaction.atomic
def action_item_delete(*, item: ActionItem, by: User) -> None:
    """Remove an item entered by mistake; the recommendation's history keeps its title."""
    item = _locked(item, deleting=True)
    _recommendation_open(item.recommendation)
    record_change_add(
        record=item.recommendation,
        action=RecordChange.Action.ITEM_REMOVED,
        actor=by,
        changes={"action_item": {"from": item.title, "to": None}},
    )
    item.delete()


@transaction.atomic
def progress_update_add(
    *, item: ActionItem, by: User, on: date, percent: int, text: str = ""
) -> ProgressUpdate:
    """Post how far an item has got on a day (not in the future)."""
    item = _locked(item)
    _recommendation_open(item.recommendation)
    if item.status == A.CANCELLED:
        raise ValidationError({"status": _("The item is cancelled: it takes no updates.")})
    if on > timezone.localdate():
        raise ValidationError({"on": _("An update cannot be dated in the future.")})
    previous = item.progress_updates.order_by("-on", "-created_at", "-pk").first()
    update = ProgressUpdate(action_item=item, on=on, percent=percent, text=text, author=by)
    update.full_clean(exclude=["action_item", "author"])
    update.save()
    latest = item.progress_updates.order_by("-on", "-created_at", "-pk").first()
    record_change_add(
        record=item,
        action=RecordChange.Action.PROGRESS,
        actor=by,
        changes={
            "percent": {"from": previous.percent if previous else None, "to": percent},
            "on": {"from": None, "to": on.isoformat()},
        },
        note=text[:2000],
    )
    # The status follows the latest update (an older one, entered late, changes nothing).
    if latest is not None and latest.pk == update.pk:
        if percent == 100:
            _move(item, A.COMPLETED, by)
        elif percent > 0 or item.status == A.COMPLETED:
            _move(item, A.IN_PROGRESS, by)
    return update
