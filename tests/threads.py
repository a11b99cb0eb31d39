"""Work on a thread of its own, with its own database connection, as a second worker would do
it: what the tests of two connections at once share."""

import threading
import time
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction

WAIT = 15  # seconds, at most, for a step that takes milliseconds


class Worker(threading.Thread):
    """A thread started by `in_thread`: its database backend's pid once connected, and the
    exception its target raised, if any (given as the cause when a wait on it fails)."""

    backend_pid: int | None = None
    error: BaseException | None = None


def in_thread(target: Any, outcome: dict[str, Any], key: str) -> Worker:
    """Start `target` on a thread named `key` (for `Pause`); its result, or the exception it
    raised, lands in `outcome[key]` (raised in the test by `joined`)."""

    def run() -> None:
        try:
            with connection.cursor() as cursor:  # this thread's own connection, opened here
                cursor.execute("SELECT pg_backend_pid()")
                (worker.backend_pid,) = cursor.fetchone()
            outcome[key] = target()
        except BaseException as error:  # handed to the test, which raises it
            worker.error = outcome[key] = error
        finally:
            connections.close_all()  # this thread's own connection

    worker = Worker(target=run, daemon=True, name=key)
    worker.start()
    return worker


def joined(*threads: Worker, outcome: dict[str, Any]) -> None:
    """Wait for the threads (a hung one fails), then raise what any of them raised."""
    for thread in threads:
        thread.join(WAIT)
        assert not thread.is_alive(), "a thread hung"
    for result in outcome.values():
        if isinstance(result, BaseException):
            raise result


def held(lock: Any, then: Any, outcome: dict[str, Any], key: str) -> tuple[Worker, threading.Event]:
    """A worker's transaction on a thread of its own: it takes `lock`, holds it until the test
    sets the event returned, then does `then` and commits. Returns once the lock is held."""
    locked, release = threading.Event(), threading.Event()

    def work() -> Any:
        with transaction.atomic():
            lock()
            locked.set()
            assert release.wait(WAIT)
            return then()

    thread = in_thread(work, outcome, key)
    deadline = time.monotonic() + WAIT
    while not locked.wait(0.02):
        if key in outcome:  # `lock` raised: say what, not that it timed out
            raise outcome[key]
        assert time.monotonic() < deadline, "the lock was never taken"
    return thread, release


def until_a_lock_is_awaited(thread: Worker, what: str) -> None:
    """Return once `thread`'s own connection waits for a lock (`what` names it in the failure);
    another connection's wait (a worker of an earlier test, say) does not count. Call it from
    outside a transaction: `pg_stat_activity` is read again on each try."""
    deadline = time.monotonic() + WAIT
    while True:
        if thread.backend_pid is not None:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_stat_clear_snapshot()")
                cursor.execute(
                    "SELECT wait_event_type = 'Lock' FROM pg_stat_activity "
                    "WHERE pid = %s AND datname = current_database()",
                    [thread.backend_pid],
                )
                row = cursor.fetchone()
            if row is not None and row[0]:
                return
        if not thread.is_alive():
            raise AssertionError(f"{what} ended without waiting for a lock") from thread.error
        assert time.monotonic() < deadline, f"{what} never waited for a lock"
        time.sleep(0.02)


class Pause:
    """A point inside a real service where the thread `in_thread` started under `key` stops,
    the first time it gets there, until the test releases it: what the service locked before
    that point stays locked meanwhile. Other threads pass straight through."""

    def __init__(self, key: str) -> None:
        self.key = key
        self.reached, self.release = threading.Event(), threading.Event()

    def before(self, function: Callable[..., Any]) -> Callable[..., Any]:
        """`function`, stopping first (monkeypatch it in where the service calls it)."""

        def paused(*args: Any, **kwargs: Any) -> Any:
            if threading.current_thread().name == self.key and not self.reached.is_set():
                self.reached.set()
                assert self.release.wait(WAIT)
            return function(*args, **kwargs)

        return paused

    def until_reached(self, thread: Worker) -> None:
        deadline = time.monotonic() + WAIT
        while not self.reached.wait(0.02):
            if not thread.is_alive():
                raise AssertionError(f"{self.key} ended before its pause") from thread.error
            assert time.monotonic() < deadline, f"{self.key} never reached its pause"


def paused_in_thread(
    monkeypatch: Any, owner: Any, name: str, target: Any, outcome: dict[str, Any], key: str
) -> tuple[Worker, threading.Event]:
    """Run `target` (a real service) on a thread named `key`, stopping it before it calls
    `owner.name` (what it locked before stays locked), as `held` does with a lock taken by
    hand. Returns once it has stopped: the thread, and the event the test sets to let it go
    on (in a `finally`)."""
    pause = Pause(key)
    monkeypatch.setattr(owner, name, pause.before(getattr(owner, name)))
    thread = in_thread(target, outcome, key)
    try:
        pause.until_reached(thread)
    except BaseException:
        pause.release.set()
        raise
    return thread, pause.release


def refused_or_done(change: Callable[[], Any]) -> tuple[bool, Any]:
    """(True, the refusal) where the change raised one, else (False, its result): a refusal
    kept apart from an error, which `joined` raises in the test."""
    try:
        return False, change()
    except ValidationError as refusal:
        return True, refusal
