"""Minutes and decisions: the minutes' workflow (every allowed and refused step), approval by
a decision of a later meeting signed by the chair, the freeze, the public summary kept clear of
closed items, comments, history rows; and when decisions may be recorded."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from councils.models import (
    AgendaItemKind,
    AttendanceStatus,
    Decision,
    DecisionOutcome,
    Meeting,
    Minutes,
    MinutesState,
    Position,
    RecordChange,
    Visibility,
)
from councils.services.attendance import AttendanceEntry, attendance_record
from councils.services.decisions import decision_record, decision_save
from councils.services.minutes import (
    MINUTES_TRANSITIONS,
    minutes_approve,
    minutes_circulate,
    minutes_comment_add,
    minutes_create,
    minutes_edit,
    minutes_publish,
    minutes_return_to_draft,
)
from tests.councils.factories import (
    chair_of,
    council_create,
    decision_adopted,
    item_of,
    meeting_held,
    meeting_planned,
    member_create,
    minutes_approved,
    secretary_of,
)

pytestmark = pytest.mark.django_db

SUMMARY = "The council discussed street lighting and agreed to ask for more lamps."


def _later_decision(meeting: Meeting, *, days: int = 7, outcome: str = "adopted") -> Decision:
    later = meeting_held(
        meeting.council,
        starts_at=meeting.starts_at + timedelta(days=days),
        items=(("Approval of the minutes", True, AgendaItemKind.DECISION),),
        visibility=Visibility.PUBLIC,
    )
    return decision_record(
        agenda_item=item_of(later, public=True),
        by=secretary_of(meeting.council),
        text="The minutes are approved.",
        outcome=outcome,
    )


def _minutes_in(state: str) -> Minutes:
    meeting = meeting_held(council_create())
    by = secretary_of(meeting.council)
    if state in (MinutesState.APPROVED, MinutesState.PUBLISHED):
        minutes = minutes_approved(meeting, summary=SUMMARY)
        if state == MinutesState.PUBLISHED:
            minutes = minutes_publish(minutes=minutes, by=by)
        return minutes
    minutes = minutes_create(meeting=meeting, by=by, text="We met.", public_summary=SUMMARY)
    if state == MinutesState.CIRCULATED:
        minutes = minutes_circulate(minutes=minutes, by=by)
    return minutes


def _step(to_state: str) -> Callable[[Minutes], Minutes]:
    def step(minutes: Minutes) -> Minutes:
        by = secretary_of(minutes.meeting.council)
        if to_state == MinutesState.CIRCULATED:
            return minutes_circulate(minutes=minutes, by=by)
        if to_state == MinutesState.DRAFT:
            return minutes_return_to_draft(minutes=minutes, by=by, note="Rework")
        if to_state == MinutesState.APPROVED:
            decision = _later_decision(minutes.meeting)
            return minutes_approve(
                minutes=minutes, decision=decision, by=chair_of(minutes.meeting.council)
            )
        return minutes_publish(minutes=minutes, by=by)

    return step


@pytest.mark.parametrize(
    ("from_state", "to_state"),
    [(a, b) for a in MinutesState.values for b in MinutesState.values if a != b],
)
def test_minutes_move_only_along_their_workflow(from_state: str, to_state: str) -> None:
    minutes = _minutes_in(from_state)
    if to_state in MINUTES_TRANSITIONS[from_state]:
        moved = _step(to_state)(minutes)
        assert Minutes.objects.get(pk=moved.pk).state == to_state
        row = moved.changes.filter(action=RecordChange.Action.STATUS).last()
        assert row is not None
        assert row.changes == {"state": {"from": from_state, "to": to_state}}
        assert row.actor is not None
    else:
        with pytest.raises(ValidationError) as caught:
            _step(to_state)(minutes)
        assert set(caught.value.message_dict) & {"state", "approved_by_decision"}
        assert Minutes.objects.get(pk=minutes.pk).state == from_state


def test_minutes_are_written_once_the_meeting_is_held() -> None:
    meeting = meeting_planned(council_create())
    with pytest.raises(ValidationError) as caught:
        minutes_create(meeting=meeting, by=secretary_of(meeting.council), text="Too early")
    assert "meeting" in caught.value.message_dict


def test_minutes_are_approved_by_an_adopted_decision_of_a_later_meeting_of_the_council() -> None:
    minutes = _minutes_in(MinutesState.CIRCULATED)
    meeting = minutes.meeting
    chair = chair_of(meeting.council)
    same_meeting = decision_adopted(item_of(meeting, public=True))
    earlier = _later_decision(meeting, days=-7)
    rejected = _later_decision(meeting, outcome=DecisionOutcome.REJECTED)
    elsewhere = decision_adopted(item_of(meeting_held(council_create()), public=True))
    for decision, words in [
        (same_meeting, "later meeting"),
        (earlier, "later meeting"),
        (rejected, "not adopted"),
        (elsewhere, "another council"),
    ]:
        with pytest.raises(ValidationError) as caught:
            minutes_approve(minutes=minutes, decision=decision, by=chair)
        assert words in caught.value.message_dict["approved_by_decision"][0]
    approved = minutes_approve(minutes=minutes, decision=_later_decision(meeting), by=chair)
    assert approved.state == MinutesState.APPROVED
    assert approved.approved_by == chair
    assert approved.approved_at is not None


def test_the_chair_or_vice_chair_on_the_day_approves_for_the_council() -> None:
    minutes = _minutes_in(MinutesState.CIRCULATED)
    council = minutes.meeting.council
    decision = _later_decision(minutes.meeting)
    for person in (
        secretary_of(council),
        member_create(council).person,
        member_create(council_create(), position=Position.CHAIR).person,
    ):
        with pytest.raises(ValidationError) as caught:
            minutes_approve(minutes=minutes, decision=decision, by=person)
        assert "chair" in caught.value.message_dict["approved_by"][0]
    vice = member_create(council, position=Position.VICE_CHAIR).person
    assert minutes_approve(minutes=minutes, decision=decision, by=vice).approved_by == vice


def test_approved_minutes_are_frozen() -> None:
    minutes = _minutes_in(MinutesState.APPROVED)
    by = secretary_of(minutes.meeting.council)
    with pytest.raises(ValidationError) as caught:
        minutes_edit(minutes=minutes, by=by, text="Rewritten")
    assert "frozen" in caught.value.message_dict["state"][0]
    with pytest.raises(ValidationError):
        minutes_edit(minutes=minutes, by=by, public_summary="Another summary")
    with pytest.raises(ValidationError):
        minutes_comment_add(minutes=minutes, author=by, text="Late remark")
    published = minutes_publish(minutes=minutes, by=by)
    with pytest.raises(ValidationError):
        minutes_edit(minutes=published, by=by, text="Rewritten")
    assert Minutes.objects.get(pk=minutes.pk).text == "Minutes."


def test_the_decisions_of_a_meeting_are_final_once_its_minutes_are_approved() -> None:
    meeting = meeting_held(council_create())
    decision = decision_adopted(item_of(meeting, public=True))
    minutes_approved(meeting)
    decision.text = "Changed afterwards"
    with pytest.raises(ValidationError) as caught:
        decision_save(decision=decision, by=secretary_of(meeting.council))
    assert "final" in caught.value.message_dict["agenda_item"][0]
    with pytest.raises(ValidationError):
        decision_adopted(item_of(meeting, public=False))


def test_the_public_summary_never_quotes_a_closed_item() -> None:
    meeting = meeting_held(council_create())
    by = secretary_of(meeting.council)
    closed_title = item_of(meeting, public=False).title
    with pytest.raises(ValidationError) as caught:
        minutes_create(
            meeting=meeting, by=by, public_summary=f"We heard the {closed_title.upper()}."
        )
    assert closed_title in caught.value.message_dict["public_summary"][0]
    minutes = minutes_create(meeting=meeting, by=by, text=f"Closed: {closed_title}.")
    with pytest.raises(ValidationError):
        minutes_edit(minutes=minutes, by=by, public_summary=f"About {closed_title}")
    minutes_edit(minutes=minutes, by=by, public_summary=SUMMARY)  # the full text may


def test_publishing_needs_a_summary_and_a_meeting_that_was_not_closed() -> None:
    meeting = meeting_held(council_create())
    minutes = minutes_approved(meeting, summary="")
    with pytest.raises(ValidationError) as caught:
        minutes_publish(minutes=minutes, by=secretary_of(meeting.council))
    assert "public_summary" in caught.value.message_dict
    closed = meeting_held(
        council_create(),
        visibility=Visibility.CLOSED,
        items=(("Operational matters", False, AgendaItemKind.DECISION),),
    )
    minutes = minutes_approved(closed)
    with pytest.raises(ValidationError) as caught:
        minutes_publish(minutes=minutes, by=secretary_of(closed.council))
    assert "closed" in caught.value.message_dict["state"][0]


def test_the_service_refuses_a_comment_on_draft_minutes() -> None:
    """The rule is the service's, not a page's: the API and the admin go through it too."""
    minutes = _minutes_in(MinutesState.DRAFT)
    member = member_create(minutes.meeting.council).person
    with pytest.raises(ValidationError) as caught:
        minutes_comment_add(minutes=minutes, author=member, text="Too early.")
    assert "circulated" in caught.value.message_dict["state"][0]
    assert not minutes.comments.exists()
    assert not minutes.changes.filter(action=RecordChange.Action.COMMENTED).exists()
    # Taken back to draft after circulating: closed to comments again.
    by = secretary_of(minutes.meeting.council)
    minutes_circulate(minutes=minutes, by=by)
    minutes_comment_add(minutes=minutes, author=member, text="In time.")
    minutes_return_to_draft(minutes=minutes, by=by, note="Reworked.")
    with pytest.raises(ValidationError):
        minutes_comment_add(minutes=minutes, author=member, text="Again too early.")
    assert list(minutes.comments.values_list("text", flat=True)) == ["In time."]


def test_members_comment_on_circulated_minutes_and_it_is_in_the_history() -> None:
    minutes = _minutes_in(MinutesState.CIRCULATED)
    member = member_create(minutes.meeting.council).person
    comment = minutes_comment_add(minutes=minutes, author=member, text="Add the school's point.")
    assert comment.author == member
    row = minutes.changes.filter(action=RecordChange.Action.COMMENTED).get()
    assert row.actor == member


def test_every_edit_of_minutes_leaves_a_history_row_with_what_changed() -> None:
    minutes = _minutes_in(MinutesState.DRAFT)
    by = secretary_of(minutes.meeting.council)
    minutes_edit(minutes=minutes, by=by, text="We met and agreed.")
    minutes_edit(minutes=minutes, by=by, text="We met and agreed.")  # no change, no row
    rows = list(minutes.changes.order_by("pk"))
    assert [row.action for row in rows] == ["created", "edited"]
    assert rows[1].changes == {"text": {"from": "We met.", "to": "We met and agreed."}}
    assert rows[1].actor == by


def test_long_texts_are_recorded_by_length_and_digest() -> None:
    minutes = _minutes_in(MinutesState.DRAFT)
    by = secretary_of(minutes.meeting.council)
    minutes_edit(minutes=minutes, by=by, text="x" * 5000)
    change: dict[str, Any] = minutes.changes.last().changes["text"]
    assert change["from"] == "We met."
    assert change["to"]["length"] == 5000
    assert len(change["to"]["sha256"]) == 64


# --- Decisions --------------------------------------------------------------------------------
def test_decisions_are_taken_on_decision_items_of_held_meetings() -> None:
    council = council_create()
    planned = meeting_planned(council, items=(("Vote", True, AgendaItemKind.DECISION),))
    with pytest.raises(ValidationError) as caught:
        decision_adopted(planned.agenda_items.get())
    assert "held" in caught.value.message_dict["agenda_item"][0]
    held = meeting_held(council, items=(("For information", True, AgendaItemKind.INFORMATION),))
    with pytest.raises(ValidationError) as caught:
        decision_adopted(held.agenda_items.get())
    assert "decision" in caught.value.message_dict["agenda_item"][0]


def test_no_more_votes_than_members_who_attended() -> None:
    council = council_create()
    one, two = member_create(council), member_create(council)
    meeting = meeting_held(council)
    attendance_record(
        meeting=meeting,
        by=secretary_of(council),
        entries=[
            AttendanceEntry(one, AttendanceStatus.PRESENT),
            AttendanceEntry(two, AttendanceStatus.ABSENT),
        ],
    )
    item = item_of(meeting, public=True)
    with pytest.raises(ValidationError) as caught:
        decision_record(
            agenda_item=item,
            by=secretary_of(council),
            text="Adopted",
            outcome=DecisionOutcome.ADOPTED,
            votes_for=2,
            votes_against=0,
            votes_abstain=0,
        )
    assert "1 members attended" in caught.value.message_dict["votes_for"][0]


def test_a_decision_that_minutes_rest_on_stays_adopted() -> None:
    minutes = _minutes_in(MinutesState.APPROVED)
    decision = minutes.approved_by_decision
    assert decision is not None
    decision.outcome = DecisionOutcome.REJECTED
    with pytest.raises(ValidationError) as caught:
        decision_save(decision=decision, by=secretary_of(minutes.meeting.council))
    assert "outcome" in caught.value.message_dict


def test_minutes_removed_meanwhile_are_refused_with_nothing_saved() -> None:
    # No page removes minutes (the admin may not, and they protect their meeting); should a
    # row go all the same, by hand in the database, a step on it says so instead of failing.
    minutes = _minutes_in(MinutesState.DRAFT)
    by = secretary_of(minutes.meeting.council)
    Minutes.objects.filter(pk=minutes.pk).delete()
    with pytest.raises(ValidationError, match="removed meanwhile: nothing was saved"):
        minutes_circulate(minutes=minutes, by=by)
    assert not Minutes.objects.filter(pk=minutes.pk).exists()
