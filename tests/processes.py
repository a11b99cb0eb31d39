"""Stopping a server process a test started (gunicorn, a Celery worker)."""

import ctypes
import os
import signal
import subprocess
from typing import Any

_PR_SET_PDEATHSIG = 1


def dies_with_this_process() -> None:
    """`preexec_fn` for a server a test starts: it gets SIGTERM when the test run dies.

    A pytest run killed or interrupted must not leave a Celery worker behind that goes on
    consuming the test queue (it took a later run's tasks and failed its tests). Linux only.
    """
    parent = os.getppid()
    ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # the run died before the request took effect
        os._exit(1)


def process_stop(process: "subprocess.Popen[Any]", *, grace: float = 30) -> None:
    """Ask it to stop; a process still busy after `grace` seconds is killed, not waited for."""
    process.terminate()
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=30)
