"""An analyst's "Run now": the nightly's analyses queued on demand, once at a time.

The request goes through the task outbox (sent to the broker when the transaction commits,
swept again if the broker was down), as task `analytics.run_now` (`tasks.py`), which runs
`analytics_nightly`: the runs whose data changed since the last ones (their watermark) are
computed anew, the others found. A second request while one is waiting or running queues
nothing (`selectors/run_now.py`); two requests at the same instant are serialised by a
transaction-scoped PostgreSQL advisory lock, so only one of them queues."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction

from curim.accounts.models import User
from curim.analytics.selectors.run_now import RUN_NOW_TASK, may_run_analytics, run_now_pending
from curim.core.services import task_enqueue


@dataclass(frozen=True)
class RunNowRequest:
    # False: one was already waiting or running; nothing more was queued.
    queued: bool
    # When the waiting or running request (this one, or the earlier one) was queued.
    queued_at: datetime


def analytics_run_now(*, user: User | AnonymousUser) -> RunNowRequest:
    if not may_run_analytics(user):
        raise PermissionDenied
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [RUN_NOW_TASK])
        pending = run_now_pending()
        if pending is not None:
            return RunNowRequest(queued=False, queued_at=pending)
        row = task_enqueue(task_name=RUN_NOW_TASK)
    return RunNowRequest(queued=True, queued_at=row.created_at)
