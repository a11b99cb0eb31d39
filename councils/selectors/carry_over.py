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

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from councils.models import ActionItem, Meeting, MeetingStatus, Recommendation, RecommendationStatus
from councils.selectors.recommendations_internal import action_items_overdue


@dataclass(frozen=True)
class CarryOver:
    recommendation: Recommendation
    adopted_at: Meeting | None  # the previous meeting, when it adopted the recommendation
    overdue: tuple[ActionItem, ...]  # its action items overdue, by due day


def previous_meeting(meeting: Meeting) -> Meeting | None:
    """The council's latest meeting before this one that was not cancelled."""
    return (
        Meeting.objects.filter(council=meeting.council_id, starts_at__lt=meeting.starts_at)
        .exclude(status=MeetingStatus.CANCELLED)
        .exclude(pk=meeting.pk)
        .order_by("-starts_at")
        .first()
    )


def carry_over_for(meeting: Meeting, today: date | None = None) -> list[CarryOver]:
    """The recommendations the meeting's draft agenda should follow up, by reference."""
    day = min(today or timezone.localdate(), timezone.localdate(meeting.starts_at))
    previous = previous_meeting(meeting)
    adopted: dict[int, Recommendation] = {}
    if previous is not None:
        adopted = {
            recommendation.pk: recommendation
            for recommendation in Recommendation.objects.filter(
                council=meeting.council_id, adopted_by__agenda_item__meeting=previous
            ).exclude(status=RecommendationStatus.WITHDRAWN)
        }
    overdue: dict[int, list[ActionItem]] = defaultdict(list)
    recommendations = dict(adopted)
    for item in (
        action_items_overdue(day)
        .filter(recommendation__council=meeting.council_id)
        .select_related("owner_organisation")
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
