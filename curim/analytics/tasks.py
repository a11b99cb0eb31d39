"""Background work of the analytics, thin tasks around services."""

from celery import shared_task

from curim.analytics.services.nightly import analytics_nightly

NIGHTLY_TASK = "analytics.nightly_run"


# Its result (the number of runs) is kept, so whoever started it on demand can wait for it.
@shared_task(name=NIGHTLY_TASK, acks_late=True)
def nightly_run() -> int:
    """Every nightly analysis; a run already stored is found, not computed again."""
    return len(analytics_nightly())
