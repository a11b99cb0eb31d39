"""A case's history as one list, newest first: stages, workers, sessions, consents, referrals,
documents."""

import datetime
from dataclasses import dataclass
from typing import Any

from victims.models import Case


@dataclass(frozen=True)
class Event:
    at: datetime.datetime
    kind: str  # the template picks its wording by kind
    item: Any


def case_timeline(case: Case) -> list[Event]:
    events = [
        Event(c.changed_at, "status", c) for c in case.status_changes.select_related("changed_by")
    ]
    for a in case.assignments.select_related("worker"):
        events.append(Event(a.assigned_at, "assigned", a))
        if a.ended_at:
            events.append(Event(a.ended_at, "unassigned", a))
    events += [Event(s.held_at, "session", s) for s in case.sessions.select_related("worker")]
    for c in case.consents.select_related("service"):
        events.append(Event(c.given_at, "consent", c))
        if c.withdrawn_at:
            events.append(Event(c.withdrawn_at, "consent_withdrawn", c))
    for r in case.referrals.select_related("service"):
        events.append(Event(r.created_at, "referral", r))
        if r.updated_at > r.created_at + datetime.timedelta(seconds=1):
            events.append(Event(r.updated_at, "referral_update", r))
    events += [Event(d.uploaded_at, "document", d) for d in case.documents.all()]
    return sorted(events, key=lambda e: e.at, reverse=True)
