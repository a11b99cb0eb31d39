"""A recommendation adopted at one meeting, and action items overdue, appear on the next
meeting's draft agenda by themselves (consuldemocracy#4723), and never where they may not."""

from datetime import timedelta

import pytest
from django.utils import timezone

from councils.models import (
    ActionItemStatus,
    AgendaItem,
    AgendaItemKind,
    Council,
    Meeting,
    MeetingStatus,
    RecommendationStatus,
    Visibility,
)
from councils.selectors.public import public_agenda
from councils.services.actions import action_item_transition
from councils.services.carry_over import agenda_carry_over, agendas_carry_over
from councils.services.meetings import (
    agenda_item_add,
    agenda_item_delete,
    agenda_item_update,
    meeting_transition,
)
from councils.services.recommendations import recommendation_transition
from curim.celery import app as celery_app
from curim.celery import app_config
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

pytestmark = pytest.mark.django_db


def _carried(meeting: Meeting) -> list[AgendaItem]:
    return list(meeting.agenda_items.filter(carried_over=True).order_by("order"))


def _next(council: Council, **kwargs: object) -> Meeting:
    kwargs.setdefault("starts_at", timezone.now() + timedelta(days=20))
    return meeting_planned(council, **kwargs)  # type: ignore[arg-type]


def _adopted_at(meeting: Meeting, *, public: bool = True, **fields: object):  # type: ignore[no-untyped-def]
    return recommendation_adopted(
        meeting.council, decision=decision_adopted(item_of(meeting, public=public)), **fields
    )


def test_a_recommendation_adopted_at_a_meeting_is_on_the_next_meeting_s_draft_agenda() -> None:
    council = council_create()
    held = meeting_held(council)
    recommendation = _adopted_at(held, title_en="Light the port")
    later = _next(council, items=(("Budget", True, AgendaItemKind.INFORMATION),))
    (item,) = _carried(later)
    assert item.recommendation == recommendation
    assert item.title == f"Follow-up of {recommendation.reference}: Light the port"
    assert "Adopted at the previous meeting" in item.text
    assert item.public  # adopted by a public decision, on a split meeting
    assert item.kind == AgendaItemKind.INFORMATION
    # Numbered with the rest: 1, 2, …
    assert sorted(later.agenda_items.values_list("order", flat=True)) == [1, 2]
    assert public_agenda(later.pk) == []  # a draft agenda is the council's own
    meeting_transition(meeting=later, to_status=MeetingStatus.CONVENED, by=secretary_of(council))
    assert public_agenda(later.pk)[0].title == item.title


def test_adopted_after_the_next_meeting_was_scheduled_it_is_added_to_that_agenda() -> None:
    council = council_create()
    held = meeting_held(council)
    later = _next(council)
    assert _carried(later) == []
    recommendation = _adopted_at(held)
    (item,) = _carried(later)
    assert item.recommendation == recommendation


def test_only_the_next_meeting_carries_an_adoption() -> None:
    council = council_create()
    held = meeting_held(council)
    _adopted_at(held)
    after = _next(council, starts_at=timezone.now() + timedelta(days=10))
    after_that = _next(council, starts_at=timezone.now() + timedelta(days=40))
    assert len(_carried(after)) == 1
    assert _carried(after_that) == []


def test_overdue_action_items_are_carried_until_they_are_done() -> None:
    council = council_create()
    held = meeting_held(council)
    recommendation = _adopted_at(held)
    late = action_item_with(recommendation)
    late.due_on = timezone.localdate() - timedelta(days=3)
    late.save()
    on_time = action_item_with(recommendation)
    on_time.due_on = timezone.localdate() + timedelta(days=3)
    on_time.save()
    # A meeting two ahead: the adoption is not its business, the overdue item is.
    _next(council, starts_at=timezone.now() + timedelta(days=5))
    later = _next(council, starts_at=timezone.now() + timedelta(days=40))
    (item,) = _carried(later)
    assert "Adopted at the previous meeting" not in item.text
    assert late.title in item.text
    assert on_time.title not in item.text
    action_item_transition(
        item=late, to_status=ActionItemStatus.COMPLETED, by=secretary_of(council)
    )
    assert agenda_carry_over(meeting=later) == 1
    assert _carried(later) == []


def test_a_withdrawn_recommendation_is_not_carried() -> None:
    council = council_create()
    held = meeting_held(council)
    recommendation = _adopted_at(held)
    recommendation_transition(
        recommendation=recommendation,
        to_status=RecommendationStatus.WITHDRAWN,
        by=secretary_of(council),
        note="Superseded.",
    )
    assert _carried(_next(council)) == []


def test_a_closed_adoption_stays_closed_and_never_reaches_a_public_agenda() -> None:
    council = council_create()
    held = meeting_held(council)
    secret = _adopted_at(held, public=False, title_en="Raid on the harbour")
    split = _next(council, starts_at=timezone.now() + timedelta(days=10))
    (item,) = _carried(split)
    assert item.recommendation == secret
    assert not item.public
    meeting_transition(meeting=split, to_status=MeetingStatus.CONVENED, by=secretary_of(council))
    assert [i.title for i in public_agenda(split.pk)] == []
    # On a public meeting it cannot be carried at all (a public meeting has no closed items).
    council_two = council_create()
    held_two = meeting_held(council_two)
    _adopted_at(held_two, public=False)
    public = _next(council_two, visibility=Visibility.PUBLIC)
    assert _carried(public) == []
    # On a closed meeting even a public recommendation's follow-up is closed.
    council_three = council_create()
    _adopted_at(meeting_held(council_three))
    closed = _next(council_three, visibility=Visibility.CLOSED)
    (item,) = _carried(closed)
    assert not item.public


def test_the_secretary_s_edit_and_removal_are_kept() -> None:
    council = council_create()
    held = meeting_held(council)
    first = _adopted_at(held)
    second = _adopted_at(held)
    later = _next(council)
    by = secretary_of(council)
    edited, removed = _carried(later)
    assert {edited.recommendation, removed.recommendation} == {first, second}
    agenda_item_update(item=edited, by=by, title="Lighting: what the port authority did")
    agenda_item_delete(item=removed, by=by)
    assert agenda_carry_over(meeting=later) == 0
    titles = list(later.agenda_items.values_list("title", "carried_over"))
    assert titles == [("Lighting: what the port authority did", False)]


def test_a_recommendation_already_followed_up_by_hand_gets_no_second_item() -> None:
    council = council_create()
    held = meeting_held(council)
    later = _next(council)
    recommendation = recommendation_proposed(council)
    agenda_item_add(
        meeting=later,
        by=secretary_of(council),
        title="Lighting",
        public=True,
        recommendation=recommendation,
    )
    recommendation_transition(
        recommendation=recommendation,
        to_status=RecommendationStatus.ADOPTED,
        by=secretary_of(council),
        decision=decision_adopted(item_of(held, public=True)),
    )
    assert _carried(later) == []
    assert later.agenda_items.count() == 1


def test_a_convened_agenda_does_not_move_and_a_second_run_changes_nothing() -> None:
    council = council_create()
    held = meeting_held(council)
    later = _next(council, items=(("Budget", True, AgendaItemKind.INFORMATION),))
    meeting_transition(meeting=later, to_status=MeetingStatus.CONVENED, by=secretary_of(council))
    _adopted_at(held)
    assert _carried(later) == []
    planned = _next(council, starts_at=timezone.now() + timedelta(days=60))
    assert agenda_carry_over(meeting=planned) == 0  # its previous meeting adopted nothing
    third = _next(council, starts_at=timezone.now() + timedelta(days=90))
    assert agenda_carry_over(meeting=third) == 0


def test_the_nightly_run_carries_newly_overdue_items_onto_the_next_meeting() -> None:
    council = council_create()
    held = meeting_held(council)
    recommendation = _adopted_at(held)
    item = action_item_with(recommendation)
    item.due_on = timezone.localdate() + timedelta(days=2)
    item.save()
    soon = _next(council, starts_at=timezone.now() + timedelta(days=5))
    later = _next(council, starts_at=timezone.now() + timedelta(days=40))
    before = {c.pk: c.text for c in _carried(soon)}
    assert all(item.title not in text for text in before.values())
    assert agendas_carry_over(today=timezone.localdate() + timedelta(days=3)) == 1
    (carried,) = _carried(soon)
    assert item.title in carried.text
    assert _carried(later) == []  # only the next meeting
    assert agendas_carry_over(today=timezone.localdate() + timedelta(days=3)) == 0


def test_the_nightly_run_is_in_the_beat_schedule() -> None:
    celery_app.loader.import_default_modules()
    tasks = {entry["task"] for entry in app_config()["beat_schedule"].values()}
    assert "councils.agendas_carry_over" in tasks
    assert "councils.agendas_carry_over" in celery_app.tasks


def test_a_follow_up_put_on_by_hand_later_replaces_the_carried_item() -> None:
    council = council_create()
    held = meeting_held(council)
    recommendation = _adopted_at(held)
    later = _next(council)
    assert len(_carried(later)) == 1
    agenda_item_add(
        meeting=later,
        by=secretary_of(council),
        title="Lighting: the port authority reports",
        public=True,
        recommendation=recommendation,
    )
    assert agenda_carry_over(meeting=later) == 1
    assert _carried(later) == []
    assert list(later.agenda_items.values_list("order", "title")) == [
        (1, "Lighting: the port authority reports")
    ]
