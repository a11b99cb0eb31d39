"""A real Celery worker a test starts to kill, and a database session of its own (a lock held
as another worker would hold it): what tests of killed work share."""

import os
import subprocess
import sys
import time
from typing import Any

import psycopg
from django.db import connection

from curim.celery import app as celery_app
from tests.conftest import ROOT, _database_url
from tests.processes import dies_with_this_process


def other_session() -> psycopg.Connection[Any]:
    """A database session of its own, as another worker would have."""
    db = connection.settings_dict
    return psycopg.connect(
        dbname=db["NAME"],
        user=db["USER"],
        password=db["PASSWORD"] or None,
        host=db["HOST"] or "localhost",
        port=db["PORT"] or 5432,
        autocommit=True,
    )


def doomed_worker(queue: str, name: str) -> "subprocess.Popen[bytes]":
    """A real Celery worker on a queue of its own, to be killed."""
    env = {**os.environ, "DATABASE_URL": _database_url()}
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "celery", "-A", "curim", "worker", "--pool=solo"),
            *("--loglevel=WARNING", "-n", name, "-Q", queue),
        ],
        cwd=ROOT,
        env=env,
        preexec_fn=dies_with_this_process,
    )
    deadline = time.monotonic() + 60
    while not celery_app.control.ping(destination=[name], timeout=1.0):
        assert process.poll() is None, "the worker exited while starting"
        assert time.monotonic() < deadline, "the worker did not start"
    return process


def forget_worker(queue: str, name: str) -> None:
    """Drop what the killed worker left on the broker: its unacknowledged task, its queue and
    its control mailbox."""
    with celery_app.connection_for_write() as broker:
        client = broker.default_channel.client  # type: ignore[attr-defined]  # Redis
        for tag, message in client.hgetall("unacked").items():
            if queue.encode() in message:
                client.hdel("unacked", tag)
                client.zrem("unacked_index", tag)
        for member in client.smembers("_kombu.binding.celery.pidbox"):
            if name.encode() in member:
                client.srem("_kombu.binding.celery.pidbox", member)
        client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")


def wait_for(condition: Any, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.2)
