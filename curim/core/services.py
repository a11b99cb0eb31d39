"""Writes for the task outbox: enqueue on commit, send, sweep and prune.

A request path records the task in its own transaction and tries the broker once after commit,
with short timeouts. If Redis is down the row stays pending and the beat sweep sends it later, so
no work is lost and no request waits on the broker. Tasks may therefore run more than once: every
task is written to be idempotent, and the outbox row id is the Celery task id.
"""

import logging
import uuid
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from curim.celery import app
from curim.core.models import OutboxTask

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
            app.send_task(
                row.task_name, args=row.args, kwargs=row.kwargs, task_id=str(row.pk), retry=False
            )
        except Exception as exc:
            row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            row.save(update_fields=["attempts", "last_error"])
            logger.warning("outbox: could not send %s (%s): %s", row.task_name, row.pk, exc)
            return False
        row.sent_at = timezone.now()
        row.last_error = ""
        row.save(update_fields=["attempts", "sent_at", "last_error"])
        return True


def outbox_sweep(*, limit: int = 500) -> int:
    """Send the oldest pending tasks; returns how many the broker accepted."""
    pending = OutboxTask.objects.filter(sent_at__isnull=True).order_by("created_at")
    task_ids = list(pending.values_list("pk", flat=True)[:limit])
    return sum(outbox_send(task_id=task_id) for task_id in task_ids)


def outbox_prune(*, older_than: timedelta = timedelta(days=7)) -> int:
    """Delete sent rows once they are old enough that nobody needs them to debug."""
    cutoff = timezone.now() - older_than
    deleted, _ = OutboxTask.objects.filter(sent_at__lt=cutoff).delete()
    return deleted
