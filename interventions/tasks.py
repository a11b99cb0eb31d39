"""Background work of the interventions, thin tasks around services."""

from celery import shared_task

from interventions.services.evaluations import EVALUATION_TASK, evaluation_compute

# An evaluation reads two windows' counts in one query and fits a small model; randomization
# inference may list up to 5,000 assignments. Like the analytics' "Run now", it goes through the
# outbox, whose sweep sends a task again after OUTBOX_REPUBLISH_AFTER_MINUTES (15): it has 14.
# A second delivery finds the evaluation no longer queued and stores nothing.
EVALUATION_SOFT_TIME_LIMIT_S = 13 * 60
EVALUATION_TIME_LIMIT_S = 14 * 60


@shared_task(
    name=EVALUATION_TASK,
    acks_late=True,
    ignore_result=True,
    soft_time_limit=EVALUATION_SOFT_TIME_LIMIT_S,
    time_limit=EVALUATION_TIME_LIMIT_S,
)
def evaluation_compute_task(evaluation_id: int) -> str:
    """Compute one queued evaluation; returns its status."""
    evaluation = evaluation_compute(evaluation_id=evaluation_id)
    return "" if evaluation is None else str(evaluation.status)
