"""Work on a thread of its own, with its own database connection, as a second worker would do
it: what the tests of two connections at once share."""

import threading
import time
from typing import Any

from django.db import connection, connections, transaction

WAIT = 15  # seconds, at most, for a step that takes milliseconds


def in_thread(target: Any, outcome: dict[str, Any], key: str) -> threading.Thread:
    """Start `target` on a thread; its result, or the exception it raised, lands in
    `outcome[key]` (raised in the test by `joined`)."""

    def run() -> None:
        try:
            outcome[key] = target()
        except BaseException as error:  # handed to the test, which raises it
            outcome[key] = error
        finally:
            connections.close_all()  # this thread's own connection

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def joined(*threads: threading.Thread, outcome: dict[str, Any]) -> None:
    """Wait for the threads (a hung one fails), then raise what any of them raised."""
    for thread in threads:
        thread.join(WAIT)
        assert not thread.is_alive(), "a thread hung"
    for result in outcome.values():
        if isinstance(result, BaseException):
            raise result


def waiting_on_a_lock() -> int:
    """How many connections of this database wait for a lock now."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        (count,) = cursor.fetchone()
    return int(count)


def held(
    lock: Any, then: Any, outcome: dict[str, Any], key: str
) -> tuple[threading.Thread, threading.Event]:
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
    assert locked.wait(WAIT)
    return thread, release


def until_a_lock_is_awaited(what: str) -> None:
    """Return once a connection of this database waits for a lock (`what` says whose wait the
    test expects: the failure names it)."""
    deadline = time.monotonic() + WAIT
    while waiting_on_a_lock() == 0:
        assert time.monotonic() < deadline, f"{what} never waited for a lock"
        time.sleep(0.02)
