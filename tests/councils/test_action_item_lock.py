"""A recommendation and its action items changed at once, on two connections of a real
database. Every service of an item locks its recommendation, then the item, so an item's status
change waits for the admin's save of it and then goes through; locked the other way round (the
item first, its recommendation through a join) the two deadlocked, and PostgreSQL broke one of
them off with an error. And a recommendation is locked FOR NO KEY UPDATE: an agenda item
following it up is written while it is adopted (FOR UPDATE held it up, and the adoption, which
then carries it over onto that very meeting, deadlocked with it)."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from councils.models import (
    ActionItem,
    ActionItemStatus,
    AgendaItem,
    Recommendation,
    RecommendationStatus,
)
from councils.services import actions, recommendations
from councils.services.actions import action_item_save, action_item_transition
from councils.services.meetings import agenda_item_add
from councils.services.recommendations import recommendation_transition
from tests.councils.factories import (
    action_item_with,
    council_create,
    decision_adopted,
    item_of,
    meeting_held,
    meeting_planned,
    recommendation_adopted,
    recommendation_proposed,
    secretary_of,
)
from tests.seeding import seeded_rows_restore
from tests.threads import WAIT, in_thread, joined, paused_in_thread, until_a_lock_is_awaited

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_item_edited_in_the_admin_while_its_status_changes_keeps_both(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seeded_rows_restore()  # the roles: a committing test emptied them
    recommendation = recommendation_adopted(council_create())
    item = action_item_with(recommendation)
    by = secretary_of(recommendation.council)
    edited = ActionItem.objects.get(pk=item.pk)
    edited.title_en = "Light the underpass"
    outcome: dict[str, Any] = {}
    # The admin's save: action_item_save has locked the recommendation and stops before it
    # locks the item, until the test lets it.
    admin, release = paused_in_thread(
        monkeypatch,
        actions,
        "_locked",
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
        until_a_lock_is_awaited(started, "the status change")
    finally:
        release.set()  # never leave the lock held over the test's teardown
    joined(admin, started, outcome=outcome)
    stored = ActionItem.objects.get(pk=item.pk)
    assert (stored.title_en, stored.status) == ("Light the underpass", ActionItemStatus.IN_PROGRESS)


def test_an_agenda_item_following_a_recommendation_is_written_while_it_is_adopted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seeded_rows_restore()
    council = council_create()
    by = secretary_of(council)
    decision = decision_adopted(item_of(meeting_held(council), public=True))
    recommendation = recommendation_proposed(council)
    following = meeting_planned(council, starts_at=timezone.now() + timedelta(days=10))
    # The adoption has locked the recommendation and stops before it carries it over onto the
    # next meeting (which it locks), until the test lets it.
    outcome: dict[str, Any] = {}
    adoption, release = paused_in_thread(
        monkeypatch,
        recommendations,
        "agenda_carry_over_next",
        lambda: recommendation_transition(
            recommendation=recommendation,
            to_status=RecommendationStatus.ADOPTED,
            by=by,
            decision=decision,
        ),
        outcome,
        "adopted",
    )
    try:
        writing = in_thread(
            lambda: agenda_item_add(
                meeting=following, by=by, title="Follow-up", recommendation=recommendation
            ),
            outcome,
            "written",
        )
        writing.join(WAIT / 3)
        assert not writing.is_alive(), "the agenda item waited for the adoption"
    finally:
        release.set()  # never leave the lock held over the test's teardown
    joined(adoption, writing, outcome=outcome)
    assert Recommendation.objects.get(pk=recommendation.pk).status == RecommendationStatus.ADOPTED
    assert AgendaItem.objects.filter(meeting=following, title="Follow-up").exists()
