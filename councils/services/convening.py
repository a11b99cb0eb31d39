"""Convening a meeting: it becomes convened, and each member of the council today is sent,
through the task outbox, an e-mail in their own language with the agenda and an iCalendar
invitation (METHOD:REQUEST). The e-mails leave after the commit, never in the request."""

import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from icalendar import vCalAddress

from councils.calendar import calendar_new, meeting_event
from councils.models import Meeting, MeetingInvitation, MeetingStatus, Membership
from councils.selectors.meetings import agenda_of, members_invited, members_sent_the_invitation
from councils.services.meetings import (
    CANCELLATION_EMAIL_TASK,
    CONVENING_EMAIL_TASK,
    invitations_queue,
    meeting_transition,
)
from curim.accounts.models import User

__all__ = [
    "CANCELLATION_EMAIL_TASK",
    "CONVENING_EMAIL_TASK",
    "cancellation_email_send",
    "convening_email_send",
    "meeting_convene",
]


@transaction.atomic
def meeting_convene(*, meeting: Meeting, by: User) -> Meeting:
    """Convene a planned meeting and queue the invitation of each member, in one transaction."""
    meeting = meeting_transition(meeting=meeting, to_status=MeetingStatus.CONVENED, by=by)
    invitations_queue(meeting)
    return meeting


def meeting_invitation_ics(
    meeting: Meeting, *, attendee: str = "", method: str = "REQUEST"
) -> bytes:
    """The meeting as an invitation (METHOD:REQUEST), or its cancellation (METHOD:CANCEL, the
    event STATUS:CANCELLED, a higher SEQUENCE), its URL the meeting's page for members."""
    url = settings.SITE_URL + reverse("councils:manage_meeting", args=[meeting.pk])
    calendar = calendar_new(method=method)
    event = meeting_event(meeting, summary=meeting.title, url=url, stamp=timezone.now())
    organiser = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL.split('<')[-1].rstrip('>')}")
    event.add("organizer", organiser)
    if attendee:
        event.add("attendee", vCalAddress(f"mailto:{attendee}"), parameters={"RSVP": "TRUE"})
    calendar.add_component(event)
    return bytes(calendar.to_ical())


def _first_sending(
    meeting_id: uuid.UUID,
    membership_id: uuid.UUID,
    *,
    status: str,
    members: Callable[[Meeting], QuerySet[Membership]],
) -> tuple[Meeting, User] | None:
    """The meeting and the person to write to, or None when there is nobody to write to any
    more (the meeting moved on, the member left or has no address), or when this member was
    written to about this version of the meeting already (the outbox may run a task twice): a
    `MeetingInvitation` row, unique per meeting, member and sequence, is written before the
    e-mail leaves and committed after it, so a second run finds it (or waits for it)."""
    meeting = Meeting.objects.filter(pk=meeting_id, status=status).select_related("council").first()
    if meeting is None:
        return None
    membership = members(meeting).filter(public_id=membership_id).first()
    if membership is None:
        return None
    person: User = membership.person
    if not person.is_active or not person.email:
        return None
    _row, first = MeetingInvitation.objects.get_or_create(
        meeting=meeting, membership=membership, sequence=meeting.sequence
    )
    return (meeting, person) if first else None


def _email_with_calendar(
    person: User, subject: str, body: str, *, filename: str, ics: bytes, method: str
) -> None:
    message = EmailMessage(subject, body, None, [person.email])
    message.attach(filename, ics, f"text/calendar; method={method}; charset=utf-8")
    message.send()


@transaction.atomic
def convening_email_send(*, meeting_id: uuid.UUID, membership_id: uuid.UUID) -> int:
    """Send one member of the council today the convening e-mail, once (`_first_sending`)."""
    found = _first_sending(
        meeting_id,
        membership_id,
        status=MeetingStatus.CONVENED,
        members=lambda meeting: members_invited(meeting.council),
    )
    if found is None:
        return 0
    meeting, person = found
    with translation.override(person.language or settings.LANGUAGE_CODE):
        context = {
            "meeting": meeting,
            "council": meeting.council,
            "agenda": list(agenda_of(meeting)),
            "person": person,
            "link": settings.SITE_URL + reverse("councils:manage_meeting", args=[meeting.pk]),
        }
        subject = render_to_string("councils/email/convening_subject.txt", context).strip()
        body = render_to_string("councils/email/convening_body.txt", context)
        invitation = meeting_invitation_ics(meeting, attendee=person.email)  # its title too
    _email_with_calendar(
        person, subject, body, filename="invitation.ics", ics=invitation, method="REQUEST"
    )
    return 1


@transaction.atomic
def cancellation_email_send(*, meeting_id: uuid.UUID, membership_id: uuid.UUID) -> int:
    """Tell one member who was sent the invitation that the meeting is cancelled, with the
    reason and a METHOD:CANCEL calendar message (the same UID), so their calendar marks the
    event cancelled; once per member (`_first_sending`, the row of the cancelled version)."""
    found = _first_sending(
        meeting_id,
        membership_id,
        status=MeetingStatus.CANCELLED,
        members=members_sent_the_invitation,
    )
    if found is None:
        return 0
    meeting, person = found
    with translation.override(person.language or settings.LANGUAGE_CODE):
        context = {"meeting": meeting, "council": meeting.council, "person": person}
        subject = render_to_string("councils/email/cancellation_subject.txt", context).strip()
        body = render_to_string("councils/email/cancellation_body.txt", context)
        notice = meeting_invitation_ics(meeting, attendee=person.email, method="CANCEL")
    _email_with_calendar(
        person, subject, body, filename="cancellation.ics", ics=notice, method="CANCEL"
    )
    return 1
