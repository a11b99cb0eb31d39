"""Background work of the surveys: refreshing the indicator snapshot, and redoing it when a
refresh died with its worker."""

from celery import shared_task

from surveys.models import Survey
from surveys.services.refresh import (
    estimates_refresh,
    estimates_refresh_stale,
    estimates_refresh_unattended,
)


@shared_task(name="surveys.estimates_refresh", ignore_result=True)
def estimates_refresh_task(survey_id: int) -> int:
    """Recompute one wave's estimates (enqueued on commit when its data changed)."""
    survey = Survey.objects.filter(pk=survey_id).first()
    if survey is None:
        return 0
    return estimates_refresh(survey=survey) or 0


@shared_task(name="surveys.estimates_refresh_stale", ignore_result=True)
def estimates_refresh_stale_task() -> int:
    """Nightly: refresh every wave whose data changed since its last refresh."""
    return estimates_refresh_stale()


@shared_task(name="surveys.estimates_refresh_unattended", ignore_result=True)
def estimates_refresh_unattended_task() -> int:
    """Every two minutes: redo the refreshes that died with their worker, or never started."""
    return estimates_refresh_unattended()
