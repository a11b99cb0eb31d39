"""The health endpoint reports the database, PostGIS, Redis and a Celery worker."""

import pytest
from django.test import Client
from pytest_django.fixtures import Settings as SettingsWrapper


@pytest.mark.worker
@pytest.mark.django_db
def test_it_is_green_when_every_service_answers(client: Client, celery_worker: str) -> None:
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert body["checks"]["database"]["postgis_version"].startswith("3.")
    assert body["checks"]["redis"] == {"ok": True}
    assert celery_worker in body["checks"]["celery"]["workers"]
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_it_answers_503_when_redis_is_unreachable(
    client: Client, settings: SettingsWrapper
) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "down"
    assert body["checks"]["redis"]["ok"] is False
    assert body["checks"]["celery"] == {"ok": False, "error": "broker unreachable"}
    assert body["checks"]["database"]["ok"] is True


@pytest.mark.django_db
def test_it_refuses_writes(client: Client) -> None:
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
def test_it_reports_the_outbox_backlog_without_failing_on_it(
    client: Client, settings: SettingsWrapper
) -> None:
    import datetime

    from django.utils import timezone

    from curim.core.models import OutboxTask

    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # the broker is down: work waits in the outbox
    an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
    pending = OutboxTask.objects.create(task_name="core.outbox_prune")
    OutboxTask.objects.filter(pk=pending.pk).update(created_at=an_hour_ago)
    OutboxTask.objects.create(task_name="core.outbox_prune", sent_at=an_hour_ago, sends=1)
    OutboxTask.objects.create(
        task_name="core.outbox_prune", sent_at=an_hour_ago, sends=settings.OUTBOX_MAX_SENDS
    )
    OutboxTask.objects.create(
        task_name="core.outbox_prune", sent_at=an_hour_ago, completed_at=an_hour_ago, sends=1
    )
    outbox = client.get("/healthz").json()["checks"]["outbox"]
    assert outbox["pending"] == 1
    assert outbox["unfinished"] == 2
    assert outbox["given_up"] == 1
    assert 3590 <= outbox["oldest_pending_seconds"] <= 3700
    assert outbox["ok"] is True
