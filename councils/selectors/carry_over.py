"""What a meeting's draft agenda carries over by itself (consuldemocracy#4723: adopted
proposals were not carried to the next agenda).

Two things follow a council from one meeting to the next without anybody typing them in:

- a recommendation **adopted at the previous meeting** (the council's latest meeting before
  this one that was not cancelled), so the next meeting hears how it starts;
- a recommendation with **action items overdue** on the day the agenda is drafted, or on the
  meeting's day when that is earlier (a meeting recorded after the fact), until they are done.
  "Overdue" is the rule of `action_items_overdue`: open, past due, of a recommendation not
  withdrawn.
"""

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from councils.models import (
    ActionItem,
    Council,
    Meeting,
    MeetingStatus,
    Recommendation,
    RecommendationStatus,
)
from councils.selectors.recommendations_internal import action_items_overdue
from councils.selectors.scopes import councils_of
from curim.accounts.models import User


@dataclass(frozen=True)
class CarryOver:
    recommendation: Recommendation
    adopted_at: Meeting | None  # the previous meeting, when it adopted the recommendation
    overdue: tuple[ActionItem, ...]  # its action items overdue, by due day


def meeting_before(
    council_id: int, moment: datetime, *, other_than: uuid.UUID | None = None
) -> Meeting | None:
    """The council's latest meeting starting before `moment` that was not cancelled."""
    meetings = Meeting.objects.filter(council=council_id, starts_at__lt=moment).exclude(
        status=MeetingStatus.CANCELLED
    )
    if other_than is not None:
        meetings = meetings.exclude(pk=other_than)
    return meetings.order_by("-starts_at").first()


def previous_meeting(meeting: Meeting) -> Meeting | None:
    """The council's latest meeting before this one that was not cancelled."""
    return meeting_before(meeting.council_id, meeting.starts_at, other_than=meeting.pk)


def carry_over_after(council_id: int, previous: Meeting | None, day: date) -> list[CarryOver]:
    """What a council's next agenda carries after the `previous` meeting, with the action
    items overdue on `day`, by reference. The one rule, for a drafted agenda
    (`carry_over_for`) and for what the next one will carry (`for_the_next_agenda`)."""
    adopted: dict[int, Recommendation] = {}
    if previous is not None:
        adopted = {
            recommendation.pk: recommendation
            for recommendation in Recommendation.objects.filter(
                council=council_id, adopted_by__agenda_item__meeting=previous
            ).exclude(status=RecommendationStatus.WITHDRAWN)
        }
    overdue: dict[int, list[ActionItem]] = defaultdict(list)
    recommendations = dict(adopted)
    for item in (
        action_items_overdue(day)
        .filter(recommendation__council=council_id)
        .select_related("owner_organisation", "recommendation")
        .order_by("due_on", "pk")
    ):
        overdue[item.recommendation_id].append(item)
        recommendations.setdefault(item.recommendation_id, item.recommendation)
    return [
        CarryOver(
            recommendation=recommendation,
            adopted_at=previous if pk in adopted else None,
            overdue=tuple(overdue.get(pk, ())),
        )
        for pk, recommendation in sorted(
            recommendations.items(), key=lambda pair: pair[1].reference
        )
    ]


def carry_over_for(meeting: Meeting, today: date | None = None) -> list[CarryOver]:
    """The recommendations the meeting's draft agenda should follow up, by reference."""
    day = min(today or timezone.localdate(), timezone.localdate(meeting.starts_at))
    return carry_over_after(meeting.council_id, previous_meeting(meeting), day)


def next_planned_meeting(council_id: int, after: datetime | None = None) -> Meeting | None:
    """The council's first planned meeting starting after `after` (now, by default)."""
    return (
        Meeting.objects.filter(
            council=council_id,
            status=MeetingStatus.PLANNED,
            starts_at__gt=after or timezone.now(),
        )
        .order_by("starts_at")
        .first()
    )


@dataclass(frozen=True)
class NextAgenda:
    """What the council's next meeting will follow up by itself (`carry_over_after`): the
    recommendations adopted at its previous meeting, and the action items overdue today."""

    council: Council
    meeting: Meeting | None  # the next planned or convened meeting, if one is set
    since: Meeting | None  # the meeting before it (not cancelled)
    adopted: list[Recommendation]
    overdue: list[ActionItem]


def for_the_next_agenda(user: User | AnonymousUser, today: date | None = None) -> list[NextAgenda]:
    """For each council of the user, what its next meeting's draft agenda will carry over:
    the same rule as the draft agenda itself, so the page and the agenda never disagree."""
    now = timezone.now()
    day = today or timezone.localdate()
    found = []
    for council in councils_of(user).order_by("slug"):
        upcoming = (
            Meeting.objects.filter(
                council=council,
                starts_at__gte=now,
                status__in=[MeetingStatus.PLANNED, MeetingStatus.CONVENED],
            )
            .order_by("starts_at")
            .first()
        )
        since = (
            previous_meeting(upcoming) if upcoming is not None else meeting_before(council.pk, now)
        )
        carried = carry_over_after(council.pk, since, day)
        found.append(
            NextAgenda(
                council=council,
                meeting=upcoming,
                since=since,
                adopted=[row.recommendation for row in carried if row.adopted_at is not None],
                overdue=sorted(
                    (item for row in carried for item in row.overdue),
                    key=lambda item: (item.due_on, item.pk),
                ),
            )
        )
    return found
