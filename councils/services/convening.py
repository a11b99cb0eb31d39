"""Convening a meeting: it becomes convened, and each member of the council today is sent,
through the task outbox, an e-mail in their own language with the agenda and an iCalendar
invitation (METHOD:REQUEST). The e-mails leave after the commit, never in the request."""

import uuid

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from icalendar import vCalAddress

from councils.calendar import calendar_new, meeting_event
from councils.models import Meeting, MeetingInvitation, MeetingStatus
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


@transaction.atomic
def convening_email_send(*, meeting_id: uuid.UUID, membership_id: uuid.UUID) -> int:
    """Send one member the convening e-mail; 0 when there is nobody to send it to any more
    (the meeting was cancelled, or the member left the council, before the task ran), or when
    this member was sent this invitation already (the outbox may run a task twice): a
    `MeetingInvitation` row, unique per meeting, member and sequence, is written before the
    e-mail leaves and committed after it, so a second run finds it (or waits for it)."""
    meeting = (
        Meeting.objects.filter(pk=meeting_id, status=MeetingStatus.CONVENED)
        .select_related("council")
        .first()
    )
    membership = (
        members_invited(meeting.council).filter(public_id=membership_id).first()
        if meeting is not None
        else None
    )
    if meeting is None or membership is None:
        return 0
    person: User = membership.person
    if not person.is_active or not person.email:
        return 0
    _invitation, first = MeetingInvitation.objects.get_or_create(
        meeting=meeting, membership=membership, sequence=meeting.sequence
    )
    if not first:
        return 0
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
    message = EmailMessage(subject, body, None, [person.email])
    message.attach("invitation.ics", invitation, "text/calendar; method=REQUEST; charset=utf-8")
    message.send()
    return 1


@transaction.atomic
def cancellation_email_send(*, meeting_id: uuid.UUID, membership_id: uuid.UUID) -> int:
    """Tell one member who was sent the invitation that the meeting is cancelled, with the
    reason and a METHOD:CANCEL calendar message (the same UID), so their calendar marks the
    event cancelled; once per member (the `MeetingInvitation` row of the cancelled version)."""
    meeting = (
        Meeting.objects.filter(pk=meeting_id, status=MeetingStatus.CANCELLED)
        .select_related("council")
        .first()
    )
    membership = (
        members_sent_the_invitation(meeting).filter(public_id=membership_id).first()
        if meeting is not None
        else None
    )
    if meeting is None or membership is None:
        return 0
    person: User = membership.person
    if not person.is_active or not person.email:
        return 0
    _notice, first = MeetingInvitation.objects.get_or_create(
        meeting=meeting, membership=membership, sequence=meeting.sequence
    )
    if not first:
        return 0
    with translation.override(person.language or settings.LANGUAGE_CODE):
        context = {"meeting": meeting, "council": meeting.council, "person": person}
        subject = render_to_string("councils/email/cancellation_subject.txt", context).strip()
        body = render_to_string("councils/email/cancellation_body.txt", context)
        notice = meeting_invitation_ics(meeting, attendee=person.email, method="CANCEL")
    message = EmailMessage(subject, body, None, [person.email])
    message.attach("cancellation.ics", notice, "text/calendar; method=CANCEL; charset=utf-8")
    message.send()
    return 1
