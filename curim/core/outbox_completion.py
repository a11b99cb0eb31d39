"""The worker tells the outbox when a task has run, through Celery's task signals.

Signals rather than a wrapper: tasks are declared in every app with `shared_task`, and the
outbox row id is the Celery task id, so one handler in the worker covers them all. Connected in
`CoreConfig.ready`; a task that is not in the outbox changes nothing.
"""

from datetime import UTC, datetime, timedelta
from numbers import Number
from typing import Any

from celery import states
from celery.signals import task_postrun, task_retry
from django.utils import timezone

from curim.core import services

# The states in which a task has run to its end and will not run again by itself.
FINISHED = {states.SUCCESS, states.FAILURE, states.IGNORED}


@task_postrun.connect(dispatch_uid="curim.core.outbox_completion.task_ran")
def task_ran(*, task_id: str, state: str, retval: Any = None, **kwargs: Any) -> None:
    if state not in FINISHED:
        return
    failed = state == states.FAILURE
    error = f"failed in the worker: {type(retval).__name__}: {retval}" if failed else ""
    services.outbox_completed(task_id=task_id, error=error)


@task_retry.connect(dispatch_uid="curim.core.outbox_completion.task_retrying")
def task_retrying(*, request: Any, reason: Any, **kwargs: Any) -> None:
    when = getattr(reason, "when", None)
    if isinstance(when, datetime):
        due = when if timezone.is_aware(when) else timezone.make_aware(when, UTC)
    elif isinstance(when, Number):
        due = timezone.now() + timedelta(seconds=float(when))  # type: ignore[arg-type]
    else:
        due = timezone.now()
    services.outbox_retrying(task_id=str(request.id), due=due)
