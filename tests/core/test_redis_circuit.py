"""A Redis that accepts connections and never answers costs a request one timeout, not one per
Redis call: after the first failure the rest of the request goes without Redis.

The hung Redis is a real TCP server that counts the connections it accepts; the tests count
those, not seconds.
"""

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import import_module
from typing import Any

import pytest
from celery import Celery
from django.apps import apps as django_apps
from django.core.cache import cache
from django.test import Client
from pytest_django.fixtures import Settings as SettingsWrapper

from curim.accounts.roles import Role
from curim.celery import app_config
from curim.core import services
from curim.core.models import OutboxTask
from curim.core.redis_circuit import RedisSkipped, redis_circuit
from curim.reports.models import Report, ReportStatus
from tests.factories import user_with_role

# A sanity bound against hanging, far above the one 0.5 s timeout expected; not a budget.
NEVER_THIS_LONG = 10.0


class HungRedis:
    """Accepts TCP connections and reads what is sent, but never answers."""

    def __init__(self) -> None:
        self._server = socket.create_server(("127.0.0.1", 0))
        self.url = f"redis://127.0.0.1:{self._server.getsockname()[1]}/0"
        self._accepted: list[socket.socket] = []
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def connections(self) -> int:
        with self._lock:
            return len(self._accepted)

    def _accept(self) -> None:
        while True:
            try:
                connection, _address = self._server.accept()
            except OSError:
                return  # closed
            with self._lock:
                self._accepted.append(connection)
            threading.Thread(target=self._drain, args=(connection,), daemon=True).start()

    @staticmethod
    def _drain(connection: socket.socket) -> None:
        try:
            while connection.recv(65536):
                pass
        except OSError:
            pass

    def close(self) -> None:
        self._server.close()
        with self._lock:
            for connection in self._accepted:
                connection.close()


@contextmanager
def _hung_redis(settings: SettingsWrapper, monkeypatch: Any) -> Iterator[HungRedis]:
    """The cache and the broker on a Redis that never answers, with 0.5 s timeouts."""
    hung = HungRedis()
    settings.REDIS_CONNECT_TIMEOUT = 0.5
    settings.REDIS_SOCKET_TIMEOUT = 0.5
    settings.CACHES = {
        "default": {
            **settings.CACHES["default"],
            "LOCATION": hung.url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    broker = Celery("hung", set_as_current=False)
    broker.conf.update(app_config())
    broker.conf.update(broker_url=hung.url, result_backend=hung.url)
    monkeypatch.setattr(services, "app", broker)
    try:
        yield hung
    finally:
        hung.close()


@pytest.fixture
def hung_redis(settings: SettingsWrapper, monkeypatch: Any) -> Iterator[HungRedis]:
    with _hung_redis(settings, monkeypatch) as hung:
        yield hung


@pytest.fixture
def seeded_then_hung_redis(
    transactional_db: None, piraeus: None, settings: SettingsWrapper, monkeypatch: Any
) -> Iterator[HungRedis]:
    """Roles, the report taxonomy and the map, then Redis hangs. (Transactional tests empty
    every table after them, seeded rows included, so the data migrations run again; saving a
    category touches the tile cache, which must not hang yet.)"""
    import_module("curim.accounts.migrations.0002_roles").roles_create(django_apps, None)
    import_module("curim.reports.migrations.0002_taxonomy").taxonomy_create(django_apps, None)
    with _hung_redis(settings, monkeypatch) as hung:
        yield hung


def test_inside_a_circuit_redis_is_tried_once(hung_redis: HungRedis) -> None:
    with redis_circuit():
        with pytest.raises(Exception, match="Timeout"):
            cache.get("a")
        for key in ("b", "c", "d"):
            with pytest.raises(RedisSkipped):
                cache.get(key)
    assert hung_redis.connections == 1


def test_outside_a_circuit_every_call_is_tried(hung_redis: HungRedis) -> None:
    for key in ("a", "b"):
        with pytest.raises(Exception, match="Timeout"):
            cache.get(key)
    assert hung_redis.connections == 2


def _post_timed(client: Client, path: str, data: Any, **extra: Any) -> Any:
    started = time.monotonic()
    response = client.post(path, data, **extra)
    assert time.monotonic() - started < NEVER_THIS_LONG
    return response


@pytest.mark.django_db(transaction=True)
def test_a_request_waits_on_a_hung_redis_once(seeded_then_hung_redis: HungRedis) -> None:
    hung_redis = seeded_then_hung_redis
    # A citizen reports anonymously: the rate limit finds Redis hung, and lets the report in.
    body = {
        "category": "graffiti",
        "description": "Tags sprayed on the school wall",
        "latitude": 37.9425,
        "longitude": 23.6465,
        "severity": 2,
        "feeling_unsafe": 3,
    }
    print("BEFORE", hung_redis.connections)
    response = _post_timed(Client(), "/api/v1/reports/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert hung_redis.connections == 1
    report = Report.objects.get(public_id=response.json()["id"])

    # A moderator publishes it: after commit the outbox publishes the e-mail task and the tile
    # cache is bumped, two more Redis calls; the first one's timeout skips the second.
    moderator = user_with_role(Role.MODERATOR)
    client = Client()
    client.force_login(moderator)
    response = _post_timed(client, f"/moderation/{report.public_id}/act/", {"action": "publish"})
    assert response.status_code == 302
    assert hung_redis.connections == 2
    report.refresh_from_db()
    assert report.status == ReportStatus.PUBLISHED
    row = OutboxTask.objects.get(task_name="reports.status_email_send")
    assert row.sent_at is None  # pending: the sweep sends it once Redis is back
    assert row.attempts == 1


@pytest.mark.django_db(transaction=True)
def test_a_sweep_waits_on_a_hung_broker_once(hung_redis: HungRedis) -> None:
    rows = [OutboxTask.objects.create(task_name="core.echo", args=[n]) for n in range(3)]
    started = time.monotonic()
    assert services.outbox_sweep() == 0
    assert time.monotonic() - started < NEVER_THIS_LONG
    assert hung_redis.connections == 1
    attempts = sorted(
        OutboxTask.objects.filter(pk__in=[r.pk for r in rows]).values_list("attempts", flat=True)
    )
    assert attempts == [0, 0, 1]
    assert not OutboxTask.objects.filter(sent_at__isnull=False).exists()
