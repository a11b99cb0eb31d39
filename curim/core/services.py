"""Writes for the task outbox: enqueue on commit, send, record completion, sweep and prune.

A request path records the task in its own transaction and tries the broker once after commit,
with short timeouts. If Redis is down the row stays pending and the beat sweep sends it later, so
no work is lost and no request waits on the broker. The worker records when a task has run
(`curim.core.outbox_completion`); a task sent long ago that never completed was lost by the
broker (a Redis restart without persistence) and the sweep sends it again, a few times at most.
Tasks may therefore run more than once: every task is written to be idempotent, and the outbox
row id is the Celery task id.
"""

import logging
import uuid
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from curim.celery import app
from curim.core.models import OutboxTask
from curim.core.redis_circuit import redis_circuit, redis_down, redis_failed, redis_usable

logger = logging.getLogger(__name__)


def task_enqueue(*, task_name: str, args: list[Any] | None = None, **kwargs: Any) -> OutboxTask:
    """Record a task now; send it to the broker when the surrounding transaction commits."""
    row = OutboxTask(task_name=task_name, args=args or [], kwargs=kwargs)
    row.full_clean()
    row.save()
    transaction.on_commit(lambda: outbox_send(task_id=row.pk))
    return row


def task_enqueue_once(
    *, task_name: str, args: list[Any] | None = None, within: timedelta, **kwargs: Any
) -> OutboxTask | None:
    """Enqueue, unless the same task with the same arguments was enqueued within `within`."""
    recent = OutboxTask.objects.filter(
        task_name=task_name,
        args=args or [],
        kwargs=kwargs,
        created_at__gte=timezone.now() - within,
    )
    if recent.exists():
        return None
    return task_enqueue(task_name=task_name, args=args, **kwargs)


def outbox_send(*, task_id: uuid.UUID) -> bool:
    """Send one pending task to the broker. Returns whether the broker accepted it."""
    if not redis_usable():
        return False  # Redis failed earlier in this request: the sweep sends it later
    with transaction.atomic():
        row = (
            OutboxTask.objects.select_for_update(skip_locked=True)
            .filter(pk=task_id, sent_at__isnull=True)
            .first()
        )
        if row is None:
            return False
        row.attempts += 1
        try:
            # ignore_result: nobody waits on an outbox task's result, and asking for it would
            # subscribe to the result channel first, several more blocking round trips.
            app.send_task(
                row.task_name,
                args=row.args,
                kwargs=row.kwargs,
                task_id=str(row.pk),
                retry=False,
                ignore_result=True,
            )
        except Exception as exc:
            if redis_down(exc):
                redis_failed(exc)
            row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            row.save(update_fields=["attempts", "last_error"])
            logger.warning("outbox: could not send %s (%s): %s", row.task_name, row.pk, exc)
            return False
        row.sent_at = timezone.now()
        row.sends += 1
        row.last_error = ""
        # Only these fields: the worker may already have recorded completed_at.
        row.save(update_fields=["attempts", "sent_at", "sends", "last_error"])
        return True


def outbox_completed(*, task_id: str, error: str = "") -> bool:
    """Record that a worker ran an outbox task to its end (`error` if it failed there)."""
    pk = _outbox_pk(task_id)
    if pk is None:
        return False  # not an outbox task (a beat task, or one sent by hand)
    unfinished = OutboxTask.objects.filter(pk=pk, completed_at__isnull=True)
    if error:
        updated = unfinished.update(completed_at=timezone.now(), last_error=error[:2000])
    else:
        updated = unfinished.update(completed_at=timezone.now())
    return bool(updated)


def outbox_retrying(*, task_id: str, due: datetime) -> bool:
    """A worker sent the task again for later (a Celery retry): count its wait from then."""
    pk = _outbox_pk(task_id)
    if pk is None:
        return False
    return bool(OutboxTask.objects.filter(pk=pk, completed_at__isnull=True).update(sent_at=due))


def _outbox_pk(task_id: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(task_id)
    except (TypeError, ValueError):
        return None


def outbox_lost_requeue(*, limit: int = 500) -> int:
    """Make pending again the tasks sent long ago that never completed; returns how many.

    Longer ago than OUTBOX_REPUBLISH_AFTER_MINUTES, which exceeds the task time limit, so a
    task still running is not sent twice; at most OUTBOX_MAX_SENDS sends per task.
    """
    cutoff = timezone.now() - timedelta(minutes=settings.OUTBOX_REPUBLISH_AFTER_MINUTES)
    maximum: int = settings.OUTBOX_MAX_SENDS
    with transaction.atomic():
        lost = list(
            OutboxTask.objects.select_for_update(skip_locked=True)
            .filter(sent_at__lt=cutoff, completed_at__isnull=True, sends__lt=maximum)
            .order_by("sent_at")[:limit]
        )
        for row in lost:
            logger.warning(
                "outbox: %s (%s) was sent at %s and never completed; sending it again "
                "(send %d of %d%s)",
                row.task_name,
                row.pk,
                row.sent_at.isoformat() if row.sent_at else "?",
                row.sends + 1,
                maximum,
                ", the last" if row.sends + 1 >= maximum else "",
            )
        OutboxTask.objects.filter(pk__in=[row.pk for row in lost]).update(sent_at=None)
    return len(lost)


def outbox_sweep(*, limit: int = 500) -> int:
    """Send the oldest pending tasks, lost ones included; returns how many the broker accepted.

    One circuit for the whole sweep: if Redis hangs, the first task waits for the timeout and
    the others stay pending for the next sweep.
    """
    outbox_lost_requeue(limit=limit)
    pending = OutboxTask.objects.filter(sent_at__isnull=True).order_by("created_at")
    task_ids = list(pending.values_list("pk", flat=True)[:limit])
    with redis_circuit():
        return sum(outbox_send(task_id=task_id) for task_id in task_ids)


def outbox_prune(*, older_than: timedelta = timedelta(days=7)) -> int:
    """Delete finished rows once they are old enough that nobody needs them to debug: completed
    ones, and those sent OUTBOX_MAX_SENDS times without ever completing."""
    cutoff = timezone.now() - older_than
    finished = Q(completed_at__lt=cutoff) | Q(
        sent_at__lt=cutoff, completed_at__isnull=True, sends__gte=settings.OUTBOX_MAX_SENDS
    )
    deleted, _ = OutboxTask.objects.filter(finished).delete()
    return deleted
