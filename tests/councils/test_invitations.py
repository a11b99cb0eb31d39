"""The convening e-mails: the outbox delivers a task at least once (its sweep sends a task
again when it cannot tell whether it left), so each member is sent one invitation per meeting
and version, however often the task runs; the invitation's UID and SEQUENCE."""

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from councils.models import AgendaItemKind, MeetingInvitation, MeetingStatus
from councils.services.convening import (
    CANCELLATION_EMAIL_TASK,
    CONVENING_EMAIL_TASK,
    convening_email_send,
    meeting_convene,
)
from councils.services.meetings import meeting_transition, meeting_update
from curim.celery import app as celery_app
from curim.core.models import OutboxTask
from tests.conftest import outbox_run
from tests.councils.factories import council_create, meeting_planned, member_create, secretary_of

pytestmark = pytest.mark.django_db


def _convened() -> Any:
    council = council_create()
    member_create(council)
    member_create(council)
    meeting = meeting_planned(
        council,
        starts_at=timezone.now() + timedelta(days=10),
        items=(("Street lighting", True, AgendaItemKind.DECISION),),
    )
    return meeting_convene(meeting=meeting, by=secretary_of(council))


def _run_again(tasks: list[list[str]]) -> None:
    """Run the convening tasks again, as the outbox's sweep may."""
    for args in tasks:
        celery_app.tasks[CONVENING_EMAIL_TASK].apply(args=tuple(args), throw=True)


def test_a_convening_task_run_twice_sends_each_member_one_e_mail(
    mailbox: list[mail.EmailMessage],
) -> None:
    meeting = _convened()
    tasks = list(
        OutboxTask.objects.filter(task_name=CONVENING_EMAIL_TASK).values_list("args", flat=True)
    )
    assert len(tasks) == 3  # the secretary and two members
    mailbox.clear()
    assert outbox_run() == [CONVENING_EMAIL_TASK] * 3
    _run_again(tasks)
    _run_again(tasks)
    recipients = sorted(message.to[0] for message in mailbox)
    assert len(recipients) == 3
    assert len(set(recipients)) == 3
    assert MeetingInvitation.objects.filter(meeting=meeting).count() == 3


def test_an_invitation_that_failed_to_leave_is_sent_when_the_task_runs_again(
    mailbox: list[mail.EmailMessage], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The row is written in the transaction of the sending: a failed send leaves none."""
    _convened()
    tasks = list(
        OutboxTask.objects.filter(task_name=CONVENING_EMAIL_TASK).values_list("args", flat=True)
    )
    mailbox.clear()

    def refused(*args: object, **kwargs: object) -> int:
        raise OSError("mail server unreachable")

    with monkeypatch.context() as patched:
        patched.setattr(mail.EmailMessage, "send", refused)
        with pytest.raises(OSError, match="unreachable"):
            convening_email_send(
                meeting_id=uuid.UUID(tasks[0][0]), membership_id=uuid.UUID(tasks[0][1])
            )
    assert not MeetingInvitation.objects.exists()
    _run_again(tasks[:1])
    assert len(mailbox) == 1


def _event(content: bytes) -> Any:
    (event,) = Calendar.from_ical(content).walk("VEVENT")
    return event


def _published(client: Client, host: str = "testserver") -> list[tuple[str, int, str]]:
    """The public calendar's events, as (UID, SEQUENCE, STATUS)."""
    content = client.get(reverse("councils:calendar"), HTTP_HOST=host).content
    return [
        (str(e["UID"]), int(str(e["SEQUENCE"])), str(e["STATUS"]))
        for e in Calendar.from_ical(content).walk("VEVENT")
    ]


def _invitations(mailbox: list[mail.EmailMessage]) -> dict[str, Any]:
    """Each recipient's invitation event, from the last e-mail each was sent."""
    return {m.to[0]: _event(m.attachments[0][1]) for m in mailbox}


@override_settings(SITE_URL="https://council.example.gr")
def test_one_uid_from_site_url_on_any_host_and_a_change_resent_with_a_higher_sequence(
    client: Client, mailbox: list[mail.EmailMessage]
) -> None:
    meeting = _convened()
    council = meeting.council
    mailbox.clear()
    outbox_run()
    first = _invitations(mailbox)
    assert len(first) == 3
    uid = f"{meeting.pk}@council.example.gr"
    assert {str(e["UID"]) for e in first.values()} == {uid}
    assert {int(str(e["SEQUENCE"])) for e in first.values()} == {0}

    # The public calendar names the event alike, read by any host.
    for host in ("testserver", "127.0.0.1"):
        assert _published(client, host) == [(uid, 0, "CONFIRMED")]

    # Moved to another room: sent again, the same event, a higher SEQUENCE.
    mailbox.clear()
    meeting_update(meeting=meeting, by=secretary_of(council), place="Town hall, room 5")
    assert outbox_run() == [CONVENING_EMAIL_TASK] * 3
    second = _invitations(mailbox)
    assert set(second) == set(first)
    for event in second.values():
        assert str(event["UID"]) == uid
        assert int(str(event["SEQUENCE"])) == 1
        assert str(event["LOCATION"]) == "Town hall, room 5"
    assert _published(client) == [(uid, 1, "CONFIRMED")]

    # A change of nothing a calendar shows sends nothing; cancelling raises the SEQUENCE.
    mailbox.clear()
    meeting_update(meeting=meeting, by=secretary_of(council), place="Town hall, room 5")
    assert outbox_run() == []
    meeting = meeting_transition(
        meeting=meeting, to_status=MeetingStatus.CANCELLED, by=secretary_of(council), reason="Flu."
    )
    assert _published(client) == [(uid, 2, "CANCELLED")]


def test_cancelling_a_convened_meeting_tells_each_invited_member_once_with_a_cancel_message(
    mailbox: list[mail.EmailMessage],
) -> None:
    meeting = _convened()
    outbox_run()
    invited = {message.to[0] for message in mailbox}
    council = meeting.council
    member_create(council)  # joined after the invitations: has nothing to cancel
    mailbox.clear()
    meeting_transition(
        meeting=meeting,
        to_status=MeetingStatus.CANCELLED,
        by=secretary_of(council),
        reason="The town hall is closed for repairs.",
    )
    tasks = list(
        OutboxTask.objects.filter(task_name=CANCELLATION_EMAIL_TASK).values_list("args", flat=True)
    )
    assert outbox_run() == [CANCELLATION_EMAIL_TASK] * len(invited)
    for args in tasks:  # the outbox's sweep may run a task again
        celery_app.tasks[CANCELLATION_EMAIL_TASK].apply(args=tuple(args), throw=True)
    assert sorted(message.to[0] for message in mailbox) == sorted(invited)
    message = mailbox[0]
    assert message.subject.startswith("Meeting cancelled: ")
    assert "The town hall is closed for repairs." in str(message.body)
    (_name, content, mimetype) = message.attachments[0]
    assert mimetype.startswith("text/calendar; method=CANCEL")
    calendar = Calendar.from_ical(content)
    assert calendar["method"] == "CANCEL"
    (event,) = calendar.walk("VEVENT")
    meeting.refresh_from_db()
    assert str(event["uid"]).startswith(f"{meeting.pk}@")
    assert event["status"] == "CANCELLED"
    assert int(str(event["sequence"])) == meeting.sequence >= 1


def test_cancelling_a_meeting_never_convened_sends_nothing(
    mailbox: list[mail.EmailMessage],
) -> None:
    council = council_create()
    member_create(council)
    meeting = meeting_planned(council, starts_at=timezone.now() + timedelta(days=10))
    meeting_transition(
        meeting=meeting, to_status=MeetingStatus.CANCELLED, by=secretary_of(council), reason="No"
    )
    assert outbox_run() == []
    assert mailbox == []
