"""Figures derived from the records: a meeting's quorum, a recommendation's progress. The
rules live in `councils.quorum` and `councils.progress`; this module reads what they need, in
a fixed number of queries however many records are asked about."""

from collections.abc import Iterable

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from councils.models import (
    ActionItem,
    ActionItemStatus,
    AttendanceStatus,
    Meeting,
    Membership,
    ProgressUpdate,
    Recommendation,
)
from councils.models.choices import VOTING_POSITIONS
from councils.progress import ItemProgress, Progress, progress_of
from councils.quorum import Quorum, quorum_of
from councils.selectors.scopes import current_on


def meeting_quorum(meeting: Meeting) -> Quorum:
    """The quorum of a meeting, and whether the members attending reached it."""
    day = timezone.localdate(meeting.starts_at)
    members = Membership.objects.filter(
        current_on(day), council=meeting.council_id, position__in=VOTING_POSITIONS
    ).count()
    attending: int | None = None
    if not meeting.attendance_not_recorded and meeting.attendance.exists():
        attending = meeting.attendance.filter(
            membership__position__in=VOTING_POSITIONS,
            status__in=[AttendanceStatus.PRESENT, AttendanceStatus.REPRESENTED],
        ).count()
    return quorum_of(members=members, council_quorum=meeting.council.quorum, attending=attending)


def _latest_update() -> Subquery:
    return Subquery(
        ProgressUpdate.objects.filter(action_item=OuterRef("pk"))
        .order_by("-on", "-created_at", "-pk")
        .values("percent")[:1]
    )


def recommendations_progress(recommendation_ids: Iterable[int]) -> dict[int, Progress]:
    """Each recommendation's progress, in one query for them all."""
    ids = list(recommendation_ids)
    items: dict[int, list[ItemProgress]] = {pk: [] for pk in ids}
    rows = (
        ActionItem.objects.filter(recommendation__in=ids)
        .annotate(latest_percent=_latest_update())
        .values_list("recommendation_id", "weight", "status", "latest_percent")
    )
    for recommendation_id, weight, status, percent in rows:
        items[recommendation_id].append(
            ItemProgress(
                percent=percent, weight=weight, cancelled=status == ActionItemStatus.CANCELLED
            )
        )
    return {pk: progress_of(found) for pk, found in items.items()}


def recommendation_progress(recommendation: Recommendation) -> Progress:
    return recommendations_progress([recommendation.pk])[recommendation.pk]
