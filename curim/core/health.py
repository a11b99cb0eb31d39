"""Health of the services the platform needs: PostgreSQL with PostGIS, Redis, a Celery worker."""

import logging
from typing import Any

import redis
from django.conf import settings
from django.db import connection
from django.db.models import Count, Min, Q
from django.utils import timezone

from curim.celery import app
from curim.core.models import OutboxTask
from curim.core.replica import replica_configured, replica_state

logger = logging.getLogger(__name__)

Check = dict[str, Any]


def database_check() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT postgis_lib_version()")
            (postgis_version,) = cursor.fetchone()
    except Exception as exc:
        logger.warning("health: database down: %s", exc)
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True, "postgis_version": postgis_version}


def redis_check() -> Check:
    client = redis.Redis.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=settings.REDIS_CONNECT_TIMEOUT,
        socket_timeout=settings.REDIS_SOCKET_TIMEOUT,
    )
    try:
        client.ping()
    except redis.RedisError as exc:
        logger.warning("health: redis down: %s", exc)
        return {"ok": False, "error": type(exc).__name__}
    finally:
        client.close()
    return {"ok": True}


def worker_check(*, timeout: float = 1.0) -> Check:
    try:
        replies = app.control.ping(timeout=timeout)
    except Exception as exc:
        logger.warning("health: worker ping failed: %s", exc)
        return {"ok": False, "error": type(exc).__name__}
    if not replies:
        return {"ok": False, "error": "no worker answered"}
    return {"ok": True, "workers": sorted(name for reply in replies for name in reply)}


def replica_check() -> Check:
    """The streaming replica as this process last found it (asked again when that answer is
    older than REPLICA_CHECK_SECONDS, so /healthz never waits on it more than a request does):
    for monitoring, never a 503 (its reads go to the primary while it is down or behind,
    curim.core.replica)."""
    state = replica_state()
    check: Check = {"ok": True, "serves_reads": state.usable}
    if state.lag_seconds is not None:
        check["lag_seconds"] = round(state.lag_seconds, 1)
    if state.error:
        check["error"] = state.error
    return check


def outbox_check() -> Check:
    """How much background work waits: for monitoring, never a reason to take the web down.

    `pending`: recorded, not yet accepted by the broker (Redis was down); `unfinished`: sent and
    not completed; `given_up`: sent OUTBOX_MAX_SENDS times without completing (look at their
    `last_error` in the admin's outbox).
    """
    try:
        counts = OutboxTask.objects.aggregate(
            pending=Count("pk", filter=Q(sent_at__isnull=True)),
            unfinished=Count("pk", filter=Q(sent_at__isnull=False, completed_at__isnull=True)),
            given_up=Count(
                "pk",
                filter=Q(completed_at__isnull=True, sends__gte=settings.OUTBOX_MAX_SENDS),
            ),
            oldest_pending=Min("created_at", filter=Q(sent_at__isnull=True)),
        )
    except Exception as exc:
        logger.warning("health: outbox unreadable: %s", exc)
        return {"ok": True, "error": type(exc).__name__}
    oldest = counts.pop("oldest_pending")
    age = (timezone.now() - oldest).total_seconds() if oldest else 0
    return {"ok": True, **counts, "oldest_pending_seconds": round(age)}


def health_report() -> tuple[bool, dict[str, Check]]:
    """Whether the platform can serve (database, Redis, a worker), and each check's details.

    The outbox's backlog is reported beside them for monitoring; it never makes the answer a 503,
    which would take the web server out of a load balancer for work that waits safely."""
    checks = {"database": database_check(), "redis": redis_check()}
    # Without Redis no worker can be reached; asking would only wait for the timeout.
    if checks["redis"]["ok"]:
        checks["celery"] = worker_check()
    else:
        checks["celery"] = {"ok": False, "error": "broker unreachable"}
    ok = all(check["ok"] for check in checks.values())
    if checks["database"]["ok"]:
        checks["outbox"] = outbox_check()
    if replica_configured():
        checks["replica"] = replica_check()
    return ok, checks
