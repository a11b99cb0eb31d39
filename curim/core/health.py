"""Health of the services the platform needs: PostgreSQL with PostGIS, Redis, a Celery worker."""

import logging
from typing import Any

import redis
from django.conf import settings
from django.db import connection

from curim.celery import app

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


def health_report() -> tuple[bool, dict[str, Check]]:
    checks = {"database": database_check(), "redis": redis_check()}
    # Without Redis no worker can be reached; asking would only wait for the timeout.
    if checks["redis"]["ok"]:
        checks["celery"] = worker_check()
    else:
        checks["celery"] = {"ok": False, "error": "broker unreachable"}
    return all(check["ok"] for check in checks.values()), checks
