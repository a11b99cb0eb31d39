"""Work on a thread of its own, with its own database connection, as a second worker would do
it: what the tests of two connections at once share."""

import threading
from typing import Any

from django.db import connections

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
