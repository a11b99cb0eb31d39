"""Who may start the analyses on demand ("Run now" on /analytics/: analysts and admins), and
whether a run so started is still waiting or running. The request is an outbox task
(`curim.core.services.task_enqueue`): its row says when it was queued, and the worker marks it
completed when the run has finished (or failed), so the row is the guard against queuing the
same work twice, visible to every web process and worker alike."""

from datetime import datetime, timedelta

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from curim.accounts.models import User
from curim.accounts.roles import Role, user_roles
from curim.core.models import OutboxTask

ANALYTICS_RUNNERS = frozenset({Role.ANALYST, Role.ADMIN})
RUN_NOW_TASK = "analytics.run_now"
# A request queued longer ago than this and still not completed is taken as lost: a new one
# may be queued. Longer than Run now's time limit (curim/analytics/tasks.py, 14 minutes) times
# the outbox's sends (a task sent 15 minutes ago and never completed is sent again, 3 times at
# most), so a request still in the outbox's hands blocks a second one.
RUN_NOW_STALE_AFTER = timedelta(hours=2)


def may_run_analytics(user: User | AnonymousUser) -> bool:
    return bool(user_roles(user) & ANALYTICS_RUNNERS)


def run_now_pending() -> datetime | None:
    """When the "Run now" still waiting or running was queued; None when there is none."""
    pending: datetime | None = (
        OutboxTask.objects.filter(
            task_name=RUN_NOW_TASK,
            completed_at__isnull=True,
            created_at__gte=timezone.now() - RUN_NOW_STALE_AFTER,
        )
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    return pending
