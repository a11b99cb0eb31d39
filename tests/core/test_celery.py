"""Celery: a real worker on the real Redis, and the outbox that survives a broker outage."""

import time
from datetime import timedelta
from typing import Any

import pytest
from celery import Celery
from celery.result import AsyncResult

from curim.celery import app, app_config
from curim.core import services
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
    row.refresh_from_db()
    assert row.sent_at is not None
    assert AsyncResult(str(row.pk), app=app).get(timeout=30) == "after the outage"
    assert services.outbox_sweep() == 0  # nothing is sent twice


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
