"""Background work of the analytics, thin tasks around services."""

from celery import shared_task

from curim.analytics.selectors.run_now import RUN_NOW_TASK
from curim.analytics.services.nightly import analytics_nightly

NIGHTLY_TASK = "analytics.nightly_run"


# Its result (the number of runs) is kept, so whoever started it on demand can wait for it.
@shared_task(name=NIGHTLY_TASK, acks_late=True)
def nightly_run() -> int:
    """Every nightly analysis; a run already stored is found, not computed again."""
    return len(analytics_nightly())


# Queued through the outbox by an analyst's "Run now" (services/run_now.py); a killed worker's
# task is delivered again (acks_late) and finds what was already stored.
@shared_task(name=RUN_NOW_TASK, acks_late=True, ignore_result=True)
def run_now() -> int:
    """The nightly's analyses now, over the data as it is now."""
    return len(analytics_nightly())
