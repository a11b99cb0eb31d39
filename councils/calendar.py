"""A meeting as an iCalendar event (RFC 5545): the public calendar and the invitation e-mailed
when a meeting is convened share it, so that a member's calendar sees one event (one UID)."""

import uuid
from datetime import datetime
from typing import Protocol
from urllib.parse import urlsplit

from django.conf import settings
from icalendar import Calendar, Event

from councils.models.choices import MeetingStatus

PRODID = "-//CURiM//Local Council for Crime Prevention//EN"


class CalendarMeeting(Protocol):
    """What an event needs of a meeting (a Meeting or a PublicMeeting)."""

    @property
    def id(self) -> uuid.UUID: ...
    @property
    def starts_at(self) -> datetime: ...
    @property
    def ends_at(self) -> datetime: ...
    @property
    def place(self) -> str: ...
    @property
    def online_url(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def sequence(self) -> int: ...


def site_host() -> str:
    """The site's host name, from `SITE_URL`: never the host a request came by (a proxy's, an
    alias, a test server's), which would give one meeting another UID."""
    return (urlsplit(str(settings.SITE_URL)).hostname or "localhost").lower()


def meeting_uid(meeting_id: uuid.UUID) -> str:
    """The event's UID: the same for a meeting wherever and however often it is published."""
    return f"{meeting_id}@{site_host()}"


def meeting_event(meeting: CalendarMeeting, *, summary: str, url: str, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", meeting_uid(meeting.id))
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", stamp)
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at)
    event.add("summary", summary)
    event.add("location", meeting.place or meeting.online_url)
    event.add("url", url)
    event.add("description", url)
    cancelled = meeting.status == MeetingStatus.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def calendar_new(*, name: str = "", method: str = "") -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    return calendar
