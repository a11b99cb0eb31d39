"""`child_locked_under_parent`: the parent's row locked before its child's, by statements that
join nothing, on a real database; a child moved to another parent meanwhile is read again."""

from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from councils.models import ActionItem, Minutes
from curim.core import locks
from curim.core.locks import ParentChanged, child_locked_under_parent
from tests.councils.factories import (
    action_item_with,
    council_create,
    meeting_held,
    minutes_approved,
    recommendation_adopted,
)
from tests.seeding import seeded_rows_restore
from tests.threads import held, in_thread, joined, until_a_lock_is_awaited


def _statements(captured: CaptureQueriesContext) -> list[str]:
    return [query["sql"] for query in captured.captured_queries]


@pytest.mark.django_db
def test_the_parent_is_locked_first_and_no_statement_joins() -> None:
    # Minutes are ordered by their meeting's start: a `first()` would join the meetings and
    # lock them in the plan's order.
    minutes = minutes_approved(meeting_held(council_create()))
    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        locked = child_locked_under_parent(Minutes, minutes.pk, "meeting")
        assert locked is not None
        assert locked.meeting.pk == minutes.meeting_id  # the locked parent, not read again
    statements = _statements(captured)
    locking = [sql for sql in statements if "FOR UPDATE" in sql]
    assert len(statements) == 3, statements  # the parent's key, the parent, the child
    assert [sql.split(" FROM ")[1].split()[0] for sql in locking] == [
        '"councils_meeting"',
        '"councils_minutes"',
    ]
    assert not any("JOIN" in sql for sql in statements), statements
    assert not any("FOR NO KEY UPDATE" in sql for sql in locking)


@pytest.mark.django_db
def test_each_row_takes_the_strength_asked_for() -> None:
    item = action_item_with(recommendation_adopted(council_create()))
    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        child_locked_under_parent(ActionItem, item.pk, "recommendation", parent_no_key=True)
    parent, child = [sql for sql in _statements(captured) if "FOR " in sql]
    assert parent.endswith("FOR NO KEY UPDATE")
    assert "councils_recommendation" in parent
    assert child.endswith("FOR UPDATE")
    assert "NO KEY" not in child
    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        child_locked_under_parent(ActionItem, item.pk, "recommendation", no_key=True)
    parent, child = [sql for sql in _statements(captured) if "FOR " in sql]
    assert "NO KEY" not in parent
    assert child.endswith("FOR NO KEY UPDATE")


@pytest.mark.django_db
def test_a_child_that_is_gone_is_none_and_locks_nothing() -> None:
    minutes = minutes_approved(meeting_held(council_create()))
    gone = minutes.pk
    Minutes.objects.filter(pk=gone).delete()
    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        assert child_locked_under_parent(Minutes, gone, "meeting") is None
    assert len(captured) == 1


def test_a_field_that_is_not_a_foreign_key_is_refused() -> None:
    with pytest.raises(TypeError, match="not a foreign key"):
        child_locked_under_parent(Minutes, 1, "state")


@pytest.mark.django_db(transaction=True)
def test_a_child_moved_to_another_parent_meanwhile_comes_with_the_new_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seeded_rows_restore()  # the roles: a committing test emptied them
    council = council_create()
    first, second = recommendation_adopted(council), recommendation_adopted(council)
    item = action_item_with(first)
    outcome: dict[str, Any] = {}

    def move() -> None:  # a second connection moves the item, holding its lock
        ActionItem.objects.select_for_update().get(pk=item.pk)
        ActionItem.objects.filter(pk=item.pk).update(recommendation=second)

    def lock() -> tuple[Any, Any]:
        with transaction.atomic():
            locked = child_locked_under_parent(ActionItem, item.pk, "recommendation")
            assert locked is not None
            return locked.recommendation_id, locked.recommendation.pk

    mover, release = held(move, lambda: None, outcome, "moved")
    try:
        # It read the old parent and locked it, and waits for the item.
        locker = in_thread(lock, outcome, "locked")
        until_a_lock_is_awaited(locker, "the item's lock")
    finally:
        release.set()
    joined(mover, locker, outcome=outcome)
    assert outcome["locked"] == (second.pk, second.pk)

    # Moved on every attempt (here: the one attempt allowed), it says so.
    monkeypatch.setattr(locks, "ATTEMPTS", 1)
    mover, release = held(
        lambda: ActionItem.objects.filter(pk=item.pk).update(recommendation=first),
        lambda: None,
        outcome,
        "moved back",
    )
    try:
        locker = in_thread(lock, outcome, "refused")
        until_a_lock_is_awaited(locker, "the item's lock")
    finally:
        release.set()
    with pytest.raises(ParentChanged):
        joined(mover, locker, outcome=outcome)
