"""Celery: a real worker on the real Redis, and the outbox that survives a broker outage."""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
import redis
from celery import Celery, states
from celery.app.task import Context
from celery.exceptions import Retry
from django.conf import settings
from django.utils import timezone

from curim.celery import app, app_config
from curim.core import outbox_completion, services
from curim.core.models import OutboxTask
from curim.core.tasks import echo

pytestmark = pytest.mark.worker


def test_a_task_makes_the_round_trip_through_redis_and_a_worker(celery_worker: str) -> None:
    assert echo.delay("καλημέρα").get(timeout=30) == "καλημέρα"


def test_the_app_acknowledges_late_and_limits_time() -> None:
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.task_time_limit
    assert app.conf.task_soft_time_limit
    assert app.conf.task_soft_time_limit < app.conf.task_time_limit
    assert "outbox-sweep" in app.conf.beat_schedule


def _broker_down() -> Celery:
    """Our real Celery configuration, with Redis (broker and results) on a dead port."""
    down = Celery("down", set_as_current=False)
    down.conf.update(app_config())
    down.conf.update(broker_url="redis://127.0.0.1:1/0", result_backend="redis://127.0.0.1:1/0")
    return down


def _completed(row: OutboxTask) -> OutboxTask:
    """The row once the worker has recorded its completion (a guard against hanging, 30 s)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        row.refresh_from_db()
        if row.completed_at is not None:
            return row
        time.sleep(0.1)
    raise AssertionError(f"the worker never completed {row.task_name} ({row.pk})")


@pytest.mark.django_db(transaction=True)
def test_work_enqueued_while_the_broker_is_down_is_sent_by_the_sweep(
    celery_worker: str, monkeypatch: Any
) -> None:
    monkeypatch.setattr(services, "app", _broker_down())
    started = time.monotonic()
    row = services.task_enqueue(task_name="core.echo", args=["after the outage"])
    # A guard against hanging, not a performance budget: the failure mode is ~20 s of retries.
    assert time.monotonic() - started < 5
    # Outside a transaction on_commit runs at once: the send was tried and failed.
    row.refresh_from_db()
    assert row.sent_at is None
    assert row.attempts == 1
    assert "Error" in row.last_error

    monkeypatch.setattr(services, "app", app)  # the broker is back
    assert services.outbox_sweep() == 1
    row = _completed(row)
    assert row.sent_at is not None
    assert row.sends == 1
    assert services.outbox_sweep() == 0  # nothing is sent twice


@contextmanager
def _worker_paused(worker: str) -> Iterator[None]:
    """The worker stops taking tasks from the queue, so that they wait in Redis."""
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    assert app.control.cancel_consumer(queue, destination=[worker], reply=True, timeout=10)
    # A BRPOP already waiting when the consumer was cancelled may still take one message; kombu
    # waits 1 s per BRPOP, so after this none is left waiting.
    time.sleep(2)
    try:
        yield
    finally:
        assert app.control.add_consumer(queue, destination=[worker], reply=True, timeout=10)


def _queue_flushed() -> int:
    """Empty the queue in Redis, as a restart of a Redis that keeps nothing on disk would."""
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    try:
        queue = settings.CELERY_TASK_DEFAULT_QUEUE
        # kombu keeps one list per priority step next to the queue's own.
        names = [k if isinstance(k, str) else k.decode() for k in client.keys(f"{queue}*")]
        keys = [name for name in names if name.split("\x06")[0] == queue]
        waiting = sum(client.llen(key) for key in keys)
        if keys:
            client.delete(*keys)
        return waiting
    finally:
        client.close()


def _sent_long_ago(row: OutboxTask) -> None:
    """As if the broker had accepted it longer ago than the sweep waits for a completion."""
    delay = timedelta(minutes=settings.OUTBOX_REPUBLISH_AFTER_MINUTES, seconds=1)
    OutboxTask.objects.filter(pk=row.pk).update(sent_at=timezone.now() - delay)


@pytest.mark.django_db(transaction=True)
def test_a_task_lost_by_the_broker_is_sent_again_by_the_sweep(celery_worker: str) -> None:
    with _worker_paused(celery_worker):
        row = services.task_enqueue(task_name="core.echo", args=["lost in a restart"])
        row.refresh_from_db()
        assert row.sent_at is not None
        assert _queue_flushed() == 1
        _sent_long_ago(row)
    assert services.outbox_sweep() == 1
    row = _completed(row)
    assert row.sends == 2
    assert row.attempts == 2


@pytest.mark.django_db(transaction=True)
def test_a_completed_task_is_never_sent_again(celery_worker: str) -> None:
    row = _completed(services.task_enqueue(task_name="core.echo", args=["done once"]))
    _sent_long_ago(row)
    assert services.outbox_sweep() == 0
    row.refresh_from_db()
    assert row.sends == 1


@pytest.mark.django_db(transaction=True)
def test_a_task_is_sent_at_most_outbox_max_sends_times(
    monkeypatch: Any, caplog: pytest.LogCaptureFixture
) -> None:
    sent: list[str] = []
    monkeypatch.setattr(app, "send_task", lambda name, **kw: sent.append(kw["task_id"]))
    row = services.task_enqueue(task_name="core.echo", args=["never completes"])
    for _ in range(settings.OUTBOX_MAX_SENDS + 2):
        _sent_long_ago(row)
        services.outbox_sweep()
    row.refresh_from_db()
    assert row.sends == settings.OUTBOX_MAX_SENDS
    assert sent == [str(row.pk)] * settings.OUTBOX_MAX_SENDS
    assert "never completed; sending it again" in caplog.text
    assert (
        f"send {settings.OUTBOX_MAX_SENDS} of {settings.OUTBOX_MAX_SENDS}, the last" in caplog.text
    )


def test_the_sweep_waits_longer_than_a_task_may_run() -> None:
    assert app.conf.task_time_limit < settings.OUTBOX_REPUBLISH_AFTER_MINUTES * 60


@pytest.mark.django_db
def test_the_worker_records_success_failure_and_retries() -> None:
    done, failed, retried = (
        OutboxTask.objects.create(task_name="core.echo", sent_at=timezone.now(), sends=1)
        for _ in range(3)
    )
    outbox_completion.task_ran(task_id=str(done.pk), state=states.SUCCESS, retval="ok")
    outbox_completion.task_ran(
        task_id=str(failed.pk), state=states.FAILURE, retval=ValueError("no such event")
    )
    in_ten_minutes: Any = 600  # seconds, as autoretry's countdown gives it
    outbox_completion.task_retrying(
        request=Context(id=str(retried.pk)), reason=Retry(when=in_ten_minutes)
    )
    outbox_completion.task_ran(task_id=str(retried.pk), state=states.RETRY, retval=None)
    outbox_completion.task_ran(task_id="not-an-outbox-id", state=states.SUCCESS, retval=None)
    for row in (done, failed, retried):
        row.refresh_from_db()
    assert done.completed_at is not None
    assert failed.completed_at is not None
    assert "ValueError: no such event" in failed.last_error
    assert retried.completed_at is None
    # The retry is due in ten minutes: the sweep's wait counts from then.
    assert retried.sent_at is not None
    assert retried.sent_at > timezone.now() + timedelta(minutes=9)


@pytest.mark.django_db
def test_the_prune_keeps_what_may_still_run() -> None:
    old = timezone.now() - timedelta(days=8)
    maximum = settings.OUTBOX_MAX_SENDS
    keep = [
        OutboxTask.objects.create(task_name="pending"),
        OutboxTask.objects.create(
            task_name="recently done", sent_at=old, completed_at=timezone.now()
        ),
        OutboxTask.objects.create(task_name="may be sent again", sent_at=old, sends=maximum - 1),
    ]
    OutboxTask.objects.create(task_name="done", sent_at=old, completed_at=old, sends=1)
    OutboxTask.objects.create(task_name="given up", sent_at=old, sends=maximum)
    assert services.outbox_prune() == 2
    assert set(OutboxTask.objects.values_list("pk", flat=True)) == {row.pk for row in keep}


@pytest.mark.django_db
def test_nothing_is_recorded_when_the_transaction_rolls_back(
    django_capture_on_commit_callbacks: Any,
) -> None:
    from django.db import transaction

    with django_capture_on_commit_callbacks() as callbacks:
        try:
            with transaction.atomic():
                services.task_enqueue(task_name="core.echo", args=["never"])
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
    assert callbacks == []
    assert not OutboxTask.objects.exists()


@pytest.mark.django_db
def test_enqueue_once_skips_a_repeat_within_the_window() -> None:
    first = services.task_enqueue_once(
        task_name="core.echo", args=["x"], within=timedelta(minutes=5)
    )
    again = services.task_enqueue_once(
        task_name="core.echo", args=["x"], within=timedelta(minutes=5)
    )
    other = services.task_enqueue_once(
        task_name="core.echo", args=["y"], within=timedelta(minutes=5)
    )
    assert first is not None
    assert again is None
    assert other is not None
