"""Background work of the analytics, thin tasks around services."""

from celery import shared_task

from curim.analytics.selectors.run_now import RUN_NOW_TASK
from curim.analytics.services.nightly import analytics_nightly

NIGHTLY_TASK = "analytics.nightly_run"
# The whole night took 131 s on the bench's million reports (docs/performance.md, (i)), near
# the five minutes every other task gets (curim/celery.py): the night has 55 minutes, under the
# broker's visibility timeout (an hour; a task still running then would be delivered twice).
# "Run now" goes through the outbox, whose sweep sends a task again after
# OUTBOX_REPUBLISH_AFTER_MINUTES (15): it has 14. A run cut short is finished by the next (each
# analysis is stored whole, and found again).
NIGHTLY_SOFT_TIME_LIMIT_S = 50 * 60
NIGHTLY_TIME_LIMIT_S = 55 * 60
RUN_NOW_SOFT_TIME_LIMIT_S = 13 * 60
RUN_NOW_TIME_LIMIT_S = 14 * 60


# Its result (the number of runs) is kept, so whoever started it on demand can wait for it.
@shared_task(
    name=NIGHTLY_TASK,
    acks_late=True,
    soft_time_limit=NIGHTLY_SOFT_TIME_LIMIT_S,
    time_limit=NIGHTLY_TIME_LIMIT_S,
)
def nightly_run() -> int:
    """Every nightly analysis; a run already stored is found, not computed again."""
    return len(analytics_nightly())


# Queued through the outbox by an analyst's "Run now" (services/run_now.py); a killed worker's
# task is delivered again (acks_late) and finds what was already stored.
@shared_task(
    name=RUN_NOW_TASK,
    acks_late=True,
    ignore_result=True,
    soft_time_limit=RUN_NOW_SOFT_TIME_LIMIT_S,
    time_limit=RUN_NOW_TIME_LIMIT_S,
)
def run_now() -> int:
    """The nightly's analyses now, over the data as it is now."""
    return len(analytics_nightly())
