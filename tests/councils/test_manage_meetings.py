"""The council's own pages of meetings, through the test client: the secretary schedules a
meeting, builds its agenda, convenes it (each member e-mailed in their language, with an
invitation), records attendance and decisions, and takes the minutes through to publication;
members read everything of their council, closed items included, and write only comments (and
the chair's approval); the public page still shows no closed item; bad input is refused field
by field."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from councils.models import (
    AgendaItemKind,
    Meeting,
    MeetingStatus,
    Minutes,
    MinutesState,
    Position,
    RecordChange,
    Visibility,
)
from curim.accounts.roles import Role
from tests.conftest import outbox_run
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
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

CLOSED_TITLE = "Briefing on the night patrols of the port"
BASE = "/council/manage/meetings/"


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _meeting_form(council_pk: int, **changes: str) -> dict[str, str]:
    starts = timezone.localtime() + timedelta(days=10)
    data = {
        "council": str(council_pk),
        "title_en": "Spring plenary",
        "title_el": "Εαρινή ολομέλεια",
        "kind": "plenary",
        "starts_at": starts.strftime("%Y-%m-%dT18:00"),
        "ends_at": starts.strftime("%Y-%m-%dT20:00"),
        "place": "Town hall, room 2",
        "online_url": "",
        "visibility": "split",
    }
    data.update(changes)
    return data


def _item_form(title: str, *, public: bool, kind: str = "decision") -> dict[str, str]:
    data = {"title": title, "text": "Background.", "kind": kind, "presenter_name": "A guest"}
    if public:
        data["public"] = "on"
    return data


def test_a_failure_in_renumbering_leaves_the_deleted_item_in_place() -> None:
    council = council_create()
    meeting = meeting_planned(
        council,
        items=(("First", False, "information"), ("Second", False, "information")),
    )
    client = _client(secretary_of(council))
    failure = ValidationError({"order": "Renumbering failed."})
    with mock.patch("councils.services.meetings.agenda_renumber", side_effect=failure):
        answer = client.post(f"{BASE}{meeting.pk}/items/1/delete/", follow=True)
    assert "Renumbering failed." in answer.content.decode()
    assert list(meeting.agenda_items.values_list("order", "title")) == [
        (1, "First"),
        (2, "Second"),
    ]
    assert client.post(f"{BASE}{meeting.pk}/items/1/delete/").status_code == 302
    assert list(meeting.agenda_items.values_list("order", "title")) == [(1, "Second")]


def test_the_secretary_schedules_a_meeting_builds_its_agenda_and_convenes_it() -> None:
    council = council_create()
    secretary = secretary_of(council)
    secretary.language = "en"
    secretary.save()
    greek = member_create(council, person=user_with_role(Role.COUNCIL_MEMBER, language="el")).person
    member_create(council, ends_on=timezone.localdate() - timedelta(days=1))  # left: no mail
    client = _client(secretary)

    answer = client.post(BASE + "new/", _meeting_form(council.pk))
    assert answer.status_code == 302
    meeting = Meeting.objects.get(council=council)
    assert answer["Location"] == f"{BASE}{meeting.pk}/"
    assert meeting.status == MeetingStatus.PLANNED

    page = f"{BASE}{meeting.pk}/"
    assert (
        client.post(page + "items/new/", _item_form("Street lighting", public=True)).status_code
        == 302
    )
    assert (
        client.post(page + "items/new/", _item_form(CLOSED_TITLE, public=False)).status_code == 302
    )
    assert (
        client.post(
            page + "items/new/", _item_form("Other business", public=True, kind="information")
        ).status_code
        == 302
    )
    assert list(meeting.agenda_items.values_list("order", "title")) == [
        (1, "Street lighting"),
        (2, CLOSED_TITLE),
        (3, "Other business"),
    ]
    # Move the closed item up, edit it, delete the last one.
    assert client.post(page + "items/2/move/", {"direction": "up"}).status_code == 302
    assert list(meeting.agenda_items.values_list("title", flat=True)) == [
        CLOSED_TITLE,
        "Street lighting",
        "Other business",
    ]
    edit = _item_form(CLOSED_TITLE, public=False)
    edit["text"] = "Changed background."
    assert client.post(page + "items/1/", edit).status_code == 302
    assert meeting.agenda_items.get(order=1).text == "Changed background."
    assert client.post(page + "items/3/delete/").status_code == 302
    assert meeting.agenda_items.count() == 2

    changed = _meeting_form(council.pk, place="Town hall, room 5")
    assert client.post(page + "edit/", changed).status_code == 302

    mail.outbox.clear()
    assert client.post(page + "convene/").status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CONVENED
    assert mail.outbox == []  # queued, not sent in the request
    assert outbox_run() == ["councils.convening_email_send"] * 2
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {secretary.email, greek.email}
    english, in_greek = by_address[secretary.email], by_address[greek.email]
    assert english.subject.startswith("Meeting convened: Spring plenary")
    assert in_greek.subject.startswith("Σύγκληση συνεδρίασης: Εαρινή ολομέλεια")
    assert CLOSED_TITLE in str(english.body)
    assert "Town hall, room 5" in str(english.body)
    assert "Ημερήσια διάταξη" in str(in_greek.body)
    for message in (english, in_greek):
        ((name, content, mimetype),) = message.attachments
        assert name == "invitation.ics"
        assert mimetype.startswith("text/calendar")
        calendar = Calendar.from_ical(content)
        assert calendar["METHOD"] == "REQUEST"
        (event,) = calendar.walk("VEVENT")
        assert str(event["UID"]).startswith(str(meeting.pk))
        assert str(event["URL"]).endswith(page)
        assert event.decoded("DTSTART") == meeting.starts_at
    greek_event = Calendar.from_ical(in_greek.attachments[0][1]).walk("VEVENT")[0]
    assert str(greek_event["SUMMARY"]) == "Εαρινή ολομέλεια"
    assert meeting.agenda_items.count() == 2


def test_the_secretary_records_attendance_decisions_and_takes_the_minutes_to_publication() -> None:
    council = council_create()
    secretary = secretary_of(council)
    chair = chair_of(council)
    member = member_create(council).person
    meeting = meeting_held(council, starts_at=timezone.now() - timedelta(days=30))
    page = f"{BASE}{meeting.pk}/"
    client = _client(secretary)

    seats = {m.person_id: m for m in council.memberships.all()}
    form = {}
    for person, status in ((secretary, "present"), (chair, "present"), (member, "represented")):
        key = seats[person.pk].public_id.hex
        form[f"status_{key}"] = status
    form[f"proxy_{seats[member.pk].public_id.hex}"] = str(seats[chair.pk].public_id)
    assert client.post(page + "attendance/", form).status_code == 302
    assert meeting.attendance.count() == 3
    shown = client.get(page).content.decode()
    assert "Reached: 3 attending." in shown

    public_item = item_of(meeting, public=True)
    decision = {
        "text": "More lamps.",
        "outcome": "adopted",
        "votes_for": "2",
        "votes_against": "0",
        "votes_abstain": "0",
    }
    assert client.post(page + f"items/{public_item.order}/decision/", decision).status_code == 302
    assert public_item.decisions.get().text == "More lamps."

    minutes = {
        "text": "We met. " + CLOSED_TITLE,
        "public_summary": "The council discussed lighting.",
    }
    assert client.post(page + "minutes/", minutes).status_code == 302
    assert client.post(page + "minutes/circulate/").status_code == 302
    assert Minutes.objects.get(meeting=meeting).state == MinutesState.CIRCULATED
    assert (
        _client(member)
        .post(page + "minutes/comments/", {"text": "Add the lamp count."})
        .status_code
        == 302
    )
    assert client.post(page + "minutes/return/", {"note": "Lamp count"}).status_code == 302
    assert client.post(page + "minutes/circulate/").status_code == 302

    later = meeting_held(
        council,
        starts_at=meeting.starts_at + timedelta(days=7),
        visibility=Visibility.PUBLIC,
        items=(("Approval of the previous minutes", True, AgendaItemKind.DECISION),),
    )
    approving = decision_adopted(item_of(later, public=True))
    refused = client.post(page + "minutes/approve/", {"decision": approving.pk})
    assert refused.status_code == 400
    assert (
        "Only the council&#x27;s chair or vice-chair approves minutes." in refused.content.decode()
    )
    assert (
        _client(chair).post(page + "minutes/approve/", {"decision": approving.pk}).status_code
        == 302
    )
    stored = Minutes.objects.get(meeting=meeting)
    assert stored.state == MinutesState.APPROVED
    assert stored.approved_by == chair

    frozen = client.post(page + "minutes/", {"text": "Rewritten.", "public_summary": "x"})
    assert frozen.status_code == 400
    assert "they are frozen and no longer change" in frozen.content.decode()
    assert Minutes.objects.get(meeting=meeting).text.startswith("We met.")

    assert client.post(page + "minutes/publish/").status_code == 302
    assert Minutes.objects.get(meeting=meeting).state == MinutesState.PUBLISHED
    history = list(stored.changes.values_list("action", flat=True))
    assert history == [
        RecordChange.Action.CREATED,
        RecordChange.Action.STATUS,
        RecordChange.Action.COMMENTED,
        RecordChange.Action.STATUS,
        RecordChange.Action.STATUS,
        RecordChange.Action.STATUS,
        RecordChange.Action.STATUS,
    ]
    shown = client.get(page).content.decode()
    assert "Add the lamp count." in shown
    assert "Lamp count" in shown
    public = Client().get(f"/council/meetings/{meeting.pk}/").content.decode()
    assert "The council discussed lighting." in public
    assert CLOSED_TITLE not in public


def test_a_member_reads_closed_items_that_the_public_page_does_not_show() -> None:
    council = council_create()
    meeting = meeting_held(
        council,
        items=(("Street lighting", True, "decision"), (CLOSED_TITLE, False, "decision")),
    )
    member = member_create(council).person
    page = f"{BASE}{meeting.pk}/"
    shown = _client(member).get(page)
    assert shown.status_code == 200
    assert CLOSED_TITLE in shown.content.decode()
    assert meeting.title in _client(member).get(BASE).content.decode()
    public = Client().get(f"/council/meetings/{meeting.pk}/")
    assert public.status_code == 200
    assert CLOSED_TITLE not in public.content.decode()


@pytest.mark.parametrize(
    ("method", "suffix"),
    [
        ("get", "edit/"),
        ("post", "edit/"),
        ("post", "convene/"),
        ("post", "cancel/"),
        ("post", "items/new/"),
        ("post", "items/1/move/"),
        ("post", "items/1/delete/"),
        ("post", "attendance/"),
        ("post", "minutes/"),
    ],
)
def test_a_member_who_is_not_the_secretary_cannot_write(method: str, suffix: str) -> None:
    council = council_create()
    meeting = meeting_planned(council, items=(("Opening", False, "information"),))
    member = member_create(council).person
    answer = getattr(_client(member), method)(f"{BASE}{meeting.pk}/{suffix}")
    assert answer.status_code == 404
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNED
    assert meeting.agenda_items.count() == 1


def test_another_councils_secretary_and_outsiders_find_nothing() -> None:
    meeting = meeting_planned(council_create(), items=(("Opening", False, "information"),))
    elsewhere = secretary_of(council_create())
    for user in (elsewhere, user_with_role(Role.ANALYST)):
        client = _client(user)
        assert client.get(f"{BASE}{meeting.pk}/").status_code == 404
        assert client.post(f"{BASE}{meeting.pk}/convene/").status_code == 404
    assert _client(user_with_role(Role.ANALYST)).get(BASE).status_code == 404
    assert Client().get(BASE)["Location"].startswith("/accounts/login/")


def test_bad_input_is_refused_field_by_field_and_nothing_is_saved() -> None:
    council = council_create()
    secretary = secretary_of(council)
    client = _client(secretary)
    bad = _meeting_form(council.pk, title_en="Plen\x00ary", online_url="not a link")
    bad["ends_at"] = bad["starts_at"].replace("T18:00", "T17:00")
    answer = client.post(BASE + "new/", bad)
    assert answer.status_code == 400
    errors = answer.context["form"].errors
    assert {"title_en", "online_url"} <= set(errors)
    answer = client.post(BASE + "new/", _meeting_form(council.pk, title_en="", title_el=""))
    assert "title_en" in answer.context["form"].errors
    answer = client.post(BASE + "new/", {**_meeting_form(council.pk), "ends_at": bad["ends_at"]})
    assert answer.context["form"].errors["ends_at"] == ["The meeting ends before it starts."]
    assert not Meeting.objects.exists()

    meeting = meeting_planned(council, visibility=Visibility.CLOSED)
    answer = client.post(f"{BASE}{meeting.pk}/items/new/", _item_form("Lighting", public=True))
    assert answer.status_code == 400
    assert list(answer.context["form"].errors) == ["public"]
    answer = client.post(f"{BASE}{meeting.pk}/items/new/", {"title": "x" * 5000, "kind": "other"})
    assert {"title", "kind"} <= set(answer.context["form"].errors)
    answer = client.post(f"{BASE}{meeting.pk}/cancel/", {"reason": ""})
    assert answer.status_code == 400
    assert "reason" in answer.context["form"].errors
    # Convening an empty agenda: said on the page, not a 500.
    answer = client.post(f"{BASE}{meeting.pk}/convene/", follow=True)
    assert "Put at least one item on the agenda first." in answer.content.decode()
    assert not meeting.agenda_items.exists()
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNED

    held = meeting_held(council)
    seat = council.memberships.get(position=Position.SECRETARY)
    answer = client.post(
        f"{BASE}{held.pk}/attendance/", {f"status_{seat.public_id.hex}": "represented"}
    )
    assert answer.status_code == 400
    assert f"proxy_{seat.public_id.hex}" in answer.context["form"].errors
    assert not held.attendance.exists()
    decision = {
        "text": "",
        "outcome": "adopted",
        "votes_for": "1",
        "votes_against": "",
        "votes_abstain": "",
    }
    answer = client.post(f"{BASE}{held.pk}/items/1/decision/", decision)
    assert answer.status_code == 400
    assert "text" in answer.context["form"].errors


def test_the_secretary_marks_attendance_not_recorded_and_cancels_a_meeting() -> None:
    council = council_create()
    client = _client(secretary_of(council))
    held = meeting_held(council)
    assert client.post(f"{BASE}{held.pk}/attendance/not-recorded/").status_code == 302
    held.refresh_from_db()
    assert held.attendance_not_recorded
    assert (
        "Whether it was reached is not known." in client.get(f"{BASE}{held.pk}/").content.decode()
    )
    assert client.post(f"{BASE}{held.pk}/status/", {"to": "closed"}).status_code == 302
    held.refresh_from_db()
    assert held.status == MeetingStatus.CLOSED

    planned = meeting_planned(council, items=(("Opening", False, "information"),))
    answer = client.post(f"{BASE}{planned.pk}/cancel/", {"reason": "The hall is flooded."})
    assert answer.status_code == 302
    planned.refresh_from_db()
    assert planned.status == MeetingStatus.CANCELLED
    assert planned.cancellation_reason == "The hall is flooded."


def test_the_form_of_approved_minutes_says_they_are_frozen(client: Client) -> None:
    """Found by the query-count walk: a GET of approved minutes' form was a 500."""
    council = council_create()
    meeting = meeting_held(council)
    minutes_approved(meeting)
    client.force_login(secretary_of(council))
    page = client.get(reverse("councils:manage_minutes", args=[meeting.pk]))
    assert page.status_code == 200
    assert "they are frozen and no longer change" in page.content.decode()


def test_the_attendance_errors_name_each_member(client: Client) -> None:
    """Every row's field has the same label: the summary must say whose attendance is missing."""
    council = council_create()
    member_create(council, display_name="Eleni Member")
    held = meeting_held(council)
    client.force_login(secretary_of(council))
    answer = client.post(reverse("councils:manage_attendance", args=[held.pk]), {})
    assert answer.status_code == 400
    summary = answer.content.decode().split("govuk-error-summary__list")[1].split("</ul>")[0]
    assert "Say whether Eleni Member" in summary
    assert summary.count("Say whether") == council.memberships.count() == 2
    assert not held.attendance.exists()


def test_a_seat_without_a_council_role_is_not_invited() -> None:
    """Found in review: a seat alone opens nothing, so it is sent no agenda either."""
    from councils.services.convening import meeting_convene
    from curim.accounts.services import user_roles_set

    council = council_create()
    stays = member_create(council).person
    lost_the_role = member_create(council).person
    user_roles_set(user=lost_the_role, roles=set())
    meeting = meeting_planned(council, items=(("Lighting", False, "decision"),))
    outbox_run()
    mail.outbox.clear()
    meeting_convene(meeting=meeting, by=secretary_of(council))
    outbox_run()
    addresses = {message.to[0] for message in mail.outbox}
    assert addresses == {stays.email, secretary_of(council).email}
