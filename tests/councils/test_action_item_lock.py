"""An action item changed from the admin while its status changes on the council's pages, on
two connections of a real database. Every service of an item locks its recommendation, then
the item, so the status change waits for the admin's save and then goes through; locked the
other way round (the item first, its recommendation through a join) the two deadlocked, and
PostgreSQL broke one of them off with an error."""

from typing import Any

import pytest

from councils.models import ActionItem, ActionItemStatus, Recommendation
from councils.services.actions import action_item_save, action_item_transition
from tests.councils.factories import (
    action_item_with,
    council_create,
    recommendation_adopted,
    secretary_of,
)
from tests.seeding import seeded_rows_restore
from tests.threads import held, in_thread, joined, until_a_lock_is_awaited

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_item_edited_in_the_admin_while_its_status_changes_keeps_both() -> None:
    seeded_rows_restore()  # the roles: a committing test emptied them
    recommendation = recommendation_adopted(council_create())
    item = action_item_with(recommendation)
    by = secretary_of(recommendation.council)
    edited = ActionItem.objects.get(pk=item.pk)
    edited.title_en = "Light the underpass"
    outcome: dict[str, Any] = {}
    # The admin's save: its transaction has locked the recommendation (action_item_save's first
    # step) and goes on to the item when the test lets it.
    admin, release = held(
        lambda: Recommendation.objects.select_for_update().get(pk=recommendation.pk),
        lambda: action_item_save(item=edited, by=by),
        outcome,
        "edited",
    )
    try:
        started = in_thread(
            lambda: action_item_transition(
                item=item, to_status=ActionItemStatus.IN_PROGRESS, by=by
            ),
            outcome,
            "started",
        )
        until_a_lock_is_awaited("the status change")
    finally:
        release.set()  # never leave the lock held over the test's teardown
    joined(admin, started, outcome=outcome)
    stored = ActionItem.objects.get(pk=item.pk)
    assert (stored.title_en, stored.status) == ("Light the underpass", ActionItemStatus.IN_PROGRESS)
