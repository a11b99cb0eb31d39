"""`child_locked_under_parent`: the parent's row locked before its child's, by statements that
join nothing, on a real database; a child removed meanwhile is None, one moved to another parent
a broken rule; and what each service that uses it takes."""

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from councils.models import ActionItem, ActionItemStatus, Minutes
from councils.services.actions import action_item_delete, action_item_transition
from councils.services.minutes import minutes_circulate, minutes_create
from curim.core.locks import ParentChanged, child_locked_under_parent
from tests.councils.factories import (
    action_item_with,
    council_create,
    meeting_held,
    minutes_approved,
    recommendation_adopted,
    secretary_of,
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


def _waiting_for_the_child(change: Callable[[], Any], item: ActionItem) -> Any:
    """Lock `item` under its recommendation on one connection while another, holding the item,
    makes `change` to it and commits: what the helper then answers (or raises)."""
    outcome: dict[str, Any] = {}

    def lock() -> Any:
        with transaction.atomic():
            return child_locked_under_parent(ActionItem, item.pk, "recommendation")

    changer, release = held(change, lambda: None, outcome, "changed")
    try:
        # It read the item's recommendation, locked it, and waits for the item.
        locker = in_thread(lock, outcome, "locked")
        until_a_lock_is_awaited(locker, "the item's lock")
    finally:
        release.set()
    joined(changer, locker, outcome=outcome)
    return outcome["locked"]


@pytest.mark.django_db(transaction=True)
def test_a_child_moved_to_another_parent_meanwhile_is_a_broken_rule() -> None:
    seeded_rows_restore()  # the roles: a committing test emptied them
    council = council_create()
    first, second = recommendation_adopted(council), recommendation_adopted(council)
    item = action_item_with(first)
    with pytest.raises(ParentChanged):
        _waiting_for_the_child(
            lambda: ActionItem.objects.filter(pk=item.pk).update(recommendation=second), item
        )


@pytest.mark.django_db(transaction=True)
def test_a_child_removed_while_its_parent_is_locked_is_none() -> None:
    seeded_rows_restore()
    item = action_item_with(recommendation_adopted(council_create()))
    assert (
        _waiting_for_the_child(lambda: ActionItem.objects.filter(pk=item.pk).delete(), item) is None
    )


def test_a_parent_that_may_be_empty_is_refused() -> None:
    # None would read as "removed meanwhile".
    with pytest.raises(TypeError, match="never empty"):
        child_locked_under_parent(Minutes, 1, "approved_by_decision")


# What each service takes: (the parent's table, its strength), (the child's, its strength).
NO_KEY, FULL = "FOR NO KEY UPDATE", "FOR UPDATE"


def _locks_taken(run: Callable[[], Any]) -> list[tuple[str, str]]:
    with CaptureQueriesContext(connection) as captured:
        run()
    return [
        (sql.split(" FROM ")[1].split()[0].strip('"'), NO_KEY if sql.endswith(NO_KEY) else FULL)
        for sql in _statements(captured)
        if sql.endswith(("FOR UPDATE", NO_KEY))
    ]


@pytest.mark.django_db
def test_each_service_takes_the_strengths_its_neighbours_rely_on() -> None:
    recommendation = recommendation_adopted(council_create())
    item = action_item_with(recommendation)
    by = secretary_of(recommendation.council)
    # An item's change: both FOR NO KEY UPDATE (agenda items and progress rows refer to them
    # meanwhile); its deletion FOR UPDATE.
    assert _locks_taken(
        lambda: action_item_transition(item=item, to_status=ActionItemStatus.IN_PROGRESS, by=by)
    )[:2] == [("councils_recommendation", NO_KEY), ("councils_actionitem", NO_KEY)]
    assert _locks_taken(lambda: action_item_delete(item=item, by=by))[:2] == [
        ("councils_recommendation", NO_KEY),
        ("councils_actionitem", FULL),
    ]
    # Minutes: their meeting and themselves FOR UPDATE.
    minutes = minutes_create(
        meeting=meeting_held(recommendation.council), by=by, text="We met.", public_summary="Met."
    )
    assert _locks_taken(lambda: minutes_circulate(minutes=minutes, by=by))[:2] == [
        ("councils_meeting", FULL),
        ("councils_minutes", FULL),
    ]
