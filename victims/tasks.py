"""Background work of the Victim Support Unit: the nightly retention run."""

from celery import shared_task

from victims.services.privacy import retention_apply


@shared_task(name="victims.retention_apply", ignore_result=True)
def retention_apply_task() -> int:
    """The nightly retention run (victims.services.privacy.retention_apply); safe to repeat."""
    return retention_apply().anonymised
