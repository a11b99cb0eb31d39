"""Meetings: the status workflow (every allowed and every refused step), the agenda while it
may change, attendance recorded or explicitly not, and the quorum."""

import itertools
from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from councils.models import (
    AgendaItemKind,
    AttendanceStatus,
    Meeting,
    MeetingStatus,
    Membership,
    Position,
    Visibility,
)
from councils.selectors import meeting_quorum
from councils.services.attendance import (
    AttendanceEntry,
    attendance_mark_not_recorded,
    attendance_record,
)
from councils.services.meetings import (
    MEETING_TRANSITIONS,
    agenda_attachment_add,
    agenda_item_add,
    agenda_item_delete,
    agenda_items_reorder,
    meeting_transition,
    meeting_update,
)
from tests.councils.factories import (
    council_create,
    meeting_held,
    meeting_planned,
    member_create,
    minutes_approved,
    secretary_of,
)

pytestmark = pytest.mark.django_db

ITEM = (("Street lighting", True, AgendaItemKind.INFORMATION),)
ALL_PAIRS = list(itertools.permutations(MeetingStatus.values, 2))


def _meeting_in(status: str) -> Meeting:
    """A meeting brought to `status` by the workflow itself, with its attendance decided."""
    council = council_create()
    meeting = meeting_planned(council, visibility=Visibility.PUBLIC, items=ITEM)
    by = secretary_of(council)
    path = {
        MeetingStatus.PLANNED: [],
        MeetingStatus.CONVENED: [MeetingStatus.CONVENED],
        MeetingStatus.HELD: [MeetingStatus.CONVENED, MeetingStatus.HELD],
        MeetingStatus.CLOSED: [MeetingStatus.CONVENED, MeetingStatus.HELD, MeetingStatus.CLOSED],
        MeetingStatus.CANCELLED: [MeetingStatus.CANCELLED],
    }[MeetingStatus(status)]
    for step in path:
        if step == MeetingStatus.CLOSED:
            attendance_mark_not_recorded(meeting=meeting, by=by)
        meeting = meeting_transition(meeting=meeting, to_status=step, by=by, reason="Strike")
    return meeting


@pytest.mark.parametrize(("from_status", "to_status"), ALL_PAIRS)
def test_a_meeting_moves_only_along_the_workflow(from_status: str, to_status: str) -> None:
    meeting = _meeting_in(from_status)
    by = secretary_of(meeting.council)
    if to_status == MeetingStatus.CLOSED and from_status == MeetingStatus.HELD:
        attendance_mark_not_recorded(meeting=meeting, by=by)
    allowed = to_status in MEETING_TRANSITIONS[from_status]
    if allowed:
        moved = meeting_transition(meeting=meeting, to_status=to_status, by=by, reason="Strike")
        assert moved.status == to_status
        assert Meeting.objects.get(pk=meeting.pk).status == to_status
    else:
        with pytest.raises(ValidationError) as caught:
            meeting_transition(meeting=meeting, to_status=to_status, by=by, reason="Strike")
        assert "cannot become" in caught.value.message_dict["status"][0]
        assert Meeting.objects.get(pk=meeting.pk).status == from_status


def test_the_workflow_table_names_every_status() -> None:
    assert set(MEETING_TRANSITIONS) == set(MeetingStatus.values)
    assert MEETING_TRANSITIONS[MeetingStatus.CLOSED] == frozenset()
    assert MEETING_TRANSITIONS[MeetingStatus.CANCELLED] == frozenset()


def test_a_meeting_is_convened_with_an_agenda_and_a_place() -> None:
    council = council_create()
    meeting = meeting_planned(council, place="")
    by = secretary_of(council)
    with pytest.raises(ValidationError) as caught:
        meeting_transition(meeting=meeting, to_status=MeetingStatus.CONVENED, by=by)
    assert set(caught.value.message_dict) == {"agenda_items", "place"}
    agenda_item_add(meeting=meeting, by=by, title="Opening", kind=AgendaItemKind.INFORMATION)
    meeting_update(meeting=meeting, by=by, online_url="https://meet.example.org/lccp")
    convened = meeting_transition(meeting=meeting, to_status=MeetingStatus.CONVENED, by=by)
    assert convened.convened_at is not None


def test_a_meeting_is_not_held_before_it_starts() -> None:
    council = council_create()
    meeting = meeting_planned(council, items=ITEM, starts_at=timezone.now() + timedelta(days=2))
    by = secretary_of(council)
    meeting_transition(meeting=meeting, to_status=MeetingStatus.CONVENED, by=by)
    with pytest.raises(ValidationError) as caught:
        meeting_transition(meeting=meeting, to_status=MeetingStatus.HELD, by=by)
    assert "not started" in caught.value.message_dict["status"][0]


def test_a_meeting_is_closed_once_its_attendance_is_decided() -> None:
    meeting = _meeting_in(MeetingStatus.HELD)
    by = secretary_of(meeting.council)
    with pytest.raises(ValidationError) as caught:
        meeting_transition(meeting=meeting, to_status=MeetingStatus.CLOSED, by=by)
    assert "attendance" in caught.value.message_dict


def test_a_cancellation_says_why() -> None:
    meeting = _meeting_in(MeetingStatus.CONVENED)
    by = secretary_of(meeting.council)
    with pytest.raises(ValidationError) as caught:
        meeting_transition(meeting=meeting, to_status=MeetingStatus.CANCELLED, by=by, reason=" ")
    assert "cancellation_reason" in caught.value.message_dict
    cancelled = meeting_transition(
        meeting=meeting, to_status=MeetingStatus.CANCELLED, by=by, reason="No quorum expected"
    )
    assert cancelled.cancellation_reason == "No quorum expected"


def test_a_held_meeting_and_its_agenda_no_longer_change() -> None:
    meeting = _meeting_in(MeetingStatus.HELD)
    by = secretary_of(meeting.council)
    with pytest.raises(ValidationError) as caught:
        meeting_update(meeting=meeting, by=by, title_en="Renamed")
    assert "no longer changes" in caught.value.message_dict["title_en"][0]
    with pytest.raises(ValidationError) as caught:
        agenda_item_add(meeting=meeting, by=by, title="Late item")
    assert "meeting" in caught.value.message_dict
    with pytest.raises(ValidationError):
        agenda_item_delete(item=meeting.agenda_items.get(), by=by)


def test_the_items_of_a_public_meeting_are_public_and_of_a_closed_one_closed() -> None:
    council = council_create()
    by = secretary_of(council)
    public = meeting_planned(council, visibility=Visibility.PUBLIC)
    assert agenda_item_add(meeting=public, by=by, title="Open").public is True
    with pytest.raises(ValidationError) as caught:
        agenda_item_add(meeting=public, by=by, title="Secret", public=False)
    assert "make the meeting split" in caught.value.message_dict["public"][0]
    closed = meeting_planned(council, visibility=Visibility.CLOSED)
    assert agenda_item_add(meeting=closed, by=by, title="Closed").public is False
    with pytest.raises(ValidationError):
        agenda_item_add(meeting=closed, by=by, title="Open", public=True)
    split = meeting_planned(council, visibility=Visibility.SPLIT)
    assert agenda_item_add(meeting=split, by=by, title="Closed by default").public is False
    agenda_item_add(meeting=split, by=by, title="Open", public=True)
    with pytest.raises(ValidationError) as caught:
        meeting_update(meeting=split, by=by, visibility=Visibility.PUBLIC)
    assert "Items 1 are closed" in caught.value.message_dict["visibility"][0]


def test_agenda_items_are_numbered_in_turn_and_reordered_whole() -> None:
    council = council_create()
    by = secretary_of(council)
    meeting = meeting_planned(council)
    first = agenda_item_add(meeting=meeting, by=by, title="First")
    second = agenda_item_add(meeting=meeting, by=by, title="Second")
    assert (first.order, second.order) == (1, 2)
    agenda_items_reorder(meeting=meeting, by=by, order=[second.pk, first.pk])
    assert list(meeting.agenda_items.values_list("title", flat=True)) == ["Second", "First"]
    with pytest.raises(ValidationError):
        agenda_items_reorder(meeting=meeting, by=by, order=[second.pk])


def test_deleting_an_item_numbers_the_rest_again_in_the_same_transaction() -> None:
    council = council_create()
    by = secretary_of(council)
    meeting = meeting_planned(
        council, items=(("One", False, "information"), ("Two", False, "information"))
    )
    agenda_item_add(meeting=meeting, by=by, title="Three")
    agenda_item_delete(item=meeting.agenda_items.get(order=2), by=by)
    assert list(meeting.agenda_items.values_list("order", "title")) == [(1, "One"), (2, "Three")]

    # The renumbering fails: the deletion is rolled back with it, the item stays in place.
    with (
        mock.patch(
            "councils.services.meetings.agenda_renumber", side_effect=RuntimeError("renumber")
        ),
        pytest.raises(RuntimeError),
    ):
        agenda_item_delete(item=meeting.agenda_items.get(order=1), by=by)
    assert list(meeting.agenda_items.values_list("order", "title")) == [(1, "One"), (2, "Three")]


def test_an_attachment_is_a_document_of_a_bounded_size(settings: object) -> None:
    council = council_create()
    by = secretary_of(council)
    meeting = meeting_planned(council, items=ITEM)
    item = meeting.agenda_items.get()
    with pytest.raises(ValidationError) as caught:
        agenda_attachment_add(
            item=item, by=by, title="Script", file=SimpleUploadedFile("run.exe", b"MZ")
        )
    assert "file" in caught.value.message_dict
    attachment = agenda_attachment_add(
        item=item, by=by, title="Figures", file=SimpleUploadedFile("Figures 2023.PDF", b"%PDF-")
    )
    assert attachment.size == 5
    assert attachment.file.name.startswith("councils/attachments/")
    assert "Figures" not in attachment.file.name  # random names


# --- Attendance and quorum --------------------------------------------------------------------
def _council_of(members: int, **fields: object) -> tuple[Meeting, list[Membership]]:
    council = council_create(**fields)
    memberships = [member_create(council) for _ in range(members)]
    member_create(council, position=Position.OBSERVER)  # never counted
    return meeting_held(council), memberships


def test_attendance_replaces_what_was_recorded_and_proxies_are_present() -> None:
    meeting, (one, two, three) = _council_of(3)
    by = secretary_of(meeting.council)
    with pytest.raises(ValidationError) as caught:
        attendance_record(
            meeting=meeting,
            by=by,
            entries=[
                AttendanceEntry(one, AttendanceStatus.REPRESENTED, represented_by=two),
                AttendanceEntry(two, AttendanceStatus.ABSENT),
            ],
        )
    assert "must be present" in caught.value.message_dict["represented_by"][0]
    attendance_record(
        meeting=meeting,
        by=by,
        entries=[
            AttendanceEntry(one, AttendanceStatus.REPRESENTED, represented_by=two),
            AttendanceEntry(two, AttendanceStatus.PRESENT),
            AttendanceEntry(three, AttendanceStatus.APOLOGIES),
        ],
    )
    attendance_record(
        meeting=meeting, by=by, entries=[AttendanceEntry(two, AttendanceStatus.PRESENT)]
    )
    assert meeting.attendance.count() == 1


def test_attendance_is_for_members_of_the_council_on_the_day() -> None:
    meeting, _members = _council_of(1)
    stranger = member_create(council_create())
    by = secretary_of(meeting.council)
    with pytest.raises(ValidationError) as caught:
        attendance_record(
            meeting=meeting, by=by, entries=[AttendanceEntry(stranger, AttendanceStatus.PRESENT)]
        )
    assert "another council" in caught.value.message_dict["membership"][0]
    later = member_create(meeting.council, starts_on=timezone.localdate())
    with pytest.raises(ValidationError) as caught:
        attendance_record(
            meeting=meeting, by=by, entries=[AttendanceEntry(later, AttendanceStatus.PRESENT)]
        )
    assert "not a member on the day" in caught.value.message_dict["membership"][0]


def test_not_recorded_is_said_explicitly_and_only_when_nothing_was_recorded() -> None:
    meeting, (one,) = _council_of(1)
    by = secretary_of(meeting.council)
    assert meeting_quorum(meeting).reached is None  # unsaid: no answer, not "not reached"
    attendance_record(meeting=meeting, by=by, entries=[AttendanceEntry(one, "present")])
    with pytest.raises(ValidationError):
        attendance_mark_not_recorded(meeting=meeting, by=by)
    meeting.attendance.all().delete()
    marked = attendance_mark_not_recorded(meeting=meeting, by=by)
    assert marked.attendance_not_recorded
    assert meeting_quorum(marked).reached is None
    attendance_record(meeting=marked, by=by, entries=[AttendanceEntry(one, "present")])
    assert Meeting.objects.get(pk=meeting.pk).attendance_not_recorded is False


def test_attendance_is_recorded_after_the_meeting_and_frozen_with_its_minutes() -> None:
    council = council_create()
    one = member_create(council)
    planned = meeting_planned(council, items=ITEM)
    by = secretary_of(council)
    with pytest.raises(ValidationError):
        attendance_record(meeting=planned, by=by, entries=[AttendanceEntry(one, "present")])
    meeting = meeting_held(council)
    minutes_approved(meeting)
    with pytest.raises(ValidationError) as caught:
        attendance_record(meeting=meeting, by=by, entries=[AttendanceEntry(one, "present")])
    assert "approved" in caught.value.message_dict["attendance"][0]


@pytest.mark.parametrize(
    ("members", "present", "represented"),
    [(3, 2, 0), (3, 2, 1), (4, 3, 0), (4, 2, 0), (0, 1, 0), (1, 0, 0)],
)
def test_the_quorum_is_a_majority_of_the_members_on_the_day(
    members: int, present: int, represented: int
) -> None:
    meeting, memberships = _council_of(members)
    # The secretary made by the factories is a voting member too; they stay away.
    secretary = meeting.council.memberships.get(position=Position.SECRETARY)
    memberships = [*memberships, secretary][: members + 1]
    entries = [AttendanceEntry(m, AttendanceStatus.PRESENT) for m in memberships[:present]]
    proxy = memberships[0]
    entries += [
        AttendanceEntry(m, AttendanceStatus.REPRESENTED, represented_by=proxy)
        for m in memberships[present : present + represented]
    ]
    entries += [
        AttendanceEntry(m, AttendanceStatus.ABSENT) for m in memberships[present + represented :]
    ]
    attendance_record(meeting=meeting, by=secretary_of(meeting.council), entries=entries)
    quorum = meeting_quorum(meeting)
    voting = members + 1  # and the secretary; the observer is not counted
    assert quorum.members == voting
    required = {1: 1, 2: 2, 4: 3, 5: 3}[voting]  # a majority: more than half
    assert quorum.required == required
    assert quorum.attending == present + represented
    assert quorum.reached is (present + represented >= required)
    assert "majority" in quorum.explanation()


def test_a_council_may_set_its_own_quorum() -> None:
    meeting, memberships = _council_of(6, quorum=2)
    attendance_record(
        meeting=meeting,
        by=secretary_of(meeting.council),
        entries=[AttendanceEntry(m, AttendanceStatus.PRESENT) for m in memberships[:2]],
    )
    quorum = meeting_quorum(meeting)
    assert (quorum.required, quorum.attending, quorum.reached) == (2, 2, True)
    assert "quorum: 2 members" in quorum.explanation()
